//! The content a deployment serves: roadmap folders checked for structure (`roadmap`) and for
//! fitting Discord's limits once rendered (`render`). Start-up and `check-content` both load
//! through here, so nothing is served that `check-content` would refuse.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::bail;
use chrono::{DateTime, Utc};
use serenity::all::GuildId;
use sqlx::PgPool;

use crate::challenges::challenge::Challenge;
use crate::challenges::Goal;
use crate::db::roadmaps::{self as store, Followed, ServerRoadmaps};
use crate::render::prompt::check_prompts;
use crate::render::roadmap::check_views;
use crate::roadmap::full_text;
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
///
/// What each server follows is held in memory and kept current by [`Content::refresh`], so
/// finding a server's roadmap waits on nothing. A roadmap imported into a server is parsed once
/// per process and kept; the first request that needs it reads it, with a bounded wait.
pub struct Content {
    /// The roadmaps the deployment ships.
    pub library: Library,
    shipped: Vec<Arc<Roadmap>>,
    default: usize,
    servers: RwLock<HashMap<GuildId, ServerRoadmaps>>,
    parsed: moka::future::Cache<(GuildId, String, i32), Arc<Roadmap>>,
    /// The database time of the last refresh.
    seen: Mutex<Option<DateTime<Utc>>>,
}

/// How long a request waits to read an imported roadmap it does not hold yet.
pub const IMPORTED_WAIT: Duration = Duration::from_secs(2);
/// Imported roadmaps held parsed, across servers.
const PARSED_CAPACITY: u64 = 1_000;
/// A refresh reads again the changes this long before its last one: a change whose
/// transaction started before that read but committed after it is not missed.
const OVERLAP: chrono::Duration = chrono::Duration::seconds(30);

