//! The system under test: a throwaway PostgreSQL seeded with servers whose weekly prompt is
//! due, and `waypoint worker` processes posting them to the fake REST API.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use tokio::process::{Child, Command};
use waypoint::db::embedded::Cluster;

use crate::seed::Kind;
use crate::workdir::{make_work_dir, start_database};

/// Channel ids of the seeded servers start here; server n posts in channel BASE + n.
pub const CHANNEL_BASE: i64 = 800_000_000_000_000_000;
const GUILD_BASE: i64 = 700_000_000_000_000_000;
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Database {
    cluster: Cluster,
    pub work_dir: PathBuf,
}

impl Database {
    pub async fn start() -> anyhow::Result<Self> {
        let work_dir = make_work_dir("waypoint-fanout")?;
        let cluster = start_database(&work_dir, &[]).await?;
        Ok(Self { cluster, work_dir })
    }

    pub fn url(&self) -> &str {
        self.cluster.url().expose()
    }

    /// Empties the tables and adds `servers` servers, each with one post of `kind` due a
    /// minute ago: what the scheduler finds when a popular weekly slot comes round.
    pub async fn seed(&self, servers: i64, kind: Kind) -> anyhow::Result<()> {
        waypoint::db::migrate(self.url()).await?;
        let pool = waypoint::db::connect(self.url(), Duration::from_secs(30)).await?;
        let mut tx = pool.begin().await?;
        sqlx::query("TRUNCATE servers CASCADE")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO servers (guild_id) SELECT $1 + n FROM generate_series(0, $2 - 1) AS n",
        )
        .bind(GUILD_BASE)
        .bind(servers)
        .execute(&mut *tx)
        .await?;
        for statement in kind.statements() {
            sqlx::query(&statement)
                .bind(GUILD_BASE)
                .bind(CHANNEL_BASE)
                .bind(servers)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("seeding {kind:?}: {statement}"))?;
        }
        tx.commit().await?;
        pool.close().await;
        Ok(())
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        self.cluster.stop().await?;
        fs::remove_dir_all(&self.work_dir).ok();
        Ok(())
    }
}

/// A running `waypoint worker`.
pub struct Worker {
    child: Child,
    pub log: PathBuf,
}

impl Worker {
    pub fn start(
        database: &Database,
        api_base: &str,
        rate: u32,
        lease_seconds: u32,
        name: &str,
    ) -> anyhow::Result<Self> {
        let log = database.work_dir.join(format!("{name}.log"));
        let file = File::create(&log).context("cannot create the worker's log")?;
        let child = Command::new(env!("CARGO_BIN_EXE_waypoint"))
            .arg("worker")
            // Not the checkout: the worker would read a developer's `.env` from there.
            .current_dir(&database.work_dir)
            .env("DATABASE_URL", database.url())
            .env("DISCORD_TOKEN", "fanout-bench-token")
            .env("DISCORD_API_BASE", api_base)
            .env("WAYPOINT_DISCORD_RATE", rate.to_string())
            .env("WAYPOINT_LEASE_SECONDS", lease_seconds.to_string())
            .env("RUST_LOG", "warn")
            .env(
                "ROADMAP_DIR",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("roadmap"),
            )
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .kill_on_drop(true)
            .spawn()
            .context("cannot start `waypoint worker`")?;
        Ok(Self { child, log })
    }

    /// SIGKILL: the process gets no chance to finish or record anything.
    pub async fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }

    /// SIGTERM, as a service manager stops it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            let _ = kill(Pid::from_raw(pid as i32), Signal::SIGTERM);
        }
        match tokio::time::timeout(STOP_TIMEOUT, self.child.wait()).await {
            Ok(status) => {
                status?;
            }
            Err(_) => self.child.kill().await?,
        }
        Ok(())
    }

    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }
}
