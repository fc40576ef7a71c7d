//! Turning runs into medians, and medians into the stdout table and BENCHMARKS.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::machine::{provenance, Machine};
use crate::scenarios::{Scenario, BASELINE, SCENARIOS};

/// CPU time charged to none of our processes stays under 0.05 core on a quiet machine; well
/// above that, something else (a build, say) was running.
const OTHER_WORK_CORES: f64 = 0.25;
/// Statements below this execution time per request are left out of the breakdown.
const STATEMENT_SHOWN_US: f64 = 5.0;
const STATEMENTS_SHOWN: usize = 8;
const STATEMENT_CHARS: usize = 140;

/// One measured run of one scenario.
pub struct Sample {
    /// Successful requests per second.
    pub rate: f64,
    /// All requests per second, failed ones too.
    pub send_rate: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub peak_rss_mib: f64,
    /// CPU cores kept busy during the measured window, by process.
    pub server_cores: f64,
    pub postgres_cores: f64,
    pub harness_cores: f64,
    /// Busy time charged to none of those: other programs, some kernel work.
    pub other_cores: f64,
    pub idle_cores: f64,
    /// What PostgreSQL ran in the window, per request, most time first.
    pub statements: Vec<crate::statements::Statement>,
}

impl Sample {
    /// PostgreSQL's CPU per request served, in µs.
    pub fn postgres_us(&self) -> f64 {
        self.postgres_cores * 1e6 / self.rate
    }

    pub fn statements_per_request(&self) -> f64 {
        self.statements.iter().map(|s| s.calls).sum()
    }
}

pub struct Row {
    pub scenario: &'static Scenario,
    pub samples: Vec<Sample>,
    pub failures: BTreeMap<String, u64>,
    pub reused: u64,
}

impl Row {
    pub fn new(scenario: &'static Scenario) -> Self {
        Self {
            scenario,
            samples: Vec::new(),
            failures: BTreeMap::new(),
            reused: 0,
        }
    }

    fn median(&self, value: fn(&Sample) -> f64) -> f64 {
        median_of(self.samples.iter().map(value).collect())
    }
}

