//! The "when" options staff give for weekly posts: a weekday, an HH:MM time, and the server's
//! time zone, each with an example in its error.

use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use serenity::all::GuildId;

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::{Opt, OptionSpec};
use super::super::zone_option;
use crate::db::prompts::server_zone;
use crate::render::limits;
use crate::weekly::{parse_time, WeeklySlot};

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

pub(super) fn timezone_option() -> OptionSpec {
    TIMEZONE
        .text(
            "IANA time zone, like Europe/Berlin (default: the server's, else UTC)",
            64,
        )
        .autocomplete()
}

/// The weekday named in `option`.
pub(super) fn day(call: &CommandCall, option: Opt<String>) -> CommandResult<Weekday> {
    let day = call.required(option)?;
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(day.trim()))
        .and_then(|i| Weekday::try_from(u8::try_from(i).ok()?).ok())
        .ok_or_else(|| {
            CommandError::user(format!(
                "Pick a day of the week, like `{}:Monday`.",
                option.name()
            ))
        })
}

/// The HH:MM time given in `option`.
pub(super) fn time(call: &CommandCall, option: Opt<String>) -> CommandResult<NaiveTime> {
    let text = call.required(option)?;
    parse_time(&text).ok_or_else(|| {
        CommandError::user(format!(
            "`{}` is not a time Waypoint understands. Use the 24-hour clock as HH:MM, like \
             `{}:18:30` for half past six in the evening.",
            limits::truncate(&text, 20),
            option.name()
        ))
    })
}

/// The weekly slot the `day` and `time` options name, in the zone given or the server's.
pub(super) async fn slot(
    ctx: &Ctx<'_>,
    call: &CommandCall,
    guild: GuildId,
    day_option: Opt<String>,
    time_option: Opt<String>,
) -> CommandResult<WeeklySlot> {
    let weekday = day(call, day_option)?;
    let time = time(call, time_option)?;
    let zone = zone(ctx, call, guild).await?;
    Ok(WeeklySlot::new(weekday, time, zone))
}

/// The zone given, or the server's when none is.
pub(super) async fn zone(ctx: &Ctx<'_>, call: &CommandCall, guild: GuildId) -> CommandResult<Tz> {
    match call.get(TIMEZONE) {
        Some(name) => zone_option::parse(&name, TIMEZONE.name()),
        None => Ok(server_zone(&ctx.app.db, guild).await?),
    }
}
