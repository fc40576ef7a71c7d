//! Who the weekly reminder names and what the staff digest reports.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serenity::all::{GuildId, UserId};
use sqlx::PgPool;

use super::super::ids::{user_from_db, DbId};
use super::super::prompts::zone_from_db;

/// A member who asked to be reminded, with their zone and the weeks they checked in. Hidden
/// members are left out: the reminder is a public message, and it names people.
#[derive(Debug, Clone)]
pub struct ToRemind {
    pub user: UserId,
    pub zone: Tz,
    pub weeks: Vec<String>,
}

pub async fn opted_in(pool: &PgPool, guild: GuildId) -> sqlx::Result<Vec<ToRemind>> {
    let rows = sqlx::query!(
        r#"SELECT m.user_id, COALESCE(m.timezone, s.timezone) AS "zone!",
                  ARRAY(SELECT week FROM checkins c
                        WHERE c.guild_id = m.guild_id AND c.user_id = m.user_id
                        ORDER BY week) AS "weeks!"
           FROM members m JOIN servers s USING (guild_id)
           WHERE m.guild_id = $1 AND m.reminders AND NOT m.hidden
           ORDER BY m.user_id"#,
        guild.db()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ToRemind {
            user: user_from_db(r.user_id),
            zone: zone_from_db(&r.zone),
            weeks: r.weeks,
        })
        .collect())
}

/// One check-in of the week, for the staff digest.
#[derive(Debug, Clone)]
pub struct DigestEntry {
    pub user: UserId,
    pub blockers: String,
    pub met: Option<String>,
}

/// The week's check-ins of members who are not hidden, the active members (seen since
/// `active_since`, not hidden) who did not check in, and how many hidden members did.
pub async fn digest(
    pool: &PgPool,
    guild: GuildId,
    week: &str,
    active_since: DateTime<Utc>,
) -> sqlx::Result<(Vec<DigestEntry>, Vec<UserId>, i64)> {
    let entries = sqlx::query!(
        "SELECT c.user_id, c.blockers, c.met_last_goal FROM checkins c
         JOIN members m USING (guild_id, user_id)
         WHERE c.guild_id = $1 AND c.week = $2 AND NOT m.hidden
         ORDER BY c.created_at",
        guild.db(),
        week
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| DigestEntry {
        user: user_from_db(r.user_id),
        blockers: r.blockers,
        met: r.met_last_goal,
    })
    .collect();
    let missing = sqlx::query_scalar!(
        "SELECT m.user_id FROM members m
         WHERE m.guild_id = $1 AND m.last_seen_at >= $3 AND NOT m.hidden
           AND NOT EXISTS (SELECT 1 FROM checkins c
                           WHERE c.guild_id = m.guild_id AND c.user_id = m.user_id AND c.week = $2)
         ORDER BY m.user_id",
        guild.db(),
        week,
        active_since
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(user_from_db)
    .collect();
    let hidden = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM checkins c JOIN members m USING (guild_id, user_id)
           WHERE c.guild_id = $1 AND c.week = $2 AND m.hidden"#,
        guild.db(),
        week
    )
    .fetch_one(pool)
    .await?;
    Ok((entries, missing, hidden))
}
