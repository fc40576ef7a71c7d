//! One member's answer, read once and shared for a few seconds: `/progress show` and
//! `/checkins` are asked far more often than a member's data changes, so a busy server reads
//! each member at most once per [`FRESH`] instead of once per request.
//!
//! Freshness is counted on the invocation's clock (so tests that move time get what they ask
//! for). An answer in the last part of its life (from [`RENEW`] on) still answers, and the
//! first request that finds it there reads it again in the background: a member who is asked
//! about steadily never waits on the database, and no answer older than [`FRESH`] is shown.
//! A write this process makes drops the member's entry at once (`forget`), and a change
//! of the server's settings drops all of its members' (`forget_server`), so whoever just
//! changed something sees it; a change made elsewhere (another replica, the scheduler's
//! awards) shows within [`FRESH`]. Reads take time, so a read only stores what it found if
//! nothing was dropped since it began: a slow read cannot bring back what a write replaced.

use std::fmt::Display;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use moka::ops::compute::Op;
use moka::sync::Cache;
use serenity::all::{GuildId, UserId};

/// How long an answer is shared.
pub const FRESH: Duration = Duration::from_secs(5);
/// From this age on, an answer is read again in the background by the first request that
/// finds it (the last second of its life: a member asked about once a second or more is
/// always renewed in time).
pub const RENEW: Duration = Duration::from_secs(4);
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
    /// A background read has been started for this entry.
    renewing: AtomicBool,
}

pub struct MemberCache<V> {
    entries: Cache<Member, Arc<Entry<V>>>,
    /// When each server's entries were last dropped as a whole.
    servers: Cache<GuildId, Instant>,
}

impl<V> Clone for MemberCache<V> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            servers: self.servers.clone(),
        }
    }
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
    /// (and held for the next callers). `read` runs in the background instead when the
    /// answer held is in its last second: this caller gets that one.
    pub async fn get<E, F>(
        &self,
        guild: GuildId,
        user: UserId,
        now: DateTime<Utc>,
        read: impl FnOnce() -> F,
    ) -> Result<Arc<V>, E>
    where
        F: Future<Output = Result<V, E>> + Send + 'static,
        E: Display,
    {
        if let Some((held, renew)) = self.held(guild, user, now) {
            if renew {
                self.renew(guild, user, now, read());
            }
            return Ok(held);
        }
        let began = Instant::now();
        let value = Arc::new(read().await?);
        self.store(guild, user, began, now, value.clone());
        Ok(value)
    }

    /// The answer held if it may still be shown, and whether this caller should renew it.
    fn held(&self, guild: GuildId, user: UserId, now: DateTime<Utc>) -> Option<(Arc<V>, bool)> {
        let entry = self.entries.get(&(guild, user))?;
        let value = entry.value.clone()?;
        if self.servers.get(&guild).is_some_and(|at| at >= entry.began) {
            return None;
        }
        // A clock moved back gives a negative age, which `to_std` refuses: read again.
        let age = now.signed_duration_since(entry.read_at).to_std().ok()?;
        if age >= FRESH {
            return None;
        }
        let renew = age >= RENEW && !entry.renewing.swap(true, Ordering::Relaxed);
        Some((value, renew))
    }

    /// Reads the member again off the request path. A failure leaves the entry to age out,
    /// and the next request after that reads in its own time.
    fn renew<E, F>(&self, guild: GuildId, user: UserId, now: DateTime<Utc>, read: F)
    where
        F: Future<Output = Result<V, E>> + Send + 'static,
        E: Display,
    {
        let cache = self.clone();
        let began = Instant::now();
        tokio::spawn(async move {
            match read.await {
                Ok(value) => cache.store(guild, user, began, now, Arc::new(value)),
                Err(error) => tracing::warn!(
                    guild = %guild,
                    user = %user,
                    %error,
                    "could not read a member's answer again"
                ),
            }
        });
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
                    renewing: AtomicBool::new(false),
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
            renewing: AtomicBool::new(false),
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
    use std::sync::atomic::AtomicUsize;

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

    /// Lets background reads that are ready run to the end.
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn an_answer_is_shared_for_a_few_seconds_of_the_invocations_clock() {
        let cache = MemberCache::default();
        assert_eq!(ask(&cache, at(0), 1).await, 1);
        assert_eq!(ask(&cache, at(3), 2).await, 1, "still fresh");
        settle().await;
        assert_eq!(ask(&cache, at(3), 2).await, 1, "and not read again");
        assert_eq!(ask(&cache, at(5), 3).await, 3, "read again");
        assert_eq!(
            ask(&cache, at(2), 4).await,
            4,
            "a clock moved back reads again"
        );
    }

    #[tokio::test]
    async fn an_answer_in_its_last_second_is_read_again_without_waiting_for_it() {
        let cache = MemberCache::default();
        ask(&cache, at(0), 1).await;
        let reads = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            let reads = reads.clone();
            let read = move || async move {
                reads.fetch_add(1, Ordering::Relaxed);
                Ok::<_, Infallible>(2)
            };
            let held = cache.get(GUILD, USER, at(4), read).await.expect("no error");
            assert_eq!(*held, 1, "the caller gets what is held");
        }
        settle().await;
        assert_eq!(reads.load(Ordering::Relaxed), 1, "one read for all callers");
        assert_eq!(ask(&cache, at(8), 3).await, 2, "renewed as of second 4");

        // A renewal that never finishes holds nobody up, and the answer still ages out.
        let stuck = || std::future::pending::<Result<u32, Infallible>>();
        assert_eq!(
            *cache.get(GUILD, USER, at(8), stuck).await.expect("held"),
            2
        );
        assert_eq!(ask(&cache, at(9), 4).await, 4, "read in time once too old");
    }

    #[tokio::test]
    async fn a_failed_renewal_leaves_the_answer_to_age_out() {
        let cache = MemberCache::default();
        ask(&cache, at(0), 1).await;
        let failing = || async { Err::<u32, _>("the database is away") };
        assert_eq!(
            *cache.get(GUILD, USER, at(4), failing).await.expect("held"),
            1
        );
        settle().await;
        assert_eq!(ask(&cache, at(4), 2).await, 1, "not renewed twice");
        assert_eq!(ask(&cache, at(5), 3).await, 3);
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
            for renewal in [false, true] {
                let cache = MemberCache::default();
                let now = if renewal {
                    ask(&cache, at(0), 0).await;
                    at(4)
                } else {
                    at(0)
                };
                let meanwhile = cache.clone();
                let read = move || async move {
                    // The member's data changes while this read is on its way.
                    if server {
                        meanwhile.forget_server(GUILD);
                    } else {
                        meanwhile.forget(GUILD, USER);
                    }
                    Ok::<_, Infallible>(1)
                };
                let got = *cache.get(GUILD, USER, now, read).await.expect("no error");
                assert_eq!(
                    got,
                    if renewal { 0 } else { 1 },
                    "the caller gets its answer"
                );
                settle().await;
                assert_eq!(ask(&cache, now, 2).await, 2, "but the read was not kept");
            }
        }
    }
}
