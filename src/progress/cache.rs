//! Members' progress kept in memory for marking roadmap views, so browsing content does not
//! wait on the database once a member's progress is known.
//!
//! This process's own writes update it at once. An entry expires after a while so a change
//! made through another replica shows up too; the cache is capped, dropping the oldest entries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serenity::all::{GuildId, UserId};

use super::MemberProgress;

const TTL: Duration = Duration::from_secs(60);
const CAPACITY: usize = 50_000;

type Entries = HashMap<(GuildId, UserId), (Instant, Arc<MemberProgress>)>;

#[derive(Default)]
pub struct ProgressCache {
    entries: Mutex<Entries>,
}

impl ProgressCache {
    pub fn get(&self, guild: GuildId, user: UserId) -> Option<Arc<MemberProgress>> {
        let entries = self.lock();
        let (stored, progress) = entries.get(&(guild, user))?;
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
        if entries.len() >= CAPACITY {
            entries.retain(|_, (stored, _)| stored.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                if let Some(oldest) = entries.iter().min_by_key(|(_, (t, _))| *t).map(|(k, _)| *k) {
                    entries.remove(&oldest);
                }
            }
        }
        entries.insert((guild, user), (Instant::now(), progress.clone()));
        progress
    }

    pub fn forget(&self, guild: GuildId, user: UserId) {
        self.lock().remove(&(guild, user));
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // Entries are replaced whole, so a panic elsewhere cannot leave one half-written.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
