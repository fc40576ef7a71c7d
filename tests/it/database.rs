//! Storage against a real PostgreSQL.

use chrono::{Duration, TimeZone, Utc};
use serenity::all::{GuildId, UserId};
use waypoint::db::{ids, servers, MIGRATOR};

use crate::support::db::{empty_database, fresh_pool};

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_are_idempotent() {
    let url = empty_database().await;
    let pool = waypoint::db::connect(&url).await.unwrap();
    waypoint::db::migrate(&pool).await.unwrap();
    waypoint::db::migrate(&pool)
        .await
        .expect("a second run finds nothing to do");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(applied as usize, MIGRATOR.iter().count());
    for table in ["servers", "members"] {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(table)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(exists, "{table} exists");
    }
}

#[tokio::test]
async fn snowflakes_above_i64_max_round_trip() {
    let pool = fresh_pool().await;
    let guild = GuildId::new(u64::MAX - 7);
    let user = UserId::new(9_223_372_036_854_775_808); // 2^63
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    servers::touch_member(&pool, guild, user, now)
        .await
        .unwrap();
    let (g, u): (i64, i64) = sqlx::query_as("SELECT guild_id, user_id FROM members")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(ids::guild_from_db(g), guild);
    assert_eq!(ids::user_from_db(u), user);
}

#[tokio::test]
async fn members_are_counted_per_server_and_last_seen_only_moves_forward() {
    let pool = fresh_pool().await;
    let (a, b) = (GuildId::new(1), GuildId::new(2));
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    servers::touch_member(&pool, a, UserId::new(10), now)
        .await
        .unwrap();
    servers::touch_member(&pool, a, UserId::new(11), now)
        .await
        .unwrap();
    servers::touch_member(&pool, b, UserId::new(10), now)
        .await
        .unwrap();
    servers::touch_member(&pool, a, UserId::new(10), now - Duration::days(3))
        .await
        .unwrap();
    assert_eq!(servers::member_count(&pool, a).await.unwrap(), 2);
    assert_eq!(servers::member_count(&pool, b).await.unwrap(), 1);
    let last: chrono::DateTime<Utc> =
        sqlx::query_scalar("SELECT last_seen_at FROM members WHERE guild_id = 1 AND user_id = 10")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(last, now, "an older event does not move last_seen back");
}