pub fn median_of(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

pub struct Report {
    pub command: String,
    pub date: DateTime<Utc>,
    pub concurrency: usize,
    /// e.g. "5 s after a 1 s warm-up".
    pub measure: String,
    pub runs: usize,
    pub members: u64,
    pub client_threads: usize,
    pub idle_rss_mib: f64,
    /// False when the kernel would not reset the peak, so each peak includes earlier ones.
    pub peak_per_scenario: bool,
    pub rows: Vec<Row>,
    /// The floors of the write scenarios that ran.
    pub floors: Vec<crate::floor::Floor>,
    /// Each scenario's statements and their plans.
    pub plans: Vec<(&'static str, Vec<crate::plans::Plan>)>,
}

impl Report {
    pub fn failed(&self) -> u64 {
        self.rows.iter().flat_map(|r| r.failures.values()).sum()
    }

    /// A row's rate relative to PING: the median over runs of the ratio within each run, so
    /// that drift in the machine's speed between runs (this VM swings ±15%) cancels out.
    fn relative(&self, row: &Row) -> Option<f64> {
        let ping = self.rows.iter().find(|r| r.scenario.id == BASELINE)?;
        let ratios = row
            .samples
            .iter()
            .zip(&ping.samples)
            .map(|(s, p)| s.rate / p.rate)
            .collect();
        Some(median_of(ratios))
    }

    /// The results table (medians over the runs), as Markdown.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| scenario | req/s | × PING | p50 ms | p99 ms | peak RSS MB | PostgreSQL CPU µs/req | statements/req |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for row in &self.rows {
            let rate = row.median(|s| s.rate);
            let relative = self
                .relative(row)
                .map_or("–".to_string(), |r| format!("{r:.2}"));
            let _ = writeln!(
                out,
                "| `{}` | {rate:.0} | {relative} | {:.2} | {:.2} | {:.1} | {:.0} | {:.1} |",
                row.scenario.name,
                row.median(|s| s.p50_ms),
                row.median(|s| s.p99_ms),
                row.median(|s| s.peak_rss_mib),
                row.median(Sample::postgres_us),
                row.median(Sample::statements_per_request),
            );
        }
        out
    }

    /// Where the CPU went: tells whether the server or the load generator was the limit.
    pub fn cpu_table(&self) -> String {
        let mut out = String::from(
            "| scenario | waypoint serve | PostgreSQL | load generator | kernel & other | idle |\n\
             |---|---:|---:|---:|---:|---:|\n",
        );
        for row in &self.rows {
            let _ = writeln!(
                out,
                "| `{}` | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
                row.scenario.name,
                row.median(|s| s.server_cores),
                row.median(|s| s.postgres_cores),
                row.median(|s| s.harness_cores),
                row.median(|s| s.other_cores),
                row.median(|s| s.idle_cores),
            );
        }
        out
    }

    /// The plan of every statement each row ran (from `auto_explain`, after the measurements).
    pub fn plans_section(&self) -> String {
        let mut out = String::new();
        for (name, plans) in &self.plans {
            if plans.is_empty() {
                continue;
            }
            let _ = write!(
                out,
                "<details><summary><code>{name}</code>: {} statement{}</summary>\n\n",
                plans.len(),
                if plans.len() == 1 { "" } else { "s" }
            );
            for plan in plans {
                let mut text: String = plan.query.chars().take(STATEMENT_CHARS).collect();
                if plan.query.chars().count() > STATEMENT_CHARS {
                    text.push('…');
                }
                let _ = write!(
                    out,
                    "`{}`\n\n```text\n{}```\n\n",
                    text.replace('`', "'"),
                    plan.tree
                );
            }
            out.push_str("</details>\n\n");
        }
        if out.is_empty() {
            return out;
        }
        format!(
            "### Plans\n\n\
             The plan of every statement on each row's path, statements run by triggers \
             included, as PostgreSQL ran them for a few requests after the measurements \
             (`auto_explain`, first plan of each statement).\n\n{out}"
        )
    }

    /// For each row that reaches the database, the statements of its last run by the time
    /// they took, per request (the cost of each at a glance).
    pub fn statements_section(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            let Some(last) = row.samples.last() else {
                continue;
            };
            let shown: Vec<_> = last
                .statements
                .iter()
                .filter(|s| s.plan_us + s.exec_us >= STATEMENT_SHOWN_US)
                .take(STATEMENTS_SHOWN)
                .collect();
            if shown.is_empty() {
                continue;
            }
            let _ = write!(
                out,
                "`{}` ({:.1} statements and {:.0} µs of PostgreSQL CPU per request):\n\n\
                 | calls/req | plan µs/req | exec µs/req | statement |\n|---:|---:|---:|---|\n",
                row.scenario.name,
                last.statements_per_request(),
                last.postgres_us(),
            );
            for statement in shown {
                let mut text: String = statement.query.chars().take(STATEMENT_CHARS).collect();
                if statement.query.chars().count() > STATEMENT_CHARS {
                    text.push('…');
                }
                let _ = writeln!(
                    out,
                    "| {:.2} | {:.0} | {:.0} | `{}` |",
                    statement.calls,
                    statement.plan_us,
                    statement.exec_us,
                    text.replace('|', "\\|").replace('`', "'")
                );
            }
            out.push('\n');
        }
        out
    }

    pub fn failure_list(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            for (what, n) in &row.failures {
                let _ = writeln!(out, "- `{}`: {n} × {what}", row.scenario.name);
            }
        }
        out
    }

    pub fn notes(&self) -> String {
        let mut out = self.baseline_note();
        let _ = writeln!(
            out,
            "Idle RSS after start-up: {:.1} MB. Peak RSS is the peak during a scenario's \
             warm-up and measurement; it starts from whatever the server kept from earlier \
             scenarios (runs are interleaved, and freed memory is not always returned to the \
             OS).",
            self.idle_rss_mib
        );
        if !self.peak_per_scenario {
            out.push_str(
                "\nThe kernel would not reset the peak RSS between scenarios, so each peak \
                 includes the scenarios before it.\n",
            );
        }
        let busy: Vec<&str> = self
            .rows
            .iter()
            .filter(|r| r.median(|s| s.other_cores) > OTHER_WORK_CORES)
            .map(|r| r.scenario.name)
            .collect();
        if !busy.is_empty() {
            let _ = writeln!(
                out,
                "\nOther work competed for the CPU during {} (see `kernel & other` below): \
                 those numbers are pessimistic.",
                busy.join(", ")
            );
        }
        let reused: u64 = self.rows.iter().map(|r| r.reused).sum();
        if reused > 0 {
            let _ = writeln!(
                out,
                "\n{reused} requests reused an interaction id: the load outran the pre-signed \
                 batch."
            );
        }
        out
    }

    /// Each write against its floor: pgbench running the same statements.
    fn baseline_note(&self) -> String {
        let mut out = String::new();
        for floor in &self.floors {
            let Some(row) = self.rows.iter().find(|r| r.scenario.id == floor.scenario) else {
                continue;
            };
            let rate = row.median(|s| s.rate);
            let _ = writeln!(
                out,
                "- `{}`'s floor, pgbench running its statements (`benches/floor/{}`) on the \
                 same database ({} clients, {} s, prepared statements planned once as the server plans them, median of the runs): \
                 {:.0} tps, {:.2} ms average latency, {:.2} ledger rows written per transaction. \
                 The command runs at {:.2}× that.",
                row.scenario.name,
                floor.script,
                floor.clients,
                floor.seconds,
                floor.tps,
                floor.latency_ms,
                floor.ledger_rows_per_tx,
                rate / floor.tps
            );
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }

    /// What bounds each row's rate.
    fn limits(&self) -> String {
        let mut out = String::from("### What limits each row\n\n");
        for row in &self.rows {
            let _ = writeln!(
                out,
                "- `{}`: {}.",
                row.scenario.name, row.scenario.limited_by
            );
        }
        out
    }

    /// The goals the project set for these rows, and whether this run met them.
    fn goals(&self) -> String {
        let verdict = |met: bool| if met { "met" } else { "**not met**" };
        let mut out = String::from("### Goals\n\n");
        for row in &self.rows {
            let Some(kind) = GOALS.iter().find(|g| g.0 == row.scenario.id).map(|g| g.1) else {
                continue;
            };
            let p99 = row.median(|s| s.p99_ms);
            let ratio = self.relative(row).unwrap_or(f64::NAN);
            let floor = self
                .floors
                .iter()
                .find(|f| f.scenario == row.scenario.id)
                .map(|f| row.median(|s| s.rate) / f.tps);
            let (min_ping, p99_max) = match kind {
                Kind::Content => (0.7, 20.0),
                Kind::Read => (0.4, 20.0),
                Kind::Write => (0.12, 50.0),
                Kind::Page => (0.3, 15.0),
            };
            let mut checks = vec![(
                format!("{ratio:.2}× PING (goal {min_ping}×)"),
                ratio >= min_ping,
            )];
            if let Some(floor) = floor {
                checks.push((format!("{floor:.2}× its floor (goal 0.7×)"), floor >= 0.7));
            } else if kind == Kind::Write {
                checks.push(("no floor measured".to_string(), false));
            }
            checks.push((
                format!("p99 {p99:.1} ms (goal under {p99_max} ms)"),
                p99 < p99_max,
            ));
            let text: Vec<String> = checks
                .iter()
                .map(|(what, met)| format!("{what}: {}", verdict(*met)))
                .collect();
            let _ = writeln!(out, "- `{}`: {}.", row.scenario.name, text.join("; "));
        }
        out
    }

    pub fn markdown(&self, machine: &Machine) -> String {
        let mut out = String::from(
            "# Benchmarks\n\n\
             Throughput and latency of `waypoint serve`, the HTTP interactions endpoint, as \
             Discord would load it: signed `POST /interactions` requests from many members \
             over keep-alive HTTP/1.1 connections. The real binary runs against a throwaway \
             PostgreSQL started from the machine's server programs; the load generator runs \
             on the same machine and shares its cores. Each response is checked (HTTP 200, \
             the expected interaction-response `type`, and text only a success contains). \
             The server is seeded first: check-ins on, and a running challenge that all the \
             members joined, with three topics each done inside its window. Written by \
             `benches/serve`.\n\n",
        );
        let _ = write!(
            out,
            "## Setup\n\n\
             {}\
             - Load: {} connections, each sending its next request as soon as the last is \
             answered; {} per scenario, each scenario (and each floor) starting once the \
             database has settled (the leaderboard's queue folded, no autovacuum running; at \
             most 20 s); {} runs, medians shown; {} distinct members; load generator on {} \
             thread(s)\n\n",
            provenance(machine, &self.command, self.date),
            self.concurrency,
            self.measure,
            self.runs,
            self.members,
            self.client_threads,
        );
        let failed = self.failed();
        if failed > 0 {
            let _ = write!(
                out,
                "## ⚠ {failed} requests failed\n\nThese numbers are not trustworthy:\n\n{}\n",
                self.failure_list()
            );
        }
        let _ = write!(
            out,
            "## Results\n\n\
             Medians over the runs; `× PING` is req/s relative to PING, which is only the \
             signature check and JSON, taken within each run (scenarios run back to back) and \
             then the median.\n\n{}\n{}\n{}\n{}\n\
             ### Where the CPU went\n\n\
             Cores busy during the measured window, out of {} (medians). `kernel & other` is \
             CPU time charged to none of these processes: other programs, some kernel work. \
             The load generator shares the cores with the server: near 1.0 on one thread it \
             is the limit, not the server; `idle` near 0 means the machine was saturated.\n\n\
             {}\n\
             ### Where PostgreSQL's time went\n\n\
             From `pg_stat_statements` over each row's last measured window (statements run by \
             triggers included, background work of the server in that window too), per \
             request served, most time first; statements under {STATEMENT_SHOWN_US} µs per \
             request are left out. Times are wall-clock inside PostgreSQL: on a saturated \
             machine they include waiting for a CPU, so they rank statements rather than add \
             up to the CPU column.\n\n\
             {}\
             {}\
             ## Running it\n\n\
             ```sh\ncargo bench --bench serve -- --write BENCHMARKS.md\n```\n\n\
             Options: `--concurrency N` (64), `--seconds S` (8) or `--requests N`, \
             `--warmup S` (1), `--runs N` (5), `--members N` (2000), `--servers N` (1), \
             `--only id,id` ({}), `--client-threads N` (1), `--write FILE`; `--soak MINUTES` \
             runs every scenario mixed instead and writes the soak section, and `--rate R` \
             sends them mixed at R req/s for `--seconds` and writes the constant-rate \
             section. It needs PostgreSQL's server programs, like the tests do. The \
             server runs with its default settings and `RUST_LOG=warn`; Discord's REST API \
             is pointed at a closed port, so a reply that had to be deferred would fail \
             loudly. Run by `cargo test --benches` rather than `cargo bench`, it only \
             smoke-tests each scenario.\n",
            self.table(),
            self.notes(),
            self.goals(),
            self.limits(),
            machine.cores,
            self.cpu_table(),
            self.statements_section(),
            self.plans_section(),
            SCENARIOS
                .iter()
                .map(|s| format!("`{}`", s.id))
                .collect::<Vec<_>>()
                .join(", "),
        );
        out
    }
}

/// What a row is held to (issue 18's goals): content at 0.7× PING, reads that need the
/// database at 0.4×, writes at 0.12× and 0.7× their floor; p99 at saturation under 20 ms for
/// reads and 50 ms for writes. Issue 21's for a community page: 0.3× PING, p99 under 15 ms
/// (at 100,000 members: `--members 100000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Content,
    Read,
    Write,
    Page,
}

const GOALS: &[(&str, Kind)] = &[
    ("roadmap-phase", Kind::Content),
    ("leaderboard", Kind::Read),
    ("challenge-status", Kind::Read),
    ("progress-show", Kind::Read),
    ("checkins", Kind::Read),
    ("progress-set", Kind::Write),
    ("checkin-submit", Kind::Write),
    ("web-leaderboard", Kind::Page),
];
