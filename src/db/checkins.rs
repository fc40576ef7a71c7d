//! Check-ins, the server's check-in settings, members' own time zone and reminder choice, and
//! what the weekly reminder and digest need to know.

use chrono::{DateTime, Utc, Weekday};
use chrono_tz::Tz;
use serenity::all::{ChannelId, GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::ids::{channel_from_db, guild_from_db, user_from_db, DbId};
use super::prompts::zone_from_db;
use super::{scheduled, servers};
use crate::checkins::entry::{CheckIn, Draft};
use crate::points::Grant;
use crate::schedule::weekly::WeeklySlot;

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

struct SettingsRow {
    guild_id: i64,
    channel_id: i64,
    staff_channel_id: i64,
    reminder_weekday: i16,
    reminder_minute: i16,
    public: bool,
    freeze_every: i16,
    timezone: String,
    problem: Option<String>,
    problem_at: Option<DateTime<Utc>>,
}

impl SettingsRow {
    fn into_settings(self) -> (GuildId, CheckinSettings) {
        let weekday = Weekday::try_from(u8::try_from(self.reminder_weekday).unwrap_or(0))
            .unwrap_or(Weekday::Mon);
        (
            guild_from_db(self.guild_id),
            CheckinSettings {
                channel: channel_from_db(self.channel_id),
                staff_channel: channel_from_db(self.staff_channel_id),
                reminder: WeeklySlot {
                    weekday,
                    minute_of_day: u16::try_from(self.reminder_minute).unwrap_or(0),
                    zone: zone_from_db(&self.timezone),
                },
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

/// The zone a member's weeks are counted in: their own, else the server's, else UTC.
pub async fn member_zone(pool: &PgPool, guild: GuildId, user: UserId) -> sqlx::Result<Tz> {
    let name = sqlx::query_scalar!(
        r#"SELECT COALESCE(
               (SELECT timezone FROM members WHERE guild_id = $1 AND user_id = $2),
               (SELECT timezone FROM servers WHERE guild_id = $1),
               'UTC') AS "zone!""#,
        guild.db(),
        user.db()
    )
    .fetch_one(pool)
    .await?;
    Ok(zone_from_db(&name))
}

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

/// Saves the week's check-in (replacing an earlier one that week), awards its points once,
/// and forgets the member's draft: all or nothing.
pub async fn save(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    week: &str,
    check_in: &CheckIn,
    grant: &Grant,
    now: DateTime<Utc>,
) -> sqlx::Result<Saved> {
    let mut tx = pool.begin().await?;
    servers::lock_member(&mut tx, guild, user, now).await?;
    let created = sqlx::query_scalar!(
        r#"INSERT INTO checkins (guild_id, user_id, week, did, blockers, next_goal, link,
                                 met_last_goal, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
           ON CONFLICT (guild_id, user_id, week) DO UPDATE
               SET did = EXCLUDED.did, blockers = EXCLUDED.blockers,
                   next_goal = EXCLUDED.next_goal, link = EXCLUDED.link,
                   met_last_goal = EXCLUDED.met_last_goal, updated_at = EXCLUDED.updated_at
           RETURNING (xmax = 0) AS "created!""#,
        guild.db(),
        user.db(),
        week,
        check_in.did,
        check_in.blockers,
        check_in.goal,
        check_in.link,
        check_in.met.map(|m| m.as_str()),
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (guild_id, user_id, award_key) DO NOTHING",
        guild.db(),
        user.db(),
        grant.kind,
        grant.reference,
        grant.points,
        grant.key,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM checkin_drafts WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(if created {
        Saved::Created
    } else {
        Saved::Edited
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

/// The weeks a member checked in, oldest first.
pub async fn weeks(pool: &PgPool, guild: GuildId, user: UserId) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT week FROM checkins WHERE guild_id = $1 AND user_id = $2 ORDER BY week",
        guild.db(),
        user.db()
    )
    .fetch_all(pool)
    .await
}

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

pub async fn profile(pool: &PgPool, guild: GuildId, user: UserId) -> sqlx::Result<Profile> {
    let row = sqlx::query!(
        r#"SELECT
             EXISTS (SELECT 1 FROM members WHERE guild_id = $1 AND user_id = $2) AS "known!",
             (SELECT timezone FROM members WHERE guild_id = $1 AND user_id = $2) AS own_zone,
             COALESCE((SELECT timezone FROM servers WHERE guild_id = $1), 'UTC') AS "server_zone!",
             COALESCE((SELECT reminders FROM members WHERE guild_id = $1 AND user_id = $2), false) AS "reminders!",
             COALESCE((SELECT hidden FROM members WHERE guild_id = $1 AND user_id = $2), false) AS "hidden!",
             COALESCE((SELECT SUM(points) FROM points_ledger WHERE guild_id = $1 AND user_id = $2), 0)::bigint AS "points!",
             (SELECT count(*) FROM topic_progress WHERE guild_id = $1 AND user_id = $2 AND state = 'done') AS "topics_done!",
             (SELECT count(*) FROM checkins WHERE guild_id = $1 AND user_id = $2) AS "checkins!""#,
        guild.db(),
        user.db()
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

pub async fn set_reminders(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    on: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    servers::lock_member(&mut tx, guild, user, now).await?;
    sqlx::query!(
        "UPDATE members SET reminders = $3 WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db(),
        on
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

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
