//! Servers, their settings, and the members Waypoint has seen in them.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, RoleId, UserId};
use sqlx::{PgPool, Postgres, Transaction};

use super::ids::{role_from_db, DbId};

/// A server's settings as `/settings show` presents them.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub members: i64,
    pub count_skipped: bool,
    /// The server's IANA time zone name.
    pub timezone: String,
    /// Phase number and the role completing it gives, by phase.
    pub phase_roles: Vec<(u8, RoleId)>,
    /// Why the last phase role change failed, and when.
    pub role_problem: Option<(String, DateTime<Utc>)>,
}

pub async fn settings(pool: &PgPool, guild: GuildId) -> sqlx::Result<Settings> {
    let row = sqlx::query!(
        r#"SELECT
             (SELECT count(*) FROM members WHERE guild_id = $1) AS "members!",
             COALESCE((SELECT count_skipped FROM servers WHERE guild_id = $1), false) AS "count_skipped!",
             COALESCE((SELECT timezone FROM servers WHERE guild_id = $1), 'UTC') AS "timezone!",
             (SELECT role_problem FROM servers WHERE guild_id = $1) AS role_problem,
             (SELECT role_problem_at FROM servers WHERE guild_id = $1) AS role_problem_at,
             ARRAY(SELECT phase FROM phase_roles WHERE guild_id = $1 ORDER BY phase) AS "phases!",
             ARRAY(SELECT role_id FROM phase_roles WHERE guild_id = $1 ORDER BY phase) AS "roles!""#,
        guild.db()
    )
    .fetch_one(pool)
    .await?;
    Ok(Settings {
        members: row.members,
        count_skipped: row.count_skipped,
        timezone: row.timezone,
        phase_roles: row
            .phases
            .into_iter()
            .zip(row.roles)
            .filter_map(|(phase, role)| Some((u8::try_from(phase).ok()?, role_from_db(role))))
            .collect(),
        role_problem: row.role_problem.zip(row.role_problem_at),
    })
}

/// Creates the server's row if it has none: every member row hangs off it.
pub(super) async fn ensure(tx: &mut Transaction<'_, Postgres>, guild: GuildId) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO servers (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING",
        guild.db()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a write learns about the member as it takes their lock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Locked {
    /// Whether the member hides their progress.
    pub hidden: bool,
}

/// Creates the server and member rows if needed and holds the member's row lock until the
/// transaction ends, in one statement.
pub(crate) async fn lock_member(
    tx: &mut Transaction<'_, Postgres>,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<Locked> {
    let row = sqlx::query_scalar!(
        r#"WITH server AS (
             INSERT INTO servers (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING
           )
           INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
           VALUES ($1, $2, $3, $3)
           ON CONFLICT (guild_id, user_id)
           DO UPDATE SET last_seen_at = GREATEST(members.last_seen_at, EXCLUDED.last_seen_at)
           RETURNING members.hidden"#,
        guild.db(),
        user.db(),
        now
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Locked { hidden: row })
}

/// Sets the server's time zone. When it changes, the weekly and monthly leaderboard totals
/// are rebuilt from the ledger, since their weeks and months were counted in the old zone.
pub async fn set_timezone(
    conn: &mut sqlx::PgConnection,
    guild: GuildId,
    zone: &str,
) -> sqlx::Result<()> {
    let previous = sqlx::query_scalar!(
        "SELECT timezone FROM servers WHERE guild_id = $1 FOR UPDATE",
        guild.db()
    )
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO servers (guild_id, timezone) VALUES ($1, $2)
         ON CONFLICT (guild_id) DO UPDATE SET timezone = EXCLUDED.timezone, updated_at = now()",
        guild.db(),
        zone
    )
    .execute(&mut *conn)
    .await?;
    if previous.is_some_and(|p| p != zone) {
        super::leaderboard::rebuild_period_totals(conn, guild).await?;
    }
    Ok(())
}

pub async fn set_count_skipped(pool: &PgPool, guild: GuildId, count: bool) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO servers (guild_id, count_skipped) VALUES ($1, $2)
         ON CONFLICT (guild_id) DO UPDATE SET count_skipped = EXCLUDED.count_skipped, updated_at = now()",
        guild.db(),
        count
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Maps `phase` to `role`, or removes the mapping; returns the role it had before.
pub async fn set_phase_role(
    pool: &PgPool,
    guild: GuildId,
    phase: u8,
    role: Option<RoleId>,
) -> sqlx::Result<Option<RoleId>> {
    let mut tx = pool.begin().await?;
    ensure(&mut tx, guild).await?;
    let previous = sqlx::query_scalar!(
        "DELETE FROM phase_roles WHERE guild_id = $1 AND phase = $2 RETURNING role_id",
        guild.db(),
        i16::from(phase)
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(role) = role {
        sqlx::query!(
            "INSERT INTO phase_roles (guild_id, phase, role_id) VALUES ($1, $2, $3)",
            guild.db(),
            i16::from(phase),
            role.db()
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(previous.map(role_from_db))
}

pub async fn phase_role(pool: &PgPool, guild: GuildId, phase: u8) -> sqlx::Result<Option<RoleId>> {
    let role = sqlx::query_scalar!(
        "SELECT role_id FROM phase_roles WHERE guild_id = $1 AND phase = $2",
        guild.db(),
        i16::from(phase)
    )
    .fetch_optional(pool)
    .await?;
    Ok(role.map(role_from_db))
}

/// Records why a role change failed (`Some`) or that the last one worked (`None`).
pub async fn set_role_problem(
    pool: &PgPool,
    guild: GuildId,
    problem: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE servers SET role_problem = $2, role_problem_at = CASE WHEN $2::text IS NULL THEN NULL ELSE $3::timestamptz END
         WHERE guild_id = $1",
        guild.db(),
        problem,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}
