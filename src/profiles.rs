//! How members show in their server (display name and avatar), for the cards, and the
//! server's own name, for its community page. The caller's profile comes with the interaction
//! (and a `member` option's with its resolved data); the members a board names are asked of
//! Discord and held in memory for a few minutes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use serenity::all::{
    GuildId, Http, LightMethod, Member, PartialMember, Request, Route, User, UserId,
};
use tracing::debug;

/// A member as the server shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// Where Discord's CDN serves their avatar, relative to its base; `None` for the default
    /// avatar (the card draws initials).
    pub avatar: Option<String>,
    /// The avatar's hash alone, as the community pages store it.
    pub avatar_hash: Option<String>,
}

/// The avatar size asked of the CDN: the cards draw it 120 pixels wide.
const AVATAR_SIZE: u32 = 128;
/// How long a looked-up name is reused: a rename shows within this.
const NAMES_KEPT: Duration = Duration::from_secs(300);
/// How long looking up a board's names may take in all; names not found by then show as "a
/// member".
pub const LOOKUP_TIME: Duration = Duration::from_millis(1500);
/// Lookups in flight at once, within Discord's rate limits.
const AT_ONCE: usize = 5;
const NAMES_HELD: u64 = 20_000;

impl Profile {
    /// A member's server profile: their server nickname and avatar first, then their own.
    pub fn of_member(guild: GuildId, member: &Member) -> Self {
        let server_avatar = member.avatar.map(|hash| (guild, hash.to_string()));
        Self::of(&member.user, member.nick.as_deref(), server_avatar)
    }

    /// A user and, inside a server, the partial member Discord resolves with them.
    pub fn of_user(guild: Option<GuildId>, user: &User, member: Option<&PartialMember>) -> Self {
        match (guild, member) {
            (Some(guild), Some(member)) => {
                let server_avatar = member.avatar.map(|hash| (guild, hash.to_string()));
                Self::of(user, member.nick.as_deref(), server_avatar)
            }
            _ => Self::of(user, None, None),
        }
    }

    fn of(user: &User, nick: Option<&str>, server_avatar: Option<(GuildId, String)>) -> Self {
        let name = nick
            .or(user.global_name.as_deref())
            .unwrap_or(&user.name)
            .to_string();
        let avatar_hash = match (&server_avatar, user.avatar) {
            (Some((_, hash)), _) => Some(hash.clone()),
            (None, hash) => hash.map(|h| h.to_string()),
        };
        let avatar = match (server_avatar, user.avatar) {
            (Some((guild, hash)), _) => Some(format!(
                "guilds/{guild}/users/{}/avatars/{hash}.png?size={AVATAR_SIZE}",
                user.id
            )),
            (None, Some(hash)) => {
                Some(format!("avatars/{}/{hash}.png?size={AVATAR_SIZE}", user.id))
            }
            (None, None) => None,
        };
        Self {
            name,
            avatar,
            avatar_hash,
        }
    }
}

/// Display names of members looked up on Discord, held for a few minutes.
pub struct Names {
    held: moka::future::Cache<(GuildId, UserId), Arc<str>>,
}

impl Default for Names {
    fn default() -> Self {
        Self {
            held: moka::future::Cache::builder()
                .max_capacity(NAMES_HELD)
                .time_to_live(NAMES_KEPT)
                .build(),
        }
    }
}

impl Names {
    /// The names of `users` in `guild`, as many as Discord gives within [`LOOKUP_TIME`]; one
    /// who left the server, or could not be asked about, is missing from the map. Without
    /// Discord (the console) none are found.
    pub async fn of(
        &self,
        discord: Option<&Http>,
        guild: GuildId,
        users: &[UserId],
    ) -> HashMap<UserId, String> {
        let Some(http) = discord else {
            return HashMap::new();
        };
        let lookups = stream::iter(users.iter().copied())
            .map(|user| async move {
                let name = self
                    .held
                    // A failed lookup is not held: the next card asks again.
                    .optionally_get_with((guild, user), async move {
                        match http.get_member(guild, user).await {
                            Ok(member) => Some(Arc::from(Profile::of_member(guild, &member).name)),
                            Err(e) => {
                                debug!(error = %e, %user, "could not look up a member's name");
                                None
                            }
                        }
                    })
                    .await;
                (user, name)
            })
            .buffer_unordered(AT_ONCE)
            .filter_map(|(user, name)| async move { name.map(|n| (user, n.to_string())) });
        let mut found = HashMap::new();
        let mut lookups = std::pin::pin!(lookups);
        let _ = tokio::time::timeout(LOOKUP_TIME, async {
            while let Some((user, name)) = lookups.next().await {
                found.insert(user, name);
            }
        })
        .await;
        found
    }
}

/// The part of Discord's guild object the pages show.
#[derive(Deserialize)]
struct GuildName {
    name: String,
}

/// The server's name as Discord has it, asked within [`LOOKUP_TIME`]; `None` without Discord
/// (the console) or when it cannot be asked. Only the name is read, so a guild object with
/// fields this serenity does not know still gives it.
pub async fn server_name(discord: Option<&Http>, guild: GuildId) -> Option<String> {
    let http = discord?;
    let ask = http.fire::<GuildName>(Request::new(
        Route::Guild { guild_id: guild },
        LightMethod::Get,
    ));
    match tokio::time::timeout(LOOKUP_TIME, ask).await {
        Ok(Ok(found)) => Some(found.name.chars().take(100).collect()),
        Ok(Err(e)) => {
            debug!(error = %e, %guild, "could not look up the server's name");
            None
        }
        Err(_) => {
            debug!(%guild, "looking up the server's name took too long");
            None
        }
    }
}
