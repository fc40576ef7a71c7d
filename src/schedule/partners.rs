//! The weekly partner match (issue 22): who joined and was active is grouped once per server
//! and week. The threads each group gets are not built yet; this makes and stores the groups.

use chrono::{DateTime, Duration, Utc};
use serenity::all::GuildId;

use super::Jobs;
use crate::db::partners::{self as store, NewGroup, PartnerSettings};
use crate::partners::matching::{group, Candidate, GroupSize};
use crate::partners::{phase_of, shared_topic, utc_offset};
use crate::weekly::{period_seed, week_key};

/// Members seen within this take part.
pub const ACTIVE_FOR: Duration = Duration::days(14);
/// Partners from within this are not repeated when that can be avoided.
pub const NO_REPEAT_FOR: Duration = Duration::weeks(4);

/// Groups the server's entrants for the week `now` falls in and stores the groups, unless the
/// week already has them. Returns how many groups were made (0 when the week had them or too
/// few joined).
pub async fn make_groups(
    jobs: &Jobs<'_>,
    guild: GuildId,
    settings: &PartnerSettings,
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
    let week = week_key(now, settings.slot.zone);
    // The same server and week always draw the same groups.
    let seed = period_seed(guild.get(), &week);
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
    let made = store::save_week(jobs.db, guild, &week, &groups, now).await?;
    Ok(if made { groups.len() } else { 0 })
}
