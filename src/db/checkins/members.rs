//! A member's own check-in choices: their time zone and whether reminders name them; and
//! what `/me` shows.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serenity::all::{GuildId, UserId};
use sqlx::PgPool;

use super::super::ids::DbId;
use super::super::servers;

/// What `/me` shows.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub known: bool,
    pub own_zone: Option<String>,
    pub server_zone: String,
    pub reminders: bool,
    pub hidden: bool,
    pub points: i64,
    pub topics_done: i64,
    pub checkins: i64,
}

/// The member's profile; topics done count on `roadmap` (the server's).
pub async fn profile(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    roadmap: &str,
) -> sqlx::Result<Profile> {
    let row = sqlx::query!(
        r#"SELECT
             EXISTS (SELECT 1 FROM members WHERE guild_id = $1 AND user_id = $2) AS "known!",
             (SELECT timezone FROM members WHERE guild_id = $1 AND user_id = $2) AS own_zone,
             COALESCE((SELECT timezone FROM servers WHERE guild_id = $1), 'UTC') AS "server_zone!",
             COALESCE((SELECT reminders FROM members WHERE guild_id = $1 AND user_id = $2), false) AS "reminders!",
             COALESCE((SELECT hidden FROM members WHERE guild_id = $1 AND user_id = $2), false) AS "hidden!",
             COALESCE((SELECT SUM(points) FROM points_ledger WHERE guild_id = $1 AND user_id = $2), 0)::bigint AS "points!",
             (SELECT count(*) FROM topic_progress WHERE guild_id = $1 AND user_id = $2 AND roadmap_id = $3 AND state = 'done') AS "topics_done!",
             (SELECT count(*) FROM checkins WHERE guild_id = $1 AND user_id = $2) AS "checkins!""#,
        guild.db(),
        user.db(),
        roadmap
    )
    .fetch_one(pool)
    .await?;
    Ok(Profile {
        known: row.known,
        own_zone: row.own_zone,
        server_zone: row.server_zone,
        reminders: row.reminders,
        hidden: row.hidden,
        points: row.points,
        topics_done: row.topics_done,
        checkins: row.checkins,
    })
}

/// Sets (`Some`) or clears the member's own time zone.
pub async fn set_member_zone(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    zone: Option<Tz>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    servers::lock_member(&mut tx, guild, user, now).await?;
    sqlx::query!(
        "UPDATE members SET timezone = $3 WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db(),
        zone.map(|z| z.name())
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Whether the weekly reminder names the member; returns whether they hide their progress
/// (the public reminder leaves hidden members out).
pub async fn set_reminders(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    on: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let hidden = servers::lock_member(&mut tx, guild, user, now)
        .await?
        .hidden;
    sqlx::query!(
        "UPDATE members SET reminders = $3 WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db(),
        on
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(hidden)
}
