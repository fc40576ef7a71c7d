//! `waypoint check-content`: validate roadmap content and print what was found, and (with
//! `--source`) check it copies no run of words from a source text.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::content;
use crate::roadmap::{originality, Library};
use crate::words;

/// Validates content and prints a summary; every problem goes to stderr. With `source`, also
/// fails when the content copies `run_length` words in a row from that text.
pub fn check_content(dir: &Path, source: Option<&Path>, run_length: usize) -> ExitCode {
    let library = match content::load(dir) {
        Ok(library) => library,
        Err(errors) => {
            eprint!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    print_summary(&library, dir);
    match source.map(|source| check_originality(dir, source, run_length)) {
        Some(Err(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
        Some(Ok(false)) => ExitCode::FAILURE,
        Some(Ok(true)) | None => ExitCode::SUCCESS,
    }
}

fn print_summary(library: &Library, dir: &Path) {
    for roadmap in &library.roadmaps {
        println!(
            "{}: {} phases, {} sections, {} topics",
            roadmap.id,
            roadmap.phases.len(),
            roadmap
                .phases
                .iter()
                .map(|p| p.sections.len())
                .sum::<usize>(),
            roadmap.topic_count()
        );
    }
    println!(
        "content OK: {}, {}, {} in {}",
        words::count(library.roadmaps.len(), "roadmap", "roadmaps"),
        words::count(library.phase_count(), "phase", "phases"),
        words::count(library.topic_count(), "topic", "topics"),
        dir.display()
    );
}

fn check_originality(dir: &Path, source: &Path, run_length: usize) -> anyhow::Result<bool> {
    let source_text = std::fs::read_to_string(source)
        .with_context(|| format!("cannot read the source text {}", source.display()))?;
    let ours = originality::content_text(dir)
        .with_context(|| format!("cannot read the content in {}", dir.display()))?;
    let copied = originality::copied_runs(&ours, &source_text, run_length);
    if copied.is_empty() {
        println!(
            "originality OK: no run of {run_length} words from {} appears in the content",
            source.display()
        );
        return Ok(true);
    }
    eprintln!(
        "the content copies {} of {run_length} words from {}; rewrite them in your own words:",
        words::count(copied.len(), "run", "runs"),
        source.display()
    );
    for run in copied {
        eprintln!("  - \"{run}\"");
    }
    Ok(false)
}
