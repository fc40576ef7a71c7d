//! Storage: connecting, migrating, the embedded default server, and one module per aggregate.

pub mod activity;
pub mod batch;
pub mod celebrations;
pub mod challenges;
pub mod checkins;
pub mod embedded;
pub mod ids;
pub mod leaderboard;
pub mod partner_groups;
pub mod partners;
pub mod pg_binaries;
pub mod privacy;
pub mod progress;
pub mod prompts;
mod redact;
pub mod roadmaps;
pub mod scheduled;
pub mod servers;
pub mod web;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tracing::info;

use crate::secret::Secret;
use embedded::{Cluster, ClusterOptions};
pub use redact::redact;

/// The schema, embedded in the binary so `waypoint migrate` works from anywhere.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Where the database is and how long any wait on it may take.
#[derive(Debug, Clone)]
pub struct DatabaseOptions {
    /// `None`: start the embedded server.
    pub url: Option<Secret>,
    /// The embedded server's data folder; `None` picks the default.
    pub data_dir: Option<std::path::PathBuf>,
    pub timeout: Duration,
}

/// The pool plus, when we started it ourselves, the embedded server behind it.
pub struct Database {
    pub pool: PgPool,
    embedded: Option<Cluster>,
}

impl Database {
    /// Connects to DATABASE_URL, or starts the embedded server when it is unset, and applies
    /// pending migrations.
    pub async fn open(options: &DatabaseOptions) -> anyhow::Result<Self> {
        let (url, embedded) = match &options.url {
            Some(url) => (url.expose().to_string(), None),
            None => {
                let data_dir = match &options.data_dir {
                    Some(dir) => dir.clone(),
                    None => embedded::default_data_dir()?,
                };
                let cluster = Cluster::start(&ClusterOptions {
                    data_dir,
                    throwaway: false,
                    settings: Vec::new(),
                })
                .await?;
                (cluster.url().expose().to_string(), Some(cluster))
            }
        };
        migrate(&url).await?;
        let pool = connect(&url, options.timeout).await?;
        Ok(Self { pool, embedded })
    }

    /// Closes the pool, then stops the embedded server if we run one.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            cluster.stop().await?;
        }
        Ok(())
    }
}

/// How long a connection may sit in the pool before it is checked again before use.
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(1);

/// A pool whose every wait is bounded by `timeout`: getting a connection, waiting for a lock,
/// running a statement. A stuck database then costs a member a "try again", not a hung
/// interaction, and the pool recovers by itself when the server comes back.
pub async fn connect(url: &str, timeout: Duration) -> anyhow::Result<PgPool> {
    let millis = timeout.as_millis().to_string();
    let options = connect_options(url)?.options([
        ("statement_timeout", millis.as_str()),
        ("lock_timeout", millis.as_str()),
        // A transaction left open by a crashed client must not hold locks for long either.
        ("idle_in_transaction_session_timeout", "60000"),
        // Every statement here finds rows by key. Left to itself, PostgreSQL plans a statement
        // whose parameters can prune parts of it (`WHERE $17 IS NULL`) again on every call,
        // and planning the progress write's CTEs cost more than running them (BENCHMARKS.md).
        // A plan made while a table was still small lives as long as its connection (the
        // pool replaces each within 30 minutes).
        ("plan_cache_mode", "force_generic_plan"),
    ]);
    Ok(PgPoolOptions::new()
        .max_connections(10)
        // sqlx checks every connection with a round trip when it goes back to the pool, and by
        // default again when it is taken out: on a busy pool that second check doubles the
        // round trips of a one-statement command for nothing. Only a connection that sat idle
        // (the server may have restarted meanwhile) is checked before use.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= CHECK_IDLE_AFTER {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .acquire_timeout(timeout)
        // Connect on first use, so a process can start while the database is still coming
        // up; the migration before this has already proved the URL right.
        .connect_lazy_with(options))
}

fn connect_options(url: &str) -> anyhow::Result<PgConnectOptions> {
    PgConnectOptions::from_str(url).map_err(|_| {
        anyhow::anyhow!(
            "DATABASE_URL is not a valid PostgreSQL URL: {} (expected postgres://user:password@host:port/database)",
            redact(url)
        )
    })
}

/// Applies pending migrations on a connection of its own: a migration may legitimately run
/// longer than the bounds the pool puts on commands.
pub async fn migrate(url: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect_with(&connect_options(url)?)
        .await
        .with_context(|| {
            format!(
                "cannot connect to the database at {}. Check that it is running and that \
                 DATABASE_URL is right, or unset DATABASE_URL to use the embedded database",
                redact(url)
            )
        })?;
    MIGRATOR
        .run(&mut conn)
        .await
        .context("applying database migrations failed")?;
    info!(
        migrations = MIGRATOR.iter().count(),
        "database schema is up to date"
    );
    conn.close().await.ok();
    Ok(())
}

/// Whether an error means the database is out of reach or too busy right now (down,
/// restarting, a timeout, a lock we would wait too long for) rather than a bug: the member can
/// simply try again, and nothing was written.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(e) => e.code().is_some_and(|code| {
            // 08: connection exceptions; 57014: statement timeout; 55P03: lock timeout;
            // 57P01-57P03: server shutting down or starting; 40001/40P01: retryable conflicts.
            code.starts_with("08")
                || matches!(
                    code.as_ref(),
                    "57014" | "55P03" | "57P01" | "57P02" | "57P03" | "40001" | "40P01"
                )
        }),
        _ => false,
    }
}
