//! Posting a claimed job: what every kind of scheduled post shares. The job's row records
//! the send before it goes out, every message carries a nonce derived from the row, and
//! Discord's answer decides the row's fate: posted, given up, or back in the queue later.

use chrono::{DateTime, Utc};
use serde_json::Value;
use serenity::all::{ChannelId, MessageId};

use super::Jobs;
use crate::clock::Clock;
use crate::db::scheduled::{self, Job, Outcome};
use crate::posting::PostError;

/// Discord drops a repeated nonce for "a few minutes"; past this, a post that went out but was
/// never confirmed is not sent again, since Discord might show it twice.
const NONCE_TRUSTED_FOR: chrono::Duration = chrono::Duration::minutes(3);
/// Tries before a post Discord keeps failing is given up for its period.
const MAX_ATTEMPTS: i32 = 5;
/// Waits between tries after a 5xx or a network error. They add up to about three minutes, so
/// every retry still falls inside the nonce's window.
const BACKOFF_SECONDS: [i64; 4] = [10, 30, 60, 90];

/// How a post attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ran {
    Posted {
        channel: ChannelId,
        message: MessageId,
        /// What was posted, for the log and `/prompt now`'s reply.
        what: String,
    },
    /// Done, by a job that posts nothing of its own (the partner match): what it did.
    Done(String),
    /// Not posted and not to be: turned off, missed the grace window, unconfirmed, nothing
    /// to say.
    Skipped(String),
    /// The channel is gone or forbidden; the kind pauses in that server until its settings
    /// change.
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

/// Why a claimed job should not be sent at all: its kind is paused in the server by `problem`
/// (a channel it could not post in), an earlier send was never confirmed and is too old to
/// repeat safely, or (unless `late_ok`) it was missed by more than the grace window.
pub fn reason_to_skip(
    jobs: &Jobs<'_>,
    job: &Job,
    now: DateTime<Utc>,
    late_ok: bool,
    problem: Option<&str>,
) -> Option<String> {
    if let Some(problem) = problem {
        return Some(format!("posting is paused: {problem}"));
    }
    match job.sent_at {
        Some(sent) if now - sent > NONCE_TRUSTED_FOR => Some(format!(
            "a post went out at {} without a confirmation; not sent again in case it arrived",
            sent.format("%Y-%m-%d %H:%M UTC")
        )),
        None if !late_ok && now - job.due_at > jobs.options.grace => Some(format!(
            "missed by more than the {}-hour grace window (Waypoint was not running)",
            jobs.options.grace.num_hours()
        )),
        _ => None,
    }
}

/// Sends `messages` (Create Message bodies, without nonce) to `channel` for the job. `what`
/// names what is posted; the row keeps it so a retry posts the same.
pub async fn send(
    jobs: &Jobs<'_>,
    clock: &dyn Clock,
    job: &Job,
    channel: ChannelId,
    what: &str,
    messages: Vec<Value>,
) -> sqlx::Result<Ran> {
    let owner = jobs.instance;
    let Some(poster) = jobs.poster else {
        return Ok(Ran::Failed(
            "this process has no Discord token to post with".into(),
        ));
    };
    if !scheduled::mark_sending(jobs.db, job, owner, clock.now(), channel, what).await? {
        return Ok(Ran::LostLease);
    }
    let mut first = None;
    for (part, mut message) in messages.into_iter().enumerate() {
        message["nonce"] = Value::String(nonce(job, part));
        message["enforce_nonce"] = Value::Bool(true);
        let failure = match poster.post(channel, &message).await {
            Ok(id) => {
                first.get_or_insert(id);
                continue;
            }
            Err(e) => e,
        };
        return Ok(match failure {
            PostError::CannotPost(why) => {
                Ran::CannotPost(format!("can't post in <#{channel}>: {why}"))
            }
            PostError::RateLimited { retry_after } => {
                // Refused means not posted: the retry is not a repeat of an unconfirmed send.
                wait_out(jobs, job, clock.now(), retry_after, part == 0).await?
            }
            PostError::Unavailable(why) if job.attempts < MAX_ATTEMPTS => {
                let step = usize::try_from(job.attempts - 1)
                    .unwrap_or(0)
                    .min(BACKOFF_SECONDS.len() - 1);
                let retry_at = clock.now() + chrono::Duration::seconds(BACKOFF_SECONDS[step]);
                scheduled::release(jobs.db, job, owner, retry_at, &why, false).await?;
                Ran::Retrying(why)
            }
            PostError::Unavailable(why) => {
                Ran::GaveUp(format!("gave up after {MAX_ATTEMPTS} tries: {why}"))
            }
            PostError::Rejected(why) => {
                tracing::error!(guild = job.guild.get(), job = job.id, kind = %job.kind, reason = %why, "Discord refused a scheduled post");
                Ran::Failed(why)
            }
        });
    }
    Ok(match first {
        Some(message) => Ran::Posted {
            channel,
            message,
            what: what.to_string(),
        },
        None => Ran::Skipped("nothing to post".into()),
    })
}

