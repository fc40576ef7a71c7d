//! The system under test: a throwaway PostgreSQL and a real `waypoint serve` process on it.

use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use tokio::process::{Child, Command};
use waypoint::db::embedded::Cluster;

use crate::payloads::APPLICATION_ID;
use crate::procfs;
use crate::uploads::Uploads;
use crate::workdir::{make_work_dir, start_database};

const HEALTHY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Stack {
    /// Held for the whole run: dropping it stops PostgreSQL.
    cluster: Cluster,
    server: Child,
    pub pid: u32,
    pub addr: SocketAddr,
    /// Where the server's REST calls go: uploads are taken, the rest refused (`uploads.rs`).
    pub uploads: Arc<Uploads>,
    work_dir: PathBuf,
}

impl Stack {
    /// Starts this checkout's `waypoint serve` on its roadmap, or `binary` (an earlier build)
    /// on `roadmap` when given.
    pub async fn start(
        public_key_hex: &str,
        binary: Option<&Path>,
        roadmap: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let work_dir = make_work_dir("waypoint-bench")?;
        let cluster = start_database(&work_dir, &crate::plans::SETTINGS).await?;

        let addr = free_addr()?;
        let (uploads, api_base) = Uploads::start().await?;
        let log = File::create(work_dir.join("server.log")).context("cannot create server.log")?;
        let binary = binary.unwrap_or(Path::new(env!("CARGO_BIN_EXE_waypoint")));
        let shipped_roadmap = Path::new(env!("CARGO_MANIFEST_DIR")).join("roadmap");
        let server = Command::new(binary)
            .args(["serve", "--bind", &addr.to_string()])
            // Not the checkout: the server would read a developer's `.env` from there.
            .current_dir(&work_dir)
            .env_remove("DISCORD_TOKEN")
            .env("DATABASE_URL", cluster.url().expose())
            .env("DISCORD_PUBLIC_KEY", public_key_hex)
            .env("DISCORD_APPLICATION_ID", APPLICATION_ID.to_string())
            .env("DISCORD_API_BASE", &api_base)
            .env("RUST_LOG", "warn")
            // One address sends the whole load: its page allowance must not be what is measured.
            .env("WAYPOINT_WEB_RATE", "1000000")
            .env("ROADMAP_DIR", roadmap.unwrap_or(&shipped_roadmap))
            .stdin(Stdio::null())
            .stdout(log.try_clone().context("cannot share server.log")?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start `{} serve`", binary.display()))?;
        let pid = server.id().context("`waypoint serve` exited at once")?;
        let mut stack = Self {
            cluster,
            server,
            pid,
            addr,
            uploads,
            work_dir,
        };
        stack.wait_healthy().await?;
        Ok(stack)
    }

    /// The database `waypoint serve` uses (holds the password).
    pub fn database_url(&self) -> &str {
        self.cluster.url().expose()
    }

    pub fn postmaster_pid(&self) -> anyhow::Result<u32> {
        procfs::postmaster_pid(&self.cluster.data_dir().join("pgdata"))
    }

    /// The last lines the server wrote (it logs at `warn`), for error messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = fs::read_to_string(self.work_dir.join("server.log")).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    pub fn log_path(&self) -> PathBuf {
        self.work_dir.join("server.log")
    }

    /// PostgreSQL's own log (where `auto_explain` writes plans).
    pub fn database_log_path(&self) -> PathBuf {
        self.work_dir.join("postgres").join("postgres.log")
    }

    async fn wait_healthy(&mut self) -> anyhow::Result<()> {
        let url = format!("http://{}/healthz", self.addr);
        let client = reqwest::Client::new();
        let deadline = Instant::now() + HEALTHY_TIMEOUT;
        loop {
            if let Some(status) = self.server.try_wait()? {
                bail!(
                    "`waypoint serve` exited ({status}) before it was healthy:\n{}",
                    self.log_tail(20)
                );
            }
            let last = match client.get(&url).send().await {
                Ok(r) if r.status() == 200 => return Ok(()),
                Ok(r) => format!("status {}", r.status()),
                Err(e) => e.to_string(),
            };
            if Instant::now() > deadline {
                bail!(
                    "`waypoint serve` not healthy after {HEALTHY_TIMEOUT:?} ({last}):\n{}",
                    self.log_tail(20)
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the server gracefully (SIGTERM), then PostgreSQL. Keeps the work folder, with the
    /// server's log, when `keep_log` is set.
    pub async fn stop(mut self, keep_log: bool) -> anyhow::Result<()> {
        let _ = kill(Pid::from_raw(self.pid as i32), Signal::SIGTERM);
        match tokio::time::timeout(STOP_TIMEOUT, self.server.wait()).await {
            Ok(status) => {
                status.context("waiting for `waypoint serve` to stop")?;
            }
            Err(_) => {
                eprintln!("`waypoint serve` ignored SIGTERM for {STOP_TIMEOUT:?}; killing it");
                self.server.kill().await?;
            }
        }
        self.cluster
            .stop()
            .await
            .context("stopping the throwaway PostgreSQL")?;
        if !keep_log {
            fs::remove_dir_all(&self.work_dir)
                .with_context(|| format!("cannot remove {}", self.work_dir.display()))?;
        }
        Ok(())
    }
}

/// A loopback port nobody uses right now. Should another process grab it first, the server
/// fails to bind and exits, which `wait_healthy` reports.
fn free_addr() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    Ok(listener.local_addr()?)
}
