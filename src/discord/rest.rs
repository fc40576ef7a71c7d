//! The one outbound REST client of a process.

use serenity::all::{ApplicationId, Http, HttpBuilder};

/// Builds the process's Http client. With `api_base` (DISCORD_API_BASE) set, every request goes
/// to that base URL instead of Discord — a REST proxy in production, the fake Discord in tests —
/// and serenity's own rate limiter is off: the proxy owns rate limiting.
pub fn client(token: &str, api_base: Option<&str>, application_id: Option<u64>) -> Http {
    let mut builder = HttpBuilder::new(token);
    if let Some(base) = api_base {
        builder = builder
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    if let Some(id) = application_id {
        builder = builder.application_id(ApplicationId::new(id));
    }
    builder.build()
}
