//! `--soak MINUTES`: every scenario at once, interleaved request by request, for a long time,
//! in windows of 30 s (each signed afresh: Discord's signatures are good for five minutes).
//! After each window: requests, failures, rate, p99 and the server's resident memory. It
//! passes when memory is flat and no request failed.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::batch::{self, Ids};
use crate::load::{Load, Until};
use crate::machine::{provenance, Machine};
use crate::payloads::Key;
use crate::procfs;
use crate::scenarios::Scenario;
use crate::server::Stack;

const WINDOW: Duration = Duration::from_secs(30);
/// Requests signed per window: enough for the mix's rate on this machine, reused beyond
/// (reusing an interaction id is harmless to the server).
const PER_WINDOW: usize = 60_000;
/// Memory counts as flat when the last window's RSS is within this of the highest RSS of the
/// warm-up (the first quarter of the windows, while caches fill).
const FLAT_MIB: f64 = 8.0;
const FLAT_SHARE: f64 = 0.10;

pub struct Window {
    pub end_minute: f64,
    pub ok: u64,
    pub failed: u64,
    pub rate: f64,
    pub p99_ms: f64,
    pub rss_mib: f64,
}

pub struct Soak {
    pub command: String,
    pub date: DateTime<Utc>,
    pub concurrency: usize,
    pub members: u64,
    pub servers: u64,
    pub scenarios: Vec<&'static str>,
    pub idle_rss_mib: f64,
    pub peak_rss_mib: f64,
    pub windows: Vec<Window>,
    pub failures: BTreeMap<String, u64>,
}

/// Runs the soak for `minutes`.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    stack: &Stack,
    key: &Key,
    ids: &mut Ids,
    load: &mut Load,
    scenarios: &[&'static Scenario],
    minutes: f64,
    concurrency: usize,
    members: u64,
    servers: u64,
) -> anyhow::Result<Soak> {
    let idle_rss_mib = procfs::status_mib(stack.pid, "VmRSS")?;
    procfs::reset_peak_rss(stack.pid);
    let count = ((minutes * 60.0) / WINDOW.as_secs_f64()).ceil().max(1.0) as usize;
    let mut windows = Vec::with_capacity(count);
    let mut failures = BTreeMap::new();
    let mut elapsed = 0.0;
    for n in 1..=count {
        let each = PER_WINDOW / scenarios.len().max(1);
        let batch = Arc::new(batch::mixed(scenarios, key, ids, each)?);
        let mut outcome = load.run(batch, Until::Elapsed(WINDOW)).await;
        elapsed += outcome.elapsed.as_secs_f64();
        let failed: u64 = outcome.failures.values().sum();
        for (what, k) in std::mem::take(&mut outcome.failures) {
            *failures.entry(what).or_default() += k;
        }
        let window = Window {
            end_minute: elapsed / 60.0,
            ok: outcome.ok,
            failed,
            rate: outcome.rate(),
            p99_ms: outcome.percentile_ms(99.0),
            rss_mib: procfs::status_mib(stack.pid, "VmRSS")?,
        };
        eprintln!(
            "soak {n}/{count}  {:>5.1} min  {:>8.0} req/s  p99 {:>7.2} ms  RSS {:>6.1} MB  \
             failures {failed}",
            window.end_minute, window.rate, window.p99_ms, window.rss_mib
        );
        windows.push(window);
    }
    Ok(Soak {
        command: String::new(),
        date: Utc::now(),
        concurrency,
        members,
        servers,
        scenarios: scenarios.iter().map(|s| s.name).collect(),
        idle_rss_mib,
        peak_rss_mib: procfs::status_mib(stack.pid, "VmHWM")?,
        windows,
        failures,
    })
}

/// One request of each scenario in turn.
impl Soak {
    /// Memory is flat (the last window within a margin of the first) and nothing failed.
    pub fn passed(&self) -> bool {
        self.flat() && self.failures.is_empty()
    }

    /// The highest RSS of the warm-up: the first quarter of the windows (at least one).
    fn warmed_up_rss(&self) -> f64 {
        let warm_up = self.windows.len().div_ceil(4).max(1);
        self.windows
            .iter()
            .take(warm_up)
            .map(|w| w.rss_mib)
            .fold(0.0, f64::max)
    }

    fn flat(&self) -> bool {
        let warmed = self.warmed_up_rss();
        self.windows
            .last()
            .is_some_and(|last| last.rss_mib - warmed <= FLAT_MIB.max(warmed * FLAT_SHARE))
    }

    pub fn markdown(&self, machine: &Machine) -> String {
        let mut out = format!(
            "## Soak: mixed traffic for {:.1} minutes\n\n{}\
             - Mix: {} (one request of each in turn), {} connections, {} members in {} \
             server(s)\n\n\
             | minute | requests | failed | req/s | p99 ms | RSS MB |\n\
             | ---: | ---: | ---: | ---: | ---: | ---: |\n",
            self.windows.last().map_or(0.0, |w| w.end_minute),
            provenance(machine, &self.command, self.date),
            self.scenarios.join(", "),
            self.concurrency,
            self.members,
            self.servers
        );
        for w in &self.windows {
            let _ = writeln!(
                out,
                "| {:.1} | {} | {} | {:.0} | {:.2} | {:.1} |",
                w.end_minute, w.ok, w.failed, w.rate, w.p99_ms, w.rss_mib
            );
        }
        let warmed = self.warmed_up_rss();
        let last = self.windows.last().map_or(0.0, |w| w.rss_mib);
        let _ = write!(
            out,
            "\n`serve`'s resident memory: {:.1} MB idle before the soak, {:.1} MB at most \
             during the warm-up (the first quarter), {:.1} MB after the last window, {:.1} MB \
             at its peak. Memory is **{}** (the last window within {FLAT_MIB} MB or {}% of \
             the warm-up's highest) and **{}** requests failed.\n",
            self.idle_rss_mib,
            warmed,
            last,
            self.peak_rss_mib,
            if self.flat() { "flat" } else { "growing" },
            (FLAT_SHARE * 100.0) as u32,
            self.failures.values().sum::<u64>(),
        );
        if !self.failures.is_empty() {
            out.push_str("\nFailures:\n\n");
            for (what, n) in &self.failures {
                let _ = writeln!(out, "- {n} × {what}");
            }
        }
        let _ = write!(
            out,
            "\nWhat limits it: the same as the rows above, mixed: the database-bound \
             commands (`/progress set`, `/checkin`, `/challenge status`) hold most \
             connections at any moment.\n\nRun it with `cargo bench --bench serve -- --soak 10 \
             --servers 20 --write BENCHMARKS.md`.\n"
        );
        out
    }
}
