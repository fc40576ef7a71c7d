//! The yardstick for writes: PostgreSQL's own rate for a single-row upsert, measured with
//! pgbench on the same server, database and concurrency as the `/progress set` scenario.

use std::time::Duration;

use anyhow::{bail, Context};
use tokio::process::Command;

/// What pgbench measured.
pub struct Baseline {
    pub tps: f64,
    pub latency_ms: f64,
    pub clients: usize,
    pub seconds: u64,
}

const SCRIPT: &str = "\\set id random(1, 100000000)\n\
    INSERT INTO bench_upsert (id, n) VALUES (:id, 1) \
    ON CONFLICT (id) DO UPDATE SET n = bench_upsert.n + 1;\n";

/// Runs pgbench against `url` (the server's database) for `duration` with `clients`.
pub async fn upsert_rate(
    url: &str,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Baseline> {
    let pgbench = waypoint::db::pg_binaries::find_program("pgbench")
        .context("pgbench is not installed (Debian: the postgresql package has it)")?;
    let url = url::Url::parse(url).context("the database URL")?;
    let work = tempfile::tempdir().context("a folder for the pgbench script")?;
    let script = work.path().join("upsert.sql");
    std::fs::write(&script, SCRIPT).context("writing the pgbench script")?;

    let db = sqlx::PgPool::connect(url.as_str())
        .await
        .context("connecting for pgbench")?;
    sqlx::query("CREATE TABLE IF NOT EXISTS bench_upsert (id BIGINT PRIMARY KEY, n INT NOT NULL)")
        .execute(&db)
        .await?;

    let seconds = duration.as_secs().max(1);
    let output = Command::new(pgbench)
        .args(["-n", "-M", "prepared", "-j", "2"])
        .arg(format!("--client={clients}"))
        .arg(format!("--time={seconds}"))
        .arg(format!("--file={}", script.display()))
        .arg(format!("--host={}", url.host_str().unwrap_or("127.0.0.1")))
        .arg(format!("--port={}", url.port().unwrap_or(5432)))
        .arg(format!("--username={}", url.username()))
        .arg(url.path().trim_start_matches('/'))
        .env("PGPASSWORD", url.password().unwrap_or_default())
        .output()
        .await
        .context("running pgbench")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    sqlx::query("DROP TABLE bench_upsert").execute(&db).await?;
    db.close().await;
    let number = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    Ok(Baseline {
        tps: number("tps = ").context("pgbench printed no tps")?,
        latency_ms: number("latency average = ").unwrap_or(f64::NAN),
        clients,
        seconds,
    })
}
