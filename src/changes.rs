//! Writes whose data other readers hold copies of: the progress cache (roadmap marks), the
//! shared challenge standings and leaderboard pages, and the "last seen" buffer. Each write goes through storage and
//! then brings the copies in line, here and nowhere else, so no handler touches a cache.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};

use crate::app::App;
use crate::db::challenges::{self, Challenge, Joined};
use crate::db::privacy::{self, Removed};
use crate::db::progress::{self, Saved};
use crate::progress::TopicState;
use crate::roadmap::TopicRef;

/// Sets a topic's state; the member's cached marks become the saved progress.
pub async fn set_topic_state(
    app: &App,
    topic: TopicRef<'_>,
    guild: GuildId,
    user: UserId,
    state: TopicState,
    proof: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<Saved> {
    let saved = progress::set_state(&app.db, topic, guild, user, state, proof, now).await?;
    app.progress.written(guild, user, saved.progress.clone());
    Ok(saved)
}

pub async fn join_challenge(
    app: &App,
    challenge: &Challenge,
    user: UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<Joined> {
    let joined = challenges::join(&app.db, challenge, user, now).await?;
    if joined == Joined::Joined {
        standings_changed(app, challenge.guild.into()).await;
    }
    Ok(joined)
}

/// True when the member was in it.
pub async fn leave_challenge(app: &App, challenge: &Challenge, user: UserId) -> sqlx::Result<bool> {
    let left = challenges::leave(&app.db, challenge.id, user).await?;
    if left {
        standings_changed(app, challenge.guild.into()).await;
    }
    Ok(left)
}

/// Ends a running challenge now; false when it was not running.
pub async fn end_challenge(
    app: &App,
    challenge: &Challenge,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let ended = challenges::end_early(&app.db, challenge, now).await?;
    if ended {
        standings_changed(app, challenge.guild.into()).await;
    }
    Ok(ended)
}

/// Hides a member from others (or shows them again): standings name only visible members.
pub async fn set_hidden(
    app: &App,
    guild: GuildId,
    user: UserId,
    hidden: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    privacy::set_hidden(&app.db, guild, user, hidden, now).await?;
    standings_changed(app, guild).await;
    Ok(())
}

/// Deletes everything about a member in a server; nothing held in memory brings them back.
pub async fn delete_member(app: &App, guild: GuildId, user: UserId) -> sqlx::Result<Removed> {
    let removed = privacy::delete(&app.db, guild, user).await?;
    standings_changed(app, guild).await;
    app.activity.forget(guild, user);
    app.progress.forget(guild, user);
    Ok(removed)
}

/// After a transaction that may have changed the server's time zone commits: weekly and
/// monthly boards are counted in it, so the pages held for the server are dropped.
pub async fn server_zone_saved(app: &App, guild: GuildId) {
    app.boards.forget_server(guild).await;
}

/// The one place shared standings and leaderboard pages are dropped: after a change to who is
/// in a challenge or who may be named.
async fn standings_changed(app: &App, guild: GuildId) {
    app.standings.forget_server(guild).await;
    app.boards.forget_server(guild).await;
}
