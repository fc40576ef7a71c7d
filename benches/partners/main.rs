//! `cargo bench --bench partners`: the weekly partner match (`partners::matching::group`) on
//! `--members` members with phases and time zones drawn like a real community's, a quarter of
//! them with last weeks' partners to avoid. Times each run and reports the score against a
//! random grouping of the same members. A release build, as `cargo bench` makes.

#[path = "../serve/machine.rs"]
mod machine;
#[path = "../serve/sections.rs"]
mod sections;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use waypoint::partners::matching::{group, score, sizes, Candidate, GroupSize};

#[derive(Parser, Debug, Clone)]
#[command(name = "cargo bench --bench partners --")]
struct Options {
    /// Members matched.
    #[arg(long, default_value_t = 10_000)]
    members: usize,
    /// Runs, each on members drawn anew; the table shows the median and the slowest.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Also write the results into this Markdown file, replacing its partners section.
    #[arg(long)]
    write: Option<std::path::PathBuf>,
}

/// The goal: 10,000 members matched in under this.
const GOAL: Duration = Duration::from_secs(1);

/// Offsets members live at, in hours, with how many live there: most communities cluster
/// around a few regions.
const ZONES: &[(i32, u32)] = &[
    (-8, 12),
    (-5, 18),
    (-3, 5),
    (0, 14),
    (1, 20),
    (2, 6),
    (3, 4),
    (5, 10),
    (8, 6),
    (9, 3),
    (10, 2),
];

fn main() -> ExitCode {
    machine::measured_revision();
    let (mut options, benchmarking, command) = sections::bench_args::<Options>("partners");
    if !benchmarking {
        // `cargo test --benches`: a small run that checks the harness still works.
        options.members = options.members.min(200);
        options.runs = 1;
        options.write = None;
    }
    sections::exit_code(bench(&options, command))
}

fn members(n: usize, rng: &mut StdRng) -> Vec<Candidate> {
    let weights: u32 = ZONES.iter().map(|(_, w)| w).sum();
    let mut all: Vec<Candidate> = (0..n)
        .map(|i| {
            let mut pick = rng.gen_range(0..weights);
            let hours = ZONES
                .iter()
                .find(|(_, w)| {
                    let here = pick < *w;
                    pick = pick.saturating_sub(*w);
                    here
                })
                .map_or(0, |(h, _)| *h);
            // Most members are early on the roadmap.
            let phase = [1, 1, 1, 2, 2, 3, 4][rng.gen_range(0..7)];
            Candidate {
                user: i as u64 + 1,
                phase,
                utc_offset: hours * 60,
                recent: Vec::new(),
            }
        })
        .collect();
    // A quarter met someone in the last weeks: a partner drawn among members near them.
    for i in 0..n / 4 {
        let other = (i + rng.gen_range(1..50)).min(n - 1);
        if other != i {
            let user = all[other].user;
            all[i].recent.push(user);
        }
    }
    all
}

fn bench(options: &Options, command: String) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(22);
    let mut took = Vec::new();
    let mut scores = Vec::new();
    for run in 0..options.runs.max(1) {
        let candidates = members(options.members, &mut rng);
        let started = Instant::now();
        let groups = group(&candidates, GroupSize::Pairs, run as u64);
        took.push(started.elapsed());
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.shuffle(&mut rng);
        let mut random = Vec::new();
        let mut rest = order.as_slice();
        for wanted in sizes(candidates.len(), GroupSize::Pairs) {
            let (taken, left) = rest.split_at(wanted);
            random.push(taken.to_vec());
            rest = left;
        }
        let repeats = groups
            .iter()
            .filter(|g| {
                g.iter().any(|&a| {
                    g.iter()
                        .any(|&b| candidates[a].recent.contains(&candidates[b].user))
                })
            })
            .count();
        scores.push((
            score(&candidates, &groups),
            score(&candidates, &random),
            groups.len(),
            repeats,
        ));
        eprintln!(
            "run {}: {:.1?}, score {} (random {}), {} groups, {} with a repeat",
            run + 1,
            took[run],
            scores[run].0,
            scores[run].1,
            scores[run].2,
            scores[run].3
        );
    }
    let mut sorted = took.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    let slowest = sorted[sorted.len() - 1];
    let verdict = if slowest < GOAL { "met" } else { "not met" };
    let (best, random, groups, repeats) = scores[0];
    let markdown = format!(
        "## Partner matching at {members} members\n\n\
         `partners::matching::group`, the weekly match, on {members} members in pairs: phases \
         drawn as a young community's (most in phase 1), time zones clustered around eleven \
         offsets from UTC-8 to UTC+10, a quarter of the members with a partner from the last \
         weeks to avoid; members drawn anew for each of {runs} runs, one thread. Written by \
         `benches/partners`.\n\n\
         {provenance}\n\
         | members | runs | median | slowest |\n|---:|---:|---:|---:|\n\
         | {members} | {runs} | {median:.1?} | {slowest:.1?} |\n\n\
         Goal: {members} members matched in under 1 s: slowest {slowest:.1?}: **{verdict}**.\n\n\
         Quality (first run): score {best} against {random} for a random grouping of the same \
         members (lower is better; 0 would be every pair in one phase and within three hours), \
         {groups} groups, {repeats} with a repeat of the last weeks.\n",
        members = options.members,
        runs = took.len(),
        provenance =
            machine::provenance(&machine::Machine::describe(), &command, chrono::Utc::now()),
    );
    println!("\n{markdown}");
    if let Some(path) = &options.write {
        sections::write_own(path, "partners", "partners", &markdown)?;
    }
    Ok(())
}
