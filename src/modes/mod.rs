//! What each `waypoint` sub-command does, after the command line has been parsed.

mod check_content;
pub mod check_links;

pub use check_content::check_content;
pub use check_links::check_links;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serenity::all::{GuildId, Http};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::commands::{self, Dispatcher};
use crate::config::Config;
use crate::console::{self, ConsoleOptions};
use crate::content;
use crate::db::{leaderboard, Database};
use crate::discord::{endpoint, gateway, register as registration, rest, shutdown};
use crate::posting::Poster;
use crate::roadmap::Library;
use crate::schedule::{Scheduler, POLL_EVERY};
use crate::telemetry::metrics::Metrics;

/// How often members' "last seen" times are written to the database.
const ACTIVITY_FLUSH_EVERY: Duration = Duration::from_secs(5);
/// How often leaderboard rank changes are folded into the histogram ranks are read from.
const RANK_FOLD_EVERY: Duration = Duration::from_secs(2);
/// How often servers' roadmap choices are read: a change through another replica shows
/// here within it (and within the 10 seconds the README promises).
const ROADMAPS_EVERY: Duration = Duration::from_secs(3);

fn load_content(config: &Config) -> anyhow::Result<Library> {
    content::load(&config.roadmap_dir()).map_err(|errors| anyhow::anyhow!("{errors}"))
}

/// What a process may do on Discord besides answering interactions.
struct Outbound {
    /// Give and take phase roles.
    roles: Option<Arc<Http>>,
    /// Post in channels (weekly prompts): needs the bot token.
    posts: Option<Arc<Poster>>,
}

impl Outbound {
    const NONE: Self = Self {
        roles: None,
        posts: None,
    };

    fn with_token(config: &Config, token: &str) -> Self {
        Self {
            roles: Some(Arc::new(http_client(config, token))),
            posts: Some(Arc::new(Poster::new(
                token,
                config.discord_api_base.as_deref(),
                config.discord_rate,
            ))),
        }
    }
}

/// A started Waypoint: the dispatcher every transport shares, the database behind it, the
/// background task that writes member activity and, where it runs, the scheduler.
struct Running {
    dispatcher: Arc<Dispatcher>,
    db: Database,
    stop_background: CancellationToken,
    activity: JoinHandle<()>,
    rank_fold: JoinHandle<()>,
    roadmaps: JoinHandle<()>,
    scheduler: Option<JoinHandle<()>>,
    /// This process's metrics; `None` on the console.
    metrics: Option<Metrics>,
    /// Serving metrics and the community pages (`run`, `worker`), and the metrics' upkeep.
    metrics_tasks: Vec<JoinHandle<()>>,
}

/// Whether a started Waypoint records metrics: a long-running mode does, the console not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Observed {
    /// Record, and serve them on `WAYPOINT_METRICS_ADDR` if set.
    Served,
    /// Record; the mode serves them itself (on `serve`'s port).
    Recorded,
    Not,
}

