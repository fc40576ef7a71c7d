//! Servers and the members Waypoint has seen in them.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use sqlx::PgPool;

use super::ids::DbId;

/// Records that a server uses Waypoint; a no-op when it already does.
pub async fn ensure_server(pool: &PgPool, guild: GuildId) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO servers (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING",
        guild.db()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Records that a member used Waypoint at `now`, creating the server row if needed, in one
/// transaction so a member row never exists without its server.
pub async fn touch_member(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO servers (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING",
        guild.db()
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
         VALUES ($1, $2, $3, $3)
         ON CONFLICT (guild_id, user_id)
         DO UPDATE SET last_seen_at = GREATEST(members.last_seen_at, EXCLUDED.last_seen_at)",
        guild.db(),
        user.db(),
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// How many members of `guild` Waypoint has seen.
pub async fn member_count(pool: &PgPool, guild: GuildId) -> sqlx::Result<i64> {
    let count = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM members WHERE guild_id = $1"#,
        guild.db()
    )
    .fetch_one(pool)
    .await?;
    Ok(count)
}
