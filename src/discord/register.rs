//! Registering slash commands with Discord from the same definitions the dispatcher uses.

use serenity::all::{Command, GuildId, Http};

use crate::commands::Registry;

/// Bulk-overwrites the application's commands, globally or in one server (instant, for
/// testing), and returns what Discord now holds.
pub async fn register(
    http: &Http,
    registry: &Registry,
    guild: Option<GuildId>,
) -> serenity::Result<Vec<Command>> {
    let definitions = registry.definitions();
    match guild {
        Some(guild) => http.create_guild_commands(guild, &definitions).await,
        None => http.create_global_commands(&definitions).await,
    }
}
