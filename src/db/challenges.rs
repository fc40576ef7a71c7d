//! Challenges, who joined them, and their progress counted from members' activity inside the
//! window. Creating one plans its three announcements in the same transaction, so a challenge
//! never exists without them.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serenity::all::{ChannelId, GuildId, RoleId, UserId};
use sqlx::PgPool;

use super::ids::{channel_from_db, guild_from_db, role_from_db, user_from_db, DbId};
use super::prompts::zone_from_db;
use super::scheduled;
use super::servers::lock_member;
use crate::challenges::standing::Progress;
use crate::challenges::window::midpoint;
use crate::challenges::Goal;
use crate::ids;
use crate::points::Grant;

/// Scheduled post kinds; each challenge's period is its id.
pub const START: &str = "challenge-start";
pub const MID: &str = "challenge-mid";
pub const END: &str = "challenge-end";
const KINDS: [&str; 3] = [START, MID, END];

pub use crate::challenges::challenge::{Challenge, Status};

/// A challenge to save.
#[derive(Debug, Clone)]
pub struct NewChallenge {
    pub guild: GuildId,
    pub name: String,
    pub goal: Goal,
    pub target: i64,
    pub phase: Option<u8>,
    /// The roadmap the server follows: its topics and phases are what count.
    pub roadmap: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub zone: Tz,
    pub channel: ChannelId,
    pub role: Option<RoleId>,
    pub points: i32,
    pub created_by: UserId,
}

struct Row {
    id: i64,
    guild_id: i64,
    name: String,
    goal: String,
    target: i32,
    phase: Option<i16>,
    roadmap_id: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    zone: String,
    channel_id: i64,
    role_id: Option<i64>,
    points: i32,
    status: String,
    ended_early_at: Option<DateTime<Utc>>,
    members: i64,
}

impl From<Row> for Challenge {
    fn from(row: Row) -> Self {
        Self {
            id: row.id,
            guild: guild_from_db(row.guild_id).into(),
            name: row.name,
            goal: Goal::parse(&row.goal).unwrap_or(Goal::Topics),
            target: i64::from(row.target),
            phase: row.phase.and_then(|p| u8::try_from(p).ok()),
            roadmap: row.roadmap_id,
            first_day: row.start_date,
            last_day: row.end_date,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            zone: zone_from_db(&row.zone),
            channel: channel_from_db(row.channel_id).into(),
            role: row.role_id.map(|r| role_from_db(r).into()),
            points: row.points,
            status: match row.status.as_str() {
                "ended" => Status::Ended,
                "cancelled" => Status::Cancelled,
                _ => Status::Open,
            },
            ended_early_at: row.ended_early_at,
            members: row.members,
        }
    }
}

/// Saves a challenge and plans its start, mid-point and end announcements. `None` when an
/// open challenge of the server already has that name.
pub async fn create(
    pool: &PgPool,
    new: &NewChallenge,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO servers (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING",
        new.guild.db()
    )
    .execute(&mut *tx)
    .await?;
    let inserted = sqlx::query_scalar!(
        "INSERT INTO challenges (guild_id, name, goal, target, phase, start_date, end_date,
                                 starts_at, ends_at, zone, channel_id, role_id, points,
                                 created_by, created_at, roadmap_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         RETURNING id",
        new.guild.db(),
        new.name,
        new.goal.as_str(),
        i32::try_from(new.target).unwrap_or(i32::MAX),
        new.phase.map(i16::from),
        new.first_day,
        new.last_day,
        new.starts_at,
        new.ends_at,
        new.zone.name(),
        new.channel.db(),
        new.role.map(|r| r.db()),
        new.points,
        new.created_by.db(),
        now,
        new.roadmap
    )
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("challenges_open_name") => {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    let period = id.to_string();
    let mid = midpoint(new.starts_at, new.ends_at);
    for (kind, due) in [(START, new.starts_at), (MID, mid), (END, new.ends_at)] {
        scheduled::insert_pending(&mut tx, new.guild, kind, &period, due).await?;
    }
    tx.commit().await?;
    Ok(Some(id))
}

/// Which challenge to read: by id, by name (an open one first, else the latest), or every
/// one of the server (open first, then the latest).
#[derive(Debug, Clone, Copy)]
pub enum Find<'a> {
    Id(i64),
    Name(&'a str),
    All,
}

pub async fn find(
    pool: &PgPool,
    guild: GuildId,
    which: Find<'_>,
    limit: i64,
) -> sqlx::Result<Vec<Challenge>> {
    let (id, name) = match which {
        Find::Id(id) => (Some(id), None),
        Find::Name(name) => (None, Some(name)),
        Find::All => (None, None),
    };
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT c.id, c.guild_id, c.name, c.goal, c.target, c.phase, c.roadmap_id, c.start_date, c.end_date,
                  c.starts_at, c.ends_at, c.zone, c.channel_id, c.role_id, c.points, c.status,
                  c.ended_early_at,
                  c.member_count::bigint AS "members!"
           FROM challenges c
           WHERE c.guild_id = $1
             AND ($2::bigint IS NULL OR c.id = $2)
             AND ($3::text IS NULL OR lower(c.name) = lower($3))
           ORDER BY (c.status = 'open') DESC, c.created_at DESC, c.id DESC
           LIMIT $4"#,
        guild.db(),
        id,
        name,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Challenge::from).collect())
}

