//! The scheduled-posts table: every scheduler process claims due rows from it, so any number
//! of processes can share the work; `(guild, kind, period)` is each post's idempotency key.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, GuildId, MessageId};
use sqlx::{PgConnection, PgPool};

use super::ids::{channel_from_db, guild_from_db, message_from_db, DbId};

/// A claimed post, held by one scheduler until its lease ends.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub guild: GuildId,
    pub kind: String,
    pub period: String,
    pub due_at: DateTime<Utc>,
    /// Claims so far, this one included.
    pub attempts: i32,
    /// When a request for this post last went out, if one did.
    pub sent_at: Option<DateTime<Utc>>,
    /// What the first attempt chose to post, so a retry posts the same.
    pub item: Option<String>,
}

/// How a post ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Posted,
    Skipped,
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Posted => "posted",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
        }
    }
}

/// A post as `/settings show` and `/prompt now` describe it.
#[derive(Debug, Clone)]
pub struct PostRecord {
    pub period: String,
    pub status: String,
    pub due_at: DateTime<Utc>,
    pub channel: Option<ChannelId>,
    pub message: Option<MessageId>,
    pub detail: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
    /// What was posted (a prompt's id), once chosen.
    pub item: Option<String>,
}

struct JobRow {
    id: i64,
    guild_id: i64,
    kind: String,
    period: String,
    due_at: DateTime<Utc>,
    attempts: i32,
    sent_at: Option<DateTime<Utc>>,
    item: Option<String>,
}

impl From<JobRow> for Job {
    fn from(row: JobRow) -> Self {
        Self {
            id: row.id,
            guild: guild_from_db(row.guild_id),
            kind: row.kind,
            period: row.period,
            due_at: row.due_at,
            attempts: row.attempts,
            sent_at: row.sent_at,
            item: row.item,
        }
    }
}

/// Adds a pending post unless one with the same key exists; true when added.
pub async fn insert_pending(
    conn: &mut PgConnection,
    guild: GuildId,
    kind: &str,
    period: &str,
    due_at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query_scalar!(
        "INSERT INTO scheduled_posts (guild_id, kind, period, due_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (guild_id, kind, period) DO NOTHING RETURNING id",
        guild.db(),
        kind,
        period,
        due_at
    )
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

/// Claims up to `limit` due posts whose lease is free, oldest first. Rows another process is
/// claiming at this moment are skipped rather than waited for.
pub async fn claim_due(
    pool: &PgPool,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Job>> {
    let rows = sqlx::query_as!(
        JobRow,
        "UPDATE scheduled_posts SET claimed_by = $1, lease_until = $3, attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM scheduled_posts
             WHERE status = 'pending' AND due_at <= $2
               AND (lease_until IS NULL OR lease_until <= $2)
             ORDER BY due_at
             LIMIT $4
             FOR UPDATE SKIP LOCKED)
         RETURNING id, guild_id, kind, period, due_at, attempts, sent_at, item",
        owner,
        now,
        lease_until,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Job::from).collect())
}

/// What claiming one period's post found.
#[derive(Debug)]
pub enum Claim {
    Claimed(Job),
    /// Another process holds it right now.
    Busy,
    /// It already ended.
    Ended(PostRecord),
}

