//! Configuration from the environment (and `.env` when present). Secrets are wrapped so that
//! printing a `Config` can never leak them.

use std::env;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::discord::respond::DEFAULT_DEFER_AFTER;

/// A value that must never reach a log: Debug and Display print a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Bot token; when unset, `waypoint` opens the console instead of connecting to Discord.
    pub discord_token: Option<Secret>,
    /// Hex ed25519 public key of the application, for verifying HTTP interactions.
    pub public_key: Option<String>,
    /// Application id; fetched from Discord when unset.
    pub application_id: Option<u64>,
    /// Base URL that replaces Discord's for every REST call (a REST proxy, or a test double).
    pub discord_api_base: Option<String>,
    /// How long a command may run before its reply is deferred.
    pub defer_after: Duration,
    /// PostgreSQL URL; when unset, the embedded server is used.
    pub database_url: Option<Secret>,
    /// Where the embedded server keeps its data.
    pub data_dir: PathBuf,
    /// Folder of roadmap folders.
    pub roadmap_dir: PathBuf,
    /// Roadmap id servers follow unless they chose another; the first roadmap when unset.
    pub default_roadmap: Option<String>,
}

impl Config {
    /// Reads `.env` (if any; real environment variables win) and then the environment.
    pub fn load() -> anyhow::Result<Self> {
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => anyhow::bail!("cannot read .env: {e}"),
        }
        Self::from_env()
    }

    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            discord_token: non_empty("DISCORD_TOKEN").map(Secret::new),
            public_key: non_empty("DISCORD_PUBLIC_KEY"),
            application_id: parsed("DISCORD_APPLICATION_ID")?,
            discord_api_base: non_empty("DISCORD_API_BASE"),
            defer_after: parsed("WAYPOINT_DEFER_AFTER_MS")?
                .map_or(DEFAULT_DEFER_AFTER, Duration::from_millis),
            database_url: non_empty("DATABASE_URL").map(Secret::new),
            data_dir: non_empty("WAYPOINT_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".waypoint")),
            roadmap_dir: non_empty("ROADMAP_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(default_roadmap_dir),
            default_roadmap: non_empty("WAYPOINT_ROADMAP"),
        })
    }
}

fn parsed<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
    non_empty(name)
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("{name} must be a whole number, not `{v}`"))
        })
        .transpose()
}

fn non_empty(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `./roadmap` when run from a checkout, else the folder this binary was built from.
pub fn default_roadmap_dir() -> PathBuf {
    let local = PathBuf::from("roadmap");
    if local.is_dir() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("roadmap")
    }
}
