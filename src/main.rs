//! The `waypoint` command line: parses arguments and hands over to `waypoint::modes`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use serenity::all::{GuildId, UserId};

use waypoint::config::{self, Config};

/// A reply allocates and frees many small strings; under load glibc's allocator spends a
/// measurable share of the CPU on that (see BENCHMARKS.md), jemalloc much less.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
use waypoint::console::ConsoleOptions;
use waypoint::{modes, telemetry};

/// Waypoint walks a Discord community through a learning roadmap.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
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
        /// A command line such as "/roadmap phase number:2"; omit it for an interactive prompt.
        line: Option<String>,
    },
    /// Validate roadmap content and print a summary.
    CheckContent {
        /// Folder of roadmap folders, or one roadmap in a single file (default: ROADMAP_DIR, else
        /// ./roadmap).
        dir: Option<PathBuf>,
        /// Also fail if the content copies a run of words from this source text.
        #[arg(long, value_name = "FILE")]
        source: Option<PathBuf>,
        /// How many words in a row count as copied.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(3..))]
        run_length: u16,
    },
    /// Ask every resource link in the content whether it still answers (needs the internet);
    /// fails when one is dead.
    CheckLinks {
        /// Folder of roadmap folders, or one roadmap in a single file (default: ROADMAP_DIR, else
        /// ./roadmap).
        dir: Option<PathBuf>,
    },
    /// Run only the scheduler (weekly prompts), for deployments that turn it off in `run` and
    /// `serve` with WAYPOINT_SCHEDULER=false (needs DISCORD_TOKEN).
    Worker,
    /// Apply pending database migrations.
    Migrate,
}

fn main() -> ExitCode {
    if let Err(e) = config::load_dotenv() {
        eprintln!("error: {e:#}");
        return ExitCode::FAILURE;
    }
    forget_empty_variables();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `.env.example` lists every variable with an empty value; an empty variable means "unset",
/// not "the empty string" (which clap would try to parse as a number or a token).
fn forget_empty_variables() {
    let command = Cli::command();
    for arg in command.get_arguments() {
        if let Some(name) = arg.get_env() {
            if std::env::var_os(name).is_some_and(|v| v.is_empty()) {
                // Still single-threaded: the runtime starts after parsing.
                std::env::remove_var(name);
            }
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.config;
    match cli.command {
        Some(Command::CheckContent {
            dir,
            source,
            run_length,
        }) => {
            telemetry::init("warn", config.log_format);
            let dir = dir.unwrap_or_else(|| config.roadmap_dir());
            Ok(modes::check_content(
                &dir,
                source.as_deref(),
                usize::from(run_length),
            ))
        }
        Some(Command::CheckLinks { dir }) => {
            telemetry::init("warn", config.log_format);
            let dir = dir.unwrap_or_else(|| config.roadmap_dir());
            Ok(modes::check_links(&dir).await)
        }
        Some(Command::Migrate) => {
            telemetry::init("waypoint=info,warn", config.log_format);
            modes::migrate(&config).await
        }
        Some(Command::Console {
            guild,
            user,
            admin,
            json,
            line,
        }) => {
            telemetry::init("warn", config.log_format);
            let options = ConsoleOptions {
                guild: GuildId::new(guild),
                user: UserId::new(user),
                admin,
                json,
            };
            modes::console(&config, &options, line).await
        }
        Some(Command::Run) => {
            telemetry::init("waypoint=info,serenity=warn,warn", config.log_format);
            modes::run_gateway(&config).await
        }
        None if config.discord_token.is_some() => {
            telemetry::init("waypoint=info,serenity=warn,warn", config.log_format);
            modes::run_gateway(&config).await
        }
        Some(Command::Serve { bind }) => {
            telemetry::init("waypoint=info,warn", config.log_format);
            modes::serve(&config, bind).await
        }
        Some(Command::Worker) => {
            telemetry::init("waypoint=info,warn", config.log_format);
            modes::worker(&config).await
        }
        Some(Command::Register { guild }) => {
            telemetry::init("waypoint=info,warn", config.log_format);
            modes::register(&config, guild).await
        }
        None => {
            telemetry::init("warn", config.log_format);
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
