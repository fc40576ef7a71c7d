//! Celebrations: a member who completes a phase or reaches a challenge's target is announced
//! in the server's channel. A phase celebration is queued with the phase's award (in
//! `db::progress`); a challenge's is queued here, after the activity that reached the target.
//! The scheduler posts each once (`schedule::celebrations`), never for a hidden member.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use tracing::warn;

use crate::app::App;
use crate::db::{celebrations, challenges};

/// After a member's activity counted toward challenges (a topic done, a check-in): queues a
/// celebration for each running challenge of theirs whose target they have now reached. The
/// key makes a second queueing a no-op. A failure is logged, never the member's problem: their
/// activity is already saved.
pub async fn after_activity(app: &App, guild: GuildId, user: UserId, now: DateTime<Utc>) {
    if let Err(e) = queue_reached(app, guild, user, now).await {
        warn!(error = %e, "could not check whether a challenge was finished");
    }
}

async fn queue_reached(
    app: &App,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    // The activity just saved is stamped `now`, and a count runs to just before its `until`.
    let until = now + chrono::Duration::milliseconds(1);
    for challenge in challenges::running_joined_by(&app.db, guild, user, now).await? {
        let topics = app.challenge_topics(&challenge);
        let own = challenges::progress(&app.db, &challenge, topics.as_deref(), until, Some(user))
            .await?
            .into_iter()
            .next();
        if own.is_some_and(|p| p.reached_at.is_some()) {
            let mut conn = app.db.acquire().await?;
            let period = celebrations::challenge_period(challenge.id, user);
            celebrations::queue(&mut conn, guild, celebrations::CHALLENGE, &period, now).await?;
        }
    }
    Ok(())
}
