//! The weekly check-in reminder and staff digest as scheduled posts.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serenity::all::GuildId;
use sqlx::PgConnection;

use super::deliver::{self, Ran};
use super::plan::plan_next_for;
use super::Jobs;
use crate::checkins::streak::{streak, week_number};
use crate::clock::Clock;
use crate::db::checkins::{self as store, CheckinSettings, DIGEST, REMINDER};
use crate::db::scheduled::Job;
use crate::render::checkin::{self as view, Remind};
use crate::render::discord::{channel_message, channel_message_pinging};
use crate::weekly::{week_key, WeeklySlot};

/// Members seen within this long and not checked in are listed in the digest.
const ACTIVE_FOR: chrono::Duration = chrono::Duration::days(30);
const PLAN_BATCH: i64 = 1000;

/// The digest of a week goes out first thing the next week: Mondays at 09:00, server time.
pub fn digest_slot(zone: Tz) -> WeeklySlot {
    WeeklySlot::new(
        Weekday::Mon,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
        zone,
    )
}

/// A digest due on a Monday reports on the week that just ended.
fn digest_period(due: DateTime<Utc>, zone: Tz) -> String {
    week_key(due - chrono::Duration::days(1), zone)
}

/// Plans the next reminder and digest of a server, after `after`.
pub async fn plan(
    conn: &mut PgConnection,
    guild: GuildId,
    settings: &CheckinSettings,
    after: DateTime<Utc>,
) -> sqlx::Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
    let zone = settings.reminder.zone;
    let reminder = plan_next_for(conn, guild, REMINDER, settings.reminder, after, |due| {
        week_key(due, zone)
    })
    .await?;
    let digest = plan_next_for(conn, guild, DIGEST, digest_slot(zone), after, |due| {
        digest_period(due, zone)
    })
    .await?;
    Ok((reminder, digest))
}

/// Plans reminders and digests for every server with check-ins on and none planned.
pub async fn plan_unplanned(jobs: &Jobs<'_>, now: DateTime<Utc>) -> sqlx::Result<usize> {
    let mut planned = 0;
    let mut conn = jobs.db.acquire().await?;
    for kind in [REMINDER, DIGEST] {
        for (guild, settings) in store::unplanned(jobs.db, kind, PLAN_BATCH).await? {
            let (reminder, digest) = plan(&mut conn, guild, &settings, now).await?;
            planned += usize::from(reminder.is_some()) + usize::from(digest.is_some());
        }
    }
    Ok(planned)
}

/// Posts a claimed reminder or digest and records how it went.
pub async fn run(jobs: &Jobs<'_>, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let now = clock.now();
    let Some(settings) = store::settings(jobs.db, job.guild).await? else {
        let ran = Ran::Skipped("check-ins are off in this server".into());
        deliver::record(jobs, job, now, &ran).await?;
        return Ok(ran);
    };
    let problem = settings
        .problem
        .as_ref()
        .map(|(problem, _)| problem.as_str());
    let ran = match deliver::reason_to_skip(jobs, job, now, false, problem) {
        Some(why) => Ran::Skipped(why),
        None if job.kind == REMINDER => remind(jobs, clock, job, &settings).await?,
        None => digest(jobs, clock, job, &settings).await?,
    };
    let now = clock.now();
    if !deliver::record(jobs, job, now, &ran).await? {
        return Ok(ran);
    }
    if let Ran::CannotPost(problem) = &ran {
        store::set_problem(jobs.db, job.guild, problem, now).await?;
    } else {
        let mut conn = jobs.db.acquire().await?;
        plan(&mut conn, job.guild, &settings, now.max(job.due_at)).await?;
    }
    Ok(ran)
}

/// Names the members who asked to be reminded and have not checked in this week (their own
/// week, in their zone), marking those whose streak would end.
async fn remind(
    jobs: &Jobs<'_>,
    clock: &dyn Clock,
    job: &Job,
    settings: &CheckinSettings,
) -> sqlx::Result<Ran> {
    let now = clock.now();
    let mut members = Vec::new();
    for candidate in store::opted_in(jobs.db, job.guild).await? {
        let Some(current) = week_number(&week_key(now, candidate.zone)) else {
            continue;
        };
        let checked: BTreeSet<i64> = candidate
            .weeks
            .iter()
            .filter_map(|w| week_number(w))
            .collect();
        if checked.contains(&current) {
            continue;
        }
        let streak = streak(&checked, current, settings.freeze_every);
        members.push(Remind {
            user: candidate.user,
            streak_weeks: streak.weeks,
            at_risk: streak.at_risk,
        });
    }
    if members.is_empty() {
        return Ok(Ran::Skipped(
            "everyone who asked for a reminder has checked in".into(),
        ));
    }
    let messages = view::reminder(&members)
        .into_iter()
        .map(|(reply, users)| channel_message_pinging(&reply, &users))
        .collect();
    deliver::send(jobs, clock, job, settings.channel, "reminder", messages).await
}

async fn digest(
    jobs: &Jobs<'_>,
    clock: &dyn Clock,
    job: &Job,
    settings: &CheckinSettings,
) -> sqlx::Result<Ran> {
    let since = clock.now() - ACTIVE_FOR;
    let (entries, missing, hidden) = store::digest(jobs.db, job.guild, &job.period, since).await?;
    let partners = crate::db::partner_groups::tally(jobs.db, job.guild, &job.period).await?;
    let messages = view::digest(&job.period, &entries, &missing, hidden, partners)
        .iter()
        .map(channel_message)
        .collect();
    deliver::send(jobs, clock, job, settings.staff_channel, "digest", messages).await
}
