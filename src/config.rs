//! Configuration: every setting is a flag and an environment variable (or a line of `.env`),
//! declared once here so `waypoint --help` lists them all. Secrets are wrapped so that printing
//! a `Config` can never leak them.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::app::ScheduleOptions;
use crate::db::DatabaseOptions;
pub use crate::secret::Secret;
use crate::telemetry::LogFormat;

/// Discord allows 3 s for the first answer to an interaction; keep a margin for the network.
pub const DEFAULT_DEFER_AFTER_MS: u64 = 2000;

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Configuration (flags or environment variables)")]
pub struct Config {
    /// Bot token; when unset, `waypoint` opens the console instead of connecting to Discord.
    #[arg(long, env = "DISCORD_TOKEN", hide_env_values = true, global = true)]
    pub discord_token: Option<Secret>,

    /// Application public key (hex), for verifying HTTP interactions.
    #[arg(long, env = "DISCORD_PUBLIC_KEY", global = true)]
    pub discord_public_key: Option<String>,

    /// Application id; `serve` needs it, `register` looks it up when unset.
    #[arg(long, env = "DISCORD_APPLICATION_ID", global = true)]
    pub discord_application_id: Option<u64>,

    /// Send every Discord REST call to this base URL (a REST proxy, or a test double); the
    /// proxy then owns rate limiting.
    #[arg(long, env = "DISCORD_API_BASE", global = true)]
    pub discord_api_base: Option<String>,

    /// Fetch files members attach to commands from this base URL instead of Discord's CDN
    /// (a test double); only files under it are fetched.
    #[arg(long, env = "DISCORD_CDN_BASE", global = true)]
    pub discord_cdn_base: Option<String>,

    /// The address members reach the community pages at, like https://waypoint.example.org
    /// (behind a proxy that serves HTTPS); `/settings web on` links to `<it>/c/<slug>`. Unset:
    /// servers cannot turn pages on.
    #[arg(long, env = "WAYPOINT_PUBLIC_URL", global = true)]
    pub public_url: Option<url::Url>,

    /// Milliseconds a command may run before its reply is deferred and edited in later.
    #[arg(long = "defer-after-ms", env = "WAYPOINT_DEFER_AFTER_MS", default_value_t = DEFAULT_DEFER_AFTER_MS, global = true)]
    pub defer_after_ms: u64,

    /// PostgreSQL URL; when unset, Waypoint starts its own embedded PostgreSQL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<Secret>,

    /// Longest wait, in milliseconds, for a database connection, a lock or a statement; past
    /// it a member gets "try again" instead of a hung command. Keep it below the deferral.
    #[arg(
        long = "db-timeout-ms",
        env = "WAYPOINT_DB_TIMEOUT_MS",
        default_value_t = 1500,
        global = true
    )]
    pub db_timeout_ms: u64,

    /// Where the embedded database keeps its data [default: .waypoint, or a folder under
    /// /var/lib/waypoint when run as root and `postgres` cannot reach .waypoint].
    #[arg(long, env = "WAYPOINT_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// Folder of roadmap folders [default: ./roadmap, else the source tree's].
    #[arg(long, env = "ROADMAP_DIR", global = true)]
    pub roadmap_dir: Option<PathBuf>,

    /// Id of the roadmap servers follow [default: the first roadmap].
    #[arg(long = "roadmap", env = "WAYPOINT_ROADMAP", global = true)]
    pub default_roadmap: Option<String>,

    /// Run the scheduler (weekly prompts) inside `run` and `serve`. Set it to false on all but
    /// one kind of process when a dedicated `waypoint worker` posts instead.
    #[arg(long, env = "WAYPOINT_SCHEDULER", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub scheduler: bool,

    /// Most REST requests a second this process sends for its own posts. Discord allows a bot
    /// 50 in all; the default leaves room for everything else. With several scheduler
    /// processes, give each a share.
    #[arg(long, env = "WAYPOINT_DISCORD_RATE", default_value_t = NonZeroU32::new(40).unwrap_or(NonZeroU32::MIN), global = true)]
    pub discord_rate: NonZeroU32,

    /// A scheduled post missed by more than this many hours (Waypoint was down) is skipped
    /// instead of posted late.
    #[arg(long, env = "WAYPOINT_GRACE_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u32).range(0..=168), global = true)]
    pub grace_hours: u32,

    /// Seconds a scheduler holds a claimed post before another process may take it over
    /// (after a crash, say). Keep it well under three minutes: Discord drops a repeated post
    /// only within a few minutes.
    #[arg(long, env = "WAYPOINT_LEASE_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(5..=150), global = true)]
    pub lease_seconds: u32,

    /// Log lines as readable text, or as one JSON object per line for a log collector.
    #[arg(long, env = "WAYPOINT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Serve Prometheus metrics at http://ADDR/metrics from `run` and `worker` (`serve` has
    /// them on its own port), like 127.0.0.1:9187. Unset: not served.
    #[arg(long, env = "WAYPOINT_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,

    /// Serve the community pages on ADDR from `run` and `worker`, like 127.0.0.1:8080 (`serve`
    /// has them on its own port). Unset: not served by these.
    #[arg(long, env = "WAYPOINT_WEB_ADDR", global = true)]
    pub web_addr: Option<SocketAddr>,

    /// Community pages one reader (client address) may load a second, after a burst of three
    /// seconds' worth; past it they get 429.
    #[arg(long, env = "WAYPOINT_WEB_RATE", default_value_t = crate::web::DEFAULT_PER_SECOND, global = true)]
    pub web_rate: NonZeroU32,

    /// Addresses of the reverse proxies in front of the pages, comma-separated, like
    /// 127.0.0.1,::1: from them (only), the reader's address is read from X-Forwarded-For.
    /// Unset: every reader is the address that connected.
    #[arg(
        long,
        env = "WAYPOINT_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Config {
    /// Who may read the community pages how fast.
    pub fn web_access(&self) -> crate::web::Access {
        crate::web::Access {
            per_second: self.web_rate,
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }

    pub fn defer_after(&self) -> Duration {
        Duration::from_millis(self.defer_after_ms)
    }

    pub fn db_timeout(&self) -> Duration {
        Duration::from_millis(self.db_timeout_ms)
    }

    /// Where the database is, for `Database::open`.
    pub fn database(&self) -> DatabaseOptions {
        DatabaseOptions {
            url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
            timeout: self.db_timeout(),
        }
    }

    pub fn schedule(&self) -> ScheduleOptions {
        ScheduleOptions {
            grace: chrono::Duration::hours(i64::from(self.grace_hours)),
            lease: chrono::Duration::seconds(i64::from(self.lease_seconds)),
        }
    }

    pub fn roadmap_dir(&self) -> PathBuf {
        self.roadmap_dir.clone().unwrap_or_else(default_roadmap_dir)
    }
}

/// Reads `.env` into the environment (real variables win) before the command line is parsed.
pub fn load_dotenv() -> anyhow::Result<()> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(e) => anyhow::bail!("cannot read .env: {e}"),
    }
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
