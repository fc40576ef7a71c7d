//! Members' progress kept in memory for marking roadmap views, so browsing content does not
//! wait on the database once a member's progress is known.
//!
//! This process's own writes update it at once. An entry expires after a while so a change
//! made through another replica shows up too. Expired entries are swept out regularly, so
//! memory follows the members active in the last minute; the cache is also capped, dropping
//! the oldest entries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serenity::all::{GuildId, UserId};

use super::MemberProgress;

const TTL: Duration = Duration::from_secs(60);
const CAPACITY: usize = 50_000;
/// Expired entries are swept out every this many insertions.
const SWEEP_EVERY: usize = 4_096;

#[derive(Default)]
struct Entries {
    map: HashMap<(GuildId, UserId), (Instant, Arc<MemberProgress>)>,
    /// Insertions since the last sweep.
    puts: usize,
}

#[derive(Default)]
pub struct ProgressCache {
    entries: Mutex<Entries>,
}

impl ProgressCache {
    pub fn get(&self, guild: GuildId, user: UserId) -> Option<Arc<MemberProgress>> {
        let entries = self.lock();
        let (stored, progress) = entries.map.get(&(guild, user))?;
        (stored.elapsed() < TTL).then(|| progress.clone())
    }

    pub fn put(
        &self,
        guild: GuildId,
        user: UserId,
        progress: MemberProgress,
    ) -> Arc<MemberProgress> {
        let progress = Arc::new(progress);
        let mut entries = self.lock();
        entries.puts += 1;
        if entries.puts >= SWEEP_EVERY || entries.map.len() >= CAPACITY {
            entries.puts = 0;
            entries.map.retain(|_, (stored, _)| stored.elapsed() < TTL);
            if entries.map.len() >= CAPACITY {
                let oldest = entries
                    .map
                    .iter()
                    .min_by_key(|(_, (t, _))| *t)
                    .map(|(k, _)| *k);
                if let Some(oldest) = oldest {
                    entries.map.remove(&oldest);
                }
            }
        }
        entries
            .map
            .insert((guild, user), (Instant::now(), progress.clone()));
        progress
    }

    pub fn forget(&self, guild: GuildId, user: UserId) {
        self.lock().map.remove(&(guild, user));
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // Entries are replaced whole, so a panic elsewhere cannot leave one half-written.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
