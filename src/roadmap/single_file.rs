//! One roadmap in one TOML file: the form staff import and export. It holds what a roadmap
//! folder holds (the roadmap's own fields at the top; `[[phases]]` with their
//! `[[phases.sections]]`, `[[phases.sections.topics]]` and `[[phases.prompts]]`; and
//! `[[prompts]]` about the whole roadmap), and the same rules check it. Problems in one file
//! are only useful with a line, so [`place_lines`] finds each item's line from the file's own
//! layout.

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml_edit::{ImDocument, Item, Table};

use super::error::{ContentError, ContentErrors};
use super::model::{Library, Phase, Prompt, Roadmap, RoadmapMeta, Source};
use super::read::{assemble, line_of, parse_text, read_file};
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

/// Loads and validates the roadmap in the file at `path`.
pub(super) fn load(path: &Path) -> Result<Library, ContentErrors> {
    let mut errors = Vec::new();
    let file = read_file(path, &mut errors)
        .and_then(|text| parse_text::<RoadmapFile>(path, &text, &mut errors));
    let Some(file) = file else {
        return Err(ContentErrors(errors));
    };
    let mut phases = file.phases;
    for phase in &mut phases {
        phase.file = path.to_path_buf();
    }
    let prompts = file
        .prompts
        .into_iter()
        .map(|mut prompt| {
            prompt.file = path.to_path_buf();
            prompt
        })
        .collect();
    let meta = RoadmapMeta {
        id: file.id,
        title: file.title,
        summary: file.summary,
        closing: file.closing,
    };
    let roadmap = assemble(meta, phases, prompts, Source::File(path.to_path_buf()));
    let library = Library {
        roadmaps: vec![roadmap],
    };
    let errors = validate(&library);
    if errors.is_empty() {
        Ok(library)
    } else {
        Err(ContentErrors(errors))
    }
}

/// `roadmap` in the single-file form: what [`load`] reads back as the same roadmap.
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
    let places = places(document.as_table());
    for error in errors.iter_mut().filter(|e| e.line.is_none()) {
        let item = error.item.as_str();
        let names = |name: &&(String, Range<usize>)| {
            item.strip_prefix(name.0.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        };
        if let Some((_, span)) = places.iter().filter(names).max_by_key(|p| p.0.len()) {
            error.line = Some(line_of(text, span.start));
        }
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
