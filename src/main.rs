//! The `waypoint` command line: parses arguments and hands over to `waypoint::modes`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serenity::all::{GuildId, UserId};

use waypoint::config::Config;
use waypoint::console::ConsoleOptions;
use waypoint::{modes, telemetry};

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
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        guild: u64,
        /// Member id to act as.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
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
            Ok(modes::check_content(&dir.unwrap_or(config.roadmap_dir)))
        }
        Some(Command::Migrate) => {
            telemetry::init("waypoint=info,warn");
            modes::migrate(&config).await
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
                guild: GuildId::new(guild),
                user: UserId::new(user),
                admin,
                json,
            };
            modes::console(&config, &options, line).await
        }
        Some(Command::Run) => {
            telemetry::init("waypoint=info,serenity=warn,warn");
            modes::run_gateway(&config).await
        }
        None if config.discord_token.is_some() => {
            telemetry::init("waypoint=info,serenity=warn,warn");
            modes::run_gateway(&config).await
        }
        Some(Command::Serve { bind }) => {
            telemetry::init("waypoint=info,warn");
            modes::serve(&config, bind).await
        }
        Some(Command::Register { guild }) => {
            telemetry::init("waypoint=info,warn");
            modes::register(&config, guild).await
        }
        None => {
            telemetry::init("warn");
            let options = ConsoleOptions {
                guild: GuildId::new(1),
                user: UserId::new(1),
                admin: true,
                json: false,
            };
            modes::console(&config, &options, None).await
        }
    }
}
