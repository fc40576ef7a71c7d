//! Roadmaps imported into a server (every version kept) and which roadmap each server follows.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::ids::{guild_from_db, DbId};

/// The roadmap a server follows: one the deployment ships (`version: None`) or a version of
/// one imported into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Followed {
    pub id: String,
    pub version: Option<i32>,
}

/// A roadmap imported into a server, at its newest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub id: String,
    pub title: String,
    pub version: i32,
}

/// What a server has chosen: `followed` is `None` for the deployment's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerRoadmaps {
    pub followed: Option<Followed>,
    pub imported: Vec<Imported>,
}

/// The servers whose choice changed after `since` (every server that ever chose or imported
/// when `None`), with the database's time of the read to pass as the next `since`.
pub async fn changed_since(
    pool: &PgPool,
    since: Option<DateTime<Utc>>,
) -> sqlx::Result<(Vec<(GuildId, ServerRoadmaps)>, DateTime<Utc>)> {
    let rows = sqlx::query!(
        r#"SELECT s.guild_id, s.roadmap_id, s.roadmap_version,
                  ARRAY(SELECT DISTINCT ON (r.roadmap_id) r.roadmap_id FROM server_roadmaps r
                        WHERE r.guild_id = s.guild_id ORDER BY r.roadmap_id, r.version DESC) AS "ids!",
                  ARRAY(SELECT DISTINCT ON (r.roadmap_id) r.title FROM server_roadmaps r
                        WHERE r.guild_id = s.guild_id ORDER BY r.roadmap_id, r.version DESC) AS "titles!",
                  ARRAY(SELECT DISTINCT ON (r.roadmap_id) r.version FROM server_roadmaps r
                        WHERE r.guild_id = s.guild_id ORDER BY r.roadmap_id, r.version DESC) AS "versions!",
                  now() AS "now!"
           FROM servers s
           WHERE s.roadmap_changed_at IS NOT NULL
             AND ($1::timestamptz IS NULL OR s.roadmap_changed_at > $1)"#,
        since
    )
    .fetch_all(pool)
    .await?;
    let now = match rows.first() {
        Some(row) => row.now,
        None => {
            sqlx::query_scalar!(r#"SELECT now() AS "now!""#)
                .fetch_one(pool)
                .await?
        }
    };
    let servers = rows
        .into_iter()
        .map(|row| {
            let followed = row.roadmap_id.map(|id| Followed {
                id,
                version: row.roadmap_version,
            });
            let imported = row
                .ids
                .into_iter()
                .zip(row.titles)
                .zip(row.versions)
                .map(|((id, title), version)| Imported { id, title, version })
                .collect();
            (
                guild_from_db(row.guild_id),
                ServerRoadmaps { followed, imported },
            )
        })
        .collect();
    Ok((servers, now))
}

/// The text of an imported roadmap's version.
pub async fn source(
    pool: &PgPool,
    guild: GuildId,
    id: &str,
    version: i32,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT source FROM server_roadmaps
         WHERE guild_id = $1 AND roadmap_id = $2 AND version = $3",
        guild.db(),
        id,
        version
    )
    .fetch_optional(pool)
    .await
}

/// A roadmap file to store: already checked, so storing cannot half-succeed on content.
pub struct Import<'a> {
    pub guild: GuildId,
    pub id: &'a str,
    pub title: &'a str,
    pub source: &'a str,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// Stores `import` as the next version of its roadmap and makes it the one the server
/// follows, all or nothing; returns the version. The server's row is locked first, so two
/// imports at once take consecutive versions.
pub async fn import(pool: &PgPool, import: &Import<'_>) -> sqlx::Result<i32> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO servers (guild_id) VALUES ($1)
         ON CONFLICT (guild_id) DO UPDATE SET updated_at = $2",
        import.guild.db(),
        import.at
    )
    .execute(&mut *tx)
    .await?;
    let version = sqlx::query_scalar!(
        r#"INSERT INTO server_roadmaps
             (guild_id, roadmap_id, version, title, source, imported_by, imported_at)
           SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5, $6
           FROM server_roadmaps WHERE guild_id = $1 AND roadmap_id = $2
           RETURNING version"#,
        import.guild.db(),
        import.id,
        import.title,
        import.source,
        import.by.db(),
        import.at
    )
    .fetch_one(&mut *tx)
    .await?;
    follow_in(
        &mut tx,
        import.guild,
        Some(import.id),
        Some(version),
        import.at,
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Makes the server follow `followed` (`None`: the deployment's default).
pub async fn follow(
    pool: &PgPool,
    guild: GuildId,
    followed: Option<&Followed>,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut conn = pool.acquire().await?;
    follow_in(
        &mut conn,
        guild,
        followed.map(|f| f.id.as_str()),
        followed.and_then(|f| f.version),
        at,
    )
    .await
}

async fn follow_in(
    conn: &mut PgConnection,
    guild: GuildId,
    id: Option<&str>,
    version: Option<i32>,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO servers (guild_id, roadmap_id, roadmap_version, roadmap_changed_at, updated_at)
         VALUES ($1, $2, $3, clock_timestamp(), $4)
         ON CONFLICT (guild_id) DO UPDATE SET
           roadmap_id = EXCLUDED.roadmap_id,
           roadmap_version = EXCLUDED.roadmap_version,
           roadmap_changed_at = EXCLUDED.roadmap_changed_at,
           updated_at = EXCLUDED.updated_at",
        guild.db(),
        id,
        version,
        at
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
