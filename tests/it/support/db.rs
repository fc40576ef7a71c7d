//! A fresh, migrated PostgreSQL database for every test.
//!
//! With DATABASE_URL set, test databases are created on that server. Without it, the first
//! test starts one throwaway cluster for the whole test process (with Waypoint's own embedded
//! server code); it stops and deletes itself when the process exits, however it exits.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::OnceCell;
use waypoint::db::embedded::{Cluster, ClusterOptions};

static CLUSTER: OnceCell<Cluster> = OnceCell::const_new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A server that test databases can be created on: (admin URL, URL template base).
async fn server_url() -> String {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        if !url.trim().is_empty() {
            return url;
        }
    }
    let cluster = CLUSTER
        .get_or_init(|| async {
            let dir = tempfile::Builder::new()
                .prefix("waypoint-test-pg.")
                .tempdir_in(std::env::temp_dir())
                .expect("create a temp dir for the test cluster")
                .keep();
            Cluster::start(&ClusterOptions {
                data_dir: dir,
                throwaway: true,
                settings: Vec::new(),
            })
            .await
            .expect("start the throwaway PostgreSQL cluster for tests")
        })
        .await;
    cluster.admin_url().expose().to_string()
}

/// Replaces the database name at the end of a URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// Creates an empty database (no migrations) and returns its URL.
pub async fn empty_database() -> String {
    let admin = server_url().await;
    let name = format!(
        "waypoint_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = PgConnection::connect(&admin)
        .await
        .expect("connect to the test server");
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create a test database");
    conn.close().await.ok();
    with_database(&admin, &name)
}

/// The bound on database waits that the app gets in tests: production's default.
pub const TIMEOUT: Duration = Duration::from_millis(1500);

/// A pool on a fresh database with every migration applied, bounded as in production.
pub async fn fresh_pool() -> PgPool {
    fresh_pool_with_timeout(TIMEOUT).await
}

pub async fn fresh_pool_with_timeout(timeout: Duration) -> PgPool {
    let url = empty_database().await;
    waypoint::db::migrate(&url)
        .await
        .expect("migrate the test database");
    waypoint::db::connect(&url, timeout)
        .await
        .expect("connect to the test database")
}

/// Holds a lock on the members table, so a command that reads it (`/settings show`) stays busy
/// until the returned transaction ends, or until its lock timeout: a real way to make a command
/// slow.
pub async fn block_commands(pool: &PgPool) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query("LOCK TABLE members IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .expect("lock members");
    tx
}

/// Stores the name (and avatar hash) `user` showed in `guild`, as the activity flush does
/// while the server's pages are on; the member must exist.
pub async fn store_name(pool: &PgPool, guild: u64, user: u64, name: &str, avatar: Option<&str>) {
    sqlx::query(
        "INSERT INTO member_names (guild_id, user_id, display_name, avatar, seen_at)
         VALUES ($1, $2, $3, $4, now())",
    )
    .bind(guild as i64)
    .bind(user as i64)
    .bind(name)
    .bind(avatar)
    .execute(pool)
    .await
    .expect("store a member's name");
}
