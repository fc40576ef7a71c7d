use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serenity::all::{GuildId, UserId};

use waypoint::app::App;
use waypoint::config::Config;
use waypoint::console::{self, ConsoleOptions};
use waypoint::db::Database;
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
