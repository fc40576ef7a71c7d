//! Challenge standings, computed once and shared for a few seconds. Counting every
//! participant's activity takes a query over all of them; a busy server asking
//! `/challenge status` many times a second would otherwise repeat it for each request, and
//! every write would force the next one to. So progress and check-ins show in the standing
//! within [`FRESH_FOR`], while the caller's own line is counted afresh each time (one
//! member's rows) and placed among the shared standing. Changes to who is in it or visible
//! (join, leave, hide, delete, end) drop this process's copy at once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use moka::future::Cache;
use serenity::all::GuildId;

use super::standing::{rank, Progress, Ranked};

/// How long a standing is reused.
pub const FRESH_FOR: Duration = Duration::from_secs(5);
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

/// A standing is counted as of a moment; requests within the same [`FRESH_FOR`] slice of
/// time (by the invocation's clock, so tests that move time get what they ask for) share it.
type Key = (GuildId, i64, i64);

#[derive(Clone)]
pub struct StandingCache {
    standings: Cache<Key, Arc<Standing>>,
}

impl Default for StandingCache {
    fn default() -> Self {
        Self {
            standings: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(FRESH_FOR)
                .build(),
        }
    }
}

impl StandingCache {
    /// The standing of challenge `id` as of `now`, from `count` when this process has none
    /// for that slice of time. Concurrent requests for the same standing share one count.
    pub async fn get(
        &self,
        guild: GuildId,
        id: i64,
        now: DateTime<Utc>,
        count: impl std::future::Future<Output = sqlx::Result<Vec<Progress>>>,
    ) -> Result<Arc<Standing>, Arc<sqlx::Error>> {
        let slice = now.timestamp().div_euclid(FRESH_FOR.as_secs() as i64);
        self.standings
            .try_get_with((guild, id, slice), async move {
                count.await.map(|entries| Arc::new(Standing::new(entries)))
            })
            .await
    }

    /// Forgets every standing of `guild`: something they count just changed. Walks the few
    /// standings held rather than registering a filter, so a busy write path costs nothing
    /// while no standing is cached.
    pub async fn forget_server(&self, guild: GuildId) {
        for (key, _) in self.standings.iter() {
            if key.0 == guild {
                self.standings.invalidate(&*key).await;
            }
        }
    }
}
