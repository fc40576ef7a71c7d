//! Where the embedded database lives when WAYPOINT_DATA_DIR is not set.
//!
//! `.waypoint` in the working directory, unless Waypoint runs as root and the `postgres`
//! account (which the server then runs as) cannot reach it — a checkout under `/root` is the
//! usual case. Then the data goes to a folder of its own under `/var/lib/waypoint`, named after
//! the checkout, so every later start from the same folder finds it again.

use std::path::{Path, PathBuf};

use tracing::warn;

use super::account::{check_reachable, run_as};
use super::error::EmbeddedError;

const LOCAL: &str = ".waypoint";
const SYSTEM_ROOT: &str = "/var/lib/waypoint";

pub fn default_data_dir() -> Result<PathBuf, EmbeddedError> {
    let run_as = run_as()?;
    if !run_as.switch {
        return Ok(PathBuf::from(LOCAL));
    }
    let cwd = std::env::current_dir()?;
    let fallback = Path::new(SYSTEM_ROOT).join(name_for(&cwd));
    // Once data lives in the fallback, keep using it even if the checkout became reachable.
    let already_there = fallback.join("pgdata").join("PG_VERSION").is_file();
    if !already_there && check_reachable(&cwd, run_as.uid).is_ok() {
        return Ok(PathBuf::from(LOCAL));
    }
    warn!(
        data_dir = %fallback.display(),
        "the `postgres` account cannot reach {}/{LOCAL}, so the embedded database keeps its data in {} (set WAYPOINT_DATA_DIR to choose another folder)",
        cwd.display(),
        fallback.display()
    );
    Ok(fallback)
}

/// A readable, stable folder name for a checkout: its path with separators as dashes.
fn name_for(dir: &Path) -> String {
    let name: String = dir
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-');
    if name.is_empty() {
        "root".to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::name_for;

    #[test]
    fn names_follow_the_checkout_path() {
        assert_eq!(
            name_for(Path::new("/root/src/waypoint")),
            "root-src-waypoint"
        );
        assert_eq!(name_for(Path::new("/")), "root");
        assert_ne!(
            name_for(Path::new("/root/a/waypoint")),
            name_for(Path::new("/root/b/waypoint"))
        );
    }
}
