//! The content a deployment serves: roadmap folders checked for structure (`roadmap`) and for
//! fitting Discord's limits once rendered (`render`). Start-up and `check-content` both load
//! through here, so nothing is served that `check-content` would refuse.

use std::path::Path;

use anyhow::bail;
use serenity::all::GuildId;

use crate::challenges::challenge::Challenge;
use crate::challenges::Goal;
use crate::render::prompt::check_prompts;
use crate::render::roadmap::check_views;
use crate::roadmap::{
    from_text, load_library, place_lines, ContentError, ContentErrors, Library, Roadmap,
};

/// The largest roadmap file taken: the shipped roadmap in one file is about a fifth of it.
pub const MAX_FILE_BYTES: usize = 512 * 1024;

/// The roadmaps in `path`: a folder of roadmap folders, or one roadmap's single file (whose
/// problems each carry their line).
pub fn load(path: &Path) -> Result<Library, ContentErrors> {
    if !path.is_file() {
        return checked(load_library(path)?, None);
    }
    match std::fs::read(path) {
        Ok(bytes) => load_bytes(path, &bytes),
        Err(e) => Err(ContentErrors(vec![ContentError::new(
            path,
            "file",
            format!("cannot read: {e}"),
        )])),
    }
}

/// One roadmap in the single-file form, from its bytes (a file, or an attachment a server
/// imports): at most [`MAX_FILE_BYTES`] of UTF-8, checked as a folder is, each problem with
/// its line. `name` is what problems say they are in.
pub fn load_bytes(name: &Path, bytes: &[u8]) -> Result<Library, ContentErrors> {
    let refuse = |reason: String| Err(ContentErrors(vec![ContentError::new(name, "file", reason)]));
    if bytes.len() > MAX_FILE_BYTES {
        return refuse(format!(
            "is {} KiB; a roadmap file may be at most {} KiB: split long texts or drop unused prompts",
            bytes.len().div_ceil(1024),
            MAX_FILE_BYTES / 1024
        ));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return refuse("is not UTF-8 text: save it as UTF-8 and try again".into());
    };
    checked(from_text(name, text)?, Some(text))
}

/// What `library` renders to must fit Discord; in one file, each problem gets its line.
fn checked(library: Library, text: Option<&str>) -> Result<Library, ContentErrors> {
    let mut errors = check_views(&library);
    errors.extend(check_prompts(&library));
    if errors.is_empty() {
        return Ok(library);
    }
    if let Some(text) = text {
        place_lines(text, &mut errors);
    }
    Err(ContentErrors(errors))
}

/// The roadmaps a deployment serves, and which one each server follows.
pub struct Content {
    pub library: Library,
    default: usize,
}

impl Content {
    /// `default_roadmap` names the roadmap servers follow; `None` picks the first one.
    pub fn new(library: Library, default_roadmap: Option<&str>) -> anyhow::Result<Self> {
        if library.roadmaps.is_empty() {
            bail!("no roadmap loaded");
        }
        let default = match default_roadmap {
            None => 0,
            Some(id) => match library.roadmaps.iter().position(|r| r.id == id) {
                Some(index) => index,
                None => {
                    let known: Vec<_> = library.roadmaps.iter().map(|r| r.id.as_str()).collect();
                    bail!(
                        "WAYPOINT_ROADMAP is `{id}`, but the roadmaps found are: {}",
                        known.join(", ")
                    )
                }
            },
        };
        Ok(Self { library, default })
    }

    /// The roadmap a server follows. Every server follows the deployment's default for now;
    /// `servers.roadmap_id` is where a per-server choice will live.
    pub fn roadmap_for(&self, _guild: Option<GuildId>) -> &Roadmap {
        &self.library.roadmaps[self.default]
    }

    /// The topic ids a topic challenge limited to a phase counts, old aliases included; `None`
    /// when the challenge counts every topic, or something else.
    pub fn challenge_topics(&self, challenge: &Challenge) -> Option<Vec<String>> {
        let phase = challenge.phase.filter(|_| challenge.goal == Goal::Topics)?;
        let roadmap = self.roadmap_for(Some(challenge.guild.into()));
        Some(
            roadmap
                .phase(phase)
                .map(|p| {
                    p.topics()
                        .flat_map(|t| {
                            std::iter::once(t.id.clone()).chain(t.aliases.iter().cloned())
                        })
                        .collect()
                })
                .unwrap_or_default(),
        )
    }
}
