//! What PostgreSQL ran for the requests of a measured window, from `pg_stat_statements`
//! (which `workdir::start_database` preloads): every statement, those run by triggers
//! included, with its calls and its planning and execution time (wall-clock inside
//! PostgreSQL: on a saturated machine it includes waiting for a CPU). Counts are reset before each window, so they
//! hold that window's requests and whatever the server did in the background meanwhile.

use std::time::{Duration, Instant};

use sqlx::PgPool;

/// One statement's share of a window, per request served.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The normalized text, whitespace collapsed.
    pub query: String,
    pub calls: f64,
    /// Planning time inside PostgreSQL, in µs (`pg_stat_statements.track_planning`).
    pub plan_us: f64,
    /// Execution time inside PostgreSQL, in µs.
    pub exec_us: f64,
}

/// The longest a window waits for the database to settle.
const SETTLE_AT_MOST: Duration = Duration::from_secs(20);

pub struct Statements {
    pool: PgPool,
}

impl Statements {
    pub async fn connect(database_url: &str) -> anyhow::Result<Self> {
        let pool = waypoint::db::connect(database_url, Duration::from_secs(60)).await?;
        sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            .execute(&pool)
            .await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Waits, at most [`SETTLE_AT_MOST`], until no background work is left over from the
    /// window before: the leaderboard's queue folded (a write scenario leaves a backlog the
    /// server folds every 2 s) and no autovacuum running. Every window, a command's or a
    /// floor's, then starts from the same state rather than paying for its predecessor.
    pub async fn settle(&self) -> anyhow::Result<()> {
        // Builds before the queue existed (`--compare`) have nothing to fold.
        let queued: Option<String> =
            sqlx::query_scalar("SELECT to_regclass('points_pending')::text")
                .fetch_one(&self.pool)
                .await?;
        let started = Instant::now();
        while started.elapsed() < SETTLE_AT_MOST {
            let backlog: i64 = match queued {
                Some(_) => {
                    sqlx::query_scalar("SELECT count(*) FROM points_pending")
                        .fetch_one(&self.pool)
                        .await?
                }
                None => 0,
            };
            let vacuuming: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'",
            )
            .fetch_one(&self.pool)
            .await?;
            if backlog == 0 && vacuuming == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    pub async fn reset(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT pg_stat_statements_reset()")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every statement since the last reset, most time first, divided by `requests`.
    pub async fn per_request(&self, requests: f64) -> anyhow::Result<Vec<Statement>> {
        let rows: Vec<(String, i64, f64, f64)> = sqlx::query_as(
            "SELECT query, calls, total_plan_time, total_exec_time FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND query NOT ILIKE '%pg_stat_statements%'
             ORDER BY total_plan_time + total_exec_time DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        let requests = requests.max(1.0);
        Ok(rows
            .into_iter()
            .map(|(query, calls, plan_ms, exec_ms)| Statement {
                query: query.split_whitespace().collect::<Vec<_>>().join(" "),
                calls: calls as f64 / requests,
                plan_us: plan_ms * 1000.0 / requests,
                exec_us: exec_ms * 1000.0 / requests,
            })
            .collect())
    }
}
