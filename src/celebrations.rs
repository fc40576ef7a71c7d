//! Celebrations: a member who completes a phase or reaches a challenge's target is announced
//! in the server's channel. A phase celebration is queued with the phase's award (in
//! `db::progress`). Reaching a challenge's target is found by a sweep the scheduler runs each
//! pass (`queue_reached`): one count per running challenge, rather than two more reads on every
//! member's write. The scheduler posts each once (`schedule::celebrations`), never for a
//! hidden member.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::achievements;
use crate::content::Content;
use crate::db::{celebrations, challenges};

/// Queues a celebration for every visible participant of a running challenge who has reached
/// its target and has none yet; returns how many were queued. Each is due when its member
/// reached the target, so a backlog after downtime is skipped by the grace window rather than
/// posted in a burst.
/// Finishers older than `grace` are left out: they would be skipped as missed anyway.
pub async fn queue_reached(
    db: &PgPool,
    content: &Content,
    grace: Duration,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let mut queued = 0;
    for challenge in challenges::running(db, now).await? {
        let topics = match content.challenge_topics(db, &challenge).await {
            Ok(topics) => topics,
            Err(e) => {
                tracing::warn!(guild = challenge.guild.get(), error = %e, "skipping a challenge's finishers for now");
                continue;
            }
        };
        let reached: Vec<(String, DateTime<Utc>)> =
            challenges::progress(db, &challenge, topics.as_deref(), now, None)
                .await?
                .into_iter()
                .filter(|p| !p.hidden)
                .filter_map(|p| {
                    let at = p.reached_at?;
                    Some((achievements::challenge_period(challenge.id, p.user), at))
                })
                // Older ones would be skipped as missed; leaving them out keeps each pass
                // from offering the same finishers again for the rest of the challenge.
                .filter(|(_, at)| now - *at <= grace)
                .collect();
        if !reached.is_empty() {
            queued += celebrations::queue_many(
                db,
                challenge.guild.into(),
                achievements::CHALLENGE,
                &reached,
            )
            .await?;
        }
    }
    Ok(queued)
}
