//! A server's check-in settings: where reminders and digests go, when, and the streak rule;
//! and which servers have a reminder or digest to plan.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, GuildId};
use sqlx::{PgConnection, PgPool};

use super::super::ids::{channel_from_db, guild_from_db, DbId};
use super::super::prompts::slot_from_db;
use super::super::{scheduled, servers};
use crate::weekly::WeeklySlot;

/// The kinds of scheduled post check-ins make.
pub const REMINDER: &str = "checkin-reminder";
pub const DIGEST: &str = "checkin-digest";

#[derive(Debug, Clone)]
pub struct CheckinSettings {
    pub channel: ChannelId,
    pub staff_channel: ChannelId,
    /// The weekly reminder, in the server's zone (which `slot.zone` is).
    pub reminder: WeeklySlot,
    pub public: bool,
    pub freeze_every: u32,
    pub problem: Option<(String, DateTime<Utc>)>,
}

pub(super) struct SettingsRow {
    pub(super) guild_id: i64,
    pub(super) channel_id: i64,
    pub(super) staff_channel_id: i64,
    pub(super) reminder_weekday: i16,
    pub(super) reminder_minute: i16,
    pub(super) public: bool,
    pub(super) freeze_every: i16,
    pub(super) timezone: String,
    pub(super) problem: Option<String>,
    pub(super) problem_at: Option<DateTime<Utc>>,
}

impl SettingsRow {
    pub(super) fn into_settings(self) -> (GuildId, CheckinSettings) {
        (
            guild_from_db(self.guild_id),
            CheckinSettings {
                channel: channel_from_db(self.channel_id),
                staff_channel: channel_from_db(self.staff_channel_id),
                reminder: slot_from_db(self.reminder_weekday, self.reminder_minute, &self.timezone),
                public: self.public,
                freeze_every: u32::try_from(self.freeze_every).unwrap_or(4),
                problem: self.problem.zip(self.problem_at),
            },
        )
    }
}

pub async fn settings(pool: &PgPool, guild: GuildId) -> sqlx::Result<Option<CheckinSettings>> {
    let row = sqlx::query_as!(
        SettingsRow,
        "SELECT c.guild_id, c.channel_id, c.staff_channel_id, c.reminder_weekday, c.reminder_minute,
                c.public, c.freeze_every, s.timezone, c.problem, c.problem_at
         FROM checkin_settings c JOIN servers s USING (guild_id) WHERE c.guild_id = $1",
        guild.db()
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| r.into_settings().1))
}

/// Saves the settings (the reminder's zone becomes the server's) and drops the planned
/// reminder and digest so the caller can plan them again in the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn save_settings(
    conn: &mut PgConnection,
    guild: GuildId,
    channel: ChannelId,
    staff_channel: ChannelId,
    reminder: WeeklySlot,
    public: bool,
    freeze_every: u32,
) -> sqlx::Result<()> {
    servers::set_timezone(conn, guild, reminder.zone.name()).await?;
    sqlx::query!(
        "INSERT INTO checkin_settings
             (guild_id, channel_id, staff_channel_id, reminder_weekday, reminder_minute, public, freeze_every)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (guild_id) DO UPDATE
             SET channel_id = EXCLUDED.channel_id, staff_channel_id = EXCLUDED.staff_channel_id,
                 reminder_weekday = EXCLUDED.reminder_weekday,
                 reminder_minute = EXCLUDED.reminder_minute, public = EXCLUDED.public,
                 freeze_every = EXCLUDED.freeze_every, problem = NULL, problem_at = NULL,
                 updated_at = now()",
        guild.db(),
        channel.db(),
        staff_channel.db(),
        i16::try_from(reminder.weekday.num_days_from_monday()).unwrap_or(0),
        i16::try_from(reminder.minute_of_day).unwrap_or(0),
        public,
        i16::try_from(freeze_every).unwrap_or(4)
    )
    .execute(&mut *conn)
    .await?;
    scheduled::drop_unsent(conn, guild, REMINDER).await?;
    scheduled::drop_unsent(conn, guild, DIGEST).await
}

/// Turns check-ins off; false if they were not on. Members' check-ins are kept.
pub async fn turn_off(conn: &mut PgConnection, guild: GuildId) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM checkin_settings WHERE guild_id = $1",
        guild.db()
    )
    .execute(&mut *conn)
    .await?;
    scheduled::drop_unsent(conn, guild, REMINDER).await?;
    scheduled::drop_unsent(conn, guild, DIGEST).await?;
    Ok(deleted.rows_affected() == 1)
}

pub async fn set_problem(
    pool: &PgPool,
    guild: GuildId,
    problem: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE checkin_settings SET problem = $2, problem_at = $3 WHERE guild_id = $1",
        guild.db(),
        problem,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Servers with check-ins on, no posting problem, and no post of `kind` planned.
pub async fn unplanned(
    pool: &PgPool,
    kind: &str,
    limit: i64,
) -> sqlx::Result<Vec<(GuildId, CheckinSettings)>> {
    let rows = sqlx::query_as!(
        SettingsRow,
        "SELECT c.guild_id, c.channel_id, c.staff_channel_id, c.reminder_weekday, c.reminder_minute,
                c.public, c.freeze_every, s.timezone, c.problem, c.problem_at
         FROM checkin_settings c JOIN servers s USING (guild_id)
         WHERE c.problem IS NULL
           AND NOT EXISTS (SELECT 1 FROM scheduled_posts j
                           WHERE j.guild_id = c.guild_id AND j.kind = $1 AND j.status = 'pending')
         ORDER BY c.guild_id
         LIMIT $2",
        kind,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(SettingsRow::into_settings).collect())
}
