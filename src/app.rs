//! The state command handlers and the scheduler work with, built once at start-up: the
//! content, the database pool, in-memory buffers, and the Discord REST clients for what
//! Waypoint changes or posts on Discord.

use std::sync::Arc;

use serenity::all::{GuildId, Http, UserId};
use sqlx::PgPool;

use crate::challenges::cache::StandingCache;
use crate::db::challenges::Challenge;
use crate::db::checkins::MemberCheckins;
use crate::db::progress::Stored;
use crate::member_cache::MemberCache;
use crate::render::leaderboard::{Board, SharedPage};
use crate::slice_cache::SliceCache;

/// Leaderboard pages by server, board and page number.
pub type Boards = SliceCache<(Board, u32), SharedPage>;
/// Challenges by the name `/challenge status` was asked with (`None`: no such challenge).
pub type ChallengeNames = SliceCache<String, Option<Challenge>>;

/// What members' own views are read from, shared for a few seconds and dropped together.
#[derive(Default)]
pub struct MemberAnswers {
    /// `/progress show`: progress, points, completed phases, whether hidden.
    pub progress: MemberCache<Stored>,
    /// `/checkins`: the server's settings, the member's zone and weeks.
    pub checkins: MemberCache<MemberCheckins>,
}

impl MemberAnswers {
    pub fn forget(&self, guild: GuildId, user: UserId) {
        self.progress.forget(guild, user);
        self.checkins.forget(guild, user);
    }

    pub fn forget_server(&self, guild: GuildId) {
        self.progress.forget_server(guild);
        self.checkins.forget_server(guild);
    }
}
use crate::clock::{Clock, SystemClock};
use crate::content::Content;
use crate::db::activity::Activity;
use crate::posting::Post;
use crate::progress::cache::ProgressCache;
use crate::roadmap::Library;
use crate::roles::Roles;

pub struct App {
    /// The roadmaps served, and which one each server follows.
    pub content: Content,
    pub db: PgPool,
    /// Members' "last seen" times, written to the database in batches off the request path.
    pub activity: Activity,
    /// Members' progress for marking roadmap views without a database round trip.
    pub progress: ProgressCache,
    /// Topic changes, sent together with those that arrive at the same time.
    pub progress_writes: crate::db::progress::Writes,
    /// Check-in submissions' reads and saves, sent likewise.
    pub checkins: crate::db::checkins::Submissions,
    /// Challenge standings, shared for a few seconds between requests.
    pub standings: StandingCache,
    /// Leaderboard pages, shared for a few seconds between requests.
    pub boards: Boards,
    /// Challenges looked up by name, shared for a few seconds between requests.
    pub challenge_names: ChallengeNames,
    /// Members' own views, shared for a few seconds between requests.
    pub members: MemberAnswers,
    /// Files members attach to commands, from Discord's CDN.
    pub attachments: crate::attachments::Attachments,
    /// Image cards, drawn off the async runtime and kept while their inputs stay the same.
    pub cards: crate::cards::Cards,
    /// Names of members a card shows, asked of Discord and held for a few minutes.
    pub names: crate::profiles::Names,
    /// Discord's REST API; `None` on the console, where nothing is changed on Discord.
    pub discord: Option<Arc<Http>>,
    /// Posts the bot makes on its own (prompts); `None` without a bot token.
    pub poster: Option<Arc<dyn Post>>,
    pub schedule: ScheduleOptions,
    /// Where the community pages are reached (`WAYPOINT_PUBLIC_URL`); `None`: no pages.
    pub public_url: Option<url::Url>,
    /// The time every invocation and scheduler pass is stamped with.
    pub clock: Arc<dyn Clock>,
    /// Names this process in the leases it takes on scheduled posts.
    pub instance: String,
}

impl App {
    /// `default_roadmap` names the roadmap servers follow; `None` picks the first one.
    pub fn new(
        library: Library,
        db: PgPool,
        default_roadmap: Option<&str>,
    ) -> anyhow::Result<Self> {
        let content = Content::new(library, default_roadmap)?;
        let progress_writes = crate::db::progress::Writes::new(db.clone());
        let checkins = crate::db::checkins::Submissions::new(db.clone());
        Ok(Self {
            content,
            db,
            activity: Activity::default(),
            progress: ProgressCache::default(),
            progress_writes,
            checkins,
            standings: StandingCache::default(),
            boards: Boards::default(),
            challenge_names: ChallengeNames::default(),
            members: MemberAnswers::default(),
            attachments: crate::attachments::Attachments::default(),
            cards: crate::cards::Cards::default(),
            names: crate::profiles::Names::default(),
            discord: None,
            poster: None,
            schedule: ScheduleOptions::default(),
            public_url: None,
            clock: Arc::new(SystemClock),
            instance: format!("{}-{:08x}", std::process::id(), rand::random::<u32>()),
        })
    }

    /// Fetches attachments from `cdn` instead of Discord's CDN (a test double).
    pub fn with_cdn(mut self, cdn: &str) -> Self {
        self.attachments = crate::attachments::Attachments::new(cdn);
        self
    }

    /// Lets commands change things on Discord (give and take phase roles).
    pub fn with_discord(mut self, http: Arc<Http>) -> Self {
        self.discord = Some(http);
        self
    }

    /// Lets the scheduler and `/prompt now` post in channels.
    pub fn with_poster(mut self, poster: Arc<dyn Post>) -> Self {
        self.poster = Some(poster);
        self
    }

    /// What role changes use: the store and Discord.
    pub fn roles(&self) -> Roles<'_> {
        Roles {
            db: &self.db,
            discord: self.discord.as_deref(),
        }
    }

    /// Replaces the system clock (tests set their own time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Lets servers turn community pages on, reached at `url`.
    pub fn with_public_url(mut self, url: url::Url) -> Self {
        self.public_url = Some(url);
        self
    }

    pub fn with_schedule(mut self, options: ScheduleOptions) -> Self {
        self.schedule = options;
        self
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
