//! Members' progress kept in memory for marking roadmap views, so browsing content does not
//! wait on the database once a member's progress is known.
//!
//! This process's own writes update it at once. An entry is fresh for [`FRESH`], so a change
//! made through another replica shows up soon; after that it still answers at once, for up to
//! [`KEEP`], while it is read again in the background. So a member only waits on the
//! database (briefly, and bounded by the caller) when nothing is held for them. At most
//! [`CAPACITY`] members are held; moka evicts the least used beyond that.
//!
//! Reads take time, so what a read found is only stored if nothing newer arrived meanwhile
//! (see [`ProgressCache::read`]); every change goes through moka's per-key lock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::ops::compute::Op;
use moka::sync::Cache;
use serenity::all::{GuildId, UserId};

use super::MemberProgress;
use crate::roadmap::Roadmap;

/// How long an entry answers without being read again.
pub const FRESH: Duration = Duration::from_secs(60);
/// How long an entry answers at all: past [`FRESH`], while it is read again.
pub const KEEP: Duration = Duration::from_secs(10 * 60);
const CAPACITY: u64 = 50_000;

type Member = (GuildId, UserId);

struct Entry {
    /// When the progress was read or written; a background read only replaces an entry
    /// older than the moment it started.
    stored: Instant,
    progress: Arc<MemberProgress>,
    /// A background read has been started for this entry.
    refreshing: AtomicBool,
}

/// What the cache holds for a member.
pub enum Held {
    Fresh(Arc<MemberProgress>),
    /// Older than [`FRESH`]; `refresh` is true for the one caller that should read it again.
    Stale {
        progress: Arc<MemberProgress>,
        refresh: bool,
    },
    Missing,
}

pub struct ProgressCache {
    entries: Cache<Member, Arc<Entry>>,
}

impl Default for ProgressCache {
    fn default() -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(KEEP)
                .build(),
        }
    }
}

impl ProgressCache {
    /// What is held for the member on `roadmap` (progress held for another roadmap is as
    /// good as missing).
    pub fn get(&self, guild: GuildId, user: UserId, roadmap: &Roadmap) -> Held {
        let Some(entry) = self
            .entries
            .get(&(guild, user))
            .filter(|e| e.progress.fits(roadmap))
        else {
            return Held::Missing;
        };
        if entry.stored.elapsed() < FRESH {
            return Held::Fresh(entry.progress.clone());
        }
        Held::Stale {
            progress: entry.progress.clone(),
            refresh: !entry.refreshing.swap(true, Ordering::Relaxed),
        }
    }

    /// Stores progress this process just wrote.
    pub fn written(
        &self,
        guild: GuildId,
        user: UserId,
        progress: MemberProgress,
    ) -> Arc<MemberProgress> {
        let progress = Arc::new(progress);
        let entry = new_entry(Instant::now(), progress.clone());
        // Through the key's lock, like `read`, so the two cannot interleave.
        self.entries
            .entry((guild, user))
            .and_compute_with(|_| Op::Put(entry));
        progress
    }

    /// Stores progress read by a database read that started at `began`, unless what is held
    /// is newer (a write of this process, or `forget`, since it started). Returns what is
    /// held now.
    pub fn read(
        &self,
        guild: GuildId,
        user: UserId,
        began: Instant,
        progress: MemberProgress,
    ) -> Arc<MemberProgress> {
        let progress = Arc::new(progress);
        let mut newer = None;
        self.entries
            .entry((guild, user))
            .and_compute_with(|held| match held {
                Some(held) if held.value().stored > began => {
                    newer = Some(held.value().progress.clone());
                    Op::Nop
                }
                _ => Op::Put(new_entry(began, progress.clone())),
            });
        newer.unwrap_or(progress)
    }

    /// A background read failed: the next view may try again.
    pub fn refresh_failed(&self, guild: GuildId, user: UserId) {
        if let Some(entry) = self.entries.get(&(guild, user)) {
            entry.refreshing.store(false, Ordering::Relaxed);
        }
    }

    /// The member's data was deleted. Holds no progress for them rather than nothing, so
    /// that a read which started before the deletion cannot bring the old marks back.
    pub fn forget(&self, guild: GuildId, user: UserId) {
        self.written(guild, user, MemberProgress::default());
    }
}

