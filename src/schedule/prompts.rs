//! Weekly prompts as scheduled posts: planning each server's next one, and posting one,
//! whether the scheduler or `/prompt now` claimed it.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, GuildId, MessageId};
use sqlx::PgConnection;

use super::clock::Clock;
use super::weekly::{week_key, week_label, WeeklySlot};
use crate::app::App;
use crate::db::prompts::{self as store, PromptSchedule};
use crate::db::scheduled::{self, Job, Outcome};
use crate::discord::post::PostError;
use crate::render::discord::channel_message;
use crate::render::prompt;
use crate::roadmap::{Prompt, Roadmap};

pub use crate::db::prompts::KIND;

/// Members seen within this long count as the server's active members.
const ACTIVE_FOR: chrono::Duration = chrono::Duration::days(30);
/// Discord drops a repeated nonce for "a few minutes"; past this, a post that went out but was
/// never confirmed is not sent again, since Discord might show it twice.
const NONCE_TRUSTED_FOR: chrono::Duration = chrono::Duration::minutes(3);
/// Tries before a post Discord keeps failing is given up for the week.
const MAX_ATTEMPTS: i32 = 5;
/// Waits between tries after a 5xx or a network error. They add up to about three minutes, so
/// every retry still falls inside the nonce's window.
const BACKOFF_SECONDS: [i64; 4] = [10, 30, 60, 90];
/// How many servers one pass plans for.
const PLAN_BATCH: i64 = 1000;

/// How a post attempt ended, for the scheduler's log and `/prompt now`'s reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Ran {
    Posted {
        channel: ChannelId,
        message: MessageId,
        prompt: String,
    },
    /// Not posted and not to be: prompts off, missed the grace window, unconfirmed.
    Skipped(String),
    /// The channel is gone or forbidden; prompts pause until the settings change.
    CannotPost(String),
    /// Discord failed or rate limited us; the scheduler tries again later.
    Retrying(String),
    /// Refused, or nothing to post: given up for this period, and nothing reached the channel.
    Failed(String),
    /// Discord kept failing; given up for this period, though a try may have reached it.
    GaveUp(String),
    /// Another process took the post over.
    LostLease,
}

/// Plans the next prompt of every server that has prompts on and none planned.
pub async fn plan_unplanned(app: &App, now: DateTime<Utc>) -> sqlx::Result<usize> {
    let servers = store::unplanned(&app.db, PLAN_BATCH).await?;
    let mut planned = 0;
    for (guild, schedule) in servers {
        let mut conn = app.db.acquire().await?;
        if plan_next(&mut conn, guild, schedule.slot, now)
            .await?
            .is_some()
        {
            planned += 1;
        }
    }
    Ok(planned)
}

/// Adds the server's first slot after `after` whose week has no post yet; returns when it is.
pub async fn plan_next(
    conn: &mut PgConnection,
    guild: GuildId,
    slot: WeeklySlot,
    after: DateTime<Utc>,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let mut after = after;
    // This week's post may exist already (posted early with /prompt now): then next week's.
    for _ in 0..3 {
        let Some(due) = slot.next_after(after) else {
            return Ok(None);
        };
        if scheduled::insert_pending(conn, guild, KIND, &week_key(due, slot.zone), due).await? {
            return Ok(Some(due));
        }
        after = due;
    }
    Ok(None)
}

/// The prompt the server gets for `period`: from the phase most active members are in.
pub async fn choose<'a>(
    app: &App,
    roadmap: &'a Roadmap,
    guild: GuildId,
    period: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<&'a Prompt>> {
    let phases = u8::try_from(roadmap.phases.len()).unwrap_or(u8::MAX);
    let members = store::active_members_by_phase(&app.db, guild, now - ACTIVE_FOR, phases).await?;
    let phase = crate::prompts::busiest_phase(&members);
    let posted = scheduled::posted_counts(&app.db, guild, KIND).await?;
    Ok(crate::prompts::choose(
        roadmap, phase, &posted, guild, period,
    ))
}

