//! Weekly prompts as scheduled posts: planning each server's next one, and posting one,
//! whether the scheduler or `/prompt now` claimed it.

use chrono::{DateTime, Utc};
use serenity::all::GuildId;

use super::deliver::{self, Ran};
use super::plan::plan_next;
use super::Jobs;
use crate::clock::Clock;
use crate::db::prompts as store;
use crate::db::scheduled::{self, Job};
use crate::render::discord::channel_message;
use crate::render::prompt;
use crate::roadmap::{Prompt, Roadmap};

pub use crate::db::prompts::KIND;

/// Members seen within this long count as the server's active members.
const ACTIVE_FOR: chrono::Duration = chrono::Duration::days(30);
/// How many servers one pass plans for.
const PLAN_BATCH: i64 = 1000;

/// Plans the next prompt of every server that has prompts on and none planned.
pub async fn plan_unplanned(jobs: &Jobs<'_>, now: DateTime<Utc>) -> sqlx::Result<usize> {
    let servers = store::unplanned(jobs.db, PLAN_BATCH).await?;
    let mut planned = 0;
    let mut conn = jobs.db.acquire().await?;
    for (guild, schedule) in servers {
        if plan_next(&mut conn, guild, KIND, schedule.slot, now)
            .await?
            .is_some()
        {
            planned += 1;
        }
    }
    Ok(planned)
}

/// The prompt the server gets for `period`: from the phase most active members are in.
pub async fn choose<'a>(
    jobs: &Jobs<'_>,
    roadmap: &'a Roadmap,
    guild: GuildId,
    period: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<&'a Prompt>> {
    let phases = u8::try_from(roadmap.phases.len()).unwrap_or(u8::MAX);
    let members =
        store::active_members_by_phase(jobs.db, guild, now - ACTIVE_FOR, &roadmap.id, phases)
            .await?;
    let phase = crate::prompts::busiest_phase(&members);
    let posted = scheduled::posted_counts(jobs.db, guild, KIND).await?;
    Ok(crate::prompts::choose(
        roadmap,
        phase,
        &posted,
        guild.get(),
        period,
    ))
}

/// Posts a claimed prompt and records how it went. `staff` (from `/prompt now`) posts even
/// when the scheduled time is long past.
pub async fn run(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job, staff: bool) -> sqlx::Result<Ran> {
    let now = clock.now();
    let Some(schedule) = store::schedule(jobs.db, job.guild).await? else {
        let ran = Ran::Skipped("prompts are off in this server".into());
        deliver::record(jobs, job, now, &ran).await?;
        return Ok(ran);
    };
    let problem = schedule
        .problem
        .as_ref()
        .map(|(problem, _)| problem.as_str());
    let ran = match deliver::reason_to_skip(jobs, job, now, staff, problem) {
        Some(why) => Ran::Skipped(why),
        None => post(jobs, clock, job, schedule.channel).await?,
    };
    let now = clock.now();
    if !deliver::record(jobs, job, now, &ran).await? {
        return Ok(ran);
    }
    if let Ran::CannotPost(problem) = &ran {
        store::set_problem(jobs.db, job.guild, problem, now).await?;
    } else {
        let mut conn = jobs.db.acquire().await?;
        plan_next(
            &mut conn,
            job.guild,
            KIND,
            schedule.slot,
            now.max(job.due_at),
        )
        .await?;
    }
    Ok(ran)
}

async fn post(
    jobs: &Jobs<'_>,
    clock: &dyn Clock,
    job: &Job,
    channel: serenity::all::ChannelId,
) -> sqlx::Result<Ran> {
    let roadmap = jobs.roadmap(job.guild).await?;
    let chosen = match &job.item {
        Some(id) => roadmap.prompt(id),
        None => choose(jobs, &roadmap, job.guild, &job.period, clock.now()).await?,
    };
    let Some(chosen) = chosen else {
        return Ok(Ran::Failed("the roadmap has no prompts to post".into()));
    };
    let post = prompt::post(&roadmap, chosen, &job.period);
    let ran = deliver::send(
        jobs,
        clock,
        job,
        channel,
        &chosen.id,
        vec![channel_message(&post)],
    )
    .await?;
    Ok(match ran {
        Ran::Posted {
            channel, message, ..
        } => Ran::Posted {
            channel,
            message,
            what: chosen.title.clone(),
        },
        other => other,
    })
}
