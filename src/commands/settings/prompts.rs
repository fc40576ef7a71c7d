//! `/settings prompts` and `/settings prompts-off`: where, when and in which time zone the
//! weekly prompt is posted.

use chrono::Weekday;
use serenity::all::ChannelId;

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::{Opt, OptionSpec};
use super::super::zone_option;
use crate::db::prompts as store;
use crate::render::{limits, Reply};
use crate::schedule::prompts::plan_next;
use crate::schedule::weekly::{parse_time, weekday_name, WeeklySlot};

const CHANNEL: Opt<ChannelId> = Opt::new("channel");
const DAY: Opt<String> = Opt::new("day");
const TIME: Opt<String> = Opt::new("time");
pub(super) const TIMEZONE: Opt<String> = Opt::new("timezone");

pub(super) const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

pub(super) fn options() -> Vec<OptionSpec> {
    vec![
        CHANNEL
            .text_channel("Where the prompt is posted")
            .required(),
        DAY.choice("The day of the week", &DAYS).required(),
        TIME.text("The time, 24-hour clock, like 18:30", 5)
            .required(),
        TIMEZONE
            .text(
                "IANA time zone, like Europe/Berlin (default: the server's, else UTC)",
                64,
            )
            .autocomplete(),
    ]
}

pub(super) async fn set(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let channel = call.get(CHANNEL).ok_or_else(|| {
        CommandError::user("Pick the channel to post in, like `channel:#general`.")
    })?;
    let day = call.get(DAY).unwrap_or_default();
    let weekday = DAYS
        .iter()
        .position(|d| d.eq_ignore_ascii_case(day.trim()))
        .and_then(|i| Weekday::try_from(u8::try_from(i).ok()?).ok())
        .ok_or_else(|| CommandError::user("Pick a day of the week, like `day:Monday`."))?;
    let time_text = call.get(TIME).unwrap_or_default();
    let time = parse_time(&time_text).ok_or_else(|| {
        CommandError::user(format!(
            "`{}` is not a time Waypoint understands. Use the 24-hour clock as HH:MM, like \
             `time:18:30` for half past six in the evening.",
            limits::truncate(&time_text, 20)
        ))
    })?;
    let zone = match call.get(TIMEZONE) {
        Some(name) => zone_option::parse(&name, TIMEZONE.name())?,
        None => store::server_zone(&ctx.app.db, guild).await?,
    };
    let slot = WeeklySlot::new(weekday, time, zone);
    let now = ctx.invocation.now;
    let mut tx = ctx.app.db.begin().await?;
    store::save_schedule(&mut tx, guild, channel, slot).await?;
    let first = plan_next(&mut tx, guild, store::KIND, slot, now).await?;
    tx.commit().await?;
    let first = first.map_or(String::new(), |at| {
        format!(
            " The next one goes out <t:{0}:F> (<t:{0}:R>).",
            at.timestamp()
        )
    });
    Ok(Reply::text(format!(
        "Weekly prompts are on: every {} at {} ({}) in <#{channel}>.{first} Waypoint needs View \
         Channel, Send Messages and Embed Links there. `/prompt preview` shows the next prompt.",
        weekday_name(weekday),
        time.format("%H:%M"),
        zone.name()
    )))
}

pub(super) async fn off(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let mut tx = ctx.app.db.begin().await?;
    let was_on = store::turn_off(&mut tx, guild).await?;
    tx.commit().await?;
    Ok(Reply::text(if was_on {
        "Weekly prompts are off. Turn them on again with `/settings prompts`."
    } else {
        "Weekly prompts were already off; nothing changed."
    }))
}
