//! `--rate R`: every selected scenario mixed request by request and sent at a constant R
//! requests per second, the way a real server's traffic arrives, rather than as fast as the
//! server answers. Latency counts from when each request was due, so it shows what a member
//! waits at that load. The goal: every command's p99 under 10 ms at 500 req/s.

use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::batch::{self, Ids};
use crate::load::Load;
use crate::machine::{provenance, Machine};
use crate::payloads::Key;
use crate::scenarios::Scenario;

/// The p99 every command must stay under at the paced rate.
const P99_GOAL_MS: f64 = 10.0;

pub struct Paced {
    pub command: String,
    pub date: DateTime<Utc>,
    pub rate: f64,
    pub seconds: f64,
    pub warmup: f64,
    pub concurrency: usize,
    pub members: u64,
    /// Scenario name, requests answered, p50 and p99 in ms, in table order.
    pub rows: Vec<(&'static str, usize, f64, f64)>,
    pub failed: u64,
}

/// Warms up, then measures, at `rate`.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    load: &mut Load,
    key: &Key,
    ids: &mut Ids,
    scenarios: &[&'static Scenario],
    rate: f64,
    seconds: f64,
    warmup: f64,
    (command, concurrency, members): (String, usize, u64),
) -> anyhow::Result<Paced> {
    let each = |secs: f64| ((rate * secs * 1.1) as usize / scenarios.len().max(1)).max(1);
    if warmup > 0.0 {
        let batch = Arc::new(batch::mixed(scenarios, key, ids, each(warmup))?);
        load.run_paced(batch, rate, Duration::from_secs_f64(warmup))
            .await;
    }
    let batch = Arc::new(batch::mixed(scenarios, key, ids, each(seconds))?);
    let mut outcome = load
        .run_paced(batch, rate, Duration::from_secs_f64(seconds))
        .await;
    let rows = scenarios
        .iter()
        .map(|scenario| {
            let mut latencies = outcome.by_scenario.remove(scenario.id).unwrap_or_default();
            latencies.sort_unstable();
            let at = |p: f64| {
                if latencies.is_empty() {
                    return f64::NAN;
                }
                let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
                f64::from(latencies[rank.clamp(1, latencies.len()) - 1]) / 1000.0
            };
            (scenario.name, latencies.len(), at(50.0), at(99.0))
        })
        .collect();
    Ok(Paced {
        command,
        date: Utc::now(),
        rate,
        seconds,
        warmup,
        concurrency,
        members,
        rows,
        failed: outcome.failures.values().sum(),
    })
}

impl Paced {
    pub fn passed(&self) -> bool {
        self.failed == 0 && self.rows.iter().all(|r| r.3 < P99_GOAL_MS)
    }

    pub fn markdown(&self, machine: &Machine) -> String {
        let mut out = String::from("## Constant rate\n\n");
        let _ = write!(
            out,
            "Every scenario below mixed request by request and sent at a fixed {:.0} req/s \
             for {:.0} s after a {:.0} s warm-up, at most {} in flight, over {} members; \
             latency counts from when each request was due, so a slow answer that delays \
             the next sends is charged to them too. Goal: every command's p99 under {} ms.\n\n\
             {}\n\n",
            self.rate,
            self.seconds,
            self.warmup,
            self.concurrency,
            self.members,
            P99_GOAL_MS,
            provenance(machine, &self.command, self.date),
        );
        out.push_str("| scenario | answered | p50 ms | p99 ms | p99 goal |\n");
        out.push_str("|---|---:|---:|---:|---|\n");
        for (name, answered, p50, p99) in &self.rows {
            let met = if *p99 < P99_GOAL_MS {
                "met"
            } else {
                "**not met**"
            };
            let _ = writeln!(
                out,
                "| `{name}` | {answered} | {p50:.2} | {p99:.2} | {met} |"
            );
        }
        let _ = writeln!(out, "\nFailed requests: {}.", self.failed);
        out
    }
}