/// Gives a rate-limited job back, to be tried again once Discord's `retry_after` has passed.
/// `nothing_sent`: no part of it reached Discord, so the retry repeats nothing.
pub async fn wait_out(
    jobs: &Jobs<'_>,
    job: &Job,
    now: DateTime<Utc>,
    retry_after: std::time::Duration,
    nothing_sent: bool,
) -> sqlx::Result<Ran> {
    let wait = chrono::Duration::from_std(retry_after).unwrap_or_default();
    scheduled::release(
        jobs.db,
        job,
        jobs.instance,
        now + wait,
        "rate limited",
        nothing_sent,
    )
    .await?;
    Ok(Ran::Retrying("Discord is rate limiting posts".into()))
}

/// Records how the job ended; false when the lease was lost (or the job is still retrying),
/// in which case the caller must not plan or mark anything.
pub async fn record(
    jobs: &Jobs<'_>,
    job: &Job,
    now: DateTime<Utc>,
    ran: &Ran,
) -> sqlx::Result<bool> {
    let (outcome, message, detail) = match ran {
        Ran::Posted { message, .. } => (Outcome::Posted, Some(*message), None),
        Ran::Done(what) => (Outcome::Posted, None, Some(what.as_str())),
        Ran::Skipped(why) => (Outcome::Skipped, None, Some(why.as_str())),
        Ran::CannotPost(why) | Ran::Failed(why) | Ran::GaveUp(why) => {
            (Outcome::Failed, None, Some(why.as_str()))
        }
        Ran::Retrying(_) | Ran::LostLease => return Ok(false),
    };
    let uncertain =
        matches!(ran, Ran::GaveUp(_)) || (matches!(ran, Ran::Skipped(_)) && job.sent_at.is_some());
    let nothing_posted = message.is_none() && !uncertain;
    let owner = jobs.instance;
    let recorded = scheduled::finish(
        jobs.db,
        job,
        owner,
        outcome,
        message,
        detail,
        nothing_posted,
        now,
    )
    .await?;
    if recorded {
        log(job, ran);
    }
    Ok(recorded)
}

fn log(job: &Job, ran: &Ran) {
    let guild = job.guild.get();
    match ran {
        Ran::Posted { channel, .. } => {
            tracing::info!(guild, channel = channel.get(), kind = %job.kind, period = %job.period, "posted")
        }
        Ran::Done(what) => {
            tracing::info!(guild, kind = %job.kind, period = %job.period, what = %what, "done")
        }
        Ran::Skipped(why) => {
            tracing::info!(guild, kind = %job.kind, period = %job.period, reason = %why, "skipped a scheduled post")
        }
        Ran::CannotPost(why) | Ran::Failed(why) | Ran::GaveUp(why) => {
            tracing::warn!(guild, kind = %job.kind, period = %job.period, reason = %why, "could not post")
        }
        Ran::Retrying(_) | Ran::LostLease => {}
    }
}

/// At most 25 characters, unique per message of a post and the same on every retry of it.
fn nonce(job: &Job, part: usize) -> String {
    if part == 0 {
        format!("wp{}", job.id)
    } else {
        format!("wp{}-{part}", job.id)
    }
}
