//! The embedded default database: a private PostgreSQL server started from the programs
//! installed on the machine, for when DATABASE_URL is not set.
//!
//! The server runs under a tiny `sh` supervisor whose stdin is a pipe from us. When we close it
//! — on a clean stop, or because our process died in any way — the supervisor fast-stops the
//! server. So a crash of Waypoint never leaves a server running, and tests can share one
//! throwaway cluster per process without any clean-up code.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use nix::unistd::{Gid, Uid, User};
use rand::distributions::{Alphanumeric, DistString};
use sqlx::{Connection, Executor, PgConnection};
use tracing::{debug, info, warn};

use super::pg_binaries;

const SUPERUSER: &str = "waypoint";
const DATABASE: &str = "waypoint";
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the server in the background, stops it when stdin closes, and (for throwaway clusters)
/// removes the folder afterwards. `$1` postgres, `$2` data, `$3` port, `$4` folder to remove.
/// fd 3 keeps our pipe: background jobs get /dev/null as stdin.
const SUPERVISOR: &str = r#"
exec 3<&0
"$1" -D "$2" -p "$3" -c listen_addresses=127.0.0.1 -c unix_socket_directories= "${@:5}" &
pg=$!
( cat <&3 >/dev/null; kill -INT "$pg" 2>/dev/null ) &
wait "$pg"
status=$?
if [ -n "$4" ]; then rm -rf "$4"; fi
exit "$status"
"#;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "no PostgreSQL server programs found (looked in PATH and /usr/lib/postgresql/*/bin).\n\
         Install them (Debian/Ubuntu: `sudo apt-get install postgresql`), or set DATABASE_URL \
         to a PostgreSQL database you run yourself."
    )]
    NotInstalled,
    #[error(
        "running as root, but there is no `postgres` user to run the database server as \
         (PostgreSQL refuses to run as root).\nInstall Debian's `postgresql` package, which \
         creates it, run Waypoint as an ordinary user, or set DATABASE_URL."
    )]
    NoPostgresUser,
    #[error(
        "the database server runs as the `postgres` user, which cannot reach {data_dir}: \
         {blocking} is not open to other users (mode {mode:o}).\nSet WAYPOINT_DATA_DIR to a \
         folder it can reach (for example under /var/lib or /tmp), or set DATABASE_URL."
    )]
    Unreachable {
        data_dir: PathBuf,
        blocking: PathBuf,
        mode: u32,
    },
    #[error("the embedded database failed to {action}: {detail}\n(server log: {log})")]
    Failed {
        action: &'static str,
        detail: String,
        log: PathBuf,
    },
    #[error("the embedded database: {0}")]
    Io(#[from] std::io::Error),
}

/// What kind of cluster to start.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Folder holding the server's data, its log and its password.
    pub data_dir: PathBuf,
    /// A throwaway cluster: tuned for speed over durability, removed when it stops.
    pub throwaway: bool,
}

/// A running embedded server. Dropping it stops the server too; `stop` waits for that.
#[derive(Debug)]
pub struct Cluster {
    supervisor: Child,
    pipe: Option<ChildStdin>,
    url: String,
    admin_url: String,
    port: u16,
    data_dir: PathBuf,
}

/// The account the server runs under: ourselves, or `postgres` when we are root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: Uid,
    gid: Gid,
    switch: bool,
}

impl Cluster {
    pub async fn start(options: &ClusterOptions) -> Result<Self, EmbeddedError> {
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
            init(&bin, &pgdata, &data_dir, &log, run_as)?
        };
        stop_leftover(&bin, &pgdata, &log, run_as);

        let port = free_port()?;
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

    /// Connection URL of the application database. Holds the password: never log it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connection URL of the maintenance database, for creating other databases.
    pub fn admin_url(&self) -> &str {
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
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            if let Some(status) = self.supervisor.try_wait()? {
                info!(%status, "embedded PostgreSQL stopped");
                return Ok(());
            }
            if Instant::now() > deadline {
                warn!("embedded PostgreSQL did not stop in time; killing it");
                self.supervisor.kill()?;
                self.supervisor.wait()?;
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
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
            match PgConnection::connect(&self.admin_url).await {
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
            let mut conn = PgConnection::connect(&self.admin_url).await?;
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

fn run_as() -> Result<RunAs, EmbeddedError> {
    if !Uid::effective().is_root() {
        return Ok(RunAs {
            uid: Uid::effective(),
            gid: Gid::effective(),
            switch: false,
        });
    }
    let user = User::from_name("postgres")
        .ok()
        .flatten()
        .ok_or(EmbeddedError::NoPostgresUser)?;
    Ok(RunAs {
        uid: user.uid,
        gid: user.gid,
        switch: true,
    })
}

/// The server account needs to pass through every parent folder of its data.
fn check_reachable(data_dir: &Path, uid: Uid) -> Result<(), EmbeddedError> {
    for dir in data_dir.ancestors() {
        let meta = fs::metadata(dir)?;
        let mode = meta.mode() & 0o7777;
        if meta.uid() != uid.as_raw() && mode & 0o001 == 0 {
            return Err(EmbeddedError::Unreachable {
                data_dir: data_dir.to_path_buf(),
                blocking: dir.to_path_buf(),
                mode,
            });
        }
    }
    Ok(())
}

/// Creates a new cluster with a random superuser password, which is kept beside it (0600).
fn init(
    bin: &Path,
    pgdata: &Path,
    data_dir: &Path,
    log: &Path,
    run_as: RunAs,
) -> Result<String, EmbeddedError> {
    if pgdata.exists() {
        // A half-made cluster from an interrupted first start: initdb needs an empty folder.
        fs::remove_dir_all(pgdata)?;
    }
    fs::create_dir_all(pgdata)?;
    fs::set_permissions(pgdata, fs::Permissions::from_mode(0o700))?;
    if run_as.switch {
        nix::unistd::chown(pgdata, Some(run_as.uid), Some(run_as.gid))
            .map_err(std::io::Error::from)?;
    }
    let password = Alphanumeric.sample_string(&mut rand::thread_rng(), 32);
    info!(data_dir = %data_dir.display(), "creating the embedded PostgreSQL cluster");

    // initdb reads the password from a file only the server account can read, removed at once.
    let pwfile = data_dir.join(".initdb-password");
    write_private(&pwfile, &password)?;
    if run_as.switch {
        nix::unistd::chown(&pwfile, Some(run_as.uid), Some(run_as.gid))
            .map_err(std::io::Error::from)?;
    }
    let mut command = Command::new(bin.join("initdb"));
    command
        .arg("-D")
        .arg(pgdata)
        .args([
            "-U",
            SUPERUSER,
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
        ])
        .arg(format!("--pwfile={}", pwfile.display()));
    as_server_user(&mut command, run_as);
    let output = command.output();
    let _ = fs::remove_file(&pwfile);
    let output = output?;
    let mut log_file = open_log(log)?;
    log_file.write_all(&output.stdout)?;
    log_file.write_all(&output.stderr)?;
    if !output.status.success() {
        let _ = fs::remove_dir_all(pgdata);
        return Err(failed(
            "initialize",
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
            log,
        ));
    }

    write_private(&data_dir.join("password"), &password)?;
    Ok(password)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

fn read_password(data_dir: &Path) -> Result<String, EmbeddedError> {
    let path = data_dir.join("password");
    fs::read_to_string(&path)
        .map(|p| p.trim().to_string())
        .map_err(|e| EmbeddedError::Failed {
            action: "read its password",
            detail: format!(
                "{}: {e}; delete {} to start afresh",
                path.display(),
                data_dir.display()
            ),
            log: data_dir.join("postgres.log"),
        })
}

/// A server left behind by a Waypoint that was killed before its supervisor noticed (for
/// example its supervisor was killed too) would hold the data folder; stop it first.
fn stop_leftover(bin: &Path, pgdata: &Path, log: &Path, run_as: RunAs) {
    let Ok(pid_file) = fs::read_to_string(pgdata.join("postmaster.pid")) else {
        return;
    };
    let pid = pid_file
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok());
    let alive =
        pid.is_some_and(|p| nix::sys::signal::kill(nix::unistd::Pid::from_raw(p), None).is_ok());
    if !alive {
        return;
    }
    warn!("stopping an embedded PostgreSQL left running by an earlier Waypoint");
    let mut command = Command::new(bin.join("pg_ctl"));
    command
        .arg("stop")
        .arg("-D")
        .arg(pgdata)
        .args(["-m", "fast", "-w"]);
    if let Ok(file) = open_log(log) {
        command.stdout(file);
    }
    as_server_user(&mut command, run_as);
    if let Err(e) = command.status() {
        warn!(error = %e, "could not stop the leftover server");
    }
}

fn spawn(
    bin: &Path,
    pgdata: &Path,
    port: u16,
    log: &Path,
    options: &ClusterOptions,
    run_as: RunAs,
) -> Result<Child, EmbeddedError> {
    let log_file = open_log(log)?;
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(SUPERVISOR)
        .arg("waypoint-postgres")
        .arg(bin.join("postgres"))
        .arg(pgdata)
        .arg(port.to_string())
        .arg(if options.throwaway {
            options.data_dir.as_os_str()
        } else {
            "".as_ref()
        });
    if options.throwaway {
        // Test data is disposable: trade durability for speed.
        command.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=300",
        ]);
    }
    command
        .stdin(Stdio::piped())
        .stdout(log_file.try_clone()?)
        .stderr(log_file);
    as_server_user(&mut command, run_as);
    Ok(command.spawn()?)
}

fn as_server_user(command: &mut Command, run_as: RunAs) {
    if run_as.switch {
        command.uid(run_as.uid.as_raw()).gid(run_as.gid.as_raw());
        // Keep HOME and friends from pointing into root's folders.
        command.env("HOME", "/tmp").current_dir("/");
    }
}

fn free_port() -> Result<u16, EmbeddedError> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn url(password: &str, port: u16, database: &str) -> String {
    format!("postgres://{SUPERUSER}:{password}@127.0.0.1:{port}/{database}")
}

fn open_log(log: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o644)
        .open(log)
}

fn log_tail(log: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = File::open(log) {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = file.seek(SeekFrom::Start(len.saturating_sub(2000)));
        let _ = file.read_to_string(&mut text);
    }
    text.lines()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n")
}

fn failed(action: &'static str, detail: String, log: &Path) -> EmbeddedError {
    EmbeddedError::Failed {
        action,
        detail,
        log: log.to_path_buf(),
    }
}