fn new_entry(stored: Instant, progress: Arc<MemberProgress>) -> Arc<Entry> {
    Arc::new(Entry {
        stored,
        progress,
        refreshing: AtomicBool::new(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::TopicState;

    const GUILD: GuildId = GuildId::new(1);
    const USER: UserId = UserId::new(2);

    fn stale(cache: &ProgressCache) -> Instant {
        let long_ago = Instant::now() - FRESH - Duration::from_secs(1);
        cache.entries.insert(
            (GUILD, USER),
            new_entry(long_ago, Arc::new(MemberProgress::default())),
        );
        long_ago
    }

    #[test]
    fn a_stale_entry_answers_and_asks_one_caller_to_read_it_again() {
        let roadmap = crate::progress::summary::tests::roadmap();
        let cache = ProgressCache::default();
        assert!(matches!(cache.get(GUILD, USER, &roadmap), Held::Missing));
        stale(&cache);
        assert!(matches!(
            cache.get(GUILD, USER, &roadmap),
            Held::Stale { refresh: true, .. }
        ));
        assert!(matches!(
            cache.get(GUILD, USER, &roadmap),
            Held::Stale { refresh: false, .. }
        ));
        cache.refresh_failed(GUILD, USER);
        assert!(matches!(
            cache.get(GUILD, USER, &roadmap),
            Held::Stale { refresh: true, .. }
        ));
        cache.read(GUILD, USER, Instant::now(), MemberProgress::default());
        assert!(matches!(cache.get(GUILD, USER, &roadmap), Held::Fresh(_)));
    }

    #[test]
    fn a_read_never_overwrites_a_newer_write_nor_brings_back_a_forgotten_member() {
        let roadmap = crate::progress::summary::tests::roadmap();
        let first = roadmap.topics().next().expect("topics").topic;
        let done = || MemberProgress::from_rows(&roadmap, [(first.id.as_str(), TopicState::Done)]);

        for held in [true, false] {
            let cache = ProgressCache::default();
            if held {
                stale(&cache);
            }
            let began = Instant::now();
            // Instants taken back to back can be equal; the write must come after.
            std::thread::sleep(Duration::from_millis(1));
            let written = cache.written(GUILD, USER, MemberProgress::default());
            let answer = cache.read(GUILD, USER, began, done());
            assert!(Arc::ptr_eq(&answer, &written), "the newer write answers");
            let Held::Fresh(kept) = cache.get(GUILD, USER, &roadmap) else {
                panic!("the write is held");
            };
            assert!(Arc::ptr_eq(&kept, &written), "the older read was dropped");

            let began = Instant::now();
            std::thread::sleep(Duration::from_millis(1));
            cache.forget(GUILD, USER);
            cache.read(GUILD, USER, began, done());
            let Held::Fresh(kept) = cache.get(GUILD, USER, &roadmap) else {
                panic!("the deletion is held");
            };
            assert_eq!(
                kept.state(first),
                TopicState::NotStarted,
                "no marks came back"
            );
        }
    }

    #[test]
    fn a_read_fills_an_empty_cache() {
        let roadmap = crate::progress::summary::tests::roadmap();
        let cache = ProgressCache::default();
        cache.read(GUILD, USER, Instant::now(), MemberProgress::default());
        assert!(matches!(cache.get(GUILD, USER, &roadmap), Held::Fresh(_)));
    }

    #[test]
    fn progress_placed_by_another_roadmap_is_not_held() {
        let roadmap = crate::progress::summary::tests::roadmap();
        let first = roadmap.topics().next().expect("topics").topic;
        let cache = ProgressCache::default();
        let done = MemberProgress::from_rows(&roadmap, [(first.id.as_str(), TopicState::Done)]);
        cache.written(GUILD, USER, done);
        assert!(matches!(cache.get(GUILD, USER, &roadmap), Held::Fresh(_)));
        // The same content read again (a new import's version) places topics anew.
        let reread = crate::progress::summary::tests::roadmap();
        assert_ne!(reread.stamp, roadmap.stamp);
        assert!(matches!(cache.get(GUILD, USER, &reread), Held::Missing));
    }
}
