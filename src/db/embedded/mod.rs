//! The embedded default database: a private PostgreSQL server started from the programs
//! installed on the machine, for when DATABASE_URL is not set.
//!
//! The server runs under a tiny `sh` supervisor whose stdin is a pipe from us. When we close it
//! — on a clean stop, or because our process died in any way — the supervisor fast-stops the
//! server. So a crash of Waypoint never leaves a server running, and tests can share one
//! throwaway cluster per process without any clean-up code.

mod account;
mod error;
mod location;
mod options;
mod setup;
mod supervisor;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor, PgConnection};
use tokio::process::{Child, ChildStdin};
use tracing::{debug, info, warn};

use super::pg_binaries;
use crate::secret::Secret;
use account::{check_reachable, run_as};
pub use location::default_data_dir;
use setup::{init, log_tail, read_password, stop_leftover};
use supervisor::spawn;

pub use error::EmbeddedError;
use error::{failed, SUPERUSER};
pub use options::ClusterOptions;

const DATABASE: &str = "waypoint";
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running embedded server. Dropping it stops the server too; `stop` waits for that.
/// Its URLs hold the password, hence `Secret` (and so Debug never shows them).
#[derive(Debug)]
pub struct Cluster {
    supervisor: Child,
    pipe: Option<ChildStdin>,
    url: Secret,
    admin_url: Secret,
    port: u16,
    data_dir: PathBuf,
}

impl Cluster {
    /// Starts the server on a free loopback port.
    pub async fn start(options: &ClusterOptions) -> Result<Self, EmbeddedError> {
        Self::start_on_port(options, free_port()?).await
    }

    /// Starts the server on `port`: for starting a stopped cluster again where its clients
    /// expect it (the outage tests do).
    pub async fn start_on_port(options: &ClusterOptions, port: u16) -> Result<Self, EmbeddedError> {
        let bin = pg_binaries::find().ok_or(EmbeddedError::NotInstalled)?;
        let run_as = run_as()?;
        fs::create_dir_all(&options.data_dir)?;
        let data_dir = options.data_dir.canonicalize()?;
        let pgdata = data_dir.join("pgdata");
        let log = data_dir.join("postgres.log");
        if run_as.switch {
            // A throwaway folder belongs to the server so that its supervisor can remove it.
            if options.throwaway {
                nix::unistd::chown(&data_dir, Some(run_as.uid), Some(run_as.gid))
                    .map_err(std::io::Error::from)?;
            }
            check_reachable(&data_dir, run_as.uid)?;
        }

        let password = if pgdata.join("PG_VERSION").is_file() {
            read_password(&data_dir)?
        } else {
            init(&bin, &pgdata, &data_dir, &log, run_as).await?
        };
        stop_leftover(&bin, &pgdata, &log, run_as).await;

        let supervisor = spawn(&bin, &pgdata, port, &log, options, run_as)?;
        let mut cluster = Self {
            supervisor,
            pipe: None,
            admin_url: url(&password, port, "postgres"),
            url: url(&password, port, DATABASE),
            port,
            data_dir: data_dir.clone(),
        };
        cluster.pipe = cluster.supervisor.stdin.take();
        cluster.wait_ready(&log).await?;
        cluster.ensure_database(&log).await?;
        info!(port, data_dir = %data_dir.display(), "embedded PostgreSQL is up");
        Ok(cluster)
    }

    /// Connection URL of the application database.
    pub fn url(&self) -> &Secret {
        &self.url
    }

    /// Connection URL of the maintenance database, for creating other databases.
    pub fn admin_url(&self) -> &Secret {
        &self.admin_url
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Stops the server and waits until it has exited.
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        drop(self.pipe.take());
        match tokio::time::timeout(STOP_TIMEOUT, self.supervisor.wait()).await {
            Ok(status) => {
                info!(status = %status?, "embedded PostgreSQL stopped");
            }
            Err(_) => {
                warn!("embedded PostgreSQL did not stop in time; killing it");
                self.supervisor.kill().await?;
            }
        }
        Ok(())
    }

    async fn wait_ready(&mut self, log: &Path) -> Result<(), EmbeddedError> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.supervisor.try_wait()? {
                return Err(failed(
                    "start",
                    format!("the server exited ({status}): {}", log_tail(log)),
                    log,
                ));
            }
            match PgConnection::connect(self.admin_url.expose()).await {
                Ok(conn) => {
                    let _ = conn.close().await;
                    return Ok(());
                }
                Err(e) if Instant::now() > deadline => {
                    return Err(failed(
                        "start",
                        format!("not ready after {READY_TIMEOUT:?}: {e}"),
                        log,
                    ));
                }
                Err(e) => debug!(error = %e, "waiting for embedded PostgreSQL"),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn ensure_database(&self, log: &Path) -> Result<(), EmbeddedError> {
        let result = async {
            let mut conn = PgConnection::connect(self.admin_url.expose()).await?;
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                    .bind(DATABASE)
                    .fetch_one(&mut conn)
                    .await?;
            if !exists {
                conn.execute(format!("CREATE DATABASE {DATABASE}").as_str())
                    .await?;
            }
            conn.close().await
        }
        .await;
        result.map_err(|e| failed("create its database", e.to_string(), log))
    }
}

fn free_port() -> Result<u16, EmbeddedError> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn url(password: &str, port: u16, database: &str) -> Secret {
    Secret::new(format!(
        "postgres://{SUPERUSER}:{password}@127.0.0.1:{port}/{database}"
    ))
}
