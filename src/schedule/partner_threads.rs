//! Each partner group's thread, a scheduled post of its own: open it (private where Discord
//! allows, else public), add the members, post the intro. One group's failure leaves the
//! others alone; a failed opening is tried once more, then recorded.
//!
//! Opening a thread has no nonce, so exactly one thread per group rests on two records: the
//! request is noted before it goes out, and a group whose request went out without its thread
//! being recorded looks for it (by its name, unique per server, week and group) among the
//! server's active threads before opening another.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, UserId};

use super::deliver::{self, Ran};
use super::Jobs;
use crate::clock::Clock;
use crate::db::partner_groups::{self as groups, parse_period, Group, Partner};
use crate::db::partners::{self as store, PartnerSettings};
use crate::db::scheduled::{self, Job};
use crate::posting::{Post, PostError};
use crate::render::discord::channel_message_pinging;
use crate::render::partners::{intro, thread_name, Missing};

/// Tries at opening a group's thread before it is recorded as failed.
const OPEN_TRIES: i32 = 2;
/// The wait before the second try.
const RETRY_AFTER: chrono::Duration = chrono::Duration::seconds(30);

/// Opens, fills and introduces a claimed group's thread and records how it went.
pub async fn run(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let ran = thread(jobs, clock, job).await?;
    deliver::record(jobs, job, clock.now(), &ran).await?;
    Ok(ran)
}

/// The settings and the group a claimed group post is for, or why there is nothing to do.
pub(super) async fn claimed_group(
    jobs: &Jobs<'_>,
    job: &Job,
) -> sqlx::Result<Result<(PartnerSettings, Group), Ran>> {
    let Some(settings) = store::settings(jobs.db, job.guild).await? else {
        return Ok(Err(Ran::Skipped(
            "weekly partners are off in this server".into(),
        )));
    };
    let Some((week, number)) = parse_period(&job.period) else {
        return Ok(Err(Ran::Failed(format!(
            "{} is not a group's period",
            job.period
        ))));
    };
    Ok(
        match groups::group(jobs.db, job.guild, week, number).await? {
            Some(group) => Ok((settings, group)),
            None => Err(Ran::Skipped("the group no longer exists".into())),
        },
    )
}

async fn thread(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let now = clock.now();
    let (settings, group) = match claimed_group(jobs, job).await? {
        Ok(found) => found,
        Err(ran) => return Ok(ran),
    };
    let week = group.week.as_str();
    let problem = settings.problem.as_ref().map(|(p, _)| p.as_str());
    if let Some(why) = deliver::reason_to_skip(jobs, job, now, false, problem) {
        return Ok(Ran::Skipped(why));
    }
    let Some(poster) = jobs.poster else {
        return Ok(Ran::Failed(
            "this process has no Discord token to post with".into(),
        ));
    };
    let roadmap = jobs.roadmap(job.guild).await?;
    let members = groups::members(jobs.db, group.id, &roadmap.id).await?;
    let (thread, public) = match group.thread {
        Some(thread) => (thread, group.public),
        None => match open(jobs, poster, job, &settings, &group, &members, now).await? {
            Ok(opened) => opened,
            Err(ran) => return Ok(ran),
        },
    };
    // Who left with `/partners leave` is out of the thread; so is a hidden member when the
    // thread is public, since everyone there could see them.
    let mut missing = Missing::default();
    let mut present: Vec<&Partner> = Vec::new();
    let mut added: Vec<UserId> = Vec::new();
    for member in members.iter().filter(|m| m.joined) {
        if public && member.hidden {
            missing.kept_private += 1;
            continue;
        }
        if member.in_thread {
            present.push(member);
            continue;
        }
        match poster.add_to_thread(thread, member.user).await {
            Ok(true) => {
                added.push(member.user);
                present.push(member);
            }
            Ok(false) => missing.left_server += 1,
            Err(e) => {
                groups::mark_in_thread(jobs.db, group.id, &added).await?;
                return failed(jobs, job, clock.now(), e, "add the members to the thread").await;
            }
        }
    }
    groups::mark_in_thread(jobs.db, group.id, &added).await?;
    if present.is_empty() {
        return Ok(Ran::Skipped(
            "everyone in the group left the server before their thread was ready".into(),
        ));
    }
    let users: Vec<UserId> = present.iter().map(|p| p.user).collect();
    let reply = intro(
        &roadmap,
        week,
        &present,
        group.topic.as_deref(),
        missing,
        now,
    );
    let message = channel_message_pinging(&reply, &users);
    deliver::send(jobs, clock, job, thread, "intro", vec![message]).await
}

