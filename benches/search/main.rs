//! `cargo bench --bench search`: `/roadmap search` over a roadmap of `--topics` topics (the
//! shipped one grown by copies, each with words of its own). Builds the index once, then
//! times `full_text::search` on `--queries` queries of every kind (typos, words being typed,
//! words in any order, words found nowhere) in each of `--runs` runs, and reports p50/p99 per
//! kind. A release build, as `cargo bench` makes.

#[path = "../serve/machine.rs"]
mod machine;
#[path = "../serve/runs.rs"]
mod runs;
#[path = "../serve/sections.rs"]
mod sections;

mod corpus;

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::Utc;
use clap::Parser;
use rand::rngs::StdRng;
use rand::SeedableRng;
use waypoint::roadmap::full_text;

#[derive(Parser, Debug, Clone)]
#[command(name = "cargo bench --bench search --")]
struct Options {
    /// Topics of the searched roadmap.
    #[arg(long, default_value_t = 500)]
    topics: usize,
    /// Queries of each kind per run.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Runs over all the queries; the table shows the medians of the runs' percentiles.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Also write the results into this Markdown file, replacing its search section.
    #[arg(long)]
    write: Option<std::path::PathBuf>,
}

/// The goal: a search under this at p99.
const GOAL_P99_MS: f64 = 2.0;
/// What `/roadmap search` shows; autocomplete asks for 24 and costs the same to rank.
const RESULTS: usize = 8;

fn main() -> ExitCode {
    machine::measured_revision();
    let (mut options, benchmarking, command) = sections::bench_args::<Options>("search");
    if !benchmarking {
        // `cargo test --benches`: a small run that checks the harness still works.
        options.queries = options.queries.min(20);
        options.runs = 1;
        options.write = None;
    }
    sections::exit_code(bench(&options, command))
}

fn bench(options: &Options, command: String) -> anyhow::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("roadmap");
    let library = waypoint::content::load(&dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    let shipped = library
        .roadmaps
        .first()
        .ok_or_else(|| anyhow::anyhow!("no roadmap in {}", dir.display()))?;
    let mut rng = StdRng::seed_from_u64(19);
    let roadmap = corpus::roadmap(shipped, options.topics, &mut rng);
    let topics = roadmap.topic_count();

    // What the first search of a roadmap pays; every later one reads the index it built.
    let started = Instant::now();
    full_text::prepare(&roadmap);
    let built_in = started.elapsed();
    eprintln!("{topics} topics; index built in {built_in:.1?}");

    let mut per_kind: Vec<Vec<Vec<Duration>>> = vec![Vec::new(); corpus::KINDS.len()];
    let mut all_runs: Vec<Vec<Duration>> = Vec::new();
    let mut found = vec![0usize; corpus::KINDS.len()];
    for run in 0..options.runs.max(1) {
        let queries = corpus::queries(&roadmap, options.queries, &mut rng);
        // Unmeasured: caches warm, the CPU at speed.
        for (_, query) in queries.iter().take(200) {
            let _ = full_text::search(&roadmap, query, RESULTS);
        }
        let mut timings = vec![Vec::new(); corpus::KINDS.len()];
        let mut all = Vec::with_capacity(queries.len());
        for (kind, query) in &queries {
            let at = Instant::now();
            let result = full_text::search(&roadmap, query, RESULTS);
            let took = at.elapsed();
            if run == 0 && result.is_ok_and(|hits| !hits.is_empty()) {
                found[*kind] += 1;
            }
            timings[*kind].push(took);
            all.push(took);
        }
        for (kind, t) in timings.into_iter().enumerate() {
            per_kind[kind].push(t);
        }
        all_runs.push(all);
    }

    let mut rows: Vec<Row> = corpus::KINDS
        .iter()
        .zip(per_kind)
        .zip(&found)
        .map(|((kind, runs), found)| Row::new(kind, runs, *found, options.queries))
        .collect();
    rows.push(Row::new(
        "all",
        all_runs,
        found.iter().sum(),
        options.queries * corpus::KINDS.len(),
    ));
    let results = Results {
        command,
        topics,
        built_in,
        queries: options.queries * corpus::KINDS.len(),
        runs: options.runs.max(1),
        rows,
    };
    println!("\n{}", results.table());
    if let Some(path) = &options.write {
        let markdown = results.markdown(&machine::Machine::describe());
        sections::write_own(path, "search", "search", &markdown)?;
    }
    Ok(())
}

