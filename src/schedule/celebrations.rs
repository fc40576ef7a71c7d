//! Posting a queued celebration: in the server's celebration channel, if celebrations are on,
//! the member is not hidden and the achievement still stands.

use super::deliver::{self, Ran};
use super::Jobs;
use crate::achievements::Achievement;
use crate::clock::Clock;
use crate::db::celebrations as store;
use crate::db::challenges::{self, Find};
use crate::db::scheduled::Job;
use crate::db::servers;
use crate::render::celebration as view;
use crate::render::discord::channel_message;

pub async fn run(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let ran = match Achievement::parse(&job.kind, &job.period) {
        None => Ran::Failed(format!("not a celebration: {} {}", job.kind, job.period)),
        Some(achievement) => celebrate(jobs, clock, job, achievement).await?,
    };
    deliver::record(jobs, job, clock.now(), &ran).await?;
    Ok(ran)
}

async fn celebrate(
    jobs: &Jobs<'_>,
    clock: &dyn Clock,
    job: &Job,
    achievement: Achievement,
) -> sqlx::Result<Ran> {
    let guild = job.guild;
    let Some(channel) = store::settings(jobs.db, guild).await?.target() else {
        return Ok(Ran::Skipped(
            "celebrations are off, or have no channel".into(),
        ));
    };
    let roadmap = jobs.roadmap(guild).await?;
    let (user, reply) = match achievement {
        Achievement::Phase { user, phase } => {
            let subject = store::subject(jobs.db, guild, user, Some((&roadmap.id, phase))).await?;
            if subject.hidden {
                return Ok(Ran::Skipped("the member is hidden".into()));
            }
            let Some(found) = roadmap.phase(phase).filter(|_| subject.phase_complete) else {
                return Ok(Ran::Skipped("the phase is no longer complete".into()));
            };
            let role = servers::phase_role(jobs.db, guild, phase).await?;
            (user, view::phase(user, found, role))
        }
        Achievement::Challenge { challenge, user } => {
            if store::subject(jobs.db, guild, user, None).await?.hidden {
                return Ok(Ran::Skipped("the member is hidden".into()));
            }
            match challenges::one(jobs.db, guild, Find::Id(challenge)).await? {
                Some(found) => (user, view::challenge(user, &found)),
                None => return Ok(Ran::Skipped("the challenge no longer exists".into())),
            }
        }
    };
    if let Some(why) = deliver::reason_to_skip(jobs, job, clock.now(), false, None) {
        return Ok(Ran::Skipped(why));
    }
    let what = format!("{} · {user}", job.kind);
    deliver::send(
        jobs,
        clock,
        job,
        channel,
        &what,
        vec![channel_message(&reply)],
    )
    .await
}
