//! Drawing cards for commands: the avatar fetched from Discord's CDN (or the initials, when
//! that fails or takes over [`AVATAR_TIME`]), then the PNG drawn off the async runtime with a
//! bound on how many draw at once, and kept so that a card whose inputs have not changed is
//! not drawn again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tracing::debug;

use crate::attachments::Attachments;
use crate::render::card::{raster, Card};
use crate::telemetry::metrics;

/// How long an avatar may take to arrive before the card shows initials instead.
pub const AVATAR_TIME: Duration = Duration::from_millis(500);
/// The largest avatar taken: a 128-pixel PNG is far smaller.
const AVATAR_BYTES: usize = 1024 * 1024;
/// How long a card may wait for its turn to be drawn before the member is told to try again.
const QUEUE_TIME: Duration = Duration::from_secs(5);
/// Memory the drawn cards and fetched avatars may take, each.
const CARDS_HELD_BYTES: u64 = 8 * 1024 * 1024;
const AVATARS_HELD_BYTES: u64 = 4 * 1024 * 1024;
/// How long a drawn card and a fetched avatar are kept (an avatar's address changes with it).
const KEPT: Duration = Duration::from_secs(600);

/// A drawn card: the PNG's bytes.
pub type Png = Arc<Vec<u8>>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum CardError {
    #[error("too many cards are being drawn")]
    Busy,
    #[error("drawing the card failed: {0}")]
    Failed(String),
}

/// What the cache tells cards apart by: everything drawn (the SVG holds every value shown)
/// and the avatar drawn into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Drawn {
    svg: String,
    avatar: Option<String>,
}

pub struct Cards {
    drawn: moka::future::Cache<Drawn, Png>,
    avatars: moka::future::Cache<String, Arc<Vec<u8>>>,
    turns: Arc<Semaphore>,
    /// Cards drawn since start-up (not served from `drawn`).
    draws: Arc<AtomicU64>,
}

impl Default for Cards {
    fn default() -> Self {
        let at_once = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(at_once)
    }
}

impl Cards {
    /// Drawing at most `at_once` cards at a time.
    pub fn new(at_once: usize) -> Self {
        let weigh =
            |key_len: usize, bytes: usize| u32::try_from(key_len + bytes).unwrap_or(u32::MAX);
        Self {
            drawn: moka::future::Cache::builder()
                .max_capacity(CARDS_HELD_BYTES)
                .weigher(move |k: &Drawn, v: &Png| weigh(k.svg.len(), v.len()))
                .time_to_live(KEPT)
                .build(),
            avatars: moka::future::Cache::builder()
                .max_capacity(AVATARS_HELD_BYTES)
                .weigher(move |k: &String, v: &Arc<Vec<u8>>| weigh(k.len(), v.len()))
                .time_to_live(KEPT)
                .build(),
            turns: Arc::new(Semaphore::new(at_once.max(1))),
            draws: Arc::default(),
        }
    }

    /// `card` as a PNG, with the avatar at `avatar` (a path on the CDN) when it arrives in
    /// time. The same card asked for at once is drawn once.
    pub async fn draw(
        &self,
        cdn: &Attachments,
        card: Card,
        avatar: Option<&str>,
    ) -> Result<Png, CardError> {
        let avatar = match avatar {
            Some(path) => self
                .avatar(cdn, path)
                .await
                .map(|bytes| (path.to_string(), bytes)),
            None => None,
        };
        let key = Drawn {
            svg: card.svg.clone(),
            avatar: avatar.as_ref().map(|(path, _)| path.clone()),
        };
        let (turns, draws) = (self.turns.clone(), self.draws.clone());
        let asked = std::time::Instant::now();
        let drew = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let drawing = drew.clone();
        let png = self
            .drawn
            .try_get_with(key, async move {
                drawing.store(true, Ordering::Relaxed);
                let turn = tokio::time::timeout(QUEUE_TIME, turns.acquire_owned())
                    .await
                    .map_err(|_| CardError::Busy)?
                    .map_err(|_| CardError::Busy)?;
                tokio::task::spawn_blocking(move || {
                    let _turn = turn;
                    draws.fetch_add(1, Ordering::Relaxed);
                    let avatar = avatar.as_ref().map(|(_, bytes)| bytes.as_slice());
                    raster::png(&card, avatar).map(Arc::new)
                })
                .await
                .map_err(|e| CardError::Failed(e.to_string()))?
                .map_err(|e| CardError::Failed(e.to_string()))
            })
            .await
            .map_err(|e: Arc<CardError>| (*e).clone())?;
        metrics::card(drew.load(Ordering::Relaxed).then(|| asked.elapsed()));
        Ok(png)
    }

    /// How many cards were drawn rather than served from memory.
    pub fn draws(&self) -> u64 {
        self.draws.load(Ordering::Relaxed)
    }

    /// The avatar's bytes, or `None` (initials) when the CDN fails or is slow. Only what
    /// arrived is kept: a failed fetch is tried again by the next card.
    async fn avatar(&self, cdn: &Attachments, path: &str) -> Option<Arc<Vec<u8>>> {
        self.avatars
            .optionally_get_with(path.to_string(), async {
                match cdn
                    .fetch_within(&cdn.url(path), AVATAR_BYTES, AVATAR_TIME)
                    .await
                {
                    Ok(bytes) => Some(Arc::new(bytes)),
                    Err(e) => {
                        debug!(error = %e, "no avatar for a card; drawing initials");
                        None
                    }
                }
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkins::streak::streak;
    use crate::render::card::checkins;

    fn card(name: &str) -> Card {
        checkins::card(name, &streak(&[1, 2, 3].into_iter().collect(), 3, 4), 3)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_same_card_asked_at_once_is_drawn_once_and_others_wait_their_turn() {
        let cards = Cards::new(1);
        let cdn = Attachments::default();
        let same =
            futures_util::future::join_all((0..5).map(|_| cards.draw(&cdn, card("Ada"), None)));
        let drawn: Vec<Png> = same.await.into_iter().map(Result::unwrap).collect();
        assert!(drawn.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(cards.draws(), 1);
        // Different cards, one drawing turn: all are drawn, one after the other.
        let names = ["Grace", "Alan", "Edsger", "Barbara"];
        let others = futures_util::future::join_all(names.map(|n| cards.draw(&cdn, card(n), None)));
        assert!(others.await.iter().all(Result::is_ok));
        assert_eq!(cards.draws(), 5);
    }
}
