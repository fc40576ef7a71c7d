//! One roadmap in one TOML file: the form staff import and export. It holds what a roadmap
//! folder holds (the roadmap's own fields at the top; `[[phases]]` with their
//! `[[phases.sections]]`, `[[phases.sections.topics]]` and `[[phases.prompts]]`; and
//! `[[prompts]]` about the whole roadmap), and the same rules check it. Problems in one file
//! are only useful with a line, so [`place_lines`] finds each item's line from the file's own
//! layout.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml_edit::{ImDocument, Item, Table};

use super::error::{ContentError, ContentErrors};
use super::model::{Library, Phase, Prompt, Roadmap, RoadmapMeta, Source};
use super::read::{assemble, parse_text};
use super::validate::{describe, validate};

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RoadmapFile {
    #[serde(default)]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    closing: String,
    #[serde(default)]
    phases: Vec<Phase>,
    /// Prompts about the whole roadmap; a phase's own sit under it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    prompts: Vec<Prompt>,
}

/// Validates `text` as one roadmap in the single-file form; `name` is what problems say they
/// are in (a file's path, an attachment's name).
pub fn from_text(name: &Path, text: &str) -> Result<Library, ContentErrors> {
    let mut errors = Vec::new();
    let Some(file) = parse_text::<RoadmapFile>(name, text, &mut errors) else {
        return Err(ContentErrors(errors));
    };
    let mut phases = file.phases;
    for phase in &mut phases {
        phase.file = name.to_path_buf();
    }
    let prompts = file
        .prompts
        .into_iter()
        .map(|mut prompt| {
            prompt.file = name.to_path_buf();
            prompt
        })
        .collect();
    let meta = RoadmapMeta {
        id: file.id,
        title: file.title,
        summary: file.summary,
        closing: file.closing,
    };
    let roadmap = assemble(meta, phases, prompts, Source::File(name.to_path_buf()));
    let library = Library {
        roadmaps: vec![roadmap],
    };
    let mut errors = validate(&library);
    if errors.is_empty() {
        Ok(library)
    } else {
        place_lines(text, &mut errors);
        Err(ContentErrors(errors))
    }
}

/// `roadmap` in the single-file form: what [`from_text`] reads back as the same roadmap.
pub fn to_single_file(roadmap: &Roadmap) -> Result<String, toml::ser::Error> {
    let of_phase = |number: Option<u8>| -> Vec<Prompt> {
        roadmap
            .prompts
            .iter()
            .filter(|p| p.phase == number)
            .cloned()
            .collect()
    };
    let mut phases = roadmap.phases.clone();
    for phase in &mut phases {
        phase.prompts = of_phase(Some(phase.number));
    }
    let file = RoadmapFile {
        id: roadmap.id.clone(),
        title: roadmap.title.clone(),
        summary: roadmap.summary.clone(),
        closing: roadmap.closing.clone(),
        phases,
        prompts: of_phase(None),
    };
    let body = toml::to_string_pretty(&file)?;
    Ok(format!(
        "# {}: a Waypoint roadmap in one file. `waypoint check-content` checks it.\n\n{body}",
        roadmap.title
    ))
}

/// Gives each problem without a line the line of the item it names ("topic `x`", "phase 2",
/// …), read from `text`, the file they were found in.
pub fn place_lines(text: &str, errors: &mut [ContentError]) {
    let Ok(document) = ImDocument::parse(text) else {
        return;
    };
    // Each item's line, counted once: thousands of problems must not each count from the top.
    let breaks: Vec<usize> = text.match_indices('\n').map(|(at, _)| at).collect();
    let line_at = |offset: usize| breaks.partition_point(|&at| at < offset) + 1;
    let mut lines: HashMap<String, Vec<usize>> = HashMap::new();
    for (name, span) in places(document.as_table()) {
        lines.entry(name).or_default().push(line_at(span.start));
    }
    // Items that share an id share a name: a duplicate is reported at each later one in turn,
    // anything else at the first.
    let mut repeats: HashMap<String, usize> = HashMap::new();
    for error in errors.iter_mut().filter(|e| e.line.is_none()) {
        // The item itself, or the longest part of it up to a space that names one ("topic `x`
        // alias `y`" is about topic `x`).
        let item = error.item.as_str();
        let mut cuts = std::iter::once(item.len()).chain(item.rmatch_indices(' ').map(|(i, _)| i));
        let Some((name, found)) = cuts.find_map(|cut| lines.get_key_value(&item[..cut])) else {
            continue;
        };
        let nth = if error.reason.starts_with("duplicate id") {
            let seen = repeats.entry(name.clone()).or_insert(0);
            *seen += 1;
            *seen
        } else {
            0
        };
        error.line = found.get(nth).or(found.last()).copied();
    }
}

/// Every item the validator names, as it names it, with where it starts.
fn places(root: &Table) -> Vec<(String, Range<usize>)> {
    let mut places = Vec::new();
    let start = || 0..0;
    let roadmap_at = root.key("id").and_then(|k| k.span()).unwrap_or_else(start);
    places.push((format!("roadmap `{}`", text(root, "id")), roadmap_at));
    for phase in tables(root, "phases") {
        let number = phase.get("number").and_then(Item::as_integer).unwrap_or(0);
        let item = format!("phase {number}");
        places.push((item.clone(), phase.span().unwrap_or_else(start)));
        for (s, section) in tables(phase, "sections").enumerate() {
            let item = describe("section", text(section, "id"), s, &item);
            places.push((item.clone(), section.span().unwrap_or_else(start)));
            for (t, topic) in tables(section, "topics").enumerate() {
                let item = describe("topic", text(topic, "id"), t, &item);
                places.push((item, topic.span().unwrap_or_else(start)));
            }
        }
        prompt_places(phase, &mut places);
    }
    prompt_places(root, &mut places);
    places
}

/// Prompts with an id: one without is named by its place among all of the roadmap's, which
/// only the loaded roadmap knows.
fn prompt_places(parent: &Table, places: &mut Vec<(String, Range<usize>)>) {
    for prompt in tables(parent, "prompts") {
        let id = text(prompt, "id");
        if !id.trim().is_empty() {
            places.push((format!("prompt `{id}`"), prompt.span().unwrap_or(0..0)));
        }
    }
}

fn tables<'a>(parent: &'a Table, key: &str) -> impl Iterator<Item = &'a Table> {
    parent
        .get(key)
        .and_then(Item::as_array_of_tables)
        .into_iter()
        .flat_map(|array| array.iter())
}

fn text<'a>(table: &'a Table, key: &str) -> &'a str {
    table.get(key).and_then(Item::as_str).unwrap_or_default()
}