/// Claims the post `(guild, kind, period)` now, creating it if it was not planned, even if it
/// is due later: `/prompt now` takes over this week's post. A post that ended without reaching
/// the channel (skipped, or refused before anything was posted) is opened again.
pub async fn claim_period(
    pool: &PgPool,
    guild: GuildId,
    kind: &str,
    period: &str,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> sqlx::Result<Claim> {
    let claimed = sqlx::query_as!(
        JobRow,
        "INSERT INTO scheduled_posts (guild_id, kind, period, due_at, claimed_by, lease_until, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, 1)
         ON CONFLICT (guild_id, kind, period) DO UPDATE
             SET claimed_by = EXCLUDED.claimed_by, lease_until = EXCLUDED.lease_until,
                 attempts = scheduled_posts.attempts + 1,
                 due_at = LEAST(scheduled_posts.due_at, EXCLUDED.due_at),
                 status = 'pending', detail = NULL, finished_at = NULL
             WHERE (scheduled_posts.status = 'pending'
                    AND (scheduled_posts.lease_until IS NULL OR scheduled_posts.lease_until <= $4))
                OR (scheduled_posts.status IN ('skipped', 'failed')
                    AND scheduled_posts.sent_at IS NULL AND scheduled_posts.message_id IS NULL)
         RETURNING id, guild_id, kind, period, due_at, attempts, sent_at, item",
        guild.db(),
        kind,
        period,
        now,
        owner,
        lease_until
    )
    .fetch_optional(pool)
    .await?;
    if let Some(row) = claimed {
        return Ok(Claim::Claimed(row.into()));
    }
    match record(pool, guild, kind, period).await? {
        Some(record) if record.status != "pending" => Ok(Claim::Ended(record)),
        _ => Ok(Claim::Busy),
    }
}

/// Records that a request is about to go out, and what it posts; false when the lease was
/// lost to another process (which then owns the post).
pub async fn mark_sending(
    pool: &PgPool,
    job: &Job,
    owner: &str,
    now: DateTime<Utc>,
    channel: ChannelId,
    item: &str,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "UPDATE scheduled_posts SET sent_at = $3, channel_id = $4, item = $5
         WHERE id = $1 AND claimed_by = $2 AND status = 'pending'",
        job.id,
        owner,
        now,
        channel.db(),
        item
    )
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Ends a post. Only the lease holder can, so a process that lost its lease cannot overwrite
/// the outcome of the one that took over. `nothing_posted` says the post certainly did not
/// reach the channel, which lets `/prompt now` try that period again.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    pool: &PgPool,
    job: &Job,
    owner: &str,
    outcome: Outcome,
    message: Option<MessageId>,
    detail: Option<&str>,
    nothing_posted: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "UPDATE scheduled_posts
         SET status = $3, message_id = $4, detail = $5, finished_at = $6, claimed_by = NULL,
             lease_until = NULL, sent_at = CASE WHEN $7 THEN NULL ELSE sent_at END
         WHERE id = $1 AND claimed_by = $2 AND status = 'pending'",
        job.id,
        owner,
        outcome.as_str(),
        message.map(DbId::db),
        detail,
        now,
        nothing_posted
    )
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Gives a post back to be claimed again, not before `retry_at`. `nothing_posted` (a 429)
/// forgets the send, so the retry is not mistaken for a repeat of an unconfirmed post, and
/// gives the try back: Discord asked us to wait, which is no reason to give the post up.
pub async fn release(
    pool: &PgPool,
    job: &Job,
    owner: &str,
    retry_at: DateTime<Utc>,
    detail: &str,
    nothing_posted: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE scheduled_posts SET claimed_by = NULL, lease_until = $3, detail = $4,
             sent_at = CASE WHEN $5 THEN NULL ELSE sent_at END,
             attempts = CASE WHEN $5 THEN GREATEST(attempts - 1, 0) ELSE attempts END
         WHERE id = $1 AND claimed_by = $2 AND status = 'pending'",
        job.id,
        owner,
        retry_at,
        detail,
        nothing_posted
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Drops a server's planned posts of `kind` that nothing has been sent for, so a settings
/// change can plan afresh. A post already sent stays: re-planning its period could repeat it.
pub async fn drop_unsent(conn: &mut PgConnection, guild: GuildId, kind: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM scheduled_posts
         WHERE guild_id = $1 AND kind = $2 AND status = 'pending' AND sent_at IS NULL",
        guild.db(),
        kind
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// How often each item was posted in the server, for choosing one not yet used.
pub async fn posted_counts(
    pool: &PgPool,
    guild: GuildId,
    kind: &str,
) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT item AS "item!", count(*) AS "count!" FROM scheduled_posts
           WHERE guild_id = $1 AND kind = $2 AND status = 'posted' AND item IS NOT NULL
           GROUP BY item"#,
        guild.db(),
        kind
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.item, r.count)).collect())
}

pub async fn record(
    pool: &PgPool,
    guild: GuildId,
    kind: &str,
    period: &str,
) -> sqlx::Result<Option<PostRecord>> {
    let row = sqlx::query!(
        "SELECT period, status, due_at, channel_id, message_id, detail, finished_at, item
         FROM scheduled_posts WHERE guild_id = $1 AND kind = $2 AND period = $3",
        guild.db(),
        kind,
        period
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| PostRecord {
        period: r.period,
        status: r.status,
        due_at: r.due_at,
        channel: r.channel_id.map(channel_from_db),
        message: r.message_id.map(message_from_db),
        detail: r.detail,
        finished_at: r.finished_at,
        item: r.item,
    }))
}

/// The next pending post of `kind` and the last one that ended, for `/settings show`.
pub async fn next_and_last(
    pool: &PgPool,
    guild: GuildId,
    kind: &str,
) -> sqlx::Result<(Option<PostRecord>, Option<PostRecord>)> {
    let rows = sqlx::query!(
        r#"(SELECT period, status, due_at, channel_id, message_id, detail, finished_at, item
            FROM scheduled_posts WHERE guild_id = $1 AND kind = $2 AND status = 'pending'
            ORDER BY due_at LIMIT 1)
           UNION ALL
           (SELECT period, status, due_at, channel_id, message_id, detail, finished_at, item
            FROM scheduled_posts WHERE guild_id = $1 AND kind = $2 AND status <> 'pending'
            ORDER BY finished_at DESC NULLS LAST LIMIT 1)"#,
        guild.db(),
        kind
    )
    .fetch_all(pool)
    .await?;
    let mut next = None;
    let mut last = None;
    for r in rows {
        let record = PostRecord {
            period: r.period.unwrap_or_default(),
            status: r.status.unwrap_or_default(),
            due_at: r.due_at.unwrap_or_default(),
            channel: r.channel_id.map(channel_from_db),
            message: r.message_id.map(message_from_db),
            detail: r.detail,
            finished_at: r.finished_at,
            item: r.item,
        };
        if record.status == "pending" {
            next = Some(record);
        } else {
            last = Some(record);
        }
    }
    Ok((next, last))
}

/// Drops a period's planned posts of `kinds` that nothing has been sent for (a challenge
/// ended early or cancelled). A post already sent stays, like in [`drop_unsent`].
pub async fn drop_unsent_period(
    conn: &mut PgConnection,
    guild: GuildId,
    kinds: &[&str],
    period: &str,
) -> sqlx::Result<()> {
    let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    sqlx::query!(
        "DELETE FROM scheduled_posts
         WHERE guild_id = $1 AND kind = ANY($2) AND period = $3 AND status = 'pending'
           AND sent_at IS NULL",
        guild.db(),
        &kinds,
        period
    )
    .execute(conn)
    .await?;
    Ok(())
}