/// Opens the group's thread, or finds the one an earlier run opened: `Ok(Err(ran))` when there
/// is none to go on with (yet).
async fn open(
    jobs: &Jobs<'_>,
    poster: &dyn Post,
    job: &Job,
    settings: &PartnerSettings,
    group: &Group,
    members: &[Partner],
    now: DateTime<Utc>,
) -> sqlx::Result<Result<(ChannelId, bool), Ran>> {
    let joined = members.iter().filter(|m| m.joined).count();
    if joined < 2 {
        return Ok(Err(Ran::Skipped(
            "fewer than two of the group are still in the match".into(),
        )));
    }
    let name = thread_name(&group.week, group.number);
    if group.thread_requested {
        let found = match poster.active_threads(job.guild).await {
            Ok(threads) => threads
                .into_iter()
                .find(|t| t.parent_id == Some(settings.channel) && t.name == name),
            Err(e) => {
                return failed(jobs, job, now, e, "look for the thread")
                    .await
                    .map(Err)
            }
        };
        if let Some(thread) = found {
            let public = thread.is_public();
            groups::save_thread(jobs.db, group.id, thread.id, public).await?;
            return Ok(Ok((thread.id, public)));
        }
    }
    groups::thread_requested(jobs.db, group.id, now).await?;
    let private = match &settings.public_because {
        None => poster.create_thread(settings.channel, &name, true).await,
        Some(why) => Err(PostError::CannotPost(why.clone())),
    };
    let opened = match private {
        Ok(thread) => Ok((thread, false)),
        Err(PostError::CannotPost(why)) => {
            let can_be_public = members.iter().filter(|m| m.joined && !m.hidden).count();
            if can_be_public < 2 {
                return Ok(Err(Ran::Skipped(format!(
                    "no private thread ({why}), and the group's members keep their progress \
                     private, so it gets no public one"
                ))));
            }
            let public = poster.create_thread(settings.channel, &name, false).await;
            if public.is_ok() && settings.public_because.is_none() {
                store::set_public_because(jobs.db, job.guild, &why).await?;
            }
            public.map(|thread| (thread, true))
        }
        Err(e) => Err(e),
    };
    match opened {
        Ok((thread, public)) => {
            groups::save_thread(jobs.db, group.id, thread, public).await?;
            Ok(Ok((thread, public)))
        }
        Err(PostError::CannotPost(why)) => {
            // Neither kind of thread can be opened there: the match waits for new settings.
            store::set_problem(jobs.db, job.guild, &why, now).await?;
            Ok(Err(Ran::CannotPost(why)))
        }
        Err(e) => failed(jobs, job, now, e, "open the thread").await.map(Err),
    }
}

/// What a failed request means for the group: wait out a rate limit, try once more after a
/// failure of Discord's, else give up on this group (the others go on).
async fn failed(
    jobs: &Jobs<'_>,
    job: &Job,
    now: DateTime<Utc>,
    error: PostError,
    doing: &str,
) -> sqlx::Result<Ran> {
    let owner = jobs.instance;
    Ok(match error {
        PostError::RateLimited { retry_after } => {
            deliver::wait_out(jobs, job, now, retry_after, true).await?
        }
        PostError::Unavailable(why) if job.attempts < OPEN_TRIES => {
            scheduled::release(jobs.db, job, owner, now + RETRY_AFTER, &why, false).await?;
            Ran::Retrying(why)
        }
        PostError::Unavailable(why) => {
            Ran::Failed(format!("could not {doing} after {OPEN_TRIES} tries: {why}"))
        }
        PostError::CannotPost(why) => Ran::CannotPost(why),
        PostError::Rejected(why) => {
            tracing::error!(guild = job.guild.get(), job = job.id, reason = %why, "Discord refused a partner thread request");
            Ran::Failed(why)
        }
    })
}
