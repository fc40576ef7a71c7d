//! Requests to the pages are limited per client address (governor's keyed limiter): a burst
//! of three seconds' worth, then [`Access::per_second`]; over that, 429 with `Retry-After`.
//! Addresses not seen for a while are forgotten, so the limiter's memory stays bounded.
//!
//! Behind a reverse proxy every request comes from the proxy: with the proxy's address in
//! [`Access::trusted_proxies`], the client is read from `X-Forwarded-For` instead (only from
//! such a proxy, so nobody else can pick the address they are counted under).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How often addresses whose allowance is full again are dropped.
const FORGET_EVERY: Duration = Duration::from_secs(60);
/// Pages a second a reader may load unless the deployment says otherwise.
pub const DEFAULT_PER_SECOND: NonZeroU32 = NonZeroU32::new(10).expect("non-zero");
/// A reader may load this many seconds' worth of pages at once.
const BURST_SECONDS: u32 = 3;

/// Who may read how fast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// Pages a second one client address may load, after its burst.
    pub per_second: NonZeroU32,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for Access {
    fn default() -> Self {
        Self {
            per_second: DEFAULT_PER_SECOND,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct Limiter {
    keyed: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    trusted_proxies: Arc<[IpAddr]>,
}

/// A limiter, and a task that forgets idle addresses while it is in use.
pub fn limiter(access: &Access) -> Limiter {
    let burst = access
        .per_second
        .saturating_mul(NonZeroU32::new(BURST_SECONDS).unwrap_or(NonZeroU32::MIN));
    let keyed = Arc::new(RateLimiter::keyed(
        Quota::per_second(access.per_second).allow_burst(burst),
    ));
    let weak = Arc::downgrade(&keyed);
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
    Limiter {
        keyed,
        trusted_proxies: access.trusted_proxies.clone().into(),
    }
}

pub async fn limit(
    State(limiter): State<Limiter>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let client = client_address(peer.ip(), request.headers(), &limiter.trusted_proxies);
    match limiter.keyed.check_key(&client) {
        Ok(()) => next.run(request).await,
        Err(_) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "Too many requests: wait a moment and reload.",
        )
            .into_response(),
    }
}

/// The address a request is counted under: the peer's, unless the peer is a trusted proxy;
/// then the last address in `X-Forwarded-For` that is not one (each proxy appends the address
/// it heard from, so entries left of an untrusted one may be made up).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(address) if trusted.contains(&address) => continue,
            Ok(address) => return address,
            // Garbage where an address should be: count the request under the proxy.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy];
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(client_address(proxy, &headers, &trusted), ip("203.0.113.7"));
        // Anyone else sending the header is counted under their own address.
        let stranger = ip("198.51.100.4");
        assert_eq!(client_address(stranger, &headers, &trusted), stranger);
        // Without the header, the proxy itself.
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
    }

    #[test]
    fn a_forged_entry_left_of_the_real_client_is_ignored() {
        let (outer, inner) = (ip("10.0.0.1"), ip("10.0.0.2"));
        let trusted = [outer, inner];
        // The client claimed 1.2.3.4; the outer proxy appended who really called, then itself.
        let headers = forwarded(&["1.2.3.4, 203.0.113.7", "10.0.0.1"]);
        assert_eq!(client_address(inner, &headers, &trusted), ip("203.0.113.7"));
        let junk = forwarded(&["not-an-address"]);
        assert_eq!(client_address(inner, &junk, &trusted), inner);
        let v6 = forwarded(&["2001:db8::1"]);
        assert_eq!(client_address(inner, &v6, &trusted), ip("2001:db8::1"));
    }
}
