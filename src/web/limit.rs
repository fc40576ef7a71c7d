//! Requests to the pages are limited per client address (governor's keyed limiter): a burst
//! of [`BURST`], then [`PER_SECOND`] a second; over that, 429 with `Retry-After`. Addresses not
//! seen for a while are forgotten, so the limiter's memory stays bounded.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

const PER_SECOND: NonZeroU32 = NonZeroU32::new(10).expect("non-zero");
const BURST: NonZeroU32 = NonZeroU32::new(30).expect("non-zero");
/// How often addresses whose allowance is full again are dropped.
const FORGET_EVERY: Duration = Duration::from_secs(60);

pub type Limiter = Arc<DefaultKeyedRateLimiter<IpAddr>>;

/// A limiter, and a task that forgets idle addresses while it is in use.
pub fn limiter() -> Limiter {
    let limiter: Limiter = Arc::new(RateLimiter::keyed(
        Quota::per_second(PER_SECOND).allow_burst(BURST),
    ));
    let weak = Arc::downgrade(&limiter);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(FORGET_EVERY);
        loop {
            ticks.tick().await;
            let Some(limiter) = weak.upgrade() else {
                return;
            };
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    });
    limiter
}

pub async fn limit(
    State(limiter): State<Limiter>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    match limiter.check_key(&peer.ip()) {
        Ok(()) => next.run(request).await,
        Err(_) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "Too many requests: wait a moment and reload.",
        )
            .into_response(),
    }
}
