//! Finding the PostgreSQL server programs installed on this machine.

use std::env;
use std::path::{Path, PathBuf};

/// Where Debian's `postgresql` package puts the server programs, one folder per major version.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// The folder holding both `initdb` and `postgres`: first from PATH, then the newest Debian
/// version. `None` when PostgreSQL's server is not installed.
pub fn find() -> Option<PathBuf> {
    candidate_dirs().find(|dir| has_server(dir))
}

/// One of PostgreSQL's programs (`pgbench`, `psql`, …): from PATH, then the newest Debian
/// version that has it.
pub fn find_program(name: &str) -> Option<PathBuf> {
    candidate_dirs()
        .map(|dir| dir.join(name))
        .find(|program| program.is_file())
}

/// PATH's folders, then Debian's version folders, newest first.
fn candidate_dirs() -> impl Iterator<Item = PathBuf> {
    let from_path = env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    from_path.into_iter().chain(debian_versions())
}

fn has_server(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("postgres").is_file()
}

fn debian_versions() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(DEBIAN_ROOT) else {
        return Vec::new();
    };
    let mut versions: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    versions.into_iter().map(|(_, dir)| dir).collect()
}
