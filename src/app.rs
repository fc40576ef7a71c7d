//! The state command handlers and the scheduler work with, built once at start-up: the
//! content, the database pool, in-memory buffers, and the Discord REST clients for what
//! Waypoint changes or posts on Discord.

use std::sync::Arc;

use anyhow::bail;
use serenity::all::{GuildId, Http};
use sqlx::PgPool;

use crate::challenges::cache::StandingCache;
use crate::challenges::challenge::Challenge;
use crate::clock::{Clock, SystemClock};
use crate::db::activity::Activity;
use crate::posting::Poster;
use crate::progress::cache::ProgressCache;
use crate::roadmap::{Library, Roadmap};

pub struct App {
    pub library: Library,
    pub db: PgPool,
    /// Members' "last seen" times, written to the database in batches off the request path.
    pub activity: Activity,
    /// Members' progress for marking roadmap views without a database round trip.
    pub progress: ProgressCache,
    /// Challenge standings, shared for a few seconds between requests.
    pub standings: StandingCache,
    /// Discord's REST API; `None` on the console, where nothing is changed on Discord.
    pub discord: Option<Arc<Http>>,
    /// Posts the bot makes on its own (prompts); `None` without a bot token.
    pub poster: Option<Arc<Poster>>,
    pub schedule: ScheduleOptions,
    /// The time every invocation and scheduler pass is stamped with.
    pub clock: Arc<dyn Clock>,
    /// Names this process in the leases it takes on scheduled posts.
    pub instance: String,
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
            progress: ProgressCache::default(),
            standings: StandingCache::default(),
            discord: None,
            poster: None,
            schedule: ScheduleOptions::default(),
            clock: Arc::new(SystemClock),
            instance: format!("{}-{:08x}", std::process::id(), rand::random::<u32>()),
            default_roadmap: index,
        })
    }

    /// Lets commands change things on Discord (give and take phase roles).
    pub fn with_discord(mut self, http: Arc<Http>) -> Self {
        self.discord = Some(http);
        self
    }

    /// Lets the scheduler and `/prompt now` post in channels.
    pub fn with_poster(mut self, poster: Arc<Poster>) -> Self {
        self.poster = Some(poster);
        self
    }

    /// Replaces the system clock (tests set their own time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_schedule(mut self, options: ScheduleOptions) -> Self {
        self.schedule = options;
        self
    }

    /// The topic ids a topic challenge limited to a phase counts, old aliases included; `None`
    /// when the challenge counts every topic, or something else.
    pub fn challenge_topics(&self, challenge: &Challenge) -> Option<Vec<String>> {
        let phase = challenge
            .phase
            .filter(|_| challenge.goal == crate::challenges::Goal::Topics)?;
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

    /// The roadmap a server follows. Every server follows the deployment's default for now;
    /// `servers.roadmap_id` is where a per-server choice will live.
    pub fn roadmap_for(&self, _guild: Option<GuildId>) -> &Roadmap {
        &self.library.roadmaps[self.default_roadmap]
    }
}

/// How the scheduler and `/prompt now` treat posts; see `Config` for the defaults.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleOptions {
    /// A post missed by more than this (the process was down) is skipped, not posted late.
    pub grace: chrono::Duration,
    /// How long a claim holds a post before another process may take it over.
    pub lease: chrono::Duration,
}

impl Default for ScheduleOptions {
    fn default() -> Self {
        Self {
            grace: chrono::Duration::hours(12),
            lease: chrono::Duration::seconds(60),
        }
    }
}
