//! `cargo bench --bench leaderboard`: `/leaderboard`'s queries at scale. A throwaway
//! PostgreSQL is seeded with one server of `--members` members and `--rows` ledger rows spread
//! over four months; then, for each board (this week, this month, all time, a phase), the
//! page and the caller's place are read `--samples` times for random callers, through the
//! same functions the command uses. Reports p50/p99 and what PostgreSQL's plans do.

#[path = "../serve/machine.rs"]
mod machine;
#[path = "../serve/runs.rs"]
mod runs;
#[path = "../serve/sections.rs"]
mod sections;
#[path = "../serve/workdir.rs"]
mod workdir;

mod report;
mod seed;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use rand::Rng;
use serenity::all::{GuildId, UserId};

use report::{Board, Results};

#[derive(Parser, Debug, Clone)]
#[command(name = "cargo bench --bench leaderboard --")]
pub struct Options {
    /// Members of the seeded server.
    #[arg(long, default_value_t = 100_000)]
    members: i64,
    /// Ledger rows, spread over the last 120 days.
    #[arg(long, default_value_t = 2_000_000)]
    rows: i64,
    /// Leaderboard reads per board and run.
    #[arg(long, default_value_t = 500)]
    samples: usize,
    /// Runs of every board's samples; the table shows the medians.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Also write the results into this Markdown file, replacing its leaderboard section.
    #[arg(long)]
    write: Option<std::path::PathBuf>,
}

/// Reads before each board's measurement.
const WARM_UP: usize = 20;

fn main() -> ExitCode {
    // Now, while the work tree is what cargo just built.
    machine::measured_revision();
    let (mut options, benchmarking, command) = sections::bench_args::<Options>("leaderboard");
    if !benchmarking {
        // `cargo test --benches`: a small run that checks the harness still works.
        options.members = options.members.min(2_000);
        options.rows = options.rows.min(20_000);
        options.samples = options.samples.min(20);
        options.runs = 1;
        options.write = None;
    }
    let result = tokio::runtime::Runtime::new()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(bench(&options, command)));
    sections::exit_code(result)
}

async fn bench(options: &Options, command: String) -> anyhow::Result<()> {
    let work_dir = workdir::make_work_dir("waypoint-leaderboard")?;
    let cluster = workdir::start_database(&work_dir, &[]).await?;
    let url = cluster.url().expose().to_string();
    waypoint::db::migrate(&url).await?;
    let pool = waypoint::db::connect(&url, Duration::from_secs(600)).await?;
    let started = Instant::now();
    let scopes = seed::seed(&pool, options.members, options.rows).await?;
    let seeded_in = started.elapsed();
    eprintln!(
        "seeded {} members and {} ledger rows in {seeded_in:.1?}",
        options.members, options.rows
    );

    let guild = GuildId::new(seed::GUILD as u64);
    let mut boards = Vec::new();
    for (name, scope) in scopes {
        // Unmeasured reads first: connections opened, plans and index pages cached.
        for _ in 0..WARM_UP {
            waypoint::db::leaderboard::page(&pool, guild, &scope, 0, 10).await?;
        }
        let mut runs = Vec::with_capacity(options.runs);
        for _ in 0..options.runs.max(1) {
            let mut timings = Vec::with_capacity(options.samples);
            for _ in 0..options.samples {
                let caller = UserId::new(rand::thread_rng().gen_range(1..=options.members) as u64);
                let at = Instant::now();
                waypoint::db::leaderboard::page(&pool, guild, &scope, 0, 10).await?;
                waypoint::db::leaderboard::place(&pool, guild, &scope, caller).await?;
                timings.push(at.elapsed());
            }
            runs.push(timings);
        }
        // The slowest caller to rank: the one with the fewest points, counted past everyone.
        let last = seed::lowest_member(&pool, &scope).await?;
        let at = Instant::now();
        waypoint::db::leaderboard::place(&pool, guild, &scope, UserId::new(last as u64)).await?;
        let last_ms = at.elapsed().as_secs_f64() * 1000.0;
        let plans = seed::explain(&pool, &scope, last).await?;
        let board = Board::new(name, &scope, runs, last_ms, plans);
        eprintln!(
            "{:<12} p50 {:>6.2} ms  p99 {:>6.2} ms  last-place {:>6.2} ms",
            board.name, board.p50_ms, board.p99_ms, board.last_ms
        );
        boards.push(board);
    }
    let results = Results {
        command,
        members: options.members,
        rows: options.rows,
        samples: options.samples,
        runs: options.runs,
        seeded_in,
        boards,
    };
    println!("\n{}", results.table());
    if let Some(path) = &options.write {
        let markdown = results.markdown(&machine::Machine::describe());
        sections::write_own(path, "leaderboard", "leaderboard", &markdown)?;
    }
    pool.close().await;
    cluster.stop().await?;
    std::fs::remove_dir_all(&work_dir).ok();
    Ok(())
}
