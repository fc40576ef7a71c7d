//! `/settings partners` and `/settings partners-off`: where and when members who joined
//! `/partners` are matched every week, and in pairs or trios.

use std::fmt::Write;

use serenity::all::ChannelId;

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::{Opt, OptionSpec};
use super::when;
use crate::db::partner_groups::LastMatch;
use crate::db::partners::{self as store, PartnerSettings};
use crate::render::Reply;
use crate::schedule::plan::plan_next;
use crate::words;

const CHANNEL: Opt<ChannelId> = Opt::new("channel");
const DAY: Opt<String> = Opt::new("day");
const TIME: Opt<String> = Opt::new("time");
const SIZE: Opt<i64> = Opt::new("size");

pub(super) fn options() -> Vec<OptionSpec> {
    vec![
        CHANNEL
            .thread_channel("The text channel where each group gets its thread")
            .required(),
        DAY.choice("The day of the week the match runs", &when::DAYS)
            .required(),
        TIME.text("The time, 24-hour clock, like 18:30", 5)
            .required(),
        SIZE.integer(
            "2: pairs, with a trio for an odd one out (default). 3: trios",
            2,
            3,
        ),
        when::timezone_option(),
    ]
}

pub(super) async fn set(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let channel = call.required(CHANNEL)?;
    let slot = when::slot(ctx, call, guild, DAY, TIME).await?;
    let size = match call.get(SIZE).unwrap_or(2) {
        3 => 3,
        2 => 2,
        other => {
            return Err(CommandError::user(format!(
                "Groups can be pairs or trios: `size:2` or `size:3`, not {other}."
            )))
        }
    };
    let mut tx = ctx.app.db.begin().await?;
    store::save_settings(&mut tx, guild, channel, slot, size).await?;
    let next = plan_next(&mut tx, guild, store::MATCH, slot, ctx.invocation.now).await?;
    tx.commit().await?;
    crate::changes::server_settings_saved(ctx.app, guild).await;
    let joined = store::count(&ctx.app.db, guild).await?;
    let next = next.map_or(String::new(), |at| {
        format!(" The next match is <t:{0}:F> (<t:{0}:R>).", at.timestamp())
    });
    Ok(Reply::text(format!(
        "🤝 Weekly partners are on: every {}, members who joined and were active in \
         the last 14 days are put in {}, by roadmap phase and time zone, each group in a \
         private thread of <#{channel}>.{next} {} joined so far; members join with \
         `/partners join`. Waypoint needs View Channel, Send Messages in Threads and Create \
         Private Threads there (Create Public Threads too: where private threads are not \
         possible it opens public ones, and `/settings show` says why).",
        slot.describe(),
        if size == 3 {
            "trios (pairs for what is left over)"
        } else {
            "pairs (a trio for an odd one out)"
        },
        words::count(joined, "member has", "members have")
    )))
}

pub(super) async fn off(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    Ok(Reply::text(if store::turn_off(&ctx.app.db, guild).await? {
        "Weekly partners are off: no more matches. Members who joined stay in for when you turn \
         it on again with `/settings partners`; threads already made stay."
    } else {
        "Weekly partners were already off; nothing changed."
    }))
}

/// The `/settings show` field.
pub(super) fn describe(
    settings: Option<&PartnerSettings>,
    joined: i64,
    last: Option<&LastMatch>,
) -> String {
    let Some(settings) = settings else {
        return "Off. Turn them on with `/settings partners`.".into();
    };
    let mut text = format!(
        "Every {}, {}, threads in <#{}> · {}",
        settings.slot.describe(),
        if settings.size == 3 { "trios" } else { "pairs" },
        settings.channel,
        words::count(joined, "member joined", "members joined")
    );
    if let Some(last) = last {
        let _ = write!(
            text,
            "\nLast match ({}): {}, {} opened",
            words::week_range(&last.week),
            words::count(last.tally.groups, "group", "groups"),
            words::count(last.tally.threads, "thread", "threads"),
        );
        if last.failed > 0 {
            let _ = write!(
                text,
                "; {} could not be opened ({})",
                words::count(last.failed, "thread", "threads"),
                last.failure.as_deref().unwrap_or("no reason recorded")
            );
        }
    }
    if let Some(why) = &settings.public_because {
        let _ = write!(
            text,
            "\nThreads are public because private ones were refused: {why}. Once that is \
             fixed, run `/settings partners` again to go back to private threads."
        );
    }
    if let Some((problem, at)) = &settings.problem {
        let _ = write!(text, "\n⚠️ {problem} ({})", at.format("%Y-%m-%d %H:%M UTC"));
    }
    text
}
