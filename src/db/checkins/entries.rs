//! Check-ins themselves: this week's (to edit), saving one with its award, the draft of a
//! form that had a mistake, and the weeks a member checked in.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use sqlx::PgPool;

use super::super::ids::DbId;
use super::super::servers;
use crate::checkins::entry::Draft;

/// This week's check-in (to edit it) and the goal of the latest one before it.
pub async fn form_state(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    week: &str,
) -> sqlx::Result<(Option<Draft>, Option<String>)> {
    let this_week = sqlx::query!(
        "SELECT did, blockers, next_goal, link, met_last_goal FROM checkins
         WHERE guild_id = $1 AND user_id = $2 AND week = $3",
        guild.db(),
        user.db(),
        week
    )
    .fetch_optional(pool)
    .await?
    .map(|r| Draft {
        did: r.did,
        blockers: r.blockers,
        goal: r.next_goal,
        link: r.link.unwrap_or_default(),
        met: r.met_last_goal.unwrap_or_default(),
    });
    let last_goal = sqlx::query_scalar!(
        "SELECT next_goal FROM checkins WHERE guild_id = $1 AND user_id = $2 AND week < $3
         ORDER BY week DESC LIMIT 1",
        guild.db(),
        user.db(),
        week
    )
    .fetch_optional(pool)
    .await?;
    Ok((this_week, last_goal))
}

/// Keeps what the member typed in a form that had a mistake.
pub async fn save_draft(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    draft: &Draft,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    servers::lock_member(&mut tx, guild, user, now).await?;
    sqlx::query!(
        "INSERT INTO checkin_drafts (guild_id, user_id, did, blockers, next_goal, link, met, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (guild_id, user_id) DO UPDATE
             SET did = EXCLUDED.did, blockers = EXCLUDED.blockers, next_goal = EXCLUDED.next_goal,
                 link = EXCLUDED.link, met = EXCLUDED.met, saved_at = EXCLUDED.saved_at",
        guild.db(),
        user.db(),
        draft.did,
        draft.blockers,
        draft.goal,
        draft.link,
        draft.met,
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

pub async fn draft(pool: &PgPool, guild: GuildId, user: UserId) -> sqlx::Result<Option<Draft>> {
    let row = sqlx::query!(
        "SELECT did, blockers, next_goal, link, met FROM checkin_drafts
         WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db()
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Draft {
        did: r.did,
        blockers: r.blockers,
        goal: r.next_goal,
        link: r.link,
        met: r.met,
    }))
}
