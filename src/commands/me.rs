//! `/me`: what Waypoint knows about the member in this server, their own time zone, and
//! whether the weekly reminder names them.

use super::error::CommandResult;
use super::handler::{Ctx, Typing};
use super::invocation::CommandCall;
use super::options::Opt;
use super::spec::CommandSpec;
use super::subcommand::{subcommands, Subcommand};
use super::zone_option;
use crate::changes;
use crate::db::checkins as store;
use crate::render::{Choice, Embed, Reply};
use crate::words;

subcommands! {
    enum Sub {
        Show = "show",
        Timezone = "timezone",
        Reminders = "reminders",
    }
}

pub const NAME: &str = "me";
const ZONE: Opt<String> = Opt::new("zone");
const STATE: Opt<String> = Opt::new("state");
const ON_OFF: [&str; 2] = ["on", "off"];

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "What Waypoint knows about you here, and your choices",
        run,
    )
    .private()
    .option(Sub::Show.option("What Waypoint stores about you in this server", Vec::new()))
    .option(Sub::Timezone.option(
        "Your time zone, for your check-in weeks (leave out to use the server's)",
        vec![ZONE
            .text("IANA time zone, like Europe/Berlin (start typing)", 64)
            .autocomplete()],
    ))
    .option(Sub::Reminders.option(
        "Whether the weekly check-in reminder names you",
        vec![STATE.choice("on or off", &ON_OFF).required()],
    ))
    .autocomplete(complete)
}

async fn complete(_ctx: &Ctx<'_>, typing: Typing<'_>) -> CommandResult<Vec<Choice>> {
    Ok(if typing.option == ZONE.name() {
        zone_option::complete(typing.partial)
    } else {
        Vec::new()
    })
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    let now = ctx.invocation.now;
    match call.sub::<Sub>()? {
        Sub::Timezone => {
            let zone = match call.get(ZONE) {
                Some(name) => Some(zone_option::parse(&name, ZONE.name())?),
                None => None,
            };
            changes::set_member_zone(ctx.app, guild, user, zone, now).await?;
            Ok(Reply::text(match zone {
                Some(zone) => format!(
                    "Your weeks now run Monday to Sunday in {}. It applies from your next \
                     check-in.",
                    zone.name()
                ),
                None => "Your weeks now follow the server's time zone.".to_string(),
            }))
        }
        Sub::Reminders => {
            let on = call.get(STATE).is_some_and(|s| s == "on");
            let hidden = store::set_reminders(&ctx.app.db, guild, user, on, now).await?;
            Ok(Reply::text(match (on, hidden) {
                (true, false) => {
                    "The weekly reminder will name you when you have not checked in yet. \
                     `/me reminders state:off` stops it."
                }
                (true, true) => {
                    "Reminders are on, but you hide your progress, and the reminder is a \
                     public message: it leaves you out until `/privacy show`."
                }
                (false, _) => "The weekly reminder will not name you.",
            }))
        }
        Sub::Show => show(ctx).await,
    }
}

async fn show(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    let profile = store::profile(&ctx.app.db, guild, user, &ctx.roadmap().id).await?;
    if !profile.known {
        return Ok(Reply::text(
            "Waypoint stores nothing about you in this server yet. `/roadmap overview` is a good start.",
        ));
    }
    let zone = match &profile.own_zone {
        Some(zone) => format!("{zone} (yours; `/me timezone` without a zone uses the server's)"),
        None => format!(
            "{} (the server's; `/me timezone zone:…` sets yours)",
            profile.server_zone
        ),
    };
    let embed = Embed::new("What Waypoint knows about you here")
        .field("Time zone", zone)
        .field(
            "Check-in reminders",
            if profile.reminders {
                if profile.hidden {
                    "On, but the public reminder leaves you out while you are hidden"
                } else {
                    "On: the weekly reminder names you (`/me reminders state:off`)"
                }
            } else {
                "Off (`/me reminders state:on`)"
            },
        )
        .field(
            "Visible to others",
            if profile.hidden {
                "No: you are hidden (`/privacy show`)"
            } else {
                "Yes (`/privacy hide`)"
            },
        )
        .field(
            "Activity",
            format!(
                "{} done · {} · {}",
                words::count(profile.topics_done, "topic", "topics"),
                words::count(profile.checkins, "check-in", "check-ins"),
                words::count(profile.points, "point", "points")
            ),
        )
        .footer("`/privacy export` gives you all of it as a file; `/privacy delete` removes it.");
    Ok(Reply::embed(embed))
}
