//! Messages the bot posts on its own (scheduled posts, `/prompt now`), sent with a client that
//! sees Discord's whole answer: the status, a 429's `retry_after` and `global` flag, and the
//! JSON error code that tells a deleted channel from a missing permission.

mod pace;

use std::num::NonZeroU32;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Deserialize;
use serde_json::Value;
use serenity::all::{ChannelId, MessageId};

use crate::secret::Secret;
use crate::telemetry::metrics;
use pace::Pacer;

const DISCORD_API: &str = "https://discord.com";
/// A request that takes longer than this is treated as failed and retried later.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// A 429 asking for a longer wait than this is not waited out in place; the post is retried
/// later instead, so one slow route cannot stall a whole fan-out.
const LONGEST_INLINE_WAIT: Duration = Duration::from_secs(30);

/// What the scheduler needs from Discord: a message posted in a channel. `Poster` is the one
/// that reaches Discord; the scheduler holds only this.
pub trait Post: Send + Sync {
    /// Posts `message` (a Create Message body) in `channel`.
    fn post<'a>(
        &'a self,
        channel: ChannelId,
        message: &'a Value,
    ) -> BoxFuture<'a, Result<MessageId, PostError>>;
}

pub struct Poster {
    client: reqwest::Client,
    messages_base: String,
    authorization: Secret,
    pacer: Pacer,
}

/// Why a post did not go out, in the terms the scheduler acts on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PostError {
    /// The channel is gone or the bot may not post there (404, or 403 with 50001/50013):
    /// retrying cannot help until a person changes something.
    #[error("{0}")]
    CannotPost(String),
    /// Still rate limited after waiting once: try again after `retry_after`.
    #[error("rate limited by Discord (retry after {retry_after:?})")]
    RateLimited { retry_after: Duration },
    /// Discord or the network failed (5xx, timeout, connection): try again later.
    #[error("{0}")]
    Unavailable(String),
    /// Discord refused the request itself (another 4xx): a bug on our side, not retried.
    #[error("{0}")]
    Rejected(String),
}

#[derive(Deserialize)]
struct RateLimit {
    retry_after: f64,
    #[serde(default)]
    global: bool,
}

#[derive(Deserialize)]
struct DiscordError {
    #[serde(default)]
    code: u64,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct CreatedMessage {
    id: MessageId,
}

enum Attempt {
    Posted(MessageId),
    Limited { retry_after: Duration },
    Failed(PostError),
}

impl Post for Poster {
    fn post<'a>(
        &'a self,
        channel: ChannelId,
        message: &'a Value,
    ) -> BoxFuture<'a, Result<MessageId, PostError>> {
        Box::pin(self.create_message(channel, message))
    }
}

impl Poster {
    /// `api_base` is DISCORD_API_BASE when set; requests then go there as serenity's do.
    pub fn new(token: &str, api_base: Option<&str>, per_second: NonZeroU32) -> Self {
        let base = api_base.unwrap_or(DISCORD_API).trim_end_matches('/');
        Self {
            client: reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .build()
                .unwrap_or_default(),
            messages_base: format!("{base}/api/v10/channels"),
            authorization: Secret::new(format!("Bot {token}")),
            pacer: Pacer::per_second(per_second),
        }
    }

    /// Posts `message` (a Create Message body) in `channel`. A 429 is waited out and retried
    /// once; anything else is returned for the caller to schedule, never retried in a loop.
    pub async fn create_message(
        &self,
        channel: ChannelId,
        message: &Value,
    ) -> Result<MessageId, PostError> {
        match self.attempt(channel, message).await {
            Attempt::Posted(id) => Ok(id),
            Attempt::Failed(error) => Err(error),
            Attempt::Limited { retry_after } if retry_after > LONGEST_INLINE_WAIT => {
                Err(PostError::RateLimited { retry_after })
            }
            Attempt::Limited { retry_after } => {
                tokio::time::sleep(retry_after).await;
                match self.attempt(channel, message).await {
                    Attempt::Posted(id) => Ok(id),
                    Attempt::Failed(error) => Err(error),
                    Attempt::Limited { retry_after } => Err(PostError::RateLimited { retry_after }),
                }
            }
        }
    }

    async fn attempt(&self, channel: ChannelId, message: &Value) -> Attempt {
        self.pacer.ready().await;
        let sent = self
            .client
            .post(format!("{}/{channel}/messages", self.messages_base))
            .header("Authorization", self.authorization.expose())
            .json(message)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => {
                metrics::discord_response("create_message", 0);
                return Attempt::Failed(PostError::Unavailable(format!(
                    "could not reach Discord: {}",
                    without_url(&e)
                )));
            }
        };
        let status = response.status();
        metrics::discord_response("create_message", status.as_u16());
        let body = response.bytes().await.unwrap_or_default();
        if status.is_success() {
            return match serde_json::from_slice::<CreatedMessage>(&body) {
                Ok(created) => Attempt::Posted(created.id),
                Err(e) => Attempt::Failed(PostError::Unavailable(format!(
                    "Discord's answer was not a message: {e}"
                ))),
            };
        }
        if status.as_u16() == 429 {
            let limit = serde_json::from_slice::<RateLimit>(&body).ok();
            let retry_after = limit.as_ref().map_or(Duration::from_secs(1), |l| {
                Duration::try_from_secs_f64(l.retry_after).unwrap_or(Duration::from_secs(1))
            });
            if limit.is_some_and(|l| l.global) {
                self.pacer.pause_for(retry_after);
            }
            tracing::warn!(%channel, ?retry_after, "Discord rate limited a post");
            return Attempt::Limited { retry_after };
        }
        let error = serde_json::from_slice::<DiscordError>(&body).ok();
        let (code, text) = error.map_or((0, String::new()), |e| (e.code, e.message));
        Attempt::Failed(classify(status.as_u16(), code, &text))
    }
}

fn classify(status: u16, code: u64, message: &str) -> PostError {
    match (status, code) {
        (404, _) | (_, 10003) => {
            PostError::CannotPost("the channel no longer exists (Unknown Channel)".into())
        }
        (403, 50001) => PostError::CannotPost(
            "Waypoint cannot see the channel (Missing Access): give it View Channel there".into(),
        ),
        (403, _) => PostError::CannotPost(
            "Waypoint may not post there (Missing Permissions): give it Send Messages and Embed \
             Links in the channel"
                .into(),
        ),
        (500..=599, _) => PostError::Unavailable(format!("Discord answered {status}")),
        _ => PostError::Rejected(format!(
            "Discord refused the post ({status}, code {code}): {message}"
        )),
    }
}

/// reqwest puts the URL in its errors; ours holds nothing secret, but the message is for
/// people and the URL only adds noise.
fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    kind.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_errors_map_to_what_the_scheduler_does_next() {
        assert!(matches!(classify(404, 10003, ""), PostError::CannotPost(_)));
        assert!(matches!(classify(403, 50001, ""), PostError::CannotPost(_)));
        assert!(matches!(classify(403, 50013, ""), PostError::CannotPost(_)));
        assert!(matches!(classify(502, 0, ""), PostError::Unavailable(_)));
        assert!(matches!(
            classify(400, 50035, "Invalid Form Body"),
            PostError::Rejected(_)
        ));
    }
}
