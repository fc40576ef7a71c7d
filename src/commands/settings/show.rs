//! `/settings show`: every setting of the server at a glance, with any problem Waypoint ran
//! into while acting on them.

use std::fmt::Write;

use super::super::error::CommandResult;
use super::super::handler::Ctx;
use crate::db::checkins::{self as checkin_store, CheckinSettings};
use crate::db::prompts::{self as prompt_store, PromptSchedule};
use crate::db::scheduled::{self, PostRecord};
use crate::db::servers;
use crate::render::{Embed, Reply};

pub(super) async fn show(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    let guild = ctx.guild()?;
    let settings = servers::settings(&ctx.app.db, guild).await?;
    let schedule = prompt_store::schedule(&ctx.app.db, guild).await?;
    let (next, last) = scheduled::next_and_last(&ctx.app.db, guild, prompt_store::KIND).await?;
    let checkins = checkin_store::settings(&ctx.app.db, guild).await?;
    let celebrations = crate::db::celebrations::settings(&ctx.app.db, guild).await?;
    let partners = crate::db::partners::settings(&ctx.app.db, guild).await?;
    let partners_joined = crate::db::partners::count(&ctx.app.db, guild).await?;
    let partners_last = crate::db::partner_groups::last_match(&ctx.app.db, guild).await?;
    let (next_reminder, _) =
        scheduled::next_and_last(&ctx.app.db, guild, checkin_store::REMINDER).await?;
    let (next_digest, _) =
        scheduled::next_and_last(&ctx.app.db, guild, checkin_store::DIGEST).await?;
    let mut roles = String::new();
    for phase in &roadmap.phases {
        let role = settings
            .phase_roles
            .iter()
            .find(|(n, _)| *n == phase.number)
            .map_or("no role".to_string(), |(_, role)| format!("<@&{role}>"));
        let _ = writeln!(roles, "Phase {} · {}: {role}", phase.number, phase.title);
    }
    if let Some((problem, at)) = &settings.role_problem {
        let _ = write!(
            roles,
            "\n⚠️ The last role change failed ({}): {problem}",
            at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    let embed = Embed::new("Waypoint settings")
        .field(
            "Roadmap",
            format!(
                "**{}** (`{}`): {} phases, {} topics",
                roadmap.title,
                roadmap.id,
                roadmap.phases.len(),
                roadmap.topic_count()
            ),
        )
        .field(
            "Time zone",
            format!(
                "{} (the `timezone:` option of `/settings prompts` or `/settings checkins` sets it)",
                settings.timezone
            ),
        )
        .field(
            "Weekly prompts",
            prompts_field(schedule.as_ref(), next.as_ref(), last.as_ref()),
        )
        .field(
            "Weekly check-ins",
            checkins_field(
                checkins.as_ref(),
                next_reminder.as_ref(),
                next_digest.as_ref(),
            ),
        )
        .field(
            "Accountability partners",
            super::partners::describe(
                partners.as_ref(),
                partners_joined,
                partners_last.as_ref(),
            ),
        )
        .field("Phase roles", roles)
        .field(
            "Celebrations",
            format!(
                "{} (`/settings celebrations`)",
                super::celebrations::describe(&celebrations)
            ),
        )
        .field(
            "Completing a phase",
            if settings.count_skipped {
                "Done or skipped topics count (`/settings phase-completion`)"
            } else {
                "Only done topics count (`/settings phase-completion`)"
            },
        )
        .field(
            "Members who have used Waypoint",
            settings.members.to_string(),
        )
        .footer(format!("Waypoint {}", env!("CARGO_PKG_VERSION")));
    Ok(Reply::embed(embed))
}

fn checkins_field(
    settings: Option<&CheckinSettings>,
    next_reminder: Option<&PostRecord>,
    next_digest: Option<&PostRecord>,
) -> String {
    let Some(settings) = settings else {
        return "Off. Turn them on with `/settings checkins`.".into();
    };
    let mut text = format!(
        "Reminder every {} in <#{}> · staff digest Mondays 09:00 in <#{}> · \
         confirmations {} · a freeze every {}",
        settings.reminder.describe(),
        settings.channel,
        settings.staff_channel,
        if settings.public { "public" } else { "private" },
        crate::words::count(settings.freeze_every, "week", "weeks")
    );
    if let Some((problem, at)) = &settings.problem {
        let _ = write!(
            text,
            "\n⚠️ Paused since {}: {problem}. Fix it, then run `/settings checkins` again to \
             resume.",
            at.format("%Y-%m-%d %H:%M UTC")
        );
    } else {
        for (what, next) in [("reminder", next_reminder), ("digest", next_digest)] {
            if let Some(next) = next {
                let _ = write!(text, "\nNext {what}: <t:{}:F>", next.due_at.timestamp());
            }
        }
    }
    text
}

fn prompts_field(
    schedule: Option<&PromptSchedule>,
    next: Option<&PostRecord>,
    last: Option<&PostRecord>,
) -> String {
    let Some(schedule) = schedule else {
        return "Off. Turn them on with `/settings prompts`.".into();
    };
    let mut text = format!(
        "Every {} in <#{}>",
        schedule.slot.describe(),
        schedule.channel
    );
    if let Some((problem, at)) = &schedule.problem {
        let _ = write!(
            text,
            "\n⚠️ Paused since {}: {problem}. Fix it, then run `/settings prompts` again to \
             resume.",
            at.format("%Y-%m-%d %H:%M UTC")
        );
    } else if let Some(next) = next {
        let _ = write!(text, "\nNext: <t:{}:F>", next.due_at.timestamp());
    }
    if let Some(last) = last {
        let when = last.finished_at.unwrap_or(last.due_at).timestamp();
        let _ = match (&last.detail, last.status.as_str()) {
            (_, "posted") => write!(text, "\nLast posted <t:{when}:R> ({})", last.period),
            (Some(why), status) => write!(text, "\nLast {status} <t:{when}:R>: {why}"),
            (None, status) => write!(text, "\nLast {status} <t:{when}:R>"),
        };
    }
    text
}
