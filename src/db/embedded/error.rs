//! What can go wrong starting the embedded server, and the names every part of it shares.

use std::path::{Path, PathBuf};

/// The role the embedded server's data belongs to.
pub(super) const SUPERUSER: &str = "waypoint";

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

pub(super) fn failed(action: &'static str, detail: String, log: &Path) -> EmbeddedError {
    EmbeddedError::Failed {
        action,
        detail,
        log: log.to_path_buf(),
    }
}
