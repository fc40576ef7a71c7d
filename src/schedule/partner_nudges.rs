//! The posts in a partner group's thread during its week: the mid-week nudge and the
//! end-of-week "did you meet?" question, each a scheduled post per group, naming only the
//! members who are in the thread.

use serenity::all::UserId;

use super::deliver::{self, Ran};
use super::partner_threads::claimed_group;
use super::Jobs;
use crate::clock::Clock;
use crate::db::partner_groups::{self as groups, Partner, NUDGE};
use crate::db::scheduled::Job;
use crate::render::discord::channel_message_pinging;
use crate::render::partners::{nudge, question};

/// Posts a claimed nudge or question and records how it went.
pub async fn run(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let ran = post(jobs, clock, job).await?;
    deliver::record(jobs, job, clock.now(), &ran).await?;
    Ok(ran)
}

async fn post(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let group = match claimed_group(jobs, job).await? {
        Ok((_, group)) => group,
        Err(ran) => return Ok(ran),
    };
    let Some(thread) = group.thread else {
        return Ok(Ran::Skipped("the group has no thread".into()));
    };
    if let Some(why) = deliver::reason_to_skip(jobs, job, clock.now(), false, None) {
        return Ok(Ran::Skipped(why));
    }
    let roadmap = jobs.roadmap(job.guild).await?;
    let members = groups::members(jobs.db, group.id, &roadmap.id).await?;
    let present: Vec<&Partner> = members.iter().filter(|m| m.in_thread).collect();
    if present.is_empty() {
        return Ok(Ran::Skipped("nobody in the group is in its thread".into()));
    }
    let users: Vec<UserId> = present.iter().map(|p| p.user).collect();
    let (reply, what) = if job.kind == NUDGE {
        (nudge(&present), "nudge")
    } else {
        (question(group.id, &present), "did you meet?")
    };
    let message = channel_message_pinging(&reply, &users);
    deliver::send(jobs, clock, job, thread, what, vec![message]).await
}
