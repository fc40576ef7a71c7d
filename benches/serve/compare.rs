//! This build against an earlier one, measured in the same runs: BENCHMARKS.md's `compare`
//! section. Each ratio is taken within a run (the two ran back to back) and then the median,
//! so drift in the machine's speed between runs cancels; the range of the per-run ratios shows
//! how much of a difference is noise.

use std::fmt::Write as _;
use std::path::Path;

use crate::report::{median_of, Report, Sample};

/// The fenced section of BENCHMARKS.md this writes.
pub const SECTION: &str = "compare";

pub fn markdown(ours: &Report, theirs: &Report, binary: &Path) -> String {
    let name = binary.file_name().map_or_else(
        || binary.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let mut out = format!(
        "## Compared with an earlier build, in the same runs\n\n\
         `{name}` against this checkout, each on a throwaway PostgreSQL of its own, seeded \
         alike; every scenario ran on both back to back, the first alternating from run to \
         run. Command: `{}`; date: {}. `ratio` is this build's req/s over the earlier one's, \
         the median of the per-run ratios, with their range; above 1 is faster.\n\n\
         | scenario | req/s | `{name}` req/s | ratio | per-run range | p99 ms | `{name}` p99 ms | PostgreSQL CPU µs/req | `{name}` µs/req |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        ours.command,
        ours.date.format("%Y-%m-%d %H:%M UTC"),
    );
    for (row, earlier) in ours.rows.iter().zip(&theirs.rows) {
        let ratios: Vec<f64> = row
            .samples
            .iter()
            .zip(&earlier.samples)
            .map(|(a, b)| a.rate / b.rate)
            .collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let median = |samples: &[Sample], value: fn(&Sample) -> f64| {
            median_of(samples.iter().map(value).collect())
        };
        let _ = writeln!(
            out,
            "| `{}` | {:.0} | {:.0} | {:.2} | {low:.2}–{high:.2} | {:.2} | {:.2} | {:.0} | {:.0} |",
            row.scenario.name,
            median(&row.samples, |s| s.rate),
            median(&earlier.samples, |s| s.rate),
            median_of(ratios),
            median(&row.samples, |s| s.p99_ms),
            median(&earlier.samples, |s| s.p99_ms),
            median(&row.samples, Sample::postgres_us),
            median(&earlier.samples, Sample::postgres_us),
        );
    }
    out
}
