//! Servers and the members Waypoint has seen in them.

use serenity::all::GuildId;
use sqlx::PgPool;

use super::ids::DbId;

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
