//! `cargo bench --bench fanout`: the weekly prompt fan-out. A throwaway PostgreSQL holds
//! `--servers` servers whose prompt is due; `waypoint worker` posts them to a fake Discord REST
//! API that allows `--limit` requests a second. Measured: the time from the first request to
//! the last post, against the floor `servers / limit`, and the 429s the fake had to send.
//!
//! With `--crash`, the worker is killed with SIGKILL in the middle of the fan-out and started
//! again; the run fails unless every server got exactly one post. `--kind` picks what is
//! posted (prompts by default; reminders, digests, challenge announcements, partner threads),
//! `--kind all` crashes each in turn. For partner threads, each server's channel must also have
//! got exactly one thread: the kill leaves threads opened but not recorded, which the restarted
//! worker must find rather than open again.

#[path = "../serve/machine.rs"]
mod machine;
#[path = "../serve/sections.rs"]
mod sections;
#[path = "../serve/workdir.rs"]
mod workdir;

mod fake_rest;
mod report;
mod seed;
mod worker;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;

use fake_rest::FakeRest;
use seed::Kind;
use worker::{Database, Worker};

#[derive(Parser, Debug, Clone)]
#[command(name = "cargo bench --bench fanout --")]
pub struct Options {
    /// Servers whose prompt is due at once.
    #[arg(long)]
    servers: Option<i64>,
    /// Requests a second the fake REST API allows (Discord's global limit is 50).
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// WAYPOINT_DISCORD_RATE of the worker: just under the limit, so that scheduling jitter
    /// never puts one request too many into a second.
    #[arg(long, default_value_t = 48)]
    rate: u32,
    /// Runs; the table shows the median.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Kill the worker with SIGKILL mid fan-out, restart it, and check every server got
    /// exactly one post (default 200 servers).
    #[arg(long)]
    crash: bool,
    /// What the crash test posts: one kind, or `all` in turn.
    #[arg(long, default_value = "prompt")]
    kind: KindChoice,
    /// Milliseconds the fake takes to answer after creating a message.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Also write the results into this Markdown file, replacing its fan-out section.
    #[arg(long)]
    write: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KindChoice {
    One(Kind),
    All,
}

impl std::str::FromStr for KindChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        use clap::ValueEnum;
        if text == "all" {
            return Ok(Self::All);
        }
        Kind::from_str(text, true).map(Self::One).map_err(|_| {
            let names: Vec<String> = Kind::ALL
                .iter()
                .filter_map(|k| k.to_possible_value().map(|v| v.get_name().to_string()))
                .collect();
            format!("expected all or one of: {}", names.join(", "))
        })
    }
}

/// Longest wait for a fan-out to finish before the run counts as failed.
const FINISH_TIMEOUT: Duration = Duration::from_secs(180);
/// After the last post, how long to keep watching for a post that should not come.
const QUIET_AFTER: Duration = Duration::from_secs(3);
/// The lease in crash runs: a restarted worker takes over the killed one's posts this soon.
const CRASH_LEASE_SECONDS: u32 = 5;

