//! Accountability partners: a server's weekly match settings and the members who joined.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::ids::{channel_from_db, DbId};
use super::prompts::{slot_from_db, zone_from_db};
use crate::weekly::WeeklySlot;

/// Where and when a server's weekly match runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerSettings {
    pub channel: ChannelId,
    /// In the server's zone (which `slot.zone` is).
    pub slot: WeeklySlot,
    /// 2 for pairs (a trio for an odd one out), 3 for trios.
    pub size: u8,
    /// What stops the match (no thread of any kind could be opened): it waits until the
    /// settings change.
    pub problem: Option<(String, DateTime<Utc>)>,
    /// Why threads are public rather than private there.
    pub public_because: Option<String>,
}

/// The weekly match, as a kind of scheduled post: one per server and week.
pub const MATCH: &str = "partners";

pub async fn settings(pool: &PgPool, guild: GuildId) -> sqlx::Result<Option<PartnerSettings>> {
    let row = sqlx::query!(
        "SELECT p.channel_id, p.weekday, p.minute_of_day, p.group_size, p.problem, p.problem_at,
                p.public_because, s.timezone
         FROM partner_settings p JOIN servers s USING (guild_id) WHERE p.guild_id = $1",
        guild.db()
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| PartnerSettings {
        channel: channel_from_db(r.channel_id),
        slot: slot_from_db(r.weekday, r.minute_of_day, &r.timezone),
        size: u8::try_from(r.group_size).unwrap_or(2),
        problem: r.problem.zip(r.problem_at),
        public_because: r.public_because,
    }))
}

/// The servers whose match is on and has no week planned, with their settings.
pub async fn unplanned(pool: &PgPool, limit: i64) -> sqlx::Result<Vec<(GuildId, WeeklySlot)>> {
    let rows = sqlx::query!(
        "SELECT p.guild_id, p.weekday, p.minute_of_day, s.timezone
         FROM partner_settings p JOIN servers s USING (guild_id)
         WHERE p.problem IS NULL
           AND NOT EXISTS (SELECT 1 FROM scheduled_posts j
                           WHERE j.guild_id = p.guild_id AND j.kind = 'partners'
                             AND j.status = 'pending')
         ORDER BY p.guild_id
         LIMIT $1",
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                super::ids::guild_from_db(r.guild_id),
                slot_from_db(r.weekday, r.minute_of_day, &r.timezone),
            )
        })
        .collect())
}

/// Pauses the match until the settings change: nothing could be opened in its channel.
pub async fn set_problem(
    pool: &PgPool,
    guild: GuildId,
    problem: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE partner_settings SET problem = $2, problem_at = $3 WHERE guild_id = $1",
        guild.db(),
        problem,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Records why the match's threads are public in this server.
pub async fn set_public_because(pool: &PgPool, guild: GuildId, why: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE partner_settings SET public_because = $2 WHERE guild_id = $1",
        guild.db(),
        why
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Saves the settings and the server's zone, clears any problem, and drops a planned match
/// that has not run (the caller plans the next one).
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
                 problem = NULL, problem_at = NULL, public_because = NULL, updated_at = now()",
        guild.db(),
        channel.db(),
        i16::try_from(slot.weekday.num_days_from_monday()).unwrap_or(0),
        i16::try_from(slot.minute_of_day).unwrap_or(0),
        i16::from(size)
    )
    .execute(&mut *conn)
    .await?;
    super::scheduled::drop_unsent(conn, guild, MATCH).await
}

/// Turns the weekly match off; false if it was not on. Who joined stays, for when it is on
/// again.
pub async fn turn_off(pool: &PgPool, guild: GuildId) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!(
        "DELETE FROM partner_settings WHERE guild_id = $1",
        guild.db()
    )
    .execute(&mut *tx)
    .await?;
    super::scheduled::drop_unsent(&mut tx, guild, MATCH).await?;
    tx.commit().await?;
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

