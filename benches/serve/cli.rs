//! Command-line options of the benchmark, as given after `cargo bench --bench serve --`.

use std::path::PathBuf;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Parser;

use crate::load::Until;

/// Load-tests `waypoint serve` with signed Discord interactions.
#[derive(Parser, Debug)]
#[command(name = "cargo bench --bench serve --")]
pub struct Options {
    /// Requests in flight at once, each on its own keep-alive connection.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Measured seconds per scenario and run (this VM's rate swings ±15% run to run, hence
    /// long windows and five runs by default).
    #[arg(long, default_value_t = 8.0)]
    pub seconds: f64,
    /// Measure this many requests per scenario and run instead of a fixed time.
    #[arg(long)]
    pub requests: Option<usize>,
    /// Seconds of unmeasured load before each measurement.
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Runs of every scenario; the table shows medians.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Distinct members (user ids) the requests cycle through.
    #[arg(long, default_value_t = 2000)]
    pub members: u64,
    /// Servers the requests cycle through (each seeded with check-ins and a challenge that
    /// every member joined).
    #[arg(long, default_value_t = 1)]
    pub servers: u64,
    /// Instead of the table: every scenario mixed for this many minutes, reporting memory and
    /// failures every 30 s (BENCHMARKS.md's soak section).
    #[arg(long)]
    pub soak: Option<f64>,
    /// Instead of the table: every scenario mixed and sent at this constant rate (requests per
    /// second) for `--seconds`, reporting each command's latency (BENCHMARKS.md's
    /// constant-rate section).
    #[arg(long)]
    pub rate: Option<f64>,
    /// Only these scenarios, by id, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Also write the results as Markdown to this file.
    #[arg(long)]
    pub write: Option<PathBuf>,
    /// Also measure this `waypoint` binary (an earlier commit's `target/release/waypoint`,
    /// copied aside and named after its commit) in the same runs: each scenario runs on both
    /// servers back to back, alternating which goes first, and the report adds the two side by
    /// side (BENCHMARKS.md's `compare` section).
    #[arg(long)]
    pub compare: Option<PathBuf>,
    /// The roadmap folder the `--compare` binary serves, when its commit reads another shape
    /// of content than this checkout's (`git archive <commit> roadmap | tar -x -C <dir>`).
    #[arg(long, requires = "compare")]
    pub compare_roadmap: Option<PathBuf>,
    /// Threads of the load generator, which shares the machine with the server.
    #[arg(long, default_value_t = 1)]
    pub client_threads: usize,
}

/// How many requests a smoke test sends per scenario.
const SMOKE_REQUESTS: usize = 200;

pub struct Invocation {
    pub options: Options,
    /// The command as a person would retype it.
    pub command: String,
    /// False when cargo ran us as a test (`cargo test --benches`): then only a smoke test.
    pub benchmarking: bool,
}

/// Parses the arguments. Cargo adds `--bench` to a harness-less bench's own ones; other
/// unknown arguments (such as a libtest-style name filter) are skipped with a warning.
pub fn parse() -> Invocation {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let benchmarking = args.iter().any(|a| a == "--bench");
    args.retain(|a| a != "--bench");
    let options = loop {
        let argv = std::iter::once("serve".to_string()).chain(args.iter().cloned());
        match Options::try_parse_from(argv) {
            Ok(options) => break options,
            Err(e) if e.kind() == ErrorKind::UnknownArgument => {
                let Some(ContextValue::String(unknown)) = e.get(ContextKind::InvalidArg) else {
                    e.exit();
                };
                let unknown = unknown.clone();
                eprintln!("warning: ignoring unknown argument `{unknown}`");
                let Some(at) = args.iter().position(|a| *a == unknown) else {
                    e.exit();
                };
                args.remove(at);
            }
            Err(e) => e.exit(),
        }
    };
    let mut command = String::from("cargo bench --bench serve");
    if !args.is_empty() {
        let quoted =
            shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" "));
        command = format!("{command} -- {quoted}");
    }
    let options = if benchmarking {
        options
    } else {
        smoke(options)
    };
    Invocation {
        options,
        command,
        benchmarking,
    }
}

/// A quick check that every scenario still answers correctly, without timing anything.
fn smoke(options: Options) -> Options {
    Options {
        concurrency: options.concurrency.min(8),
        requests: Some(
            options
                .requests
                .unwrap_or(SMOKE_REQUESTS)
                .min(SMOKE_REQUESTS),
        ),
        warmup: 0.0,
        runs: 1,
        write: None,
        soak: options.soak.map(|_| 0.5),
        ..options
    }
}

impl Options {
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.concurrency > 0, "--concurrency must be at least 1");
        anyhow::ensure!(self.runs > 0, "--runs must be at least 1");
        anyhow::ensure!(self.servers > 0, "--servers must be at least 1");
        anyhow::ensure!(
            self.soak.is_none_or(|m| m.is_finite() && m > 0.0),
            "--soak takes a positive number of minutes"
        );
        anyhow::ensure!(self.requests != Some(0), "--requests must be at least 1");
        anyhow::ensure!(
            self.rate.is_none_or(|r| r.is_finite() && r > 0.0),
            "--rate takes a positive number of requests per second"
        );
        anyhow::ensure!(
            self.soak.is_none() || self.rate.is_none(),
            "--soak and --rate are two modes: give one or the other"
        );
        anyhow::ensure!(
            self.soak.is_none() || self.compare.is_none(),
            "--compare measures the table's scenarios, not a soak: give one or the other"
        );
        if let Some(binary) = &self.compare {
            anyhow::ensure!(
                binary.is_file(),
                "--compare {}: no such file (build the earlier commit with `cargo build \
                 --release` and copy its target/release/waypoint aside)",
                binary.display()
            );
        }
        anyhow::ensure!(
            self.seconds.is_finite() && self.seconds > 0.0,
            "--seconds must be a positive number"
        );
        anyhow::ensure!(
            self.warmup.is_finite() && self.warmup >= 0.0,
            "--warmup must be zero or more seconds"
        );
        Ok(())
    }

    pub fn until(&self) -> Until {
        match self.requests {
            Some(n) => Until::Sent(n),
            None => Until::Elapsed(Duration::from_secs_f64(self.seconds)),
        }
    }

    /// "5 s after a 1 s warm-up", for the report.
    pub fn measure(&self) -> String {
        let what = match self.requests {
            Some(n) => format!("{n} requests"),
            None => format!("{} s", self.seconds),
        };
        if self.warmup > 0.0 {
            format!("{what} after a {} s warm-up", self.warmup)
        } else {
            format!("{what}, no warm-up")
        }
    }
}
