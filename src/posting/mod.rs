//! Messages the bot posts on its own (scheduled posts, `/prompt now`), sent with a client that
//! sees Discord's whole answer: the status, a 429's `retry_after` and `global` flag, and the
//! JSON error code that tells a deleted channel from a missing permission.

mod pace;
mod threads;

use std::num::NonZeroU32;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use serenity::all::{ChannelId, GuildId, MessageId, UserId};

use crate::secret::Secret;
use crate::telemetry::metrics;
use pace::Pacer;

const DISCORD_API: &str = "https://discord.com";
/// A request that takes longer than this is treated as failed and retried later.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// A 429 asking for a longer wait than this is not waited out in place; the post is retried
/// later instead, so one slow route cannot stall a whole fan-out.
const LONGEST_INLINE_WAIT: Duration = Duration::from_secs(30);

/// What the scheduler needs from Discord: messages posted in channels, and the threads the
/// partner match opens. `Poster` is the one that reaches Discord; the scheduler holds only this.
pub trait Post: Send + Sync {
    /// Posts `message` (a Create Message body) in `channel`.
    fn post<'a>(
        &'a self,
        channel: ChannelId,
        message: &'a Value,
    ) -> BoxFuture<'a, Result<MessageId, PostError>>;

    /// Opens a thread named `name` in `channel`, not from a message: private (only those
    /// added see it, and they cannot invite others) or public.
    fn create_thread<'a>(
        &'a self,
        channel: ChannelId,
        name: &'a str,
        private: bool,
    ) -> BoxFuture<'a, Result<ChannelId, PostError>>;

    /// Adds `user` to `thread`; `Ok(false)` when they are no longer in the server.
    fn add_to_thread(
        &self,
        thread: ChannelId,
        user: UserId,
    ) -> BoxFuture<'_, Result<bool, PostError>>;

    /// The server's active threads, public and private (those the bot can see).
    fn active_threads(&self, guild: GuildId)
        -> BoxFuture<'_, Result<Vec<ActiveThread>, PostError>>;
}

/// A thread as List Active Guild Threads gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActiveThread {
    pub id: ChannelId,
    pub parent_id: Option<ChannelId>,
    pub name: String,
    #[serde(rename = "type")]
    kind: u8,
}

impl ActiveThread {
    /// Anyone who can see the channel can see the thread.
    pub fn is_public(&self) -> bool {
        self.kind == threads::PUBLIC_THREAD
    }
}

pub struct Poster {
    client: reqwest::Client,
    api_base: String,
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

/// Discord's answer to one request, once a short 429 has been waited out.
enum Answer {
    Done(Vec<u8>),
    /// An error status, with Discord's JSON error code and message when it sent them.
    Refused {
        status: u16,
        code: u64,
        message: String,
    },
    Failed(PostError),
}

impl Answer {
    /// A success's body, or what the scheduler makes of any other answer.
    fn body(self) -> Result<Vec<u8>, PostError> {
        match self {
            Self::Done(body) => Ok(body),
            Self::Refused {
                status,
                code,
                message,
            } => Err(classify(status, code, &message)),
            Self::Failed(error) => Err(error),
        }
    }
}

enum Attempt {
    Answered(Answer),
    Limited { retry_after: Duration },
}

impl Post for Poster {
    fn post<'a>(
        &'a self,
        channel: ChannelId,
        message: &'a Value,
    ) -> BoxFuture<'a, Result<MessageId, PostError>> {
        Box::pin(self.create_message(channel, message))
    }

    fn create_thread<'a>(
        &'a self,
        channel: ChannelId,
        name: &'a str,
        private: bool,
    ) -> BoxFuture<'a, Result<ChannelId, PostError>> {
        Box::pin(self.open_thread(channel, name, private))
    }

    fn add_to_thread(
        &self,
        thread: ChannelId,
        user: UserId,
    ) -> BoxFuture<'_, Result<bool, PostError>> {
        Box::pin(self.add_thread_member(thread, user))
    }

    fn active_threads(
        &self,
        guild: GuildId,
    ) -> BoxFuture<'_, Result<Vec<ActiveThread>, PostError>> {
        Box::pin(self.list_active_threads(guild))
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
            api_base: format!("{base}/api/v10"),
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
        let path = format!("channels/{channel}/messages");
        let answer = self
            .call(Method::POST, &path, Some(message), "create_message")
            .await;
        parsed::<CreatedMessage>(&answer.body()?, "a message").map(|m| m.id)
    }

    /// One request, with a 429 that asks for a short wait waited out and tried once more.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        route: &'static str,
    ) -> Answer {
        match self.attempt(method.clone(), path, body, route).await {
            Attempt::Answered(answer) => answer,
            Attempt::Limited { retry_after } if retry_after > LONGEST_INLINE_WAIT => {
                Answer::Failed(PostError::RateLimited { retry_after })
            }
            Attempt::Limited { retry_after } => {
                tokio::time::sleep(retry_after).await;
                match self.attempt(method, path, body, route).await {
                    Attempt::Answered(answer) => answer,
                    Attempt::Limited { retry_after } => {
                        Answer::Failed(PostError::RateLimited { retry_after })
                    }
                }
            }
        }
    }

    async fn attempt(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        route: &'static str,
    ) -> Attempt {
        self.pacer.ready().await;
        let request = self
            .client
            .request(method, format!("{}/{path}", self.api_base))
            .header("Authorization", self.authorization.expose());
        let request = match body {
            Some(body) => request.json(body),
            // Discord wants a length on a PUT even when there is nothing in it.
            None => request.body(Vec::new()),
        };
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                metrics::discord_response(route, 0);
                return Attempt::Answered(Answer::Failed(PostError::Unavailable(format!(
                    "could not reach Discord: {}",
                    without_url(&e)
                ))));
            }
        };
        let status = response.status();
        metrics::discord_response(route, status.as_u16());
        let body = response.bytes().await.unwrap_or_default();
        if status.is_success() {
            return Attempt::Answered(Answer::Done(body.to_vec()));
        }
        if status.as_u16() == 429 {
            let limit = serde_json::from_slice::<RateLimit>(&body).ok();
            let retry_after = limit.as_ref().map_or(Duration::from_secs(1), |l| {
                Duration::try_from_secs_f64(l.retry_after).unwrap_or(Duration::from_secs(1))
            });
            if limit.is_some_and(|l| l.global) {
                self.pacer.pause_for(retry_after);
            }
            tracing::warn!(route, ?retry_after, "Discord rate limited a request");
            return Attempt::Limited { retry_after };
        }
        let error = serde_json::from_slice::<DiscordError>(&body).ok();
        let (code, message) = error.map_or((0, String::new()), |e| (e.code, e.message));
        Attempt::Answered(Answer::Refused {
            status: status.as_u16(),
            code,
            message,
        })
    }
}

/// A successful answer's body as `T`; one that is not is Discord failing.
fn parsed<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, PostError> {
    serde_json::from_slice(body)
        .map_err(|e| PostError::Unavailable(format!("Discord's answer was not {what}: {e}")))
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
