//! Everything a command handler may use, built once at start-up.

use anyhow::bail;
use serenity::all::GuildId;
use sqlx::PgPool;

use crate::commands::Registry;
use crate::roadmap::{Library, Roadmap};

pub struct App {
    pub library: Library,
    pub registry: Registry,
    pub db: PgPool,
    default_roadmap: usize,
}

impl App {
    /// `default_roadmap` names the roadmap servers follow; `None` picks the first one.
    pub fn new(
        library: Library,
        db: PgPool,
        default_roadmap: Option<&str>,
    ) -> anyhow::Result<Self> {
        let index = match default_roadmap {
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
        if library.roadmaps.is_empty() {
            bail!("no roadmap loaded");
        }
        Ok(Self {
            registry: Registry::new(&library),
            library,
            db,
            default_roadmap: index,
        })
    }

    /// The roadmap a server follows. Every server follows the deployment's default for now;
    /// `servers.roadmap_id` is where a per-server choice will live.
    pub fn roadmap_for(&self, _guild: Option<GuildId>) -> &Roadmap {
        &self.library.roadmaps[self.default_roadmap]
    }
}
