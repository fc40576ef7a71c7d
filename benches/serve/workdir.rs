//! A benchmark's scratch folder and the throwaway PostgreSQL inside it (shared by
//! `benches/serve` and `benches/fanout`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use waypoint::db::embedded::{Cluster, ClusterOptions};

/// A fresh folder under the temp dir, open to others: as root the database server runs as the
/// `postgres` user, which must be able to reach its data folder inside it.
pub fn make_work_dir(prefix: &str) -> anyhow::Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("{prefix}.{}.{nanos}", std::process::id()));
    fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot open up {}", dir.display()))?;
    Ok(dir)
}

/// A throwaway PostgreSQL keeping its data in `work_dir/postgres`, counting statements with
/// `pg_stat_statements` (triggers' statements too) for the per-request figures, and with
/// `auto_explain` loaded for the plans (`settings`, off until switched on).
pub async fn start_database(work_dir: &Path, settings: &[&str]) -> anyhow::Result<Cluster> {
    let mut all: Vec<String> = vec![
        "shared_preload_libraries=pg_stat_statements,auto_explain".into(),
        "pg_stat_statements.track=all".into(),
        "pg_stat_statements.track_planning=on".into(),
    ];
    all.extend(settings.iter().map(|s| s.to_string()));
    Cluster::start(&ClusterOptions {
        data_dir: work_dir.join("postgres"),
        throwaway: true,
        settings: all,
    })
    .await
    .context("cannot start the throwaway PostgreSQL")
}
