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
use crate::roadmap::{load_library, place_lines, ContentErrors, Library, Roadmap};

/// The roadmaps in `path`: a folder of roadmap folders, or one roadmap's single file (whose
/// problems each carry their line).
pub fn load(path: &Path) -> Result<Library, ContentErrors> {
    checked(path).map_err(|mut errors| {
        if let Ok(text) = std::fs::read_to_string(path) {
            place_lines(&text, &mut errors.0);
        }
        errors
    })
}

fn checked(path: &Path) -> Result<Library, ContentErrors> {
    let library = load_library(path)?;
    let mut errors = check_views(&library);
    errors.extend(check_prompts(&library));
    if errors.is_empty() {
        Ok(library)
    } else {
        Err(ContentErrors(errors))
    }
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