/// Every server's challenges running at `now`.
pub async fn running(pool: &PgPool, now: DateTime<Utc>) -> sqlx::Result<Vec<Challenge>> {
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT c.id, c.guild_id, c.name, c.goal, c.target, c.phase, c.roadmap_id, c.start_date, c.end_date,
                  c.starts_at, c.ends_at, c.zone, c.channel_id, c.role_id, c.points, c.status,
                  c.ended_early_at,
                  c.member_count::bigint AS "members!"
           FROM challenges c
           WHERE c.status = 'open' AND c.starts_at <= $1 AND c.ends_at > $1
           ORDER BY c.id"#,
        now
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Challenge::from).collect())
}

pub async fn one(
    pool: &PgPool,
    guild: GuildId,
    which: Find<'_>,
) -> sqlx::Result<Option<Challenge>> {
    Ok(find(pool, guild, which, 1).await?.into_iter().next())
}

/// The names offered while typing.
#[derive(Debug, Clone, Copy)]
pub enum Names {
    /// Open and not past their end: to join, end or cancel.
    Open,
    /// Open ones the member joined: to leave.
    JoinedBy(UserId),
    /// Any, open first: to look at.
    Any,
}

pub async fn names(
    pool: &PgPool,
    guild: GuildId,
    which: Names,
    typed: &str,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    let (open_only, member) = match which {
        Names::Open => (true, None),
        Names::JoinedBy(user) => (true, Some(user.db())),
        Names::Any => (false, None),
    };
    sqlx::query_scalar!(
        "SELECT c.name FROM challenges c
         WHERE c.guild_id = $1
           AND (NOT $2 OR (c.status = 'open' AND c.ends_at > $3))
           AND ($4::bigint IS NULL OR EXISTS (
                SELECT 1 FROM challenge_members cm WHERE cm.challenge_id = c.id AND cm.user_id = $4))
           AND strpos(lower(c.name), lower($5)) > 0
           AND c.status <> 'cancelled'
         ORDER BY (c.status = 'open') DESC, c.created_at DESC
         LIMIT $6",
        guild.db(),
        open_only,
        now,
        member,
        typed.trim(),
        limit
    )
    .fetch_all(pool)
    .await
}

/// How a join went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    Joined,
    AlreadyIn,
    /// It ended or was cancelled meanwhile.
    Closed,
}

pub async fn join(
    pool: &PgPool,
    challenge: &Challenge,
    user: UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<Joined> {
    let mut tx = pool.begin().await?;
    lock_member(&mut tx, challenge.guild.into(), user, now).await?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO challenge_members (challenge_id, guild_id, user_id, joined_at)
           SELECT c.id, c.guild_id, $2, $3 FROM challenges c
           WHERE c.id = $1 AND c.status = 'open' AND c.ends_at > $3
           ON CONFLICT (challenge_id, user_id) DO NOTHING
           RETURNING 1 AS "one!""#,
        challenge.id,
        user.db(),
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    let result = if inserted.is_some() {
        Joined::Joined
    } else if is_member(&mut tx, challenge.id, user).await? {
        Joined::AlreadyIn
    } else {
        Joined::Closed
    };
    if result == Joined::Joined {
        tx.commit().await?;
    } else {
        // A refused join changes nothing, not even the member's "last seen".
        tx.rollback().await?;
    }
    Ok(result)
}

async fn is_member(
    conn: &mut sqlx::PgConnection,
    challenge: i64,
    user: UserId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM challenge_members WHERE challenge_id = $1 AND user_id = $2) AS "in!""#,
        challenge,
        user.db()
    )
    .fetch_one(conn)
    .await
}

/// Whether `user` is in the challenge.
pub async fn joined(pool: &PgPool, challenge: i64, user: UserId) -> sqlx::Result<bool> {
    let mut conn = pool.acquire().await?;
    is_member(&mut conn, challenge, user).await
}

/// True when the member was in it.
pub async fn leave(pool: &PgPool, challenge: i64, user: UserId) -> sqlx::Result<bool> {
    let left = sqlx::query!(
        "DELETE FROM challenge_members WHERE challenge_id = $1 AND user_id = $2",
        challenge,
        user.db()
    )
    .execute(pool)
    .await?;
    Ok(left.rows_affected() > 0)
}

