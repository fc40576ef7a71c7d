//! Accountability partners: a server's weekly match settings and the members who joined.

use chrono::{DateTime, Utc, Weekday};
use serenity::all::{ChannelId, GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::ids::{channel_from_db, DbId};
use super::prompts::zone_from_db;
use crate::weekly::WeeklySlot;

/// Where and when a server's weekly match runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerSettings {
    pub channel: ChannelId,
    /// In the server's zone (which `slot.zone` is).
    pub slot: WeeklySlot,
    /// 2 for pairs (a trio for an odd one out), 3 for trios.
    pub size: u8,
    pub problem: Option<(String, DateTime<Utc>)>,
}

pub async fn settings(pool: &PgPool, guild: GuildId) -> sqlx::Result<Option<PartnerSettings>> {
    let row = sqlx::query!(
        "SELECT p.channel_id, p.weekday, p.minute_of_day, p.group_size, p.problem, p.problem_at,
                s.timezone
         FROM partner_settings p JOIN servers s USING (guild_id) WHERE p.guild_id = $1",
        guild.db()
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| PartnerSettings {
        channel: channel_from_db(r.channel_id),
        slot: WeeklySlot {
            weekday: Weekday::try_from(u8::try_from(r.weekday).unwrap_or(0))
                .unwrap_or(Weekday::Mon),
            minute_of_day: u16::try_from(r.minute_of_day).unwrap_or(0),
            zone: zone_from_db(&r.timezone),
        },
        size: u8::try_from(r.group_size).unwrap_or(2),
        problem: r.problem.zip(r.problem_at),
    }))
}

/// Saves the settings and the server's zone, and clears any problem.
pub async fn save_settings(
    conn: &mut PgConnection,
    guild: GuildId,
    channel: ChannelId,
    slot: WeeklySlot,
    size: u8,
) -> sqlx::Result<()> {
    super::servers::set_timezone(conn, guild, slot.zone.name()).await?;
    sqlx::query!(
        "INSERT INTO partner_settings (guild_id, channel_id, weekday, minute_of_day, group_size)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (guild_id) DO UPDATE
             SET channel_id = EXCLUDED.channel_id, weekday = EXCLUDED.weekday,
                 minute_of_day = EXCLUDED.minute_of_day, group_size = EXCLUDED.group_size,
                 problem = NULL, problem_at = NULL, updated_at = now()",
        guild.db(),
        channel.db(),
        i16::try_from(slot.weekday.num_days_from_monday()).unwrap_or(0),
        i16::try_from(slot.minute_of_day).unwrap_or(0),
        i16::from(size)
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Turns the weekly match off; false if it was not on. Who joined stays, for when it is on
/// again.
pub async fn turn_off(pool: &PgPool, guild: GuildId) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM partner_settings WHERE guild_id = $1",
        guild.db()
    )
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// A member who joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub note: String,
    pub joined_at: DateTime<Utc>,
}

/// Joins `user` (or changes their note); true when they were not in yet. Their server and
/// member rows are made if missing, in the same transaction.
pub async fn join(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    note: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    super::servers::lock_member(&mut tx, guild, user, now).await?;
    let new = sqlx::query_scalar!(
        r#"INSERT INTO partner_members (guild_id, user_id, note, joined_at)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (guild_id, user_id) DO UPDATE SET note = EXCLUDED.note
           RETURNING (xmax = 0) AS "new!""#,
        guild.db(),
        user.db(),
        note,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// Takes `user` out of the weekly match; false if they were not in it.
pub async fn leave(pool: &PgPool, guild: GuildId, user: UserId) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM partner_members WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db()
    )
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

pub async fn joined(pool: &PgPool, guild: GuildId, user: UserId) -> sqlx::Result<Option<Joined>> {
    let row = sqlx::query!(
        "SELECT note, joined_at FROM partner_members WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db()
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Joined {
        note: r.note,
        joined_at: r.joined_at,
    }))
}

/// How many members joined in `guild`.
pub async fn count(pool: &PgPool, guild: GuildId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM partner_members WHERE guild_id = $1"#,
        guild.db()
    )
    .fetch_one(pool)
    .await
}