impl Running {
    /// Loads content, opens the database and starts the background work. The scheduler runs
    /// when `config.scheduler` is on and the process can post.
    async fn start(
        config: &Config,
        outbound: Outbound,
        observed: Observed,
    ) -> anyhow::Result<Self> {
        if config.db_timeout() >= config.defer_after() {
            tracing::warn!(
                db_timeout_ms = config.db_timeout_ms,
                defer_after_ms = config.defer_after_ms,
                "WAYPOINT_DB_TIMEOUT_MS is not below WAYPOINT_DEFER_AFTER_MS: a stuck database \
                 will show members \"thinking…\" before it shows \"try again\""
            );
        }
        let library = load_content(config)?;
        let db = Database::open(&config.database()).await?;
        let mut app = App::new(library, db.pool.clone(), config.default_roadmap.as_deref())?
            .with_schedule(config.schedule());
        if let Some(http) = outbound.roles {
            app = app.with_discord(http);
        }
        if let Some(cdn) = &config.discord_cdn_base {
            app = app.with_cdn(cdn);
        }
        if let Some(url) = &config.public_url {
            app = app.with_public_url(url.clone());
        }
        // What servers chose, before the first request: afterwards it is followed in the
        // background.
        app.content.refresh(&db.pool).await?;
        let can_post = outbound.posts.is_some();
        if let Some(poster) = outbound.posts {
            app = app.with_poster(poster);
        }
        let dispatcher = Arc::new(commands::dispatcher(app)?);
        let stop_background = CancellationToken::new();
        let scheduler = (config.scheduler && can_post).then(|| {
            let scheduler = Scheduler::new(dispatcher.app.clone(), dispatcher.app.clock.clone());
            tokio::spawn(scheduler.run_until(POLL_EVERY, stop_background.clone()))
        });
        let activity = tokio::spawn({
            let dispatcher = dispatcher.clone();
            let stop = stop_background.clone();
            async move {
                let app = &dispatcher.app;
                app.activity
                    .flush_until(&app.db, ACTIVITY_FLUSH_EVERY, stop)
                    .await;
            }
        });
        let roadmaps = tokio::spawn(crate::changes::follow_roadmaps_until(
            dispatcher.app.clone(),
            ROADMAPS_EVERY,
            stop_background.clone(),
        ));
        let rank_fold = tokio::spawn(leaderboard::fold_until(
            db.pool.clone(),
            RANK_FOLD_EVERY,
            stop_background.clone(),
        ));
        let metrics = match observed {
            Observed::Not => None,
            Observed::Served | Observed::Recorded => {
                Metrics::install().map(|m| m.with_pool(db.pool.clone()))
            }
        };
        let mut metrics_tasks = Vec::new();
        if let Some(metrics) = &metrics {
            metrics_tasks.push(tokio::spawn(
                metrics.clone().upkeep_until(stop_background.clone()),
            ));
            if let (Observed::Served, Some(addr)) = (observed, config.metrics_addr) {
                let (metrics, stop) = (metrics.clone(), stop_background.clone());
                metrics_tasks.push(tokio::spawn(async move {
                    if let Err(e) = metrics.serve(addr, stop).await {
                        tracing::error!(error = %e, "metrics are not served");
                    }
                }));
            }
        }
        if let (Observed::Served, Some(addr)) = (observed, config.web_addr) {
            let (app, stop) = (dispatcher.app.clone(), stop_background.clone());
            let access = config.web_access();
            metrics_tasks.push(tokio::spawn(async move {
                if let Err(e) = crate::web::serve(app, addr, access, stop).await {
                    tracing::error!(error = %e, "the community pages are not served");
                }
            }));
        }
        Ok(Self {
            dispatcher,
            db,
            stop_background,
            activity,
            rank_fold,
            roadmaps,
            scheduler,
            metrics,
            metrics_tasks,
        })
    }

    /// Lets the scheduler finish the posts in hand, writes the last activity, then closes the
    /// pool and the embedded server.
    async fn close(self) -> anyhow::Result<()> {
        self.stop_background.cancel();
        if let Some(scheduler) = self.scheduler {
            if let Err(e) = scheduler.await {
                tracing::warn!(error = %e, "the scheduler failed");
            }
        }
        if let Err(e) = self.activity.await {
            tracing::warn!(error = %e, "the activity writer failed");
        }
        if let Err(e) = self.rank_fold.await {
            tracing::warn!(error = %e, "the rank folder failed");
        }
        if let Err(e) = self.roadmaps.await {
            tracing::warn!(error = %e, "following servers' roadmaps failed");
        }
        for task in self.metrics_tasks {
            let _ = task.await;
        }
        self.db.close().await
    }
}

pub async fn console(
    config: &Config,
    options: &ConsoleOptions,
    line: Option<String>,
) -> anyhow::Result<ExitCode> {
    let running = Running::start(config, Outbound::NONE, Observed::Not).await?;
    let code = match line {
        Some(line) => {
            let mut input = console::stdin_lines();
            let (output, failed) =
                console::run_line(&running.dispatcher, options, &line, &mut input).await;
            println!("{output}");
            if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        None => {
            console::interactive(&running.dispatcher, options).await?;
            ExitCode::SUCCESS
        }
    };
    running.close().await?;
    Ok(code)
}

fn token(config: &Config) -> anyhow::Result<&str> {
    config
        .discord_token
        .as_ref()
        .map(|t| t.expose())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "DISCORD_TOKEN is not set: copy the bot token from the Discord developer portal \
             (Bot tab) into DISCORD_TOKEN, or run `waypoint console` to try commands locally"
            )
        })
}

