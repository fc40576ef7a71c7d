//! Answers counted once per time slice and shared: a standing or a leaderboard page is the
//! same for every caller for a few seconds, so a busy server asking many times a second counts
//! it once per slice instead of once per request, and every write does not force a recount.
//!
//! An answer is counted for a [`SLICE`] of time (by the invocation's clock, so tests that move
//! time get what they ask for) and shared by every request in it; concurrent requests wait for
//! one count. When a slice ends, the last one's answer keeps answering while the next is
//! counted in the background, so no request waits at the boundary; an answer more than one
//! slice old is never shown. Changes to who may be shown (hide, delete, …) drop a server's
//! answers in this process at once (`forget_server`).

use std::collections::HashSet;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use moka::future::Cache;
use serenity::all::GuildId;

/// How long one count is shared.
pub const SLICE: Duration = Duration::from_secs(5);
/// Answers kept at most (one per thing being looked at).
const CAPACITY: u64 = 10_000;

/// Counts an answer; owns what it needs, so it can run in the background.
pub type Count<V> = Pin<Box<dyn Future<Output = sqlx::Result<V>> + Send + 'static>>;

/// A key and the slice an answer is counted for.
type InSlice<K> = ((GuildId, K), i64);

/// The newest answer held for a key, and the slice it was counted for.
struct Held<V> {
    slice: i64,
    answer: Arc<V>,
}

/// Answers by server and `K` (which challenge, which board and page).
pub struct SliceCache<K, V> {
    /// The newest answer for each key.
    held: Cache<(GuildId, K), Arc<Held<V>>>,
    /// Counts in progress or just done, by key and slice: one count per slice however many
    /// requests ask.
    counts: Cache<InSlice<K>, Arc<V>>,
    /// Background counts started and not finished: one task per key and slice, not one per
    /// request that arrives while it runs.
    refreshing: Arc<Mutex<HashSet<InSlice<K>>>>,
}

impl<K, V> Clone for SliceCache<K, V> {
    fn clone(&self) -> Self {
        Self {
            held: self.held.clone(),
            counts: self.counts.clone(),
            refreshing: self.refreshing.clone(),
        }
    }
}

impl<K, V> Default for SliceCache<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
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

impl<K, V> SliceCache<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    /// The answer for `key` as of `now`: this slice's, or the last slice's while this one is
    /// counted in the background, or else counted now by `count`.
    pub async fn get(
        &self,
        guild: GuildId,
        key: K,
        now: DateTime<Utc>,
        count: impl FnOnce() -> Count<V>,
    ) -> Result<Arc<V>, Arc<sqlx::Error>> {
        let slice = now.timestamp().div_euclid(SLICE.as_secs() as i64);
        let key = (guild, key);
        if let Some(held) = self.held.get(&key).await {
            if held.slice == slice {
                return Ok(held.answer.clone());
            }
            if held.slice == slice - 1 {
                if self.start_refresh(&key, slice) {
                    let this = self.clone();
                    let count = count();
                    let key = key.clone();
                    tokio::spawn(async move {
                        if let Err(e) = this.count(key.clone(), slice, count).await {
                            tracing::warn!(error = %e, "could not count a shared answer");
                        }
                        this.refreshed(key, slice);
                    });
                }
                return Ok(held.answer.clone());
            }
        }
        self.count(key, slice, count()).await
    }

    /// Claims the background count of `slice`; false when one is running or done.
    fn start_refresh(&self, key: &(GuildId, K), slice: i64) -> bool {
        if self.counts.contains_key(&(key.clone(), slice)) {
            return false;
        }
        self.refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((key.clone(), slice))
    }

    fn refreshed(&self, key: (GuildId, K), slice: i64) {
        self.refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(key, slice));
    }

    async fn count(
        &self,
        key: (GuildId, K),
        slice: i64,
        count: Count<V>,
    ) -> Result<Arc<V>, Arc<sqlx::Error>> {
        let answer = self
            .counts
            .try_get_with(
                (key.clone(), slice),
                async move { count.await.map(Arc::new) },
            )
            .await?;
        let newer = self.held.get(&key).await.is_none_or(|h| h.slice <= slice);
        if newer {
            let held = Arc::new(Held {
                slice,
                answer: answer.clone(),
            });
            self.held.insert(key, held).await;
        }
        Ok(answer)
    }

    /// Forgets every answer of `guild`: who may be shown there just changed.
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
