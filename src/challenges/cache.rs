//! Challenge standings, counted once and shared. Counting every participant's activity takes
//! a query over all of them; a busy server asking `/challenge status` many times a second
//! would otherwise repeat it for each request, and every write would force the next one to.
//!
//! A standing is counted for a [`SLICE`] of time (by the invocation's clock, so tests that
//! move time get what they ask for) and shared by every request in it; concurrent requests
//! wait for one count. When a slice ends, the last one's standing keeps answering while the
//! next is counted in the background, so no request waits at the boundary; a standing more
//! than one slice old is never shown. The caller's own line is counted afresh each time (one
//! member's rows) and placed among the shared standing. Changes to who is in it or visible
//! (join, leave, hide, delete, end) drop this process's copy at once.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use moka::future::Cache;
use serenity::all::GuildId;

use super::standing::{rank, Progress, Ranked};

/// How long one count is shared.
pub const SLICE: Duration = Duration::from_secs(5);
/// Standings kept at most (one per challenge being looked at).
const CAPACITY: u64 = 10_000;

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

/// Counts a standing's entries; owns what it needs, so it can run in the background.
pub type Count = Pin<Box<dyn Future<Output = sqlx::Result<Vec<Progress>>> + Send + 'static>>;

type Challenge = (GuildId, i64);

/// The newest standing held for a challenge, and the slice it was counted for.
struct Held {
    slice: i64,
    standing: Arc<Standing>,
}

#[derive(Clone)]
pub struct StandingCache {
    /// The newest standing of each challenge.
    held: Cache<Challenge, Arc<Held>>,
    /// Counts in progress or just done, by challenge and slice: one count per slice however
    /// many requests ask.
    counts: Cache<(Challenge, i64), Arc<Standing>>,
    /// Background counts started and not finished: one task per challenge and slice, not one
    /// per request that arrives while it runs.
    refreshing: Arc<Mutex<HashSet<(Challenge, i64)>>>,
}

impl Default for StandingCache {
    fn default() -> Self {
        Self {
            held: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(SLICE * 2)
                .build(),
            counts: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(SLICE * 2)
                .build(),
            refreshing: Arc::default(),
        }
    }
}

impl StandingCache {
    /// The standing of challenge `id` as of `now`: this slice's, or the last slice's while
    /// this one is counted in the background, or else counted now by `count`.
    pub async fn get(
        &self,
        guild: GuildId,
        id: i64,
        now: DateTime<Utc>,
        count: impl FnOnce() -> Count,
    ) -> Result<Arc<Standing>, Arc<sqlx::Error>> {
        let slice = now.timestamp().div_euclid(SLICE.as_secs() as i64);
        let key = (guild, id);
        if let Some(held) = self.held.get(&key).await {
            if held.slice == slice {
                return Ok(held.standing.clone());
            }
            if held.slice == slice - 1 {
                if self.start_refresh(key, slice) {
                    let this = self.clone();
                    let count = count();
                    tokio::spawn(async move {
                        if let Err(e) = this.count(key, slice, count).await {
                            tracing::warn!(error = %e, "could not count a challenge standing");
                        }
                        this.refreshed(key, slice);
                    });
                }
                return Ok(held.standing.clone());
            }
        }
        self.count(key, slice, count()).await
    }

    /// Claims the background count of `slice`; false when one is running or done.
    fn start_refresh(&self, key: Challenge, slice: i64) -> bool {
        if self.counts.contains_key(&(key, slice)) {
            return false;
        }
        self.refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((key, slice))
    }

    fn refreshed(&self, key: Challenge, slice: i64) {
        self.refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(key, slice));
    }

    async fn count(
        &self,
        key: Challenge,
        slice: i64,
        count: Count,
    ) -> Result<Arc<Standing>, Arc<sqlx::Error>> {
        let standing = self
            .counts
            .try_get_with((key, slice), async move {
                count.await.map(|entries| Arc::new(Standing::new(entries)))
            })
            .await?;
        let newer = self.held.get(&key).await.is_none_or(|h| h.slice <= slice);
        if newer {
            let held = Arc::new(Held {
                slice,
                standing: standing.clone(),
            });
            self.held.insert(key, held).await;
        }
        Ok(standing)
    }

    /// Forgets every standing of `guild`: who is in it or visible just changed.
    pub async fn forget_server(&self, guild: GuildId) {
        for (key, _) in self.held.iter() {
            if key.0 == guild {
                self.held.invalidate(&*key).await;
            }
        }
        for (key, _) in self.counts.iter() {
            if key.0 .0 == guild {
                self.counts.invalidate(&*key).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use crate::ids::UserId;

    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    /// A count that reports how many counts ran, as the count of member 1.
    fn counter(runs: &Arc<AtomicI64>) -> impl FnOnce() -> Count {
        let runs = runs.clone();
        move || {
            Box::pin(async move {
                let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(vec![Progress {
                    user: UserId::new(1),
                    hidden: false,
                    count: n,
                    reached_at: None,
                }])
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
