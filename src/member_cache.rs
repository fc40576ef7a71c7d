//! One member's answer, read once and shared for a few seconds: `/progress show` and
//! `/checkins` are asked far more often than a member's data changes, so a busy server reads
//! each member at most once per [`FRESH`] instead of once per request.
//!
//! Freshness is counted on the invocation's clock (so tests that move time get what they ask
//! for). A write this process makes drops the member's entry at once (`forget`), and a change
//! of the server's settings drops all of its members' (`forget_server`), so whoever just
//! changed something sees it; a change made elsewhere (another replica, the scheduler's
//! awards) shows within [`FRESH`]. Reads take time, so a read only stores what it found if
//! nothing was dropped since it began: a slow read cannot bring back what a write replaced.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use moka::ops::compute::Op;
use moka::sync::Cache;
use serenity::all::{GuildId, UserId};

/// How long an answer is shared.
pub const FRESH: Duration = Duration::from_secs(5);
/// Members held at most; moka evicts the least used beyond that.
const CAPACITY: u64 = 50_000;

type Member = (GuildId, UserId);

struct Entry<V> {
    /// When the read that found it began, or when it was dropped: orders reads and drops.
    began: Instant,
    /// The invocation time it was read at: it answers until [`FRESH`] after.
    read_at: DateTime<Utc>,
    /// `None`: dropped by a write.
    value: Option<Arc<V>>,
}

pub struct MemberCache<V> {
    entries: Cache<Member, Arc<Entry<V>>>,
    /// When each server's entries were last dropped as a whole.
    servers: Cache<GuildId, Instant>,
}

impl<V: Send + Sync + 'static> Default for MemberCache<V> {
    fn default() -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(CAPACITY)
                // Freshness is judged by the invocation's clock; this only bounds memory.
                .time_to_live(FRESH * 2)
                .build(),
            servers: Cache::builder().time_to_live(FRESH * 2).build(),
        }
    }
}

impl<V: Send + Sync + 'static> MemberCache<V> {
    /// The member's answer as of `now`: the one held if it is fresh, else read by `read`
    /// (and held for the next callers).
    pub async fn get<E, F>(
        &self,
        guild: GuildId,
        user: UserId,
        now: DateTime<Utc>,
        read: impl FnOnce() -> F,
    ) -> Result<Arc<V>, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if let Some(held) = self.fresh(guild, user, now) {
            return Ok(held);
        }
        let began = Instant::now();
        let value = Arc::new(read().await?);
        self.store(guild, user, began, now, value.clone());
        Ok(value)
    }

    fn fresh(&self, guild: GuildId, user: UserId, now: DateTime<Utc>) -> Option<Arc<V>> {
        let entry = self.entries.get(&(guild, user))?;
        let value = entry.value.clone()?;
        let age = now.signed_duration_since(entry.read_at);
        let in_time = age >= chrono::Duration::zero() && age.to_std().is_ok_and(|a| a < FRESH);
        let dropped = self.servers.get(&guild).is_some_and(|at| at >= entry.began);
        (in_time && !dropped).then_some(value)
    }

    fn store(
        &self,
        guild: GuildId,
        user: UserId,
        began: Instant,
        read_at: DateTime<Utc>,
        value: Arc<V>,
    ) {
        if self.servers.get(&guild).is_some_and(|at| at >= began) {
            return;
        }
        // Through the key's lock, so a drop cannot slip between the check and the store.
        self.entries
            .entry((guild, user))
            .and_compute_with(|held| match held {
                Some(held) if held.value().began >= began => Op::Nop,
                _ => Op::Put(Arc::new(Entry {
                    began,
                    read_at,
                    value: Some(value),
                })),
            });
    }

    /// The member's data just changed here: the next request reads it again, and a read that
    /// began before now stores nothing.
    pub fn forget(&self, guild: GuildId, user: UserId) {
        let dropped = Arc::new(Entry {
            began: Instant::now(),
            read_at: DateTime::<Utc>::MIN_UTC,
            value: None,
        });
        self.entries
            .entry((guild, user))
            .and_compute_with(|_| Op::Put(dropped));
    }

    /// Something every member's answer in the server depends on just changed.
    pub fn forget_server(&self, guild: GuildId) {
        self.servers.insert(guild, Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use super::*;

    const GUILD: GuildId = GuildId::new(1);
    const USER: UserId = UserId::new(2);

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("a valid time")
    }

    async fn ask(cache: &MemberCache<u32>, now: DateTime<Utc>, value: u32) -> u32 {
        let read = || async move { Ok::<_, Infallible>(value) };
        *cache.get(GUILD, USER, now, read).await.expect("no error")
    }

    #[tokio::test]
    async fn an_answer_is_shared_for_a_few_seconds_of_the_invocations_clock() {
        let cache = MemberCache::default();
        assert_eq!(ask(&cache, at(0), 1).await, 1);
        assert_eq!(ask(&cache, at(4), 2).await, 1, "still fresh");
        assert_eq!(ask(&cache, at(5), 3).await, 3, "read again");
        assert_eq!(
            ask(&cache, at(2), 4).await,
            4,
            "a clock moved back reads again"
        );
    }

    #[tokio::test]
    async fn a_write_or_a_servers_change_is_seen_at_once() {
        let cache = MemberCache::default();
        ask(&cache, at(0), 1).await;
        cache.forget(GUILD, USER);
        assert_eq!(ask(&cache, at(0), 2).await, 2);
        cache.forget_server(GUILD);
        assert_eq!(ask(&cache, at(0), 3).await, 3);
        assert_eq!(ask(&cache, at(0), 4).await, 3, "held again after the read");
    }

    #[tokio::test]
    async fn a_read_that_began_before_a_drop_stores_nothing() {
        for server in [false, true] {
            let cache = MemberCache::default();
            let slow = cache.get(GUILD, USER, at(0), || async {
                // The member's data changes while this read is on its way.
                if server {
                    cache.forget_server(GUILD);
                } else {
                    cache.forget(GUILD, USER);
                }
                Ok::<_, Infallible>(1)
            });
            assert_eq!(
                *slow.await.expect("no error"),
                1,
                "the caller gets its read"
            );
            assert_eq!(ask(&cache, at(0), 2).await, 2, "but it was not kept");
        }
    }
}
