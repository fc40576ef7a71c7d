//! The state command handlers work with, built once at start-up: the content, the database
//! pool and the activity buffer.

use anyhow::bail;
use serenity::all::GuildId;
use sqlx::PgPool;

use crate::db::activity::Activity;
use crate::roadmap::{Library, Roadmap};

pub struct App {
    pub library: Library,
    pub db: PgPool,
    /// Members' "last seen" times, written to the database in batches off the request path.
    pub activity: Activity,
    default_roadmap: usize,
}

impl App {
    /// `default_roadmap` names the roadmap servers follow; `None` picks the first one.
    pub fn new(
        library: Library,
        db: PgPool,
        default_roadmap: Option<&str>,
    ) -> anyhow::Result<Self> {
        if library.roadmaps.is_empty() {
            bail!("no roadmap loaded");
        }
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
        Ok(Self {
            library,
            db,
            activity: Activity::default(),
            default_roadmap: index,
        })
    }

    /// The roadmap a server follows. Every server follows the deployment's default for now;
    /// `servers.roadmap_id` is where a per-server choice will live.
    pub fn roadmap_for(&self, _guild: Option<GuildId>) -> &Roadmap {
        &self.library.roadmaps[self.default_roadmap]
    }
}
