//! Check-ins themselves: this week's (to edit), saving one with its award, the draft of a
//! form that had a mistake, and the weeks a member checked in.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use sqlx::{PgExecutor, PgPool};

use super::super::ids::DbId;
use super::super::servers;
use crate::checkins::entry::{CheckIn, Draft};
use crate::points::Grant;

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

/// Whether a save created the week's check-in or replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created,
    Edited,
}

/// What saving a check-in did, and whether its member hides their progress (read by the same
/// statement, so the confirmation's visibility needs no read of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveOutcome {
    pub saved: Saved,
    pub hidden: bool,
}

/// Saves the week's check-in (replacing an earlier one that week), awards its points once,
/// and forgets the member's draft: all or nothing.
pub async fn save(
    db: impl PgExecutor<'_>,
    guild: GuildId,
    user: UserId,
    week: &str,
    check_in: &CheckIn,
    grant: &Grant,
    now: DateTime<Utc>,
) -> sqlx::Result<SaveOutcome> {
    // One statement, so one round trip: the member's row (created if need be) is locked by
    // its upsert for the rest of it, and every part is written or none.
    let row = sqlx::query!(
        r#"WITH server AS (
             INSERT INTO servers (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING
           ),
           member AS (
             INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
             VALUES ($1, $2, $9, $9)
             ON CONFLICT (guild_id, user_id)
             DO UPDATE SET last_seen_at = GREATEST(members.last_seen_at, EXCLUDED.last_seen_at)
             RETURNING hidden
           ),
           checkin AS (
             INSERT INTO checkins (guild_id, user_id, week, did, blockers, next_goal, link,
                                   met_last_goal, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
             ON CONFLICT (guild_id, user_id, week) DO UPDATE
                 SET did = EXCLUDED.did, blockers = EXCLUDED.blockers,
                     next_goal = EXCLUDED.next_goal, link = EXCLUDED.link,
                     met_last_goal = EXCLUDED.met_last_goal, updated_at = EXCLUDED.updated_at
             RETURNING (xmax = 0) AS created
           ),
           award AS (
             INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at)
             VALUES ($1, $2, $10, $11, $12, $13, $9)
             ON CONFLICT (guild_id, user_id, award_key) DO NOTHING
           ),
           draft AS (
             DELETE FROM checkin_drafts WHERE guild_id = $1 AND user_id = $2
           )
           SELECT (SELECT created FROM checkin) AS "created!",
                  (SELECT hidden FROM member) AS "hidden!""#,
        guild.db(),
        user.db(),
        week,
        check_in.did,
        check_in.blockers,
        check_in.goal,
        check_in.link,
        check_in.met.map(|m| m.as_str()),
        now,
        grant.kind,
        grant.reference,
        grant.points,
        grant.key,
    )
    .fetch_one(db)
    .await?;
    let (created, hidden) = (row.created, row.hidden);
    Ok(SaveOutcome {
        saved: if created {
            Saved::Created
        } else {
            Saved::Edited
        },
        hidden,
    })
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
