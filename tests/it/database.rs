//! Storage against a real PostgreSQL.

use chrono::{Duration, TimeZone, Utc};
use serenity::all::{GuildId, UserId};
use waypoint::db::activity::Activity;
use waypoint::db::{ids, servers, MIGRATOR};

use crate::support::db::{empty_database, fresh_pool, TIMEOUT};

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_are_idempotent() {
    let url = empty_database().await;
    waypoint::db::migrate(&url).await.unwrap();
    waypoint::db::migrate(&url)
        .await
        .expect("a second run finds nothing to do");
    let pool = waypoint::db::connect(&url, TIMEOUT).await.unwrap();
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
    let activity = Activity::default();
    activity.record(guild, user, now, None);
    activity.flush(&pool).await.unwrap();
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
    let activity = Activity::default();
    activity.record(a, UserId::new(10), now, None);
    activity.record(a, UserId::new(11), now, None);
    activity.record(b, UserId::new(10), now, None);
    // Within one batch, the latest time wins whatever the order.
    activity.record(a, UserId::new(10), now - Duration::days(4), None);
    assert_eq!(activity.flush(&pool).await.unwrap(), 3);
    // Across batches, an older sighting does not move the stored time back.
    activity.record(a, UserId::new(10), now - Duration::days(3), None);
    assert_eq!(activity.flush(&pool).await.unwrap(), 1);
    assert_eq!(activity.flush(&pool).await.unwrap(), 0, "nothing left over");
    assert_eq!(members(&pool, a).await, 2);
    assert_eq!(members(&pool, b).await, 1);
    let last: chrono::DateTime<Utc> =
        sqlx::query_scalar("SELECT last_seen_at FROM members WHERE guild_id = 1 AND user_id = 10")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(last, now, "an older event does not move last_seen back");
}

#[tokio::test]
async fn activity_survives_a_failed_flush() {
    let url = empty_database().await;
    waypoint::db::migrate(&url).await.unwrap();
    let activity = Activity::default();
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    activity.record(GuildId::new(5), UserId::new(50), now, None);
    let closed = waypoint::db::connect(&url, TIMEOUT).await.unwrap();
    closed.close().await;
    assert!(activity.flush(&closed).await.is_err());
    // A new pool on the same database: what failed to be written is written now.
    let reopened = waypoint::db::connect(&url, TIMEOUT).await.unwrap();
    assert_eq!(activity.flush(&reopened).await.unwrap(), 1);
    assert_eq!(members(&reopened, GuildId::new(5)).await, 1);
}

/// A flush writes members a hundred per transaction, so a member whose row is locked holds
/// up only their own hundred; those are kept and written by the next flush.
#[tokio::test]
async fn a_flush_writes_in_small_transactions_and_keeps_what_failed() {
    let pool = fresh_pool().await;
    let guild = GuildId::new(3);
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    let activity = Activity::default();
    activity.record(guild, UserId::new(250), now, None);
    activity.flush(&pool).await.unwrap();
    for user in 1..=250 {
        activity.record(guild, UserId::new(user), now, None);
    }
    // Another transaction holds the last member's row (the last hundred, in key order).
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM members WHERE guild_id = 3 AND user_id = 250 FOR UPDATE")
        .execute(&mut *holder)
        .await
        .unwrap();
    assert!(
        activity.flush(&pool).await.is_err(),
        "the lock outlasts the wait"
    );
    assert_eq!(
        members(&pool, guild).await,
        201,
        "the first two hundred and the held one"
    );
    holder.rollback().await.unwrap();
    assert_eq!(activity.flush(&pool).await.unwrap(), 50, "the rest, kept");
    assert_eq!(members(&pool, guild).await, 250);
}

async fn members(pool: &sqlx::PgPool, guild: GuildId) -> i64 {
    servers::settings(pool, guild).await.unwrap().members
}

/// The pool's connections plan each statement once. Otherwise PostgreSQL plans a statement
/// afresh on its first five calls, and on every call for good when those custom plans look
/// cheaper than a generic one (the progress write, whose parameters prune its parts).
#[tokio::test]
async fn the_pools_statements_are_planned_once() {
    let pool = fresh_pool().await;
    let mut conn = pool.acquire().await.unwrap();
    let prunable = "SELECT count(*) FROM members WHERE ($1::bigint IS NULL OR guild_id = $1)";
    for guild in [
        None,
        Some(1_i64),
        None,
        Some(2),
        None,
        Some(3),
        None,
        Some(4),
    ] {
        sqlx::query(prunable)
            .bind(guild)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    }
    let (generic, custom): (i64, i64) = sqlx::query_as(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
    )
    .bind(prunable)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!((generic, custom), (8, 0));
}