pub async fn run_gateway(config: &Config) -> anyhow::Result<ExitCode> {
    let http = http_client(config, token(config)?);
    // The client owns its Http; commands get their own (same token) for role changes.
    let running = Running::start(
        config,
        Outbound::with_token(config, token(config)?),
        Observed::Served,
    )
    .await?;
    let result = gateway::run(
        running.dispatcher.clone(),
        http,
        config.defer_after(),
        shutdown::signal_received(),
    )
    .await;
    running.close().await?;
    result?;
    Ok(ExitCode::SUCCESS)
}

pub async fn serve(config: &Config, bind: SocketAddr) -> anyhow::Result<ExitCode> {
    let public_key = config.discord_public_key.as_deref().ok_or_else(|| {
        anyhow::anyhow!("DISCORD_PUBLIC_KEY is not set: copy the application's public key from the developer portal (General Information)")
    })?;
    let verifier = endpoint::verifier(public_key)?;
    if config.discord_application_id.is_none() {
        anyhow::bail!(
            "DISCORD_APPLICATION_ID is not set: the endpoint needs it to edit deferred replies"
        );
    }
    // Deferred replies go through interaction webhooks, which the interaction token authorizes.
    let token = config.discord_token.as_ref().map_or("", |t| t.expose());
    let http = Arc::new(http_client(config, token));
    // Phase roles and posts need the bot token, which answering interactions does not.
    let outbound = match &config.discord_token {
        Some(token) => Outbound::with_token(config, token.expose()),
        None => {
            tracing::warn!(
                "DISCORD_TOKEN is not set: phase roles will not be given or taken, and weekly \
                 prompts will not be posted"
            );
            Outbound::NONE
        }
    };
    let running = Running::start(config, outbound, Observed::Recorded).await?;
    let state = endpoint::EndpointState {
        dispatcher: running.dispatcher.clone(),
        verifier: Arc::new(verifier),
        http,
        defer_after: config.defer_after(),
        in_flight: Default::default(),
    };
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let metrics = running.metrics.clone();
    let pages = crate::web::router(running.dispatcher.app.clone(), &config.web_access());
    let result = endpoint::serve(
        state,
        metrics,
        Some(pages),
        listener,
        shutdown::signal_received(),
    )
    .await;
    running.close().await?;
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Runs only the scheduler, for a deployment whose `run`/`serve` processes have it off.
pub async fn worker(config: &Config) -> anyhow::Result<ExitCode> {
    if !config.scheduler {
        anyhow::bail!("WAYPOINT_SCHEDULER is false: a worker runs nothing but the scheduler");
    }
    let running = Running::start(
        config,
        Outbound::with_token(config, token(config)?),
        Observed::Served,
    )
    .await?;
    shutdown::signal_received().await;
    running.close().await?;
    Ok(ExitCode::SUCCESS)
}

pub async fn register(config: &Config, guild: Option<u64>) -> anyhow::Result<ExitCode> {
    let http = http_client(config, token(config)?);
    if http.application_id().is_none() {
        let info = http
            .get_current_application_info()
            .await
            .context("cannot look up the application id; set DISCORD_APPLICATION_ID")?;
        http.set_application_id(info.id);
    }
    let registry = crate::commands::registry()?;
    let registered = registration::register(&http, &registry, guild.map(GuildId::new)).await?;
    let place = guild.map_or("globally".to_string(), |g| format!("in server {g}"));
    println!("registered {} commands {place}:", registered.len());
    for command in registered {
        println!("  /{} — {}", command.name, command.description);
    }
    Ok(ExitCode::SUCCESS)
}

fn http_client(config: &Config, token: &str) -> Http {
    rest::client(
        token,
        config.discord_api_base.as_deref(),
        config.discord_application_id,
    )
}

pub async fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let db = Database::open(&config.database()).await?;
    println!("database schema is up to date");
    db.close().await?;
    Ok(ExitCode::SUCCESS)
}
