//! What both forms of a roadmap share (a folder, `loader.rs`; one file, `single_file.rs`):
//! parsing one TOML text into the model, with the line serde stopped at, and putting a
//! roadmap together from its parts.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::ContentError;
use super::full_text::IndexCell;
use super::model::{Phase, Prompt, Roadmap, RoadmapMeta, Source};

/// `text` as a `T`, or a problem naming the line serde stopped at.
pub(super) fn parse_text<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    errors: &mut Vec<ContentError>,
) -> Option<T> {
    match toml::from_str(text) {
        Ok(value) => Some(value),
        Err(e) => {
            let reason = e.message().to_string();
            let item = match e.span() {
                Some(span) => format!("line {}", line_of(text, span.start)),
                None => "file".to_string(),
            };
            errors.push(ContentError::new(
                path,
                item,
                format!("invalid TOML: {reason}"),
            ));
            None
        }
    }
}

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// A roadmap from its parts in either form: phases in order, topics numbered in reading
/// order (`Topic::position`), and the prompts written beside a phase moved to the roadmap's.
pub(super) fn assemble(
    meta: RoadmapMeta,
    mut phases: Vec<Phase>,
    mut prompts: Vec<Prompt>,
    source: Source,
) -> Roadmap {
    phases.sort_by_key(|p| p.number);
    let topics = phases
        .iter_mut()
        .flat_map(|p| p.sections.iter_mut())
        .flat_map(|s| s.topics.iter_mut());
    for (position, topic) in topics.enumerate() {
        topic.position = position;
    }
    for phase in &mut phases {
        let number = phase.number;
        let file = phase.file.clone();
        prompts.extend(std::mem::take(&mut phase.prompts).into_iter().map(|mut p| {
            p.phase = Some(number);
            p.file = file.clone();
            p
        }));
    }
    Roadmap {
        id: meta.id,
        title: meta.title,
        summary: meta.summary,
        closing: meta.closing,
        phases,
        prompts,
        source,
        stamp: NEXT_STAMP.fetch_add(1, Ordering::Relaxed),
        search_index: IndexCell::default(),
    }
}

/// Stamps start at 1, so a default (empty) progress fits no roadmap.
static NEXT_STAMP: AtomicU64 = AtomicU64::new(1);