/// Posts a claimed prompt and records how it went. `staff` (from `/prompt now`) posts even
/// when the scheduled time is long past.
pub async fn run(app: &App, clock: &dyn Clock, job: &Job, staff: bool) -> sqlx::Result<Ran> {
    let owner = app.instance.as_str();
    let now = clock.now();
    let Some(schedule) = store::schedule(&app.db, job.guild).await? else {
        let ran = Ran::Skipped("prompts are off in this server".into());
        return end(app, job, now, &ran, None).await;
    };
    if let Some(skip) = reason_to_skip(app, &schedule, job, now, staff) {
        return end(app, job, now, &Ran::Skipped(skip), Some(&schedule)).await;
    }
    let roadmap = app.roadmap_for(Some(job.guild));
    let chosen = match &job.item {
        Some(id) => roadmap.prompt(id),
        None => choose(app, roadmap, job.guild, &job.period, now).await?,
    };
    let Some(chosen) = chosen else {
        let ran = Ran::Failed("the roadmap has no prompts to post".into());
        return end(app, job, now, &ran, Some(&schedule)).await;
    };
    let Some(poster) = &app.poster else {
        let ran = Ran::Failed("this process has no Discord token to post with".into());
        return end(app, job, now, &ran, Some(&schedule)).await;
    };
    if !scheduled::mark_sending(&app.db, job, owner, now, schedule.channel, &chosen.id).await? {
        return Ok(Ran::LostLease);
    }
    let post = prompt::post(roadmap, chosen, &week_label(&job.period));
    let message = channel_message(&post, &nonce(job));
    let ran = match poster.create_message(schedule.channel, &message).await {
        Ok(message) => Ran::Posted {
            channel: schedule.channel,
            message,
            prompt: chosen.title.clone(),
        },
        Err(PostError::CannotPost(why)) => {
            Ran::CannotPost(format!("can't post in <#{}>: {why}", schedule.channel))
        }
        Err(PostError::RateLimited { retry_after }) => {
            let retry_at =
                clock.now() + chrono::Duration::from_std(retry_after).unwrap_or_default();
            scheduled::release(&app.db, job, owner, retry_at, "rate limited", true).await?;
            return Ok(Ran::Retrying("Discord is rate limiting posts".into()));
        }
        Err(PostError::Unavailable(why)) if job.attempts < MAX_ATTEMPTS => {
            let wait = BACKOFF_SECONDS[usize::try_from(job.attempts - 1).unwrap_or(0).min(3)];
            let retry_at = clock.now() + chrono::Duration::seconds(wait);
            scheduled::release(&app.db, job, owner, retry_at, &why, false).await?;
            return Ok(Ran::Retrying(why));
        }
        Err(PostError::Unavailable(why)) => {
            Ran::GaveUp(format!("gave up after {MAX_ATTEMPTS} tries: {why}"))
        }
        Err(PostError::Rejected(why)) => {
            tracing::error!(guild = job.guild.get(), job = job.id, reason = %why, "Discord refused a prompt post");
            Ran::Failed(why)
        }
    };
    end(app, job, clock.now(), &ran, Some(&schedule)).await
}

fn reason_to_skip(
    app: &App,
    schedule: &PromptSchedule,
    job: &Job,
    now: DateTime<Utc>,
    staff: bool,
) -> Option<String> {
    if let Some((problem, _)) = &schedule.problem {
        return Some(format!("posting is paused: {problem}"));
    }
    match job.sent_at {
        Some(sent) if now - sent > NONCE_TRUSTED_FOR => Some(format!(
            "a post went out at {} without a confirmation; not sent again in case it arrived",
            sent.format("%Y-%m-%d %H:%M UTC")
        )),
        None if !staff && now - job.due_at > app.schedule.grace => Some(format!(
            "missed by more than the {}-hour grace window (Waypoint was not running)",
            app.schedule.grace.num_hours()
        )),
        _ => None,
    }
}

/// Records the end of a post and plans the server's next one.
async fn end(
    app: &App,
    job: &Job,
    now: DateTime<Utc>,
    ran: &Ran,
    schedule: Option<&PromptSchedule>,
) -> sqlx::Result<Ran> {
    let (outcome, message, detail) = match ran {
        Ran::Posted { message, .. } => (Outcome::Posted, Some(*message), None),
        Ran::Skipped(why) => (Outcome::Skipped, None, Some(why.as_str())),
        Ran::CannotPost(why) | Ran::Failed(why) | Ran::GaveUp(why) => {
            (Outcome::Failed, None, Some(why.as_str()))
        }
        Ran::Retrying(_) | Ran::LostLease => return Ok(ran.clone()),
    };
    let uncertain =
        matches!(ran, Ran::GaveUp(_)) || (matches!(ran, Ran::Skipped(_)) && job.sent_at.is_some());
    let nothing_posted = message.is_none() && !uncertain;
    let owner = &app.instance;
    if !scheduled::finish(
        &app.db,
        job,
        owner,
        outcome,
        message,
        detail,
        nothing_posted,
        now,
    )
    .await?
    {
        return Ok(Ran::LostLease);
    }
    log(job, ran);
    if let Ran::CannotPost(problem) = ran {
        store::set_problem(&app.db, job.guild, problem, now).await?;
    } else if let Some(schedule) = schedule {
        let mut conn = app.db.acquire().await?;
        plan_next(&mut conn, job.guild, schedule.slot, now.max(job.due_at)).await?;
    }
    Ok(ran.clone())
}

fn log(job: &Job, ran: &Ran) {
    let guild = job.guild.get();
    match ran {
        Ran::Posted { channel, .. } => {
            tracing::info!(guild, channel = channel.get(), period = %job.period, "posted the weekly prompt")
        }
        Ran::Skipped(why) => {
            tracing::info!(guild, period = %job.period, reason = %why, "skipped the weekly prompt")
        }
        Ran::CannotPost(why) | Ran::Failed(why) | Ran::GaveUp(why) => {
            tracing::warn!(guild, period = %job.period, reason = %why, "could not post the weekly prompt")
        }
        Ran::Retrying(_) | Ran::LostLease => {}
    }
}

/// At most 25 characters, unique per post and the same on every retry of it.
fn nonce(job: &Job) -> String {
    format!("wp{}", job.id)
}
