//! Timings gathered over several runs, summed up as the in-process benches (`leaderboard`,
//! `search`) report them: the medians of the runs' p50 and p99, so one noisy run does not set
//! the result, and the slowest sample of all.

// Compiled into each bench binary that reports this way; not every one shows every figure.
#![allow(dead_code)]

use std::time::Duration;

pub struct Summary {
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

pub fn summary(runs: Vec<Vec<Duration>>) -> Summary {
    let mut p50s = Vec::new();
    let mut p99s = Vec::new();
    let mut max = Duration::ZERO;
    for mut timings in runs {
        timings.sort();
        let at = |q: f64| {
            let i = ((timings.len() as f64 - 1.0) * q).round() as usize;
            timings.get(i).copied().unwrap_or_default()
        };
        p50s.push(at(0.5));
        p99s.push(at(0.99));
        max = max.max(at(1.0));
    }
    Summary {
        p50: median(p50s),
        p99: median(p99s),
        max,
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}
