//! Challenge standings, counted once per slice and shared (see `slice_cache`): counting every
//! participant's activity takes a query over all of them. The caller's own line is counted
//! afresh each time (one member's rows) and placed among the shared standing. Changes to who
//! is in it or visible (join, leave, hide, delete, end) drop this process's copy at once.

use super::standing::{rank, Progress, Ranked};
use crate::slice_cache::SliceCache;

/// A challenge's ranked standing.
#[derive(Debug, Clone)]
pub struct Standing {
    pub ranked: Vec<Ranked>,
    /// Participants who hide their progress: counted, never ranked.
    pub hidden: Vec<Progress>,
}

impl Standing {
    pub fn new(entries: Vec<Progress>) -> Self {
        let hidden: Vec<Progress> = entries.iter().filter(|p| p.hidden).cloned().collect();
        let (ranked, _) = rank(entries);
        Self { ranked, hidden }
    }
}

/// Standings by server and challenge id.
pub type StandingCache = SliceCache<i64, Standing>;

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use crate::ids::UserId;

    use std::sync::Arc;
    use std::time::Duration;

    use chrono::{DateTime, Utc};
    use serenity::all::GuildId;

    use super::*;
    use crate::slice_cache::Count;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    /// A count that reports how many counts ran, as the count of member 1.
    fn counter(runs: &Arc<AtomicI64>) -> impl FnOnce() -> Count<Standing> {
        let runs = runs.clone();
        move || {
            Box::pin(async move {
                let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(Standing::new(vec![Progress {
                    user: UserId::new(1),
                    hidden: false,
                    count: n,
                    reached_at: None,
                }]))
            })
        }
    }

    async fn count_seen(cache: &StandingCache, now: DateTime<Utc>, runs: &Arc<AtomicI64>) -> i64 {
        let standing = cache
            .get(GuildId::new(7), 1, now, counter(runs))
            .await
            .unwrap();
        standing.ranked[0].progress.count
    }

    #[tokio::test]
    async fn one_count_per_slice_and_the_last_slice_answers_while_the_next_is_counted() {
        let cache = StandingCache::default();
        let runs = Arc::new(AtomicI64::new(0));
        assert_eq!(count_seen(&cache, at(0), &runs).await, 1);
        assert_eq!(
            count_seen(&cache, at(3), &runs).await,
            1,
            "same slice: shared"
        );
        // The next slice: the last standing answers at once, the new count runs behind it.
        assert_eq!(count_seen(&cache, at(6), &runs).await, 1);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(count_seen(&cache, at(7), &runs).await, 2);
        // Long after: never older than one slice, so counted before answering.
        assert_eq!(count_seen(&cache, at(60), &runs).await, 3);
        cache.forget_server(GuildId::new(7)).await;
        assert_eq!(
            count_seen(&cache, at(61), &runs).await,
            4,
            "forgotten: counted again"
        );
    }
}
