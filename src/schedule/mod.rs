//! The scheduler: finds due posts in the `scheduled_posts` table, claims them with a lease and
//! posts them, paced under Discord's limits. Any number of processes can run it against one
//! database; the table's idempotency key and Discord's nonce keep each post to exactly one.

pub mod celebrations;
pub mod challenges;
pub mod checkins;
pub mod deliver;
pub mod partner_nudges;
pub mod partner_threads;
pub mod partners;
pub mod plan;
pub mod prompts;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use serenity::all::GuildId;
use sqlx::PgPool;

use crate::achievements;
use crate::app::{App, ScheduleOptions};
use crate::clock::Clock;
use crate::content::Content;
use crate::db::challenges as challenge;
use crate::db::checkins::{DIGEST, REMINDER};
use crate::db::partner_groups;
use crate::db::scheduled::{self, Job, Outcome};
use crate::posting::Post;
use crate::roadmap::Roadmap;
use crate::roles::Roles;
use crate::telemetry::metrics;

/// Posts claimed at once. Small enough that a batch is posted well inside its lease at any
/// sensible rate, large enough that claiming is not what limits a fan-out.
const BATCH: i64 = 100;
/// Posts in flight at once; the pacer, not this, sets the rate.
const IN_FLIGHT: usize = 16;
/// How often the scheduler looks for due posts when idle.
pub const POLL_EVERY: Duration = Duration::from_secs(15);

pub struct Scheduler {
    app: Arc<App>,
    clock: Arc<dyn Clock>,
}

/// What the scheduled jobs use, and nothing more: the store, the content, a poster, role
/// changes, how posts are treated, and the name this process claims posts under.
#[derive(Clone, Copy)]
pub struct Jobs<'a> {
    pub db: &'a PgPool,
    pub content: &'a Content,
    /// `None` without a bot token: nothing can be posted.
    pub poster: Option<&'a dyn Post>,
    pub roles: Roles<'a>,
    pub options: ScheduleOptions,
    pub instance: &'a str,
}

impl<'a> Jobs<'a> {
    /// The roadmap `guild` follows.
    pub async fn roadmap(&self, guild: GuildId) -> sqlx::Result<Arc<Roadmap>> {
        self.content
            .roadmap_for(self.db, Some(guild))
            .await
            .map_err(unavailable)
    }

    /// The topics `challenge` counts (see `Content::challenge_topics`).
    pub async fn challenge_topics(
        &self,
        challenge: &crate::db::challenges::Challenge,
    ) -> sqlx::Result<Option<Vec<String>>> {
        self.content
            .challenge_topics(self.db, challenge)
            .await
            .map_err(unavailable)
    }

    pub fn of(app: &'a App) -> Self {
        Self {
            db: &app.db,
            content: &app.content,
            poster: app.poster.as_deref(),
            roles: app.roles(),
            options: app.schedule,
            instance: &app.instance,
        }
    }
}

/// A job that cannot have its server's roadmap in time fails like one whose database did
/// not answer: it runs again.
fn unavailable(e: crate::content::Unavailable) -> sqlx::Error {
    sqlx::Error::Protocol(e.to_string())
}

/// What one pass did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub planned: usize,
    pub claimed: usize,
}

impl Scheduler {
    pub fn new(app: Arc<App>, clock: Arc<dyn Clock>) -> Self {
        Self { app, clock }
    }

    /// Plans what is missing, then posts everything due, batch by batch, until nothing is due
    /// or `stop` is set (the batch in hand is finished first).
    pub async fn pass(&self, stop: &CancellationToken) -> sqlx::Result<Pass> {
        let jobs = Jobs::of(&self.app);
        let now = self.clock.now();
        let mut pass = Pass {
            planned: prompts::plan_unplanned(&jobs, now).await?
                + checkins::plan_unplanned(&jobs, now).await?
                + partners::plan_unplanned(&jobs, now).await?
                + crate::celebrations::queue_reached(
                    jobs.db,
                    jobs.content,
                    jobs.options.grace,
                    now,
                )
                .await?,
            claimed: 0,
        };
        while !stop.is_cancelled() {
            let now = self.clock.now();
            let due =
                scheduled::claim_due(jobs.db, jobs.instance, now, now + jobs.options.lease, BATCH)
                    .await?;
            if due.is_empty() {
                return Ok(pass);
            }
            pass.claimed += due.len();
            futures_util::stream::iter(due)
                .for_each_concurrent(IN_FLIGHT, |job| self.run(&jobs, job))
                .await;
        }
        Ok(pass)
    }

    async fn run(&self, jobs: &Jobs<'_>, job: Job) {
        metrics::scheduler_lag(&job.kind, self.clock.now() - job.due_at);
        let result = match job.kind.as_str() {
            prompts::KIND => prompts::run(jobs, self.clock.as_ref(), &job, false)
                .await
                .map(|_| ()),
            REMINDER | DIGEST => checkins::run(jobs, self.clock.as_ref(), &job)
                .await
                .map(|_| ()),
            achievements::PHASE | achievements::CHALLENGE => {
                celebrations::run(jobs, self.clock.as_ref(), &job)
                    .await
                    .map(|_| ())
            }
            challenge::START | challenge::MID | challenge::END => {
                challenges::run(jobs, self.clock.as_ref(), &job)
                    .await
                    .map(|_| ())
            }
            partners::KIND => partners::run(jobs, self.clock.as_ref(), &job)
                .await
                .map(|_| ()),
            partner_groups::THREAD => partner_threads::run(jobs, self.clock.as_ref(), &job)
                .await
                .map(|_| ()),
            partner_groups::NUDGE | partner_groups::MET => {
                partner_nudges::run(jobs, self.clock.as_ref(), &job)
                    .await
                    .map(|_| ())
            }
            other => {
                tracing::error!(kind = other, job = job.id, "unknown scheduled post kind");
                scheduled::finish(
                    jobs.db,
                    &job,
                    jobs.instance,
                    Outcome::Failed,
                    None,
                    Some("unknown kind"),
                    true,
                    self.clock.now(),
                )
                .await
                .map(|_| ())
            }
        };
        if let Err(e) = result {
            // The lease runs out and the post is picked up again.
            tracing::warn!(guild = job.guild.get(), job = job.id, error = %e, "a scheduled post hit a database error");
        }
    }

    /// Runs passes until `stop`, one every `poll`.
    pub async fn run_until(self, poll: Duration, stop: CancellationToken) {
        tracing::info!(instance = %self.app.instance, "scheduler started");
        loop {
            match self.pass(&stop).await {
                Ok(pass) if pass.claimed > 0 || pass.planned > 0 => {
                    tracing::info!(
                        planned = pass.planned,
                        posted = pass.claimed,
                        "scheduler pass"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "scheduler pass failed; retrying"),
            }
            tokio::select! {
                () = stop.cancelled() => break,
                () = tokio::time::sleep(poll) => {}
            }
        }
        tracing::info!("scheduler stopped");
    }
}