/// A member who joined, as the weekly match sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entrant {
    pub user: UserId,
    /// Their time zone, else the server's.
    pub zone: chrono_tz::Tz,
    /// Phases of the roadmap they completed.
    pub completed: Vec<u8>,
    /// Topics of the roadmap they are learning.
    pub learning: Vec<String>,
    /// Who they were grouped with since `recent_since`.
    pub recent: Vec<UserId>,
}

/// The members who joined and were seen since `active_since`, with what the match weighs.
pub async fn entrants(
    pool: &PgPool,
    guild: GuildId,
    roadmap: &str,
    active_since: DateTime<Utc>,
    recent_since: DateTime<Utc>,
) -> sqlx::Result<Vec<Entrant>> {
    let rows = sqlx::query!(
        r#"SELECT p.user_id,
                  COALESCE(m.timezone, s.timezone) AS "zone!",
                  ARRAY(SELECT ps.phase::smallint FROM phase_status ps
                        WHERE ps.guild_id = p.guild_id AND ps.user_id = p.user_id
                          AND ps.roadmap_id = $3 AND ps.complete) AS "completed!",
                  ARRAY(SELECT tp.topic_id FROM topic_progress tp
                        WHERE tp.guild_id = p.guild_id AND tp.user_id = p.user_id
                          AND tp.roadmap_id = $3 AND tp.state = 'learning'
                        ORDER BY tp.topic_id) AS "learning!",
                  ARRAY(SELECT DISTINCT other.user_id
                        FROM partner_group_members mine
                        JOIN partner_groups g ON g.id = mine.group_id AND g.made_at >= $4
                        JOIN partner_group_members other
                             ON other.group_id = g.id AND other.user_id <> mine.user_id
                        WHERE mine.guild_id = p.guild_id AND mine.user_id = p.user_id)
                      AS "recent!"
           FROM partner_members p
           JOIN members m USING (guild_id, user_id)
           JOIN servers s USING (guild_id)
           WHERE p.guild_id = $1 AND m.last_seen_at >= $2
           ORDER BY p.user_id"#,
        guild.db(),
        active_since,
        roadmap,
        recent_since
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Entrant {
            user: super::ids::user_from_db(r.user_id),
            zone: zone_from_db(&r.zone),
            completed: phases_from_db(r.completed),
            learning: r.learning,
            recent: r.recent.into_iter().map(super::ids::user_from_db).collect(),
        })
        .collect())
}

/// A group to store: its members and the topic its intro suggests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub members: Vec<UserId>,
    pub topic: Option<String>,
}

/// Stores the week's groups, unless the week already has some (the match ran): all of them
/// or none. Returns whether these were stored.
pub async fn save_week(
    pool: &PgPool,
    guild: GuildId,
    week: &str,
    groups: &[NewGroup],
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    // One match per server and week, whoever runs it: the first to take this lock stores.
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('partners:' || $1::bigint || ':' || $2, 0))",
        guild.db(),
        week
    )
    .execute(&mut *tx)
    .await?;
    let made = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM partner_groups WHERE guild_id = $1 AND week = $2) AS "made!""#,
        guild.db(),
        week
    )
    .fetch_one(&mut *tx)
    .await?;
    if made {
        return Ok(false);
    }
    for (number, group) in (1..).zip(groups) {
        let users: Vec<i64> = group.members.iter().map(|u| u.db()).collect();
        sqlx::query!(
            "WITH made AS (
                 INSERT INTO partner_groups (guild_id, week, number, topic_id, made_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id)
             INSERT INTO partner_group_members (group_id, guild_id, user_id)
             SELECT made.id, $1, u FROM made, UNNEST($6::bigint[]) AS u",
            guild.db(),
            week,
            number,
            group.topic.as_deref(),
            now,
            &users
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Phase numbers as the database stores them.
pub(super) fn phases_from_db(phases: Vec<i16>) -> Vec<u8> {
    phases
        .into_iter()
        .filter_map(|n| u8::try_from(n).ok())
        .collect()
}
