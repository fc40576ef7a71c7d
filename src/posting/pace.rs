//! Pacing for the bot's own REST calls: a steady rate under Discord's global limit (50
//! requests a second per bot), and a pause for everyone when Discord says the global limit was
//! hit. serenity paces its calls only when it talks to Discord directly; with DISCORD_API_BASE
//! set its limiter is off, and a fan-out to every server must still not flood anything.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

pub struct Pacer {
    limiter: DefaultDirectRateLimiter,
    paused_until: Mutex<Option<Instant>>,
}

impl Pacer {
    /// Requests are spread evenly, `per_second` a second, with no burst: a burst that fits the
    /// limit on average can still break a window that starts at the wrong moment.
    pub fn per_second(per_second: NonZeroU32) -> Self {
        let quota = Quota::per_second(per_second).allow_burst(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::direct(quota),
            paused_until: Mutex::new(None),
        }
    }

    /// Waits until a request may go out.
    pub async fn ready(&self) {
        loop {
            let until = *self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => break,
            }
        }
        self.limiter.until_ready().await;
    }

    /// Holds every request back for `wait` (a global 429's `retry_after`).
    pub fn pause_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_are_spread_and_a_pause_holds_them_all() {
        let pacer = Pacer::per_second(NonZeroU32::new(50).unwrap());
        let start = Instant::now();
        for _ in 0..6 {
            pacer.ready().await;
        }
        // Six requests at 50/s need at least five gaps of 20 ms.
        assert!(start.elapsed() >= Duration::from_millis(100));

        pacer.pause_for(Duration::from_millis(150));
        let paused = Instant::now();
        pacer.ready().await;
        assert!(paused.elapsed() >= Duration::from_millis(150));
    }
}
