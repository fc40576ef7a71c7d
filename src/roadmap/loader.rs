//! Reads roadmap folders from disk. Each sub-folder of the content directory holding a
//! `roadmap.toml` is one roadmap; every other `.toml` file in it is one phase, and each `.toml`
//! file in its `prompts/` folder holds weekly prompts. Adding a roadmap is adding a folder:
//! nothing in the code names a roadmap. (One roadmap in one file comes in through
//! `content::load_bytes`, which bounds it first, and `single_file.rs`.)

use std::fs;
use std::path::{Path, PathBuf};

use super::error::{ContentError, ContentErrors};
use super::model::{Library, Phase, Prompt, PromptFile, Roadmap, RoadmapMeta, Source};
use super::read::{assemble, parse_text};
use super::validate;

const META_FILE: &str = "roadmap.toml";
const PROMPTS_DIR: &str = "prompts";

/// Loads and validates every roadmap under `dir`, reporting every problem found.
pub fn load_library(dir: &Path) -> Result<Library, ContentErrors> {
    let mut errors = Vec::new();
    let mut roadmaps = Vec::new();

    match sorted_entries(dir) {
        Ok(entries) => {
            for path in entries.into_iter().filter(|p| p.is_dir()) {
                if let Some(roadmap) = load_roadmap(&path, &mut errors) {
                    roadmaps.push(roadmap);
                }
            }
        }
        Err(reason) => errors.push(ContentError::new(dir, "content folder", reason)),
    }
    if roadmaps.is_empty() && errors.is_empty() {
        errors.push(ContentError::new(
            dir,
            "content folder",
            format!("no roadmap found: add a sub-folder holding a {META_FILE}"),
        ));
    }

    let library = Library { roadmaps };
    errors.extend(validate::validate(&library));
    if errors.is_empty() {
        Ok(library)
    } else {
        Err(ContentErrors(errors))
    }
}

fn load_roadmap(dir: &Path, errors: &mut Vec<ContentError>) -> Option<Roadmap> {
    let meta_path = dir.join(META_FILE);
    if !meta_path.is_file() {
        errors.push(ContentError::new(
            dir,
            "roadmap folder",
            format!(
                "missing {META_FILE}: every roadmap folder needs one (id, title, summary, closing)"
            ),
        ));
        return None;
    }
    let meta: Option<RoadmapMeta> = parse_file(&meta_path, errors);

    let mut phases = Vec::new();
    match sorted_entries(dir) {
        Ok(entries) => {
            for path in entries {
                let is_phase = path.extension().is_some_and(|e| e == "toml")
                    && path.file_name().is_some_and(|n| n != META_FILE);
                if is_phase {
                    if let Some(mut phase) = parse_file::<Phase>(&path, errors) {
                        phase.file = path;
                        phases.push(phase);
                    }
                }
            }
        }
        Err(reason) => errors.push(ContentError::new(dir, "roadmap folder", reason)),
    }
    let prompts = load_prompts(&dir.join(PROMPTS_DIR), errors);
    Some(assemble(
        meta?,
        phases,
        prompts,
        Source::Folder(dir.to_path_buf()),
    ))
}

/// Every prompt under `dir`; a roadmap without the folder simply has none (the validator
/// says how many it needs).
fn load_prompts(dir: &Path, errors: &mut Vec<ContentError>) -> Vec<Prompt> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let entries = match sorted_entries(dir) {
        Ok(entries) => entries,
        Err(reason) => {
            errors.push(ContentError::new(dir, "prompts folder", reason));
            return Vec::new();
        }
    };
    let mut prompts = Vec::new();
    for path in entries
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        if let Some(file) = parse_file::<PromptFile>(&path, errors) {
            prompts.extend(file.prompts.into_iter().map(|mut prompt| {
                prompt.phase = file.phase;
                prompt.file = path.clone();
                prompt
            }));
        }
    }
    prompts
}

fn parse_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    errors: &mut Vec<ContentError>,
) -> Option<T> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            errors.push(ContentError::new(path, "file", format!("cannot read: {e}")));
            return None;
        }
    };
    parse_text(path, &text, errors)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let read = fs::read_dir(dir).map_err(|e| format!("cannot read folder: {e}"))?;
    let mut paths = read
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("cannot list folder: {e}"))?;
    paths.sort();
    Ok(paths)
}
