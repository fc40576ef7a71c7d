//! `cargo bench --bench serve`: throughput, latency and memory of `waypoint serve` under signed
//! Discord interactions, against a throwaway PostgreSQL. See BENCHMARKS.md.

mod batch;
mod cli;
mod compare;
mod floor;
mod load;
mod machine;
mod paced;
mod payloads;
mod plans;
mod procfs;
mod report;
mod scenarios;
mod sections;
mod seed;
mod server;
mod soak;
mod statements;
mod uploads;
mod workdir;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;

use batch::Ids;
use cli::Options;
use load::{Load, Until};
use payloads::Key;
use report::{Report, Row, Sample};
use scenarios::Scenario;
use server::Stack;
use statements::Statements;

/// Requests per second a batch is sized for at least: a short warm-up on a cold server
/// underestimates the rate, and signing a few spare requests costs little.
const MIN_RATE_GUESS: f64 = 20_000.0;
/// Headroom over the expected request count, so a faster run does not reuse ids.
const BATCH_HEADROOM: f64 = 1.5;
/// About 1.3 KB per signed request: beyond this, reusing ids beats eating memory.
const MAX_BATCH: usize = 1_000_000;

fn main() -> ExitCode {
    // Now, while the work tree is what cargo just built.
    machine::measured_revision();
    let invocation = cli::parse();
    if let Err(e) = invocation.options.check() {
        eprintln!("error: {e:#}");
        return ExitCode::FAILURE;
    }
    let runtime = if invocation.options.client_threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(invocation.options.client_threads)
            .enable_all()
            .build()
    };
    let result = runtime
        .context("cannot start the tokio runtime")
        .and_then(|rt| rt.block_on(bench(invocation)));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn bench(invocation: cli::Invocation) -> anyhow::Result<ExitCode> {
    let options = &invocation.options;
    let scenarios = scenarios::selected(&options.only)?;
    if !invocation.benchmarking {
        eprintln!("smoke test (run by `cargo bench` to measure): a few requests per scenario");
    }
    let key = Key::generate();
    eprintln!("starting a throwaway PostgreSQL and `waypoint serve`…");
    let stack = Stack::start(&key.public_hex(), None, None).await?;
    seed::seed(stack.database_url(), options.members, options.servers)
        .await
        .context("seeding the bench server")?;
    let compared = match &options.compare {
        Some(binary) => {
            eprintln!("starting {} on a PostgreSQL of its own…", binary.display());
            let roadmap = options.compare_roadmap.as_deref();
            let other = Stack::start(&key.public_hex(), Some(binary), roadmap).await?;
            seed::seed(other.database_url(), options.members, options.servers)
                .await
                .context("seeding the compared server")?;
            Some(other)
        }
        None => None,
    };
    if let Some(minutes) = options.soak {
        return soak_mode(
            (options, invocation.command.clone(), invocation.benchmarking),
            stack,
            &key,
            &scenarios,
            minutes,
        )
        .await;
    }
    if let Some(rate) = options.rate {
        return paced_mode(
            (options, invocation.command.clone(), invocation.benchmarking),
            stack,
            &key,
            &scenarios,
            rate,
        )
        .await;
    }
    let mut measured = measure_all(
        &stack,
        compared.as_ref(),
        &key,
        options,
        &scenarios,
        invocation.benchmarking,
    )
    .await;
    if let Ok((report, _)) = &mut measured {
        if invocation.benchmarking {
            report.floors = floors(&stack, options, &scenarios).await?;
        }
    }
    let failed = measured.as_ref().map_or(true, |(ours, theirs)| {
        ours.failed() + theirs.as_ref().map_or(0, Report::failed) > 0
    });
    let log = stack.log_path();
    let warnings = stack.log_tail(10);
    if let Err(e) = stack.stop(failed).await {
        eprintln!("warning: {e:#}");
    }
    if let Some(other) = compared {
        if let Err(e) = other.stop(failed).await {
            eprintln!("warning: {e:#}");
        }
    }
    let (mut report, theirs) =
        measured.with_context(|| format!("server log kept at {}", log.display()))?;
    report.command = invocation.command;
    let comparison = match (&theirs, &options.compare) {
        (Some(theirs), Some(binary)) => Some(compare::markdown(&report, theirs, binary)),
        _ => None,
    };

    if invocation.benchmarking {
        println!("\n{}\n{}", report.table(), report.notes());
        println!("CPU cores busy while measured:\n\n{}", report.cpu_table());
        if let Some(comparison) = &comparison {
            println!("{comparison}");
        }
    } else if !failed {
        println!("smoke test passed: every scenario answered correctly");
    }
    if let Some(path) = &options.write {
        let markdown =
            sections::keep_sections(path, report.markdown(&machine::Machine::describe()));
        std::fs::write(path, markdown)
            .with_context(|| format!("cannot write {}", path.display()))?;
        if let Some(comparison) = &comparison {
            sections::write_section(path, compare::SECTION, comparison)?;
        }
        eprintln!("wrote {}", path.display());
    }
    if !warnings.is_empty() {
        eprintln!("the server's log (RUST_LOG=warn) ends with:\n{warnings}");
    }
    if failed {
        eprintln!(
            "\n!!!!!!!! {} REQUESTS FAILED: the numbers above are not trustworthy !!!!!!!!\n{}\
             server log kept at {}",
            report.failed() + theirs.as_ref().map_or(0, Report::failed),
            report.failure_list()
                + &theirs.as_ref().map_or(String::new(), |t| {
                    t.failure_list()
                        .lines()
                        .map(|line| format!("{line} (the compared build)\n"))
                        .collect::<String>()
                }),
            log.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the soak, stops the stack, reports and writes the soak section.
async fn paced_mode(
    (options, command, benchmarking): (&Options, String, bool),
    stack: Stack,
    key: &Key,
    scenarios: &[&'static Scenario],
    rate: f64,
) -> anyhow::Result<ExitCode> {
    let mut load = Load::new(stack.addr, stack.uploads.clone(), options.concurrency)?;
    let mut ids = Ids::new(options.members, options.servers);
    let result = paced::run(
        &mut load,
        key,
        &mut ids,
        scenarios,
        rate,
        options.seconds,
        options.warmup,
        (command, options.concurrency, options.members),
    )
    .await;
    let failed = result.as_ref().map_or(true, |p| p.failed > 0);
    let log = stack.log_path();
    if let Err(e) = stack.stop(failed).await {
        eprintln!("warning: {e:#}");
    }
    let paced = result.with_context(|| format!("server log kept at {}", log.display()))?;
    let markdown = paced.markdown(&machine::Machine::describe());
    println!("\n{markdown}");
    if let (Some(path), true) = (&options.write, benchmarking) {
        sections::write_section(path, "constant-rate", &markdown)?;
        eprintln!("wrote the constant-rate section of {}", path.display());
    }
    if failed {
        eprintln!("\nrequests failed; server log kept at {}", log.display());
        return Ok(ExitCode::FAILURE);
    }
    if !paced.passed() {
        eprintln!("a command's p99 is over the goal at this rate");
    }
    Ok(ExitCode::SUCCESS)
}

async fn soak_mode(
    (options, command, benchmarking): (&Options, String, bool),
    stack: Stack,
    key: &Key,
    scenarios: &[&'static Scenario],
    minutes: f64,
) -> anyhow::Result<ExitCode> {
    let mut load = Load::new(stack.addr, stack.uploads.clone(), options.concurrency)?;
    let mut ids = Ids::new(options.members, options.servers);
    let result = soak::run(
        &stack,
        key,
        &mut ids,
        &mut load,
        scenarios,
        minutes,
        options.concurrency,
        options.members,
        options.servers,
    )
    .await;
    let failed = result.as_ref().map_or(true, |s| !s.passed());
    let log = stack.log_path();
    if let Err(e) = stack.stop(failed).await {
        eprintln!("warning: {e:#}");
    }
    let mut soak = result.with_context(|| format!("server log kept at {}", log.display()))?;
    soak.command = command;
    let markdown = soak.markdown(&machine::Machine::describe());
    println!("\n{markdown}");
    if let (Some(path), true) = (&options.write, benchmarking) {
        sections::write_section(path, "soak", &markdown)?;
        eprintln!("wrote the soak section of {}", path.display());
    }
    if failed {
        eprintln!(
            "\n!!!!!!!! SOAK FAILED: memory grew or requests failed; server log kept at {}",
            log.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The floor of each write scenario that ran: pgbench running its statements on the server's
/// database, the median of `runs` runs.
async fn floors(
    stack: &Stack,
    options: &Options,
    scenarios: &[&Scenario],
) -> anyhow::Result<Vec<floor::Floor>> {
    let seconds = Duration::from_secs_f64(options.seconds.max(1.0));
    let database = Statements::connect(stack.database_url()).await?;
    let mut floors = Vec::new();
    for &(scenario, script) in floor::FLOORS {
        if !scenarios.iter().any(|s| s.id == scenario) {
            continue;
        }
        let mut runs = Vec::new();
        for run in 1..=options.runs {
            database.settle().await?;
            let measured = floor::measure(
                stack.database_url(),
                (scenario, script),
                options.members,
                options.concurrency,
                seconds,
            )
            .await?;
            eprintln!(
                "run {run}/{}  {:<24} {:>8.0} tps       avg {:>7.2} ms  ledger rows/tx {:.2}",
                options.runs,
                script,
                measured.tps,
                measured.latency_ms,
                measured.ledger_rows_per_tx
            );
            runs.push(measured);
        }
        runs.sort_by(|a, b| a.tps.total_cmp(&b.tps));
        floors.push(runs.swap_remove(runs.len() / 2));
    }
    Ok(floors)
}

/// One server under load: its processes, its load generator, its members and its rows.
struct Side<'a> {
    stack: &'a Stack,
    postmaster: u32,
    statements: Statements,
    load: Load,
    ids: Ids,
    rows: Vec<Row>,
    idle_rss_mib: f64,
    peak_per_scenario: bool,
}

impl<'a> Side<'a> {
    async fn new(
        stack: &'a Stack,
        options: &Options,
        scenarios: &[&'static Scenario],
    ) -> anyhow::Result<Self> {
        Ok(Self {
            stack,
            postmaster: stack.postmaster_pid()?,
            statements: Statements::connect(stack.database_url()).await?,
            load: Load::new(stack.addr, stack.uploads.clone(), options.concurrency)?,
            ids: Ids::new(options.members, options.servers),
            rows: scenarios.iter().copied().map(Row::new).collect(),
            idle_rss_mib: procfs::status_mib(stack.pid, "VmRSS")?,
            peak_per_scenario: true,
        })
    }

    fn report(self, options: &Options) -> Report {
        Report {
            command: String::new(),
            date: Utc::now(),
            concurrency: options.concurrency,
            measure: options.measure(),
            runs: options.runs,
            members: options.members,
            client_threads: options.client_threads,
            idle_rss_mib: self.idle_rss_mib,
            peak_per_scenario: self.peak_per_scenario,
            rows: self.rows,
            floors: Vec::new(),
            plans: Vec::new(),
        }
    }
}

/// Every run of every scenario on `stack`, and on `compared` too when given: then each
/// scenario runs on both back to back, the first one alternating from run to run, so drift
/// in the machine's speed falls on both alike.
async fn measure_all(
    stack: &Stack,
    compared: Option<&Stack>,
    key: &Key,
    options: &Options,
    scenarios: &[&'static Scenario],
    with_plans: bool,
) -> anyhow::Result<(Report, Option<Report>)> {
    let mut sides = vec![Side::new(stack, options, scenarios).await?];
    if let Some(other) = compared {
        sides.push(Side::new(other, options, scenarios).await?);
    }
    for run in 1..=options.runs {
        for scenario in 0..scenarios.len() {
            let mut order: Vec<usize> = (0..sides.len()).collect();
            if run % 2 == 0 {
                order.reverse();
            }
            for which in order {
                let side = &mut sides[which];
                side.peak_per_scenario &= procfs::reset_peak_rss(side.stack.pid);
                let sample = measure(side, key, options, scenario).await?;
                let row = &side.rows[scenario];
                eprintln!(
                    "run {run}/{}  {:<24} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  \
                     peak RSS {:>6.1} MB  failures {}{}",
                    options.runs,
                    row.scenario.name,
                    sample.rate,
                    sample.p50_ms,
                    sample.p99_ms,
                    sample.peak_rss_mib,
                    row.failures.values().sum::<u64>(),
                    if which == 0 { "" } else { "  (compared)" },
                );
                side.rows[scenario].samples.push(sample);
            }
        }
    }
    let mut plans = Vec::new();
    if with_plans {
        let side = &mut sides[0];
        let log = side.stack.database_log_path();
        for &scenario in scenarios {
            let found = plans::of(
                side.statements.pool(),
                &log,
                (&mut side.load, &mut side.ids, key),
                scenario,
            )
            .await?;
            plans.push((scenario.name, found));
        }
    }
    let theirs = (sides.len() > 1).then(|| sides.pop().map(|s| s.report(options)));
    let mut ours = sides.pop().context("the measured server")?.report(options);
    ours.plans = plans;
    Ok((ours, theirs.flatten()))
}

/// One warm-up plus one measured window of one scenario (`side.rows[scenario]`).
async fn measure(
    side: &mut Side<'_>,
    key: &Key,
    options: &Options,
    scenario: usize,
) -> anyhow::Result<Sample> {
    let (stack, postmaster) = (side.stack, side.postmaster);
    let (load, ids) = (&mut side.load, &mut side.ids);
    let row = &mut side.rows[scenario];
    let scenario = row.scenario;
    let rate_guess = row.samples.last().map_or(MIN_RATE_GUESS, |s| s.send_rate);
    side.statements.settle().await?;
    let until = options.until();
    let warmup = Duration::from_secs_f64(options.warmup);
    let count = match until {
        Until::Sent(n) => n + batch_size(rate_guess, warmup, options),
        Until::Elapsed(d) => batch_size(rate_guess, warmup + d, options),
    };
    // One sequence signed before the warm-up, which the measured window takes up where the
    // warm-up stopped: signing between them left the server idle for seconds, long enough
    // for answers shared for 5 s to go cold, and the window began with a burst of misses.
    let batch = Arc::new(batch::sign(scenario, key, ids, count)?);
    let signed = batch.len() as u64;
    let mut first = 0;
    if !warmup.is_zero() {
        let outcome = load.run(batch.clone(), Until::Elapsed(warmup)).await;
        first = usize::try_from(outcome.sent())?;
        for (what, n) in outcome.failures {
            *row.failures.entry(format!("(warm-up) {what}")).or_default() += n;
        }
    }

    let cpu = || -> anyhow::Result<[f64; 4]> {
        Ok([
            procfs::cpu_seconds(stack.pid)?,
            procfs::tree_cpu_seconds(postmaster)?,
            procfs::cpu_seconds(std::process::id())?,
            procfs::machine_busy_seconds()?,
        ])
    };
    side.statements.reset().await?;
    let before = cpu()?;
    let mut outcome = load.run_from(batch, first, until).await;
    let after = cpu()?;
    ids.unsent(
        scenario.id,
        signed.saturating_sub(first as u64 + outcome.sent()),
    );
    let window = outcome.elapsed.as_secs_f64();
    let busy = |i: usize| (after[i] - before[i]) / window;
    let statements = side
        .statements
        .per_request(outcome.send_rate() * window)
        .await?;

    row.reused += outcome.reused;
    for (what, n) in &outcome.failures {
        *row.failures.entry(what.clone()).or_default() += n;
    }
    Ok(Sample {
        rate: outcome.rate(),
        send_rate: outcome.send_rate(),
        p50_ms: outcome.percentile_ms(50.0),
        p99_ms: outcome.percentile_ms(99.0),
        peak_rss_mib: procfs::status_mib(stack.pid, "VmHWM")?,
        server_cores: busy(0),
        postgres_cores: busy(1),
        harness_cores: busy(2),
        other_cores: (busy(3) - busy(0) - busy(1) - busy(2)).max(0.0),
        idle_cores: (machine::cores() as f64 - busy(3)).max(0.0),
        statements,
    })
}

fn batch_size(rate: f64, window: Duration, options: &Options) -> usize {
    let expected = rate.max(MIN_RATE_GUESS) * window.as_secs_f64() * BATCH_HEADROOM;
    (expected as usize + options.concurrency).min(MAX_BATCH)
}
