use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serenity::all::{GuildId, UserId};

use waypoint::app::App;
use waypoint::config::Config;
use waypoint::console::{self, ConsoleOptions};
use waypoint::db::Database;
use waypoint::discord::{endpoint, gateway, register as registration, rest, shutdown};
use waypoint::roadmap::{load_library, Library};
use waypoint::telemetry;

/// Waypoint walks a Discord community through a learning roadmap.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Connect to Discord through the gateway and answer interactions (needs DISCORD_TOKEN).
    Run,
    /// Serve Discord's HTTP interactions endpoint (needs DISCORD_PUBLIC_KEY).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Register the slash commands with Discord, globally or in one server.
    Register {
        /// Register in this server only (updates instantly; global ones can take a while).
        #[arg(long)]
        guild: Option<u64>,
    },
    /// Run one slash command, or an interactive prompt, against the local database.
    Console {
        /// Server id to act in.
        #[arg(long, default_value_t = 1)]
        guild: u64,
        /// Member id to act as.
        #[arg(long, default_value_t = 1)]
        user: u64,
        /// Act as server staff (Manage Server).
        #[arg(long)]
        admin: bool,
        /// Print the interaction-response JSON Discord would receive.
        #[arg(long)]
        json: bool,
        /// A command line such as "/roadmap phase:2"; omit it for an interactive prompt.
        line: Option<String>,
    },
    /// Validate roadmap content and print a summary.
    CheckContent {
        /// Folder of roadmap folders (default: ROADMAP_DIR, else ./roadmap).
        dir: Option<PathBuf>,
    },
    /// Apply pending database migrations.
    Migrate,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load()?;
    match cli.command {
        Some(Command::CheckContent { dir }) => {
            telemetry::init("warn");
            Ok(check_content(&dir.unwrap_or(config.roadmap_dir)))
        }
        Some(Command::Migrate) => {
            telemetry::init("waypoint=info,warn");
            let db = Database::open(&config).await?;
            println!("database schema is up to date");
            db.close().await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Console {
            guild,
            user,
            admin,
            json,
            line,
        }) => {
            telemetry::init("warn");
            let options = ConsoleOptions {
                guild: GuildId::new(guild.max(1)),
                user: UserId::new(user.max(1)),
                admin,
                json,
            };
            console_session(&config, &options, line).await
        }
        Some(Command::Run) => {
            telemetry::init("waypoint=info,serenity=warn,warn");
            run_gateway(&config).await
        }
        None if config.discord_token.is_some() => {
            telemetry::init("waypoint=info,serenity=warn,warn");
            run_gateway(&config).await
        }
        Some(Command::Serve { bind }) => {
            telemetry::init("waypoint=info,warn");
            serve(&config, bind).await
        }
        Some(Command::Register { guild }) => {
            telemetry::init("waypoint=info,warn");
            register(&config, guild).await
        }
        None => {
            telemetry::init("warn");
            let options = ConsoleOptions {
                guild: GuildId::new(1),
                user: UserId::new(1),
                admin: true,
                json: false,
            };
            console_session(&config, &options, None).await
        }
    }
}

fn check_content(dir: &std::path::Path) -> ExitCode {
    match load_library(dir) {
        Ok(library) => {
            for roadmap in &library.roadmaps {
                println!(
                    "{}: {} phases, {} sections, {} topics",
                    roadmap.id,
                    roadmap.phases.len(),
                    roadmap
                        .phases
                        .iter()
                        .map(|p| p.sections.len())
                        .sum::<usize>(),
                    roadmap.topic_count()
                );
            }
            println!(
                "content OK: {} roadmap(s), {} phases, {} topics in {}",
                library.roadmaps.len(),
                library.phase_count(),
                library.topic_count(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprint!("{errors}");
            ExitCode::FAILURE
        }
    }
}

fn load_content(config: &Config) -> anyhow::Result<Library> {
    load_library(&config.roadmap_dir).map_err(|errors| anyhow::anyhow!("{errors}"))
}

async fn console_session(
    config: &Config,
    options: &ConsoleOptions,
    line: Option<String>,
) -> anyhow::Result<ExitCode> {
    let library = load_content(config)?;
    let db = Database::open(config).await?;
    let app = App::new(library, db.pool.clone(), config.default_roadmap.as_deref())
        .context("cannot start")?;
    let code = match line {
        Some(line) => {
            let (output, failed) = console::run_line(&app, options, &line).await;
            println!("{output}");
            if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        None => {
            console::interactive(&app, options).await?;
            ExitCode::SUCCESS
        }
    };
    db.close().await?;
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

/// Loads content, opens the database and builds the app shared by every transport.
async fn start(config: &Config) -> anyhow::Result<(Arc<App>, Database)> {
    let library = load_content(config)?;
    let db = Database::open(config).await?;
    let app = App::new(library, db.pool.clone(), config.default_roadmap.as_deref())?;
    Ok((Arc::new(app), db))
}

async fn run_gateway(config: &Config) -> anyhow::Result<ExitCode> {
    let http = http_client(config, token(config)?);
    let (app, db) = start(config).await?;
    let result = gateway::run(app, http, config.defer_after, shutdown::signal_received()).await;
    db.close().await?;
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: &Config, bind: SocketAddr) -> anyhow::Result<ExitCode> {
    let public_key = config.public_key.as_deref().ok_or_else(|| {
        anyhow::anyhow!("DISCORD_PUBLIC_KEY is not set: copy the application's public key from the developer portal (General Information)")
    })?;
    let verifier = endpoint::verifier(public_key)?;
    if config.application_id.is_none() {
        anyhow::bail!(
            "DISCORD_APPLICATION_ID is not set: the endpoint needs it to edit deferred replies"
        );
    }
    // Deferred replies go through interaction webhooks, which the interaction token authorizes.
    let token = config.discord_token.as_ref().map_or("", |t| t.expose());
    let http = Arc::new(http_client(config, token));
    let (app, db) = start(config).await?;
    let state = endpoint::EndpointState {
        app,
        verifier: Arc::new(verifier),
        http,
        defer_after: config.defer_after,
        in_flight: Default::default(),
    };
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let result = endpoint::serve(state, listener, shutdown::signal_received()).await;
    db.close().await?;
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn register(config: &Config, guild: Option<u64>) -> anyhow::Result<ExitCode> {
    let http = http_client(config, token(config)?);
    if http.application_id().is_none() {
        let info = http
            .get_current_application_info()
            .await
            .context("cannot look up the application id; set DISCORD_APPLICATION_ID")?;
        http.set_application_id(info.id);
    }
    let library = load_content(config)?;
    let registry = waypoint::commands::Registry::new(&library);
    let registered = registration::register(&http, &registry, guild.map(GuildId::new)).await?;
    let place = guild.map_or("globally".to_string(), |g| format!("in server {g}"));
    println!("registered {} commands {place}:", registered.len());
    for command in registered {
        println!("  /{} — {}", command.name, command.description);
    }
    Ok(ExitCode::SUCCESS)
}

fn http_client(config: &Config, token: &str) -> serenity::all::Http {
    rest::client(
        token,
        config.discord_api_base.as_deref(),
        config.application_id,
    )
}
