//! What each `waypoint` sub-command does, after the command line has been parsed.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use serenity::all::{GuildId, Http};
use tokio::net::TcpListener;

use crate::app::App;
use crate::commands::Registry;
use crate::config::Config;
use crate::console::{self, ConsoleOptions};
use crate::db::Database;
use crate::discord::{endpoint, gateway, register as registration, rest, shutdown};
use crate::roadmap::{load_library, Library};

/// Validates content and prints a summary; every problem goes to stderr.
pub fn check_content(dir: &Path) -> ExitCode {
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

pub async fn console(
    config: &Config,
    options: &ConsoleOptions,
    line: Option<String>,
) -> anyhow::Result<ExitCode> {
    let (app, db) = start(config).await?;
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

pub async fn run_gateway(config: &Config) -> anyhow::Result<ExitCode> {
    let http = http_client(config, token(config)?);
    let (app, db) = start(config).await?;
    let result = gateway::run(app, http, config.defer_after, shutdown::signal_received()).await;
    db.close().await?;
    result?;
    Ok(ExitCode::SUCCESS)
}

pub async fn serve(config: &Config, bind: std::net::SocketAddr) -> anyhow::Result<ExitCode> {
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
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let result = endpoint::serve(state, listener, shutdown::signal_received()).await;
    db.close().await?;
    result?;
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
    let library = load_content(config)?;
    let registry = Registry::new(&library);
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
        config.application_id,
    )
}

pub async fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let db = Database::open(config).await?;
    println!("database schema is up to date");
    db.close().await?;
    Ok(ExitCode::SUCCESS)
}