/// The server's roadmap could not be had in time.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Unavailable {
    #[error("reading the server's roadmap took longer than {IMPORTED_WAIT:?}")]
    Slow,
    #[error("reading the server's roadmap failed: {0}")]
    Database(String),
    #[error("the server's roadmap `{0}` (version {1}) is not stored")]
    Missing(String, i32),
    #[error("the server's stored roadmap no longer passes the checks: {0}")]
    Invalid(String),
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
        let shipped = library.roadmaps.iter().cloned().map(Arc::new).collect();
        Ok(Self {
            library,
            shipped,
            default,
            servers: RwLock::default(),
            parsed: moka::future::Cache::new(PARSED_CAPACITY),
            seen: Mutex::default(),
        })
    }

    /// The roadmaps the deployment ships.
    pub fn shipped(&self) -> &[Arc<Roadmap>] {
        &self.shipped
    }

    /// The roadmap servers follow until they choose another.
    pub fn default_roadmap(&self) -> &Arc<Roadmap> {
        &self.shipped[self.default]
    }

    /// A shipped roadmap by id.
    pub fn shipped_roadmap(&self, id: &str) -> Option<&Arc<Roadmap>> {
        self.shipped.iter().find(|r| r.id == id)
    }

    /// What `guild` has chosen and imported, as last refreshed.
    pub fn server(&self, guild: GuildId) -> ServerRoadmaps {
        self.servers
            .read()
            .map(|servers| servers.get(&guild).cloned().unwrap_or_default())
            .unwrap_or_default()
    }

    /// What `guild` follows (`None`: the default), without copying what it imported: every
    /// request asks this.
    pub fn followed_by(&self, guild: GuildId) -> Option<Followed> {
        self.servers
            .read()
            .ok()
            .and_then(|servers| servers.get(&guild)?.followed.clone())
    }

    /// The roadmap `guild` follows (the default outside a server). Held in memory, except an
    /// imported roadmap this process has not read yet, which is read with a bounded wait.
    pub async fn roadmap_for(
        &self,
        db: &PgPool,
        guild: Option<GuildId>,
    ) -> Result<Arc<Roadmap>, Unavailable> {
        let Some(guild) = guild else {
            return Ok(self.default_roadmap().clone());
        };
        match self.followed_by(guild) {
            None => Ok(self.default_roadmap().clone()),
            Some(followed) => self.roadmap_of(db, guild, &followed).await,
        }
    }

    /// The roadmap with `id` as `guild` has it: shipped, or the newest version imported there
    /// (a challenge counts on the roadmap it was created on, whatever the server follows).
    pub async fn roadmap_by_id(
        &self,
        db: &PgPool,
        guild: GuildId,
        id: &str,
    ) -> Result<Option<Arc<Roadmap>>, Unavailable> {
        match self.followable(guild, id) {
            None => Ok(None),
            Some(followed) => self.roadmap_of(db, guild, &followed).await.map(Some),
        }
    }

    /// What following `id` means in `guild`: the shipped roadmap, or the newest version
    /// imported there; `None` when it is neither.
    pub fn followable(&self, guild: GuildId, id: &str) -> Option<Followed> {
        if self.shipped_roadmap(id).is_some() {
            return Some(Followed {
                id: id.to_string(),
                version: None,
            });
        }
        let imported = self.server(guild).imported;
        imported.into_iter().find(|i| i.id == id).map(|i| Followed {
            id: i.id,
            version: Some(i.version),
        })
    }

    /// The roadmap `followed` names (held, or read with a bounded wait).
    pub async fn roadmap_of(
        &self,
        db: &PgPool,
        guild: GuildId,
        followed: &Followed,
    ) -> Result<Arc<Roadmap>, Unavailable> {
        let Some(version) = followed.version else {
            // A shipped roadmap the deployment no longer has: the default stands in.
            return Ok(self
                .shipped_roadmap(&followed.id)
                .unwrap_or_else(|| self.default_roadmap())
                .clone());
        };
        let key = (guild, followed.id.clone(), version);
        let read = async {
            let source = store::source(db, guild, &followed.id, version)
                .await
                .map_err(|e| Unavailable::Database(e.to_string()))?
                .ok_or_else(|| Unavailable::Missing(followed.id.clone(), version))?;
            parse_stored(&followed.id, &source).map(Arc::new)
        };
        // Requests that miss together share one read.
        let shared = self.parsed.try_get_with(key, async {
            tokio::time::timeout(IMPORTED_WAIT, read)
                .await
                .unwrap_or(Err(Unavailable::Slow))
        });
        shared.await.map_err(|e| (*e).clone())
    }

    /// Reads what servers chose since the last refresh (everything, the first time) and
    /// returns the servers whose roadmap changed. Imported roadmaps they now follow are read
    /// and parsed here, off the request path.
    pub async fn refresh(&self, db: &PgPool) -> sqlx::Result<Vec<GuildId>> {
        let since = self.seen.lock().ok().and_then(|seen| *seen);
        let (changed, now) = store::changed_since(db, since.map(|s| s - OVERLAP)).await?;
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(now);
        }
        let mut moved = Vec::new();
        if let Ok(mut servers) = self.servers.write() {
            for (guild, roadmaps) in changed {
                if servers.get(&guild) != Some(&roadmaps) {
                    moved.push(guild);
                    servers.insert(guild, roadmaps);
                }
            }
        }
        for guild in &moved {
            match self.roadmap_for(db, Some(*guild)).await {
                // Its search index too, so no member's first search builds it.
                Ok(roadmap) => full_text::prepare(&roadmap),
                Err(e) => {
                    tracing::warn!(guild = guild.get(), error = %e, "could not read a server's new roadmap")
                }
            }
        }
        Ok(moved)
    }

    /// Holds a roadmap this process just parsed from what it stored as `version`.
    pub async fn hold(&self, guild: GuildId, version: i32, roadmap: Roadmap) {
        let key = (guild, roadmap.id.clone(), version);
        full_text::prepare(&roadmap);
        self.parsed.insert(key, Arc::new(roadmap)).await;
    }

    /// Records a change this process made, so it shows here at once.
    pub fn note(&self, guild: GuildId, roadmaps: ServerRoadmaps) {
        if let Ok(mut servers) = self.servers.write() {
            servers.insert(guild, roadmaps);
        }
    }

    /// The topic ids a topic challenge limited to a phase counts (of the roadmap it was
    /// created on), old aliases included; `None` when the challenge counts every topic of its
    /// roadmap, or something else.
    pub async fn challenge_topics(
        &self,
        db: &PgPool,
        challenge: &Challenge,
    ) -> Result<Option<Vec<String>>, Unavailable> {
        let Some(phase) = challenge.phase.filter(|_| challenge.goal == Goal::Topics) else {
            return Ok(None);
        };
        let roadmap = self
            .roadmap_by_id(db, challenge.guild.into(), &challenge.roadmap)
            .await?;
        Ok(Some(
            roadmap
                .as_deref()
                .and_then(|r| r.phase(phase))
                .map(|p| {
                    p.topics()
                        .flat_map(|t| {
                            std::iter::once(t.id.clone()).chain(t.aliases.iter().cloned())
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ))
    }
}

/// A stored roadmap, checked again as it is read: what was stored passed these checks, but
/// a newer release may check more.
fn parse_stored(id: &str, source: &str) -> Result<Roadmap, Unavailable> {
    let name = PathBuf::from(format!("{id}.toml"));
    let mut library =
        load_bytes(&name, source.as_bytes()).map_err(|e| Unavailable::Invalid(e.to_string()))?;
    library
        .roadmaps
        .pop()
        .ok_or_else(|| Unavailable::Invalid("the file holds no roadmap".into()))
}
