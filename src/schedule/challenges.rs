//! A challenge's start, mid-point and end announcements as scheduled posts. The end also
//! closes the challenge: finishers get its points (once, by the award's key) and its role.

use serenity::all::RoleId;

use super::deliver::{self, Ran};
use super::Jobs;
use crate::challenges::finish::finish;
use crate::challenges::standing::{rank, Progress};
use crate::clock::Clock;
use crate::db::challenges::{self as store, Challenge, Find, Status, END, MID, START};
use crate::db::scheduled::Job;
use crate::ids;
use crate::render::challenge::{self as view, RoleOutcome};
use crate::render::discord::channel_message;
use crate::render::Reply;
use crate::roles::{change_role, RoleChange};

/// Posts a claimed announcement and records how it went.
pub async fn run(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let challenge = match job.period.parse::<i64>() {
        Ok(id) => store::one(jobs.db, job.guild, Find::Id(id)).await?,
        Err(_) => None,
    };
    let ran = match challenge {
        None => Ran::Skipped("the challenge no longer exists".into()),
        Some(challenge) => announce(jobs, clock, job, &challenge).await?,
    };
    deliver::record(jobs, job, clock.now(), &ran).await?;
    Ok(ran)
}

async fn announce(
    jobs: &Jobs<'_>,
    clock: &dyn Clock,
    job: &Job,
    challenge: &Challenge,
) -> sqlx::Result<Ran> {
    let now = clock.now();
    if challenge.status == Status::Cancelled {
        return Ok(Ran::Skipped("the challenge was cancelled".into()));
    }
    // Announcements that were due while Waypoint was down still go out, as long as they are
    // not overtaken: a start or mid-point after the end would only confuse.
    let over = challenge.status != Status::Open || now >= challenge.ends_at;
    let reply = match job.kind.as_str() {
        START | MID if over => return Ok(Ran::Skipped("the challenge is already over".into())),
        START => view::started(challenge),
        MID => {
            let (ranked, hidden) = rank(progress(jobs, challenge, now).await?);
            view::halfway(challenge, &ranked, hidden)
        }
        END => match close(jobs, clock, challenge).await? {
            Some(reply) => reply,
            None => return Ok(Ran::Skipped("the challenge was cancelled".into())),
        },
        other => return Ok(Ran::Failed(format!("not a challenge post: {other}"))),
    };
    if let Some(why) = deliver::reason_to_skip(jobs, job, now, true, None) {
        return Ok(Ran::Skipped(why));
    }
    let what = format!("{} · {}", job.kind, challenge.name);
    deliver::send(
        jobs,
        clock,
        job,
        challenge.channel.into(),
        &what,
        vec![channel_message(&reply)],
    )
    .await
}

async fn progress(
    jobs: &Jobs<'_>,
    challenge: &Challenge,
    until: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<Vec<Progress>> {
    let topics = jobs.challenge_topics(challenge).await?;
    store::progress(jobs.db, challenge, topics.as_deref(), until, None).await
}

/// Closes the challenge: its final standing, points and role for finishers, and the end
/// announcement. `None` when it was cancelled meanwhile.
async fn close(
    jobs: &Jobs<'_>,
    clock: &dyn Clock,
    challenge: &Challenge,
) -> sqlx::Result<Option<Reply>> {
    let entries = progress(jobs, challenge, challenge.ends_at).await?;
    let end = finish(challenge, entries);
    if !store::close(jobs.db, challenge, &end.finishers, end.grant.as_ref()).await? {
        return Ok(None);
    }
    let roles = match end.role {
        Some(role) => give_role(jobs, clock, challenge, role.into(), &end.finishers).await,
        None => RoleOutcome::default(),
    };
    Ok(Some(view::ended(
        challenge,
        &end.standing,
        end.hidden_finishers,
        &roles,
    )))
}

/// Gives the challenge's role to each finisher (giving it again is harmless, so a retried
/// end does no harm). Stops at a refusal that would refuse everyone, so a missing permission
/// costs one failed request rather than one per finisher.
async fn give_role(
    jobs: &Jobs<'_>,
    clock: &dyn Clock,
    challenge: &Challenge,
    role: RoleId,
    finishers: &[ids::UserId],
) -> RoleOutcome {
    let reason = format!("Waypoint: finished the challenge {}", challenge.name);
    let mut outcome = RoleOutcome::default();
    for user in finishers {
        match change_role(
            jobs.roles,
            challenge.guild.into(),
            (*user).into(),
            role,
            true,
            &reason,
            clock.now(),
        )
        .await
        {
            RoleChange::Given(_) => outcome.given += 1,
            RoleChange::Failed {
                reason,
                server_wide: true,
                ..
            } => {
                outcome.problem = Some(reason);
                break;
            }
            _ => {}
        }
    }
    outcome
}
