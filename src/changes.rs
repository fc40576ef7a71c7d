//! Writes whose data other readers hold copies of: the progress cache (roadmap marks),
//! members' shared answers (`/progress show`, `/checkins`), the shared challenge standings,
//! challenges found by name and leaderboard pages, and the "last seen" buffer. Each write goes
//! through storage and then brings the copies in line, here and nowhere else, so no handler
//! touches a cache.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serenity::all::{GuildId, UserId};

use crate::app::App;
use crate::db::challenges::{self, Challenge, Joined, NewChallenge};
use crate::db::checkins::{self, SaveOutcome, Submission};
use crate::db::privacy::{self, Removed};
use crate::db::progress::{self, Saved};
use crate::db::roadmaps;
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
    let saved =
        progress::set_state(&app.progress_writes, topic, guild, user, state, proof, now).await?;
    app.progress.written(guild, user, saved.progress.clone());
    app.members.forget(guild, user);
    Ok(saved)
}

/// Saves the week's check-in with its award (see `checkins::Submissions::save`).
pub async fn save_checkin(app: &App, submission: Submission) -> sqlx::Result<SaveOutcome> {
    let (guild, user) = (submission.guild, submission.user);
    let saved = app.checkins.save(submission).await?;
    app.members.forget(guild, user);
    Ok(saved)
}

/// Sets (or clears) the zone a member's weeks are counted in.
pub async fn set_member_zone(
    app: &App,
    guild: GuildId,
    user: UserId,
    zone: Option<Tz>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    checkins::set_member_zone(&app.db, guild, user, zone, now).await?;
    app.members.forget(guild, user);
    Ok(())
}

/// Creates a challenge; `None` when the server has one of that name already.
pub async fn create_challenge(
    app: &App,
    new: &NewChallenge,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let created = challenges::create(&app.db, new, now).await?;
    if created.is_some() {
        standings_changed(app, new.guild).await;
    }
    Ok(created)
}

/// Cancels a challenge that has not started; false when it could not be.
pub async fn cancel_challenge(app: &App, challenge: &Challenge) -> sqlx::Result<bool> {
    let cancelled = challenges::cancel(&app.db, challenge).await?;
    if cancelled {
        standings_changed(app, challenge.guild.into()).await;
    }
    Ok(cancelled)
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
        // Its finishers were awarded points.
        app.members.forget_server(challenge.guild.into());
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
    app.members.forget(guild, user);
    standings_changed(app, guild).await;
    Ok(())
}

/// Deletes everything about a member in a server; nothing held in memory brings them back.
pub async fn delete_member(app: &App, guild: GuildId, user: UserId) -> sqlx::Result<Removed> {
    let removed = privacy::delete(&app.db, guild, user).await?;
    standings_changed(app, guild).await;
    app.activity.forget(guild, user);
    app.progress.forget(guild, user);
    app.members.forget(guild, user);
    Ok(removed)
}

/// After a transaction that changed the server's settings commits (its zone, check-ins, the
/// rule for skipped topics): weekly and monthly boards are counted in its zone, and members'
/// views show its settings, so what is held for the server is dropped.
pub async fn server_settings_saved(app: &App, guild: GuildId) {
    app.boards.forget_server(guild).await;
    app.members.forget_server(guild);
}

/// The one place shared standings and leaderboard pages are dropped: after a change to who is
/// in a challenge or who may be named.
async fn standings_changed(app: &App, guild: GuildId) {
    app.standings.forget_server(guild).await;
    app.challenge_names.forget_server(guild).await;
    app.boards.forget_server(guild).await;
}

/// Makes `guild` follow `followed` (`None`: the deployment's default). Every answer held for
/// the server's roadmap goes: members' views, leaderboard pages (the phase boards follow the
/// roadmap), and the marks held for its members (by roadmap, so they are read again).
pub async fn follow_roadmap(
    app: &App,
    guild: GuildId,
    followed: Option<&roadmaps::Followed>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    roadmaps::follow(&app.db, guild, followed, now).await?;
    let mut held = app.content.server(guild);
    held.followed = followed.cloned();
    app.content.note(guild, held);
    roadmap_changed(app, guild).await;
    Ok(())
}

/// Stores an imported roadmap's next version and makes the server follow it; `roadmap` is
/// what was parsed from `import.source`, held so it is not read back.
pub async fn import_roadmap(
    app: &App,
    import: &roadmaps::Import<'_>,
    roadmap: crate::roadmap::Roadmap,
) -> sqlx::Result<i32> {
    let version = roadmaps::import(&app.db, import).await?;
    let mut held = app.content.server(import.guild);
    held.imported.retain(|i| i.id != import.id);
    held.imported.push(roadmaps::Imported {
        id: import.id.to_string(),
        title: import.title.to_string(),
        version,
    });
    held.followed = Some(roadmaps::Followed {
        id: import.id.to_string(),
        version: Some(version),
    });
    app.content.hold(import.guild, version, roadmap).await;
    app.content.note(import.guild, held);
    roadmap_changed(app, import.guild).await;
    Ok(version)
}

/// Another replica (or this one) changed what `guild` follows: drop what was held for it.
pub async fn roadmap_changed(app: &App, guild: GuildId) {
    app.members.forget_server(guild);
    app.boards.forget_server(guild).await;
}

/// Keeps this process's idea of each server's roadmap current: reads what changed every
/// `every` (so a change made through another replica shows within it) and drops what
/// was held for those servers.
pub async fn follow_roadmaps_until(
    app: std::sync::Arc<App>,
    every: std::time::Duration,
    stop: tokio_util::sync::CancellationToken,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match app.content.refresh(&app.db).await {
            Ok(changed) => {
                for guild in changed {
                    roadmap_changed(&app, guild).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read servers' roadmap choices"),
        }
    }
}
