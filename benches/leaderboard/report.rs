//! The leaderboard benchmark's table and its section of BENCHMARKS.md.

use std::time::Duration;

use chrono::Utc;

use crate::machine::{provenance, Machine};
use crate::runs;

/// The goal: a leaderboard read (page and caller's place) under this at p99.
const GOAL_P99_MS: f64 = 10.0;

pub struct Board {
    pub name: &'static str,
    pub scope: String,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub last_ms: f64,
    pub plans: Vec<String>,
}

impl Board {
    /// A board from the timings of each run: the medians of the runs' p50 and p99.
    pub fn new(
        name: &'static str,
        scope: &str,
        runs: Vec<Vec<Duration>>,
        last_ms: f64,
        plans: Vec<String>,
    ) -> Self {
        let summary = runs::summary(runs);
        Self {
            name,
            scope: scope.to_string(),
            p50_ms: summary.p50.as_secs_f64() * 1000.0,
            p99_ms: summary.p99.as_secs_f64() * 1000.0,
            last_ms,
            plans,
        }
    }
}

pub struct Results {
    pub command: String,
    pub members: i64,
    pub rows: i64,
    pub samples: usize,
    pub runs: usize,
    pub seeded_in: Duration,
    pub boards: Vec<Board>,
}

impl Results {
    pub fn table(&self) -> String {
        let mut table = String::from(
            "| board | scope | p50 ms | p99 ms | last place ms |\n|---|---|---:|---:|---:|\n",
        );
        for b in &self.boards {
            table.push_str(&format!(
                "| {} | `{}` | {:.2} | {:.2} | {:.2} |\n",
                b.name, b.scope, b.p50_ms, b.p99_ms, b.last_ms
            ));
        }
        table
    }

    pub fn markdown(&self, machine: &Machine) -> String {
        let worst = self.boards.iter().map(|b| b.p99_ms).fold(0.0, f64::max);
        let verdict = if worst < GOAL_P99_MS {
            "met"
        } else {
            "not met"
        };
        let plans: String = self
            .boards
            .iter()
            .map(|b| {
                let lines: Vec<String> = b.plans.iter().map(|p| format!("  - {p}")).collect();
                format!("- {}:\n{}\n", b.name, lines.join("\n"))
            })
            .collect();
        format!(
            "## `/leaderboard` at scale\n\n\
             One server with {members} members and {rows} ledger rows over the last 120 days \
             (a few members earn most points; one in fifty is hidden), in a throwaway \
             PostgreSQL. Each sample reads the first page and the place of a random caller \
             through `db::leaderboard::page` and `::place`, the functions the command uses, from \
             the same machine; {samples} samples per board in each of {runs} runs, the \
             medians of the runs' p50 and p99 shown. Written by `benches/leaderboard`.\n\n\
             {provenance}\
             - Seeding, done by the command, took {seeded:.0} s (the ledger loaded in bulk, totals computed once as \
             the migration does).\n\n\
             {table}\n\
             Goal: p99 under {GOAL_P99_MS} ms for every board: worst p99 {worst:.2} ms: \
             **{verdict}**. \"Last place\" is the slowest single read: the rank of the member \
             with the fewest points, who is counted past everyone.\n\n\
             What limits it: one index range each. `points_totals` holds a total per member \
             and scope (all time, each week and month in the server's zone, each phase), which \
             a background fold adds new awards to, so no read sums the ledger; a member's own \
             place adds their awards still queued (an index range of `points_pending`). The \
             page is the first rows of the partial index `(guild_id, scope, points DESC) WHERE \
             NOT hidden` (and the command shares it for 5 s); a rank sums `points_histogram` \
             (how many visible members hold each total, kept from statement triggers on the \
             totals) above the member's total: one row per distinct total, a few hundred at \
             most, however many members there are.\n\n\
             EXPLAIN ANALYZE, summarised:\n\n{plans}",
            members = self.members,
            rows = self.rows,
            samples = self.samples,
            runs = self.runs,
            provenance = provenance(machine, &self.command, Utc::now()),
            seeded = self.seeded_in.as_secs_f64(),
            table = self.table(),
        )
    }
}