fn main() -> ExitCode {
    // Now, while the work tree is what cargo just built.
    machine::measured_revision();
    let (mut options, benchmarking, command) = sections::bench_args::<Options>("fanout");
    // The crash test counts rather than times, so it runs in full either way.
    if !benchmarking && !options.crash {
        options.servers = Some(options.servers.unwrap_or(50).min(50));
        options.runs = 1;
        options.write = None;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(bench(options, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\n!!!!!!!! FAN-OUT FAILED: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn bench(options: Options, command: String) -> anyhow::Result<()> {
    let database = Database::start().await?;
    let result = if options.crash {
        let kinds = match options.kind {
            KindChoice::One(kind) => vec![kind],
            KindChoice::All => Kind::ALL.to_vec(),
        };
        let mut result = Ok(());
        for kind in kinds {
            result = crash(&database, &options, kind).await;
            if result.is_err() {
                break;
            }
        }
        result
    } else {
        measure(&database, &options, command).await
    };
    if result.is_err() {
        eprintln!("worker logs kept in {}", database.work_dir.display());
        return result;
    }
    database.stop().await?;
    result
}

async fn measure(database: &Database, options: &Options, command: String) -> anyhow::Result<()> {
    let servers = options.servers.unwrap_or(1000);
    let mut runs = Vec::new();
    for run in 1..=options.runs {
        database.seed(servers, Kind::Prompt).await?;
        let fake = FakeRest::start(options.limit, latency(options, 0)).await?;
        let worker = Worker::start(
            database,
            &fake.base,
            options.rate,
            60,
            &format!("run-{run}"),
        )?;
        let seen = wait_for_all(&fake, servers, Some(worker)).await?;
        check_one_each(&seen, servers)?;
        let elapsed = seen.elapsed.context("nothing was posted")?;
        eprintln!(
            "run {run}/{}  {servers} servers  {:.2} s  (floor {:.2} s)  429s {}",
            options.runs,
            elapsed.as_secs_f64(),
            servers as f64 / options.limit as f64,
            seen.too_many
        );
        runs.push(report::Run {
            seconds: elapsed.as_secs_f64(),
            too_many: seen.too_many,
            requests: seen.requests,
        });
    }
    let result = report::Result {
        command,
        servers,
        limit: options.limit,
        rate: options.rate,
        runs,
    };
    println!("\n{}", result.table());
    if let Some(path) = &options.write {
        let markdown = result.markdown(&machine::Machine::describe());
        sections::write_own(path, "fanout", "fan-out", &markdown)?;
    }
    Ok(())
}

/// SIGKILL mid fan-out, restart, and count: every server exactly one post.
async fn crash(database: &Database, options: &Options, kind: Kind) -> anyhow::Result<()> {
    let servers = options.servers.unwrap_or(200);
    database.seed(servers, kind).await?;
    eprintln!("crash test: {} to {servers} servers", kind.stored());
    // Answers that take a while leave posts in flight when the worker dies: created at the
    // fake, never recorded by the worker.
    let fake = FakeRest::start(options.limit, latency(options, 200)).await?;
    let first = Worker::start(
        database,
        &fake.base,
        options.rate,
        CRASH_LEASE_SECONDS,
        &format!("{}-first", kind.stored()),
    )?;
    let kill_at = (servers / 3).max(1) as u64;
    let deadline = Instant::now() + FINISH_TIMEOUT;
    while fake.seen().created < kill_at {
        if Instant::now() > deadline {
            bail!(
                "the first worker posted only {} of {servers}",
                fake.seen().created
            );
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill().await?;
    let at_kill = fake.seen();
    eprintln!(
        "killed the worker (SIGKILL) after {} of {servers} posts; restarting it",
        at_kill.created
    );
    let second = Worker::start(
        database,
        &fake.base,
        options.rate,
        CRASH_LEASE_SECONDS,
        &format!("{}-second", kind.stored()),
    )?;
    let seen = wait_for_all(&fake, servers, Some(second)).await?;
    check_one_each(&seen, servers)?;
    if kind == Kind::PartnerThread {
        check_one_thread_each(&seen, servers)?;
    }
    let repeated = seen.message_requests - seen.created;
    println!(
        "crash test passed: {}, {servers} servers, exactly one post each ({} requests; {} \
         posted before the kill; {repeated} repeats after the restart answered from the nonce; \
         {} refused with 429)",
        kind.stored(),
        seen.requests,
        at_kill.created,
        seen.too_many
    );
    if kind == Kind::PartnerThread {
        println!(
            "  and exactly one thread each ({} looked for among the active threads after the \
             restart)",
            seen.thread_lookups
        );
    }
    Ok(())
}

/// Each server's channel got exactly one thread (whose one post `check_one_each` counted).
fn check_one_thread_each(seen: &fake_rest::Seen, servers: i64) -> anyhow::Result<()> {
    let doubled: Vec<_> = seen
        .threads_per_parent
        .iter()
        .filter(|(_, n)| **n > 1)
        .collect();
    if !doubled.is_empty() {
        bail!(
            "{} channel(s) got more than one thread: {doubled:?}",
            doubled.len()
        );
    }
    if seen.threads_per_parent.len() != servers as usize {
        bail!(
            "{} of {servers} servers got their thread",
            seen.threads_per_parent.len()
        );
    }
    Ok(())
}

fn latency(options: &Options, default_ms: u64) -> Duration {
    Duration::from_millis(if options.latency_ms > 0 {
        options.latency_ms
    } else {
        default_ms
    })
}

/// Waits until every server got a post, then a little longer for any extra one.
async fn wait_for_all(
    fake: &FakeRest,
    servers: i64,
    worker: Option<Worker>,
) -> anyhow::Result<fake_rest::Seen> {
    let mut worker = worker;
    let deadline = Instant::now() + FINISH_TIMEOUT;
    while fake.seen().created < servers as u64 {
        if let Some(w) = worker.as_mut() {
            if w.exited() {
                bail!("the worker exited; see {}", w.log.display());
            }
        }
        if Instant::now() > deadline {
            bail!(
                "only {} of {servers} posts after {FINISH_TIMEOUT:?}",
                fake.seen().created
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(QUIET_AFTER).await;
    if let Some(worker) = worker {
        worker.stop().await?;
    }
    Ok(fake.seen())
}

fn check_one_each(seen: &fake_rest::Seen, servers: i64) -> anyhow::Result<()> {
    let doubled: Vec<_> = seen.per_channel.iter().filter(|(_, n)| **n > 1).collect();
    if !doubled.is_empty() {
        bail!(
            "{} channel(s) got more than one post: {doubled:?}",
            doubled.len()
        );
    }
    if seen.per_channel.len() != servers as usize {
        bail!(
            "{} of {servers} servers got their post",
            seen.per_channel.len()
        );
    }
    Ok(())
}
