//! The weekly partner match: a scheduled post of its own, once per server and week, that groups
//! the members who joined and were active, then plans each group's thread, mid-week nudge and
//! end-of-week question as scheduled posts (see `partner_threads` and `partner_nudges`).

use chrono::{DateTime, Duration, Utc};
use serenity::all::GuildId;

use super::deliver::{self, Ran};
use super::plan::plan_next;
use super::Jobs;
use crate::clock::Clock;
use crate::db::partner_groups::{self as groups, MET, NUDGE, THREAD};
use crate::db::partners::{self as store, NewGroup, PartnerSettings};
use crate::db::scheduled::Job;
use crate::partners::matching::{group, Candidate, GroupSize};
use crate::partners::{phase_of, shared_topic, utc_offset};
use crate::weekly::period_seed;

pub use crate::db::partners::MATCH as KIND;

/// Members seen within this take part.
pub const ACTIVE_FOR: Duration = Duration::days(14);
/// Partners from within this are not repeated when that can be avoided.
pub const NO_REPEAT_FOR: Duration = Duration::weeks(4);
/// The nudge comes this long after the match, in the middle of the week it is for.
const NUDGE_AFTER: Duration = Duration::days(3);
/// "Did you meet?" comes this long after the match, a day before the next one.
const ASK_AFTER: Duration = Duration::days(6);
/// How many servers one pass plans for.
const PLAN_BATCH: i64 = 1000;

/// Plans the next match of every server that has partners on and none planned.
pub async fn plan_unplanned(jobs: &Jobs<'_>, now: DateTime<Utc>) -> sqlx::Result<usize> {
    let mut planned = 0;
    let mut conn = jobs.db.acquire().await?;
    for (guild, slot) in store::unplanned(jobs.db, PLAN_BATCH).await? {
        if plan_next(&mut conn, guild, KIND, slot, now)
            .await?
            .is_some()
        {
            planned += 1;
        }
    }
    Ok(planned)
}

/// Runs a claimed match: groups the week (once, whoever runs it), plans each group's posts,
/// records how it went and plans next week's match.
pub async fn run(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let now = clock.now();
    let Some(settings) = store::settings(jobs.db, job.guild).await? else {
        let ran = Ran::Skipped("weekly partners are off in this server".into());
        deliver::record(jobs, job, now, &ran).await?;
        return Ok(ran);
    };
    let problem = settings.problem.as_ref().map(|(p, _)| p.as_str());
    let ran = match deliver::reason_to_skip(jobs, job, now, false, problem) {
        Some(why) => Ran::Skipped(why),
        None => match_week(jobs, job, &settings, now).await?,
    };
    if deliver::record(jobs, job, clock.now(), &ran).await? {
        let mut conn = jobs.db.acquire().await?;
        plan_next(
            &mut conn,
            job.guild,
            KIND,
            settings.slot,
            now.max(job.due_at),
        )
        .await?;
    }
    Ok(ran)
}

async fn match_week(
    jobs: &Jobs<'_>,
    job: &Job,
    settings: &PartnerSettings,
    now: DateTime<Utc>,
) -> sqlx::Result<Ran> {
    let week = job.period.as_str();
    make_groups(jobs, job.guild, settings, week, now).await?;
    // Planned whether this run made the groups or an earlier one did and stopped short.
    let mut tx = jobs.db.begin().await?;
    groups::plan_for_groups(&mut tx, job.guild, week, THREAD, now).await?;
    groups::plan_for_groups(&mut tx, job.guild, week, NUDGE, job.due_at + NUDGE_AFTER).await?;
    groups::plan_for_groups(&mut tx, job.guild, week, MET, job.due_at + ASK_AFTER).await?;
    tx.commit().await?;
    let tally = groups::tally(jobs.db, job.guild, week).await?;
    Ok(if tally.groups == 0 {
        Ran::Skipped("fewer than two members joined and were active in the last 14 days".into())
    } else {
        Ran::Done(format!(
            "matched {}",
            crate::words::count(tally.groups, "group", "groups")
        ))
    })
}

/// Groups the server's entrants for `week` and stores the groups, unless the week already has
/// them. Returns how many groups were made (0 when the week had them or too
/// few joined).
pub async fn make_groups(
    jobs: &Jobs<'_>,
    guild: GuildId,
    settings: &PartnerSettings,
    week: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let roadmap = jobs.roadmap(guild).await?;
    let phases = u8::try_from(roadmap.phases.len()).unwrap_or(u8::MAX);
    let entrants = store::entrants(
        jobs.db,
        guild,
        &roadmap.id,
        now - ACTIVE_FOR,
        now - NO_REPEAT_FOR,
    )
    .await?;
    let candidates: Vec<Candidate> = entrants
        .iter()
        .map(|e| Candidate {
            user: e.user.get(),
            phase: phase_of(&e.completed, phases),
            utc_offset: utc_offset(e.zone, now),
            recent: e.recent.iter().map(|u| u.get()).collect(),
        })
        .collect();
    let size = if settings.size == 3 {
        GroupSize::Trios
    } else {
        GroupSize::Pairs
    };
    // The same server and week always draw the same groups.
    let seed = period_seed(guild.get(), week);
    let groups: Vec<NewGroup> = group(&candidates, size, seed)
        .into_iter()
        .map(|members| {
            let learning: Vec<&[String]> = members
                .iter()
                .map(|&i| entrants[i].learning.as_slice())
                .collect();
            let phases: Vec<u8> = members.iter().map(|&i| candidates[i].phase).collect();
            NewGroup {
                members: members.iter().map(|&i| entrants[i].user).collect(),
                topic: shared_topic(&roadmap, &learning, &phases),
            }
        })
        .collect();
    let made = store::save_week(jobs.db, guild, week, &groups, now).await?;
    Ok(if made { groups.len() } else { 0 })
}
