//! Servers' weekly prompt schedules and what choosing a prompt needs to know about members.

use chrono::{DateTime, Utc, Weekday};
use chrono_tz::Tz;
use serenity::all::{ChannelId, GuildId};
use sqlx::{PgConnection, PgPool};

use super::ids::{channel_from_db, guild_from_db, DbId};
use super::scheduled;
use crate::weekly::{parse_zone, WeeklySlot};

/// The kind of scheduled post a prompt is.
pub const KIND: &str = "prompt";

#[derive(Debug, Clone)]
pub struct PromptSchedule {
    pub channel: ChannelId,
    pub slot: WeeklySlot,
    /// Why the last post could not be made, and when; posting waits for a settings change.
    pub problem: Option<(String, DateTime<Utc>)>,
}

struct ScheduleRow {
    guild_id: i64,
    channel_id: i64,
    weekday: i16,
    minute_of_day: i16,
    timezone: String,
    problem: Option<String>,
    problem_at: Option<DateTime<Utc>>,
}

impl ScheduleRow {
    fn into_schedule(self) -> (GuildId, PromptSchedule) {
        let slot = slot_from_db(self.weekday, self.minute_of_day, &self.timezone);
        (
            guild_from_db(self.guild_id),
            PromptSchedule {
                channel: channel_from_db(self.channel_id),
                slot,
                problem: self.problem.zip(self.problem_at),
            },
        )
    }
}

/// Zones are checked when set; one that later disappears from the zone database falls back to
/// UTC rather than stopping the server's posts.
pub fn zone_from_db(name: &str) -> Tz {
    parse_zone(name).unwrap_or_else(|| {
        tracing::warn!(zone = name, "unknown time zone in the database; using UTC");
        Tz::UTC
    })
}

/// A weekday as the settings tables store it: 0 = Monday … 6 = Sunday.
fn weekday_from_db(day: i16) -> Weekday {
    Weekday::try_from(u8::try_from(day).unwrap_or(0)).unwrap_or(Weekday::Mon)
}

/// A weekly slot as the settings tables store it: weekday, minute of the day, and the
/// server's zone by name.
pub(super) fn slot_from_db(weekday: i16, minute_of_day: i16, zone: &str) -> WeeklySlot {
    WeeklySlot {
        weekday: weekday_from_db(weekday),
        minute_of_day: u16::try_from(minute_of_day).unwrap_or(0),
        zone: zone_from_db(zone),
    }
}

pub async fn schedule(pool: &PgPool, guild: GuildId) -> sqlx::Result<Option<PromptSchedule>> {
    let row = sqlx::query_as!(
        ScheduleRow,
        "SELECT p.guild_id, p.channel_id, p.weekday, p.minute_of_day, s.timezone, p.problem, p.problem_at
         FROM prompt_schedules p JOIN servers s USING (guild_id) WHERE p.guild_id = $1",
        guild.db()
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| r.into_schedule().1))
}

/// The server's time zone (UTC until staff set one).
pub async fn server_zone(pool: &PgPool, guild: GuildId) -> sqlx::Result<Tz> {
    let name = sqlx::query_scalar!(
        "SELECT timezone FROM servers WHERE guild_id = $1",
        guild.db()
    )
    .fetch_optional(pool)
    .await?;
    Ok(name.map_or(Tz::UTC, |n| zone_from_db(&n)))
}

/// Saves the schedule and the server's zone and clears any posting problem, dropping the
/// planned prompt so the caller can plan the next one in the same transaction.
pub async fn save_schedule(
    conn: &mut PgConnection,
    guild: GuildId,
    channel: ChannelId,
    slot: WeeklySlot,
) -> sqlx::Result<()> {
    super::servers::set_timezone(conn, guild, slot.zone.name()).await?;
    sqlx::query!(
        "INSERT INTO prompt_schedules (guild_id, channel_id, weekday, minute_of_day)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (guild_id) DO UPDATE
             SET channel_id = EXCLUDED.channel_id, weekday = EXCLUDED.weekday,
                 minute_of_day = EXCLUDED.minute_of_day, problem = NULL, problem_at = NULL,
                 updated_at = now()",
        guild.db(),
        channel.db(),
        i16::try_from(slot.weekday.num_days_from_monday()).unwrap_or(0),
        i16::try_from(slot.minute_of_day).unwrap_or(0)
    )
    .execute(&mut *conn)
    .await?;
    scheduled::drop_unsent(conn, guild, KIND).await
}

/// Turns prompts off; false if they were not on.
pub async fn turn_off(conn: &mut PgConnection, guild: GuildId) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM prompt_schedules WHERE guild_id = $1",
        guild.db()
    )
    .execute(&mut *conn)
    .await?;
    scheduled::drop_unsent(conn, guild, KIND).await?;
    Ok(deleted.rows_affected() == 1)
}

pub async fn set_problem(
    pool: &PgPool,
    guild: GuildId,
    problem: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE prompt_schedules SET problem = $2, problem_at = $3 WHERE guild_id = $1",
        guild.db(),
        problem,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Servers with prompts on, no posting problem, and no prompt planned: the ones to plan for.
pub async fn unplanned(pool: &PgPool, limit: i64) -> sqlx::Result<Vec<(GuildId, PromptSchedule)>> {
    let rows = sqlx::query_as!(
        ScheduleRow,
        "SELECT p.guild_id, p.channel_id, p.weekday, p.minute_of_day, s.timezone, p.problem, p.problem_at
         FROM prompt_schedules p JOIN servers s USING (guild_id)
         WHERE p.problem IS NULL
           AND NOT EXISTS (SELECT 1 FROM scheduled_posts j
                           WHERE j.guild_id = p.guild_id AND j.kind = 'prompt' AND j.status = 'pending')
         ORDER BY p.guild_id
         LIMIT $1",
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(ScheduleRow::into_schedule).collect())
}

/// How many of the server's members seen since `active_since` are in each phase. A member is
/// in the first phase they have not completed (the last one once they completed them all).
pub async fn active_members_by_phase(
    pool: &PgPool,
    guild: GuildId,
    active_since: DateTime<Utc>,
    roadmap: &str,
    phases: u8,
) -> sqlx::Result<Vec<(u8, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT phase AS "phase!", count(*) AS "members!" FROM (
             SELECT COALESCE(
                 (SELECT min(n) FROM generate_series(1, $3::int) AS n
                  WHERE NOT EXISTS (SELECT 1 FROM phase_status ps
                                    WHERE ps.guild_id = m.guild_id AND ps.user_id = m.user_id
                                      AND ps.roadmap_id = $4 AND ps.phase = n AND ps.complete)),
                 $3::int) AS phase
             FROM members m
             WHERE m.guild_id = $1 AND m.last_seen_at >= $2
           ) AS current GROUP BY phase"#,
        guild.db(),
        active_since,
        i32::from(phases),
        roadmap
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((u8::try_from(r.phase).ok()?, r.members)))
        .collect())
}
