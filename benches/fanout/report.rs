//! The fan-out's results as a table and as the fan-out section of BENCHMARKS.md.

use chrono::Utc;

use crate::machine::{provenance, Machine};

pub struct Run {
    pub seconds: f64,
    pub too_many: u64,
    pub requests: u64,
}

pub struct Result {
    pub command: String,
    pub servers: i64,
    pub limit: usize,
    pub rate: u32,
    pub runs: Vec<Run>,
}

impl Result {
    fn floor(&self) -> f64 {
        self.servers as f64 / self.limit as f64
    }

    fn median_seconds(&self) -> f64 {
        let mut seconds: Vec<f64> = self.runs.iter().map(|r| r.seconds).collect();
        seconds.sort_by(f64::total_cmp);
        seconds[seconds.len() / 2]
    }

    pub fn table(&self) -> String {
        let median = self.median_seconds();
        let runs: Vec<String> = self
            .runs
            .iter()
            .map(|r| format!("{:.2}", r.seconds))
            .collect();
        format!(
            "| servers | fake REST allows | worker rate | time (median) | runs | floor | × floor | 429s | requests |\n\
             |---:|---:|---:|---:|---|---:|---:|---:|---:|\n\
             | {} | {}/s | {}/s | {:.2} s | {} | {:.1} s | {:.3} | {} | {} |",
            self.servers,
            self.limit,
            self.rate,
            median,
            runs.join(", "),
            self.floor(),
            median / self.floor(),
            self.runs.iter().map(|r| r.too_many).sum::<u64>(),
            self.runs.iter().map(|r| r.requests).sum::<u64>(),
        )
    }

    pub fn markdown(&self, machine: &Machine) -> String {
        let median = self.median_seconds();
        let too_many: u64 = self.runs.iter().map(|r| r.too_many).sum();
        let met = median <= self.floor() * 1.1 && too_many == 0;
        format!(
            "## Weekly prompt fan-out\n\n\
             `waypoint worker` posting every server's due weekly prompt to a fake Discord REST API \
             that allows {limit} requests in any one second (Discord's global limit) and answers a \
             global 429 beyond it. The worker runs against a throwaway PostgreSQL seeded with \
             {servers} servers whose prompt is due; each post is a real scheduler claim, prompt \
             choice, Create Message request and record. Time runs from the fake's first request \
             to its last created message. Written by `benches/fanout`.\n\n\
             {provenance}\n\
             {table}\n\n\
             Goal: within 10 % of the floor ({floor:.0} s = {servers} posts at {limit}/s) with \
             zero 429s: {median:.2} s, {ratio:.3}× the floor, {too_many} 429s: **{verdict}**.\n\n\
             What limits it: Discord's global rate limit, by design. The worker paces its own \
             requests evenly at WAYPOINT_DISCORD_RATE ({rate}/s here; 40/s by default, leaving \
             room for the bot's other calls), so the fan-out takes `servers / rate` seconds; the \
             database work per post (claim, choice, two updates) is a few milliseconds and runs \
             16 posts at a time.\n\n\
             Crash test (not timed): `cargo bench --bench fanout -- --crash --kind all` (or \
             `scripts/crash-test`) kills the worker with SIGKILL a third of the way through a \
             fan-out to 200 servers, for each kind of scheduled post in turn (prompts, check-in \
             reminders and digests, challenge start, halfway and end, partner groups' \
             threads), starts it again, and fails unless the fake counted exactly one post per \
             server (and one thread per partner group).\n",
            limit = self.limit,
            servers = self.servers,
            provenance = provenance(machine, &self.command, Utc::now()),
            table = self.table(),
            floor = self.floor(),
            ratio = median / self.floor(),
            verdict = if met { "met" } else { "not met" },
            rate = self.rate,
        )
    }
}
