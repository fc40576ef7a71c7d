//! Challenge standings, computed once and shared for a few seconds. Counting every
//! participant's activity takes a query over all of them; a busy server asking
//! `/challenge status` many times a second would otherwise repeat it for each request.
//! This process drops a server's standings whenever it writes something they count (progress,
//! check-ins, joining, leaving, hiding), so members see their own change at once; a change
//! made through another replica shows within [`FRESH_FOR`].

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use serenity::all::{GuildId, UserId};

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

    /// `user`'s own progress, if they joined.
    pub fn own(&self, user: UserId) -> Option<&Progress> {
        self.ranked
            .iter()
            .map(|r| &r.progress)
            .chain(&self.hidden)
            .find(|p| p.user == user)
    }
}

#[derive(Clone)]
pub struct StandingCache {
    standings: Cache<(GuildId, i64), Arc<Standing>>,
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
    /// The standing of challenge `id`, from `count` when it is not fresh here. Concurrent
    /// requests for the same standing share one count.
    pub async fn get(
        &self,
        guild: GuildId,
        id: i64,
        count: impl std::future::Future<Output = sqlx::Result<Vec<Progress>>>,
    ) -> Result<Arc<Standing>, Arc<sqlx::Error>> {
        self.standings
            .try_get_with((guild, id), async move {
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
