//! A server's community pages: whether they are on (the slug that is their address) and the
//! names members last showed, kept only while they are on.

use serenity::all::GuildId;
use sqlx::PgPool;

use super::ids::{guild_from_db, DbId};

/// Turns the pages on with `fresh` as their slug, or keeps the slug they already have (running
/// `on` twice does not break the link shared); returns the slug in use. `name` is the
/// server's name as Discord gave it; `None` (Discord could not be asked) keeps the one stored.
pub async fn turn_on(
    pool: &PgPool,
    guild: GuildId,
    fresh: &str,
    name: Option<&str>,
) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        r#"INSERT INTO servers (guild_id, web_slug, web_name) VALUES ($1, $2, $3)
           ON CONFLICT (guild_id) DO UPDATE
           SET web_slug = COALESCE(servers.web_slug, EXCLUDED.web_slug),
               web_name = COALESCE(EXCLUDED.web_name, servers.web_name),
               updated_at = now()
           RETURNING web_slug AS "slug!""#,
        guild.db(),
        fresh,
        name
    )
    .fetch_one(pool)
    .await
}

/// Replaces the slug with `fresh`, so the old address stops working; `None` when the pages
/// are off (nothing to rotate). `name` as in [`turn_on`].
pub async fn rotate(
    pool: &PgPool,
    guild: GuildId,
    fresh: &str,
    name: Option<&str>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        r#"UPDATE servers SET web_slug = $2, web_name = COALESCE($3, web_name), updated_at = now()
           WHERE guild_id = $1 AND web_slug IS NOT NULL
           RETURNING web_slug AS "slug!""#,
        guild.db(),
        fresh,
        name
    )
    .fetch_optional(pool)
    .await
}

/// What turning the pages off did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnedOff {
    pub were_on: bool,
    /// Stored names removed with them.
    pub names_removed: u64,
}

/// Turns the pages off and removes the server's stored names, both or neither.
pub async fn turn_off(pool: &PgPool, guild: GuildId) -> sqlx::Result<TurnedOff> {
    let mut tx = pool.begin().await?;
    let were_on = sqlx::query_scalar!(
        r#"UPDATE servers SET web_slug = NULL, web_name = NULL, updated_at = now()
           WHERE guild_id = $1 AND web_slug IS NOT NULL
           RETURNING guild_id"#,
        guild.db()
    )
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    let names_removed = sqlx::query!("DELETE FROM member_names WHERE guild_id = $1", guild.db())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(TurnedOff {
        were_on,
        names_removed,
    })
}

/// A server whose pages are on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub guild: GuildId,
    /// Its name, when Discord gave it.
    pub name: Option<String>,
}

/// The server whose pages `slug` is the address of, while they are on.
pub async fn server_of(pool: &PgPool, slug: &str) -> sqlx::Result<Option<Published>> {
    let row = sqlx::query!(
        "SELECT guild_id, web_name FROM servers WHERE web_slug = $1",
        slug
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Published {
        guild: guild_from_db(r.guild_id),
        name: r.web_name,
    }))
}

/// The overview's numbers for the week that began at `week_start` (`week` is its key): members
/// seen in it and check-ins made for it, members who keep their progress private left out, as
/// everywhere on the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WeekNumbers {
    pub active: i64,
    pub checkins: i64,
}

pub async fn week_numbers(
    pool: &PgPool,
    guild: GuildId,
    week_start: chrono::DateTime<chrono::Utc>,
    week: &str,
) -> sqlx::Result<WeekNumbers> {
    let row = sqlx::query!(
        r#"SELECT
             (SELECT count(*) FROM members
              WHERE guild_id = $1 AND last_seen_at >= $2 AND NOT hidden) AS "active!",
             (SELECT count(*) FROM checkins c JOIN members m USING (guild_id, user_id)
              WHERE c.guild_id = $1 AND c.week = $3 AND NOT m.hidden) AS "checkins!""#,
        guild.db(),
        week_start,
        week
    )
    .fetch_one(pool)
    .await?;
    Ok(WeekNumbers {
        active: row.active,
        checkins: row.checkins,
    })
}

/// The slug of `guild`'s pages, if they are on.
pub async fn slug_of(pool: &PgPool, guild: GuildId) -> sqlx::Result<Option<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT web_slug FROM servers WHERE guild_id = $1",
        guild.db()
    )
    .fetch_optional(pool)
    .await?
    .flatten())
}

/// The stored names of `users` in `guild`; a member without one is missing from the map.
pub async fn names(
    pool: &PgPool,
    guild: GuildId,
    users: &[serenity::all::UserId],
) -> sqlx::Result<std::collections::HashMap<serenity::all::UserId, String>> {
    let ids: Vec<i64> = users.iter().map(|u| u.db()).collect();
    let rows = sqlx::query!(
        "SELECT user_id, display_name FROM member_names
         WHERE guild_id = $1 AND user_id = ANY($2)",
        guild.db(),
        &ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (super::ids::user_from_db(r.user_id), r.display_name))
        .collect())
}

/// How many members (not hidden) are learning and have finished each topic of `roadmap` in
/// `guild`, by the topic's current id: a row under an old id (`renames`: old → current) counts
/// for the renamed topic, unless the member also has a row under its current id.
pub async fn topic_counts(
    pool: &PgPool,
    guild: GuildId,
    roadmap: &str,
    renames: &[(String, String)],
) -> sqlx::Result<Vec<(String, crate::progress::TopicState, i64)>> {
    let (old, current): (Vec<String>, Vec<String>) = renames.iter().cloned().unzip();
    let rows = sqlx::query!(
        r#"WITH renamed AS (SELECT * FROM UNNEST($3::text[], $4::text[]) AS a (old, current))
           SELECT COALESCE(a.current, p.topic_id) AS "topic!", p.state, count(*) AS "members!"
           FROM topic_progress p
           JOIN members m ON m.guild_id = p.guild_id AND m.user_id = p.user_id AND NOT m.hidden
           LEFT JOIN renamed a ON a.old = p.topic_id
           WHERE p.guild_id = $1 AND p.roadmap_id = $2 AND p.state IN ('learning', 'done')
             AND NOT (a.current IS NOT NULL AND EXISTS (
                 SELECT 1 FROM topic_progress q
                 WHERE q.guild_id = p.guild_id AND q.user_id = p.user_id
                   AND q.roadmap_id = p.roadmap_id AND q.topic_id = a.current))
           GROUP BY 1, 2"#,
        guild.db(),
        roadmap,
        &old,
        &current
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            crate::progress::TopicState::parse(&r.state).map(|s| (r.topic, s, r.members))
        })
        .collect())
}