struct Row {
    kind: &'static str,
    queries: usize,
    found: usize,
    p50_us: f64,
    p99_us: f64,
    max_us: f64,
}

impl Row {
    fn new(kind: &'static str, runs: Vec<Vec<Duration>>, found: usize, queries: usize) -> Self {
        let summary = runs::summary(runs);
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        Self {
            kind,
            queries,
            found,
            p50_us: micros(summary.p50),
            p99_us: micros(summary.p99),
            max_us: micros(summary.max),
        }
    }
}

struct Results {
    command: String,
    topics: usize,
    built_in: Duration,
    queries: usize,
    runs: usize,
    rows: Vec<Row>,
}

impl Results {
    fn table(&self) -> String {
        let mut table = String::from(
            "| queries | per run | with a match | p50 µs | p99 µs | max µs |\n|---|---:|---:|---:|---:|---:|\n",
        );
        for r in &self.rows {
            table.push_str(&format!(
                "| {} | {} | {} | {:.0} | {:.0} | {:.0} |\n",
                r.kind, r.queries, r.found, r.p50_us, r.p99_us, r.max_us
            ));
        }
        table
    }

    fn markdown(&self, machine: &machine::Machine) -> String {
        let p99_ms = self.rows.last().map_or(f64::NAN, |r| r.p99_us / 1000.0);
        let verdict = if p99_ms < GOAL_P99_MS {
            "met"
        } else {
            "not met"
        };
        format!(
            "## `/roadmap search` over {topics} topics\n\n\
             `full_text::search`, the function `/roadmap search` and its autocomplete call, on a \
             roadmap of {topics} topics: the shipped roadmap's sections copied with new titles \
             and ids until it holds that many, each copied topic with {own} made-up words of its \
             own (so the vocabulary a typo is checked against is larger than a real roadmap's). \
             {queries} queries a run, drawn from the roadmap's own words with a fixed seed, \
             mixed: one or two words, a typo (a letter dropped, doubled, changed or swapped), a \
             word cut short as if still being typed, three words of a line, words found nowhere, \
             and only words like \"the\". Each is timed alone on one thread, {results} results \
             asked for; {runs} runs, the medians of the runs' p50 and p99 shown, and the slowest \
             single query of all runs. \"With a match\" counts the first run's queries that \
             found a topic. Written by `benches/search`.\n\n\
             {provenance}\
             - The index, built by the first search of the roadmap and kept with it, took \
             {built:.1} ms.\n\n\
             {table}\n\
             Goal: p99 under {GOAL_P99_MS} ms per search over 500 topics: p99 {p99_ms:.3} ms: \
             **{verdict}**.\n\n\
             The slowest single query is the machine's as much as the search's: it moves from \
             one kind of query to another between runs.\n\n\
             What limits it: BM25 scoring (the `bm25` crate's scorer) of every topic that holds \
             one of the words a query may mean, once per meaning: the word itself; for the last \
             word (still being typed, perhaps) or one found nowhere, up to 4, 6 or 8 longer \
             words it begins (for 2, 3 or more letters); and for a word found nowhere, up to 6 \
             words one typo away (two for words of eight letters or more). Those are found \
             among the vocabulary's words of about its length: a test of the letters each word \
             holds (one bit each) rules most out, and `strsim`'s optimal string alignment \
             distance measures the rest. A first version, without that test and with up to 12 \
             words for every word's prefix, had p99 near 6 ms for typos and 7 ms for words \
             found nowhere. A word common across topics, or cut short, means many topics to score.",
            topics = self.topics,
            own = corpus::OWN_WORDS,
            queries = self.queries,
            results = RESULTS,
            runs = self.runs,
            provenance = machine::provenance(machine, &self.command, Utc::now()),
            built = self.built_in.as_secs_f64() * 1000.0,
            table = self.table(),
        )
    }
}
