//! What Waypoint can tell about a server's channel from Discord: whether everyone can read it.
//! Used to warn staff before the digest, which quotes members' blockers, goes somewhere public.

use std::time::Duration;

use serenity::all::{Channel, ChannelId, GuildId, PermissionOverwriteType, Permissions};
use tracing::debug;

use crate::app::App;

/// How long a settings reply waits for Discord's answer before going out without the check.
const LOOKUP_WAIT: Duration = Duration::from_millis(1500);

/// Whether `channel` looks readable by everyone: no overwrite on the @everyone role (whose id
/// is the server's) takes View Channel away. `None` when it cannot be told: the console has no
/// Discord, or Discord did not answer in time.
pub async fn open_to_everyone(app: &App, guild: GuildId, channel: ChannelId) -> Option<bool> {
    let http = app.discord.as_ref()?;
    let found = tokio::time::timeout(LOOKUP_WAIT, http.get_channel(channel)).await;
    let channel = match found {
        Ok(Ok(Channel::Guild(channel))) => channel,
        Ok(Ok(_)) => return None,
        Ok(Err(e)) => {
            debug!(error = %e, "could not look up a channel's permissions");
            return None;
        }
        Err(_) => {
            debug!(
                ?LOOKUP_WAIT,
                "looking up a channel's permissions took too long"
            );
            return None;
        }
    };
    let hidden = channel.permission_overwrites.iter().any(|overwrite| {
        overwrite.kind == PermissionOverwriteType::Role(guild.get().into())
            && overwrite.deny.contains(Permissions::VIEW_CHANNEL)
    });
    Some(!hidden)
}
