//! Checks on a roadmap's weekly prompts: enough of them per phase for a season without
//! repeats, each tied to real topics of its own phase.

use std::collections::HashMap;
use std::path::Path;

use super::checks::{check_id, check_unique, require};
use super::error::ContentError;
use super::model::{Prompt, Roadmap};

/// A server posts one prompt a week and repeats none until its phase's pool is used up; six
/// per phase give at least a month and a half of fresh prompts in any phase.
pub const MIN_PROMPTS_PER_PHASE: usize = 6;
/// Enough to say what a prompt practises without turning the post into a list.
const MAX_TOPICS: usize = 5;
/// A prompt's title is shown as an embed title next to the kind and week.
const MAX_TITLE_CHARS: usize = 100;

pub(super) fn validate(roadmap: &Roadmap, errors: &mut Vec<ContentError>) {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for (index, prompt) in roadmap.prompts.iter().enumerate() {
        validate_prompt(roadmap, prompt, index, &mut seen, errors);
    }
    for phase in &roadmap.phases {
        let count = roadmap
            .prompts
            .iter()
            .filter(|p| p.phase == Some(phase.number))
            .count();
        if count < MIN_PROMPTS_PER_PHASE {
            let (place, how) = roadmap.source.prompts_of(phase.number);
            errors.push(ContentError::new(
                &place,
                format!("phase {} prompts", phase.number),
                format!(
                    "has {}; each phase needs at least {MIN_PROMPTS_PER_PHASE}: {how}",
                    if count == 1 {
                        "1 prompt".to_string()
                    } else {
                        format!("{count} prompts")
                    },
                ),
            ));
        }
    }
}

fn validate_prompt<'a>(
    roadmap: &Roadmap,
    prompt: &'a Prompt,
    index: usize,
    seen: &mut HashMap<&'a str, &'a Path>,
    errors: &mut Vec<ContentError>,
) {
    let file = prompt.file.as_path();
    let item = if prompt.id.trim().is_empty() {
        format!("prompt #{}", index + 1)
    } else {
        format!("prompt `{}`", prompt.id)
    };
    check_id(file, &item, &prompt.id, errors);
    check_unique(file, &item, &prompt.id, seen, errors);
    require(file, &item, "title", &prompt.title, errors);
    require(file, &item, "text", &prompt.text, errors);
    if prompt.title.chars().count() > MAX_TITLE_CHARS {
        errors.push(ContentError::new(
            file,
            &item,
            format!("`title` is longer than {MAX_TITLE_CHARS} characters: shorten it"),
        ));
    }
    if let Some(number) = prompt.phase {
        if roadmap.phase(number).is_none() {
            errors.push(ContentError::new(
                file,
                &item,
                format!(
                    "`phase = {number}` names no phase of this roadmap (it has 1 to {})",
                    roadmap.phases.len()
                ),
            ));
            return;
        }
    }
    check_suits(roadmap, prompt, file, &item, errors);
    if prompt.topics.is_empty() || prompt.topics.len() > MAX_TOPICS {
        errors.push(ContentError::new(
            file,
            &item,
            format!("`topics` must name 1 to {MAX_TOPICS} topic ids"),
        ));
    }
    for id in &prompt.topics {
        // An old id listed in a topic's `aliases` still finds it, so renaming a topic does
        // not break the prompts that name it.
        let found = roadmap.topic(id);
        match (found, prompt.phase) {
            (None, _) => errors.push(ContentError::new(
                file,
                &item,
                format!("topic `{id}` is not a topic id of this roadmap"),
            )),
            (Some(topic), Some(phase)) if topic.phase.number != phase => {
                errors.push(ContentError::new(
                    file,
                    &item,
                    format!(
                        "topic `{id}` belongs to phase {}, not phase {phase}: tie a phase's \
                         prompts to its own topics, or move the prompt to the roadmap-wide file",
                        topic.phase.number
                    ),
                ))
            }
            _ => {}
        }
    }
}

/// A roadmap-wide prompt names the phases it suits, and suits none whose members have not yet
/// reached all of its topics (a mostly phase-1 server is not asked to deploy with Docker). A
/// phase's own prompts suit that phase and say nothing more.
fn check_suits(
    roadmap: &Roadmap,
    prompt: &Prompt,
    file: &Path,
    item: &str,
    errors: &mut Vec<ContentError>,
) {
    let mut problem = |reason: String| errors.push(ContentError::new(file, item, reason));
    if prompt.phase.is_some() {
        if !prompt.suits.is_empty() {
            problem(
                "`suits` is for roadmap-wide prompts; a phase's prompts suit their own phase"
                    .to_string(),
            );
        }
        return;
    }
    if prompt.suits.is_empty() {
        problem(
            "a roadmap-wide prompt needs `suits = [..]`: the phases whose members it fits"
                .to_string(),
        );
    }
    let latest = prompt
        .topics
        .iter()
        .filter_map(|id| roadmap.topic(id))
        .map(|t| t.phase.number)
        .max();
    for &phase in &prompt.suits {
        if roadmap.phase(phase).is_none() {
            problem(format!(
                "`suits` names phase {phase}, but the roadmap has phases 1 to {}",
                roadmap.phases.len()
            ));
        } else if latest.is_some_and(|latest| phase < latest) {
            problem(format!(
                "`suits` names phase {phase}, but the prompt works on a phase {} topic: members \
                 of phase {phase} have not reached it yet",
                latest.unwrap_or_default()
            ));
        }
    }
}
