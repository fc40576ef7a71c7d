//! The thread requests the partner match makes: open a thread, add a member, and list the
//! server's active threads (to find one opened by a run that crashed before recording it).

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use serenity::all::{ChannelId, GuildId, UserId};

use super::{parsed, ActiveThread, Answer, PostError, Poster};

/// A week: a partner thread stays open for the whole week it is for.
const ARCHIVE_AFTER_MINUTES: u32 = 10_080;
const PRIVATE_THREAD: u8 = 12;
pub(super) const PUBLIC_THREAD: u8 = 11;
/// "Cannot execute action on this channel type": private threads in an announcement channel.
const WRONG_CHANNEL_TYPE: u64 = 50_024;
const MISSING_ACCESS: u64 = 50_001;
const UNKNOWN_MEMBER: u64 = 10_007;
const UNKNOWN_USER: u64 = 10_013;

#[derive(Deserialize)]
struct Created {
    id: ChannelId,
}

#[derive(Deserialize)]
struct ThreadList {
    threads: Vec<ActiveThread>,
}

impl Poster {
    pub(super) async fn open_thread(
        &self,
        channel: ChannelId,
        name: &str,
        private: bool,
    ) -> Result<ChannelId, PostError> {
        let body = if private {
            json!({ "name": name, "type": PRIVATE_THREAD, "invitable": false,
                    "auto_archive_duration": ARCHIVE_AFTER_MINUTES })
        } else {
            json!({ "name": name, "type": PUBLIC_THREAD,
                    "auto_archive_duration": ARCHIVE_AFTER_MINUTES })
        };
        let path = format!("channels/{channel}/threads");
        let kind = if private { "private" } else { "public" };
        match self
            .call(Method::POST, &path, Some(&body), "create_thread")
            .await
        {
            Answer::Refused {
                status: 403, code, ..
            } if code != MISSING_ACCESS => Err(PostError::CannotPost(format!(
                "Waypoint may not open {kind} threads in <#{channel}> (Missing Permissions): \
                 give it Create {} Threads and Send Messages in Threads there",
                if private { "Private" } else { "Public" }
            ))),
            Answer::Refused {
                code: WRONG_CHANNEL_TYPE,
                ..
            } => Err(PostError::CannotPost(format!(
                "<#{channel}> does not allow {kind} threads (an announcement channel does not)"
            ))),
            other => parsed::<Created>(&other.body()?, "a thread").map(|c| c.id),
        }
    }

    pub(super) async fn add_thread_member(
        &self,
        thread: ChannelId,
        user: UserId,
    ) -> Result<bool, PostError> {
        let path = format!("channels/{thread}/thread-members/{user}");
        match self
            .call(Method::PUT, &path, None, "add_thread_member")
            .await
        {
            Answer::Refused {
                code: UNKNOWN_MEMBER | UNKNOWN_USER,
                ..
            } => Ok(false),
            other => other.body().map(|_| true),
        }
    }

    pub(super) async fn list_active_threads(
        &self,
        guild: GuildId,
    ) -> Result<Vec<ActiveThread>, PostError> {
        let path = format!("guilds/{guild}/threads/active");
        let answer = self.call(Method::GET, &path, None, "active_threads").await;
        parsed::<ThreadList>(&answer.body()?, "a thread list").map(|l| l.threads)
    }
}