/// Every participant's progress (or only `member`'s) from the window's start until `until`
/// (or its end, if earlier). `topics` limits a topic goal to those topic ids (a phase's, with
/// old aliases).
pub async fn progress(
    pool: &PgPool,
    challenge: &Challenge,
    topics: Option<&[String]>,
    until: DateTime<Utc>,
    member: Option<UserId>,
) -> sqlx::Result<Vec<Progress>> {
    let until = until.min(challenge.ends_at);
    let rows = sqlx::query!(
        r#"WITH joined AS (
               SELECT cm.user_id, m.hidden FROM challenge_members cm
               JOIN members m ON m.guild_id = cm.guild_id AND m.user_id = cm.user_id
               WHERE cm.challenge_id = $1 AND ($9::bigint IS NULL OR cm.user_id = $9)),
           events AS (
               SELECT t.user_id, t.completed_at AS at FROM topic_progress t JOIN joined USING (user_id)
               WHERE $2 = 'topics' AND t.guild_id = $3 AND t.state = 'done'
                 AND t.completed_at >= $4 AND t.completed_at < $5
                 AND t.roadmap_id = $10 AND ($6::text[] IS NULL OR t.topic_id = ANY($6))
               UNION ALL
               SELECT c.user_id, c.created_at FROM checkins c JOIN joined USING (user_id)
               WHERE $2 = 'checkins' AND c.guild_id = $3
                 AND c.created_at >= $4 AND c.created_at < $5
               UNION ALL
               SELECT p.user_id, p.changed_at FROM phase_status p JOIN joined USING (user_id)
               WHERE $2 = 'phase' AND p.guild_id = $3 AND p.complete
                 AND p.changed_at >= $4 AND p.changed_at < $5
                 AND p.roadmap_id = $10 AND ($7::smallint IS NULL OR p.phase = $7)),
           numbered AS (
               SELECT user_id, at, row_number() OVER (PARTITION BY user_id ORDER BY at) AS n
               FROM events)
           SELECT j.user_id, j.hidden, count(n.at) AS "count!",
                  min(n.at) FILTER (WHERE n.n = $8) AS reached_at
           FROM joined j LEFT JOIN numbered n USING (user_id)
           GROUP BY j.user_id, j.hidden"#,
        challenge.id,
        challenge.goal.as_str(),
        challenge.guild.db(),
        challenge.starts_at,
        until,
        topics as Option<&[String]>,
        challenge.phase.map(i16::from),
        challenge.target,
        member.map(|m| m.db()),
        challenge.roadmap
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Progress {
            user: user_from_db(r.user_id).into(),
            hidden: r.hidden,
            count: r.count,
            reached_at: r.reached_at,
        })
        .collect())
}

/// Ends a running challenge now: its end announcement becomes due at once and its mid-point
/// one is dropped if it has not gone out. False when it was not running.
pub async fn end_early(
    pool: &PgPool,
    challenge: &Challenge,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let ended = sqlx::query!(
        "UPDATE challenges SET ends_at = $2, ended_early_at = $2
         WHERE id = $1 AND status = 'open' AND starts_at <= $2 AND ends_at > $2",
        challenge.id,
        now
    )
    .execute(&mut *tx)
    .await?;
    if ended.rows_affected() == 0 {
        return Ok(false);
    }
    let period = challenge.id.to_string();
    sqlx::query!(
        "UPDATE scheduled_posts SET due_at = $4
         WHERE guild_id = $1 AND kind = $2 AND period = $3 AND status = 'pending' AND sent_at IS NULL",
        challenge.guild.db(),
        END,
        period,
        now
    )
    .execute(&mut *tx)
    .await?;
    scheduled::drop_unsent_period(&mut tx, challenge.guild.into(), &[MID], &period).await?;
    tx.commit().await?;
    Ok(true)
}

/// Cancels an open challenge: no more announcements, no points, no roles. False when it was
/// not open.
pub async fn cancel(pool: &PgPool, challenge: &Challenge) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let cancelled = sqlx::query!(
        "UPDATE challenges SET status = 'cancelled' WHERE id = $1 AND status = 'open'",
        challenge.id
    )
    .execute(&mut *tx)
    .await?;
    if cancelled.rows_affected() == 0 {
        return Ok(false);
    }
    scheduled::drop_unsent_period(
        &mut tx,
        challenge.guild.into(),
        &KINDS,
        &challenge.id.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Marks the challenge ended and awards its points to `finishers`, at its end. Repeating it
/// awards nothing twice (each award has the challenge's key). False when it was cancelled.
pub async fn close(
    pool: &PgPool,
    challenge: &Challenge,
    finishers: &[ids::UserId],
    grant: Option<&Grant>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let closed = sqlx::query!(
        "UPDATE challenges SET status = 'ended' WHERE id = $1 AND status IN ('open', 'ended')",
        challenge.id
    )
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() == 0 {
        return Ok(false);
    }
    if let Some(grant) = grant {
        let users: Vec<i64> = finishers.iter().map(|u| u.db()).collect();
        // Members who deleted their data since are skipped by the join.
        sqlx::query!(
            "INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at)
             SELECT $1, m.user_id, $2, $3, $4, $5, $6
             FROM unnest($7::bigint[]) AS u(user_id)
             JOIN members m ON m.guild_id = $1 AND m.user_id = u.user_id
             ON CONFLICT (guild_id, user_id, roadmap_id, award_key) DO NOTHING",
            challenge.guild.db(),
            grant.kind,
            grant.reference,
            grant.points,
            grant.key,
            challenge.ends_at,
            &users
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
