//! Creating a cluster and reading back what it left: password, log, leftover servers.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::process::Stdio;

use tokio::process::Command;

use rand::distributions::{Alphanumeric, DistString};
use tracing::{info, warn};

use super::account::{as_server_user, RunAs};
use super::error::{failed, EmbeddedError, SUPERUSER};

/// Creates a new cluster with a random superuser password, which is kept beside it (0600).
pub(super) async fn init(
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
    let output = command.output().await;
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

pub(super) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

pub(super) fn read_password(data_dir: &Path) -> Result<String, EmbeddedError> {
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
pub(super) async fn stop_leftover(bin: &Path, pgdata: &Path, log: &Path, run_as: RunAs) {
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
    command.stdout(open_log(log).map_or_else(|_| Stdio::null(), Stdio::from));
    as_server_user(&mut command, run_as);
    if let Err(e) = command.status().await {
        warn!(error = %e, "could not stop the leftover server");
    }
}

pub(super) fn open_log(log: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o644)
        .open(log)
}

pub(super) fn log_tail(log: &Path) -> String {
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
