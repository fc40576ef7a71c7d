//! Content checks: ids, required fields, and that every view renders within Discord's limits.

use std::collections::HashMap;
use std::path::Path;

use super::checks::{check_id, check_text, check_unique, require};
use super::error::ContentError;
use super::model::{Library, Phase, Roadmap, Source};

/// Topics in one roadmap at most: far more than a learning path needs, and it bounds the work
/// of checking a file a server uploads.
pub const MAX_TOPICS: usize = 1_000;

/// Phases in one roadmap at most. Commands offer phase numbers up to this before they know
/// which roadmap a server follows, so a roadmap a server imports must stay within it.
pub const MAX_PHASES: u8 = 10;

pub(crate) fn validate(library: &Library) -> Vec<ContentError> {
    let mut errors = Vec::new();
    let mut roadmap_ids: HashMap<&str, &Path> = HashMap::new();
    for roadmap in &library.roadmaps {
        let meta = roadmap.source.meta_file();
        if let Some(first) = roadmap_ids.insert(&roadmap.id, roadmap.source.path()) {
            errors.push(ContentError::new(
                &meta,
                format!("roadmap `{}`", roadmap.id),
                format!("duplicate roadmap id: {} uses it too", first.display()),
            ));
        }
        validate_roadmap(roadmap, &meta, &mut errors);
    }
    errors
}

fn validate_roadmap(roadmap: &Roadmap, meta: &Path, errors: &mut Vec<ContentError>) {
    let item = format!("roadmap `{}`", roadmap.id);
    check_id(meta, &item, &roadmap.id, errors);
    for (field, value) in [
        ("title", &roadmap.title),
        ("summary", &roadmap.summary),
        ("closing", &roadmap.closing),
    ] {
        require(meta, &item, field, value, errors);
    }
    if roadmap.phases.is_empty() {
        let hint = match roadmap.source {
            Source::Folder(_) => "has no phases: add phase files such as phase-1.toml",
            Source::File(_) => "has no phases: add [[phases]] with `number = 1`",
        };
        errors.push(ContentError::new(roadmap.source.path(), &item, hint));
    }
    let topics = roadmap.topic_count();
    if topics > MAX_TOPICS {
        errors.push(ContentError::new(
            meta,
            &item,
            format!(
                "has {topics} topics; a roadmap may have at most {MAX_TOPICS}: split it into \
                 roadmaps of their own"
            ),
        ));
    }
    if roadmap.phases.len() > usize::from(MAX_PHASES) {
        errors.push(ContentError::new(
            roadmap.source.path(),
            &item,
            format!(
                "has {} phases; a roadmap may have at most {MAX_PHASES}: merge some phases",
                roadmap.phases.len()
            ),
        ));
    }
    for (expected, phase) in (1..).zip(&roadmap.phases) {
        if phase.number != expected {
            errors.push(ContentError::new(
                &phase.file,
                format!("phase {}", phase.number),
                format!(
                    "phase numbers must run 1, 2, 3… without gaps or repeats; expected {expected} here"
                ),
            ));
        }
    }

    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for phase in &roadmap.phases {
        validate_phase(phase, &mut seen, errors);
    }
    super::prompt_rules::validate(roadmap, errors);
    // Aliases after every live id is known, so an alias naming a live id is caught wherever
    // that id is declared.
    for phase in &roadmap.phases {
        for topic in phase.topics() {
            for alias in &topic.aliases {
                let item = format!("topic `{}` alias `{alias}`", topic.id);
                check_id(&phase.file, &item, alias, errors);
                check_unique(&phase.file, &item, alias, &mut seen, errors);
            }
        }
    }
}

fn validate_phase<'a>(
    phase: &'a Phase,
    seen: &mut HashMap<&'a str, &'a Path>,
    errors: &mut Vec<ContentError>,
) {
    let file = phase.file.as_path();
    let item = format!("phase {}", phase.number);
    for (field, value) in [
        ("title", &phase.title),
        ("tagline", &phase.tagline),
        ("summary", &phase.summary),
    ] {
        require(file, &item, field, value, errors);
    }
    if phase.sections.is_empty() {
        errors.push(ContentError::new(file, &item, "has no [[sections]]"));
    }

    for (s, section) in phase.sections.iter().enumerate() {
        let item = describe("section", &section.id, s, &item);
        check_id(file, &item, &section.id, errors);
        check_unique(file, &item, &section.id, seen, errors);
        for (field, value) in [
            ("title", &section.title),
            ("summary", &section.summary),
            ("action", &section.action),
        ] {
            require(file, &item, field, value, errors);
        }
        if section.topics.is_empty() {
            errors.push(ContentError::new(file, &item, "has no [[sections.topics]]"));
        }
        for (t, topic) in section.topics.iter().enumerate() {
            let item = describe("topic", &topic.id, t, &item);
            check_id(file, &item, &topic.id, errors);
            check_unique(file, &item, &topic.id, seen, errors);
            for (field, value) in [
                ("title", &topic.title),
                ("why", &topic.why),
                ("action", &topic.action),
            ] {
                require(file, &item, field, value, errors);
            }
            for entry in &topic.learn {
                check_text(file, &item, "learn", entry, errors);
            }
            if topic.learn.is_empty() || topic.learn.iter().any(|l| l.trim().is_empty()) {
                errors.push(ContentError::new(
                    file,
                    &item,
                    "`learn` must list at least one non-empty item",
                ));
            }
            if topic.resources.is_empty() {
                errors.push(ContentError::new(
                    file,
                    &item,
                    "`resources` must name at least one resource",
                ));
            }
            for resource in &topic.resources {
                require(file, &item, "resources.name", &resource.name, errors);
                // Views print the kind before the name; "Book — Book: …" reads badly.
                let kind = resource.kind.label();
                let repeats = resource
                    .name
                    .get(..kind.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(kind))
                    && resource.name[kind.len()..].starts_with(':');
                if repeats {
                    errors.push(ContentError::new(
                        file,
                        &item,
                        format!(
                            "resource `{}` repeats its kind: drop the leading `{kind}:`, the \
                             views show the kind already",
                            resource.name
                        ),
                    ));
                }
                if let Some(problem) = resource.url.as_deref().and_then(url_problem) {
                    errors.push(ContentError::new(
                        file,
                        &item,
                        format!("resource `{}`: {problem}", resource.name),
                    ));
                }
            }
        }
    }
}

/// Why a resource's `url` cannot be linked, if it cannot: members follow it from Discord, so
/// it must be a whole https address with no credentials in it.
fn url_problem(raw: &str) -> Option<String> {
    let parsed = match url::Url::parse(raw) {
        Ok(parsed) => parsed,
        Err(e) => return Some(format!("`url` `{raw}` is not an address ({e})")),
    };
    if parsed.scheme() != "https" {
        return Some(format!(
            "`url` `{raw}` must start with https:// (members should not be sent over plain \
             http)"
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some(format!("`url` `{raw}` has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some(format!(
            "`url` `{raw}` must not carry a user name or password"
        ));
    }
    if raw.trim() != raw || raw.chars().any(char::is_whitespace) {
        return Some(format!("`url` `{raw}` must not contain spaces"));
    }
    None
}

/// Names an item by id when it has one, else by position, so every error can be found.
pub(super) fn describe(kind: &str, id: &str, index: usize, parent: &str) -> String {
    if id.trim().is_empty() {
        format!("{kind} #{} of {parent}", index + 1)
    } else {
        format!("{kind} `{id}`")
    }
}
