//! `/settings checkins` and `/settings checkins-off`: where check-ins are confirmed and
//! reminded, where the staff digest goes, and the streak rule.

use serenity::all::ChannelId;

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::{Opt, OptionSpec};
use super::when;
use crate::channels;
use crate::db::checkins as store;
use crate::db::prompts as prompt_store;
use crate::render::Reply;
use crate::schedule::checkins::plan;
use crate::weekly::weekday_name;
use crate::words;

const CHANNEL: Opt<ChannelId> = Opt::new("channel");
const STAFF_CHANNEL: Opt<ChannelId> = Opt::new("staff-channel");
const DAY: Opt<String> = Opt::new("reminder-day");
const TIME: Opt<String> = Opt::new("reminder-time");
const PUBLIC: Opt<bool> = Opt::new("public");
const FREEZE_EVERY: Opt<i64> = Opt::new("freeze-every");

pub(super) fn options() -> Vec<OptionSpec> {
    vec![
        CHANNEL
            .text_channel("Where the weekly reminder is posted")
            .required(),
        STAFF_CHANNEL
            .text_channel("Where the weekly staff digest is posted")
            .required(),
        DAY.choice("The reminder's day of the week", &when::DAYS)
            .required(),
        TIME.text("The reminder's time, 24-hour clock, like 18:00", 5)
            .required(),
        PUBLIC.boolean("Whether check-ins are confirmed for everyone to see (default: true)"),
        FREEZE_EVERY.integer(
            "Weeks checked in that earn a streak freeze (default: 4)",
            1,
            12,
        ),
        when::timezone_option(),
    ]
}

pub(super) async fn set(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let channel = call.required(CHANNEL)?;
    let staff_channel = call.required(STAFF_CHANNEL)?;
    let reminder = when::slot(ctx, call, guild, DAY, TIME).await?;
    let public = call.get(PUBLIC).unwrap_or(true);
    let freeze_every = u32::try_from(call.get(FREEZE_EVERY).unwrap_or(4)).unwrap_or(4);
    // The digest quotes members' blockers: never into a channel members read for other things.
    let prompts = prompt_store::schedule(&ctx.app.db, guild).await?;
    if staff_channel == channel || prompts.as_ref().is_some_and(|p| p.channel == staff_channel) {
        return Err(CommandError::user(format!(
            "<#{staff_channel}> is where members read {}, but the staff digest quotes their \
             blockers. Pick a staff-only channel for `staff-channel`.",
            if staff_channel == channel {
                "the check-in reminders"
            } else {
                "the weekly prompts"
            }
        )));
    }
    let open = channels::open_to_everyone(ctx.app, guild, staff_channel).await;

    let mut tx = ctx.app.db.begin().await?;
    store::save_settings(
        &mut tx,
        guild,
        channel,
        staff_channel,
        reminder,
        public,
        freeze_every,
    )
    .await?;
    let settings = store::CheckinSettings {
        channel,
        staff_channel,
        reminder,
        public,
        freeze_every,
        problem: None,
    };
    let (next_reminder, next_digest) = plan(&mut tx, guild, &settings, ctx.invocation.now).await?;
    tx.commit().await?;
    crate::changes::server_settings_saved(ctx.app, guild).await;
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or("not planned".to_string(), |at| {
            format!("<t:{}:F>", at.timestamp())
        })
    };
    let warning = if open == Some(true) {
        format!(
            "\n⚠️ <#{staff_channel}> looks open to everyone (no @everyone override hides it). \
             The digest quotes members' blockers: hide that channel from @everyone, or pick a \
             staff-only one."
        )
    } else {
        String::new()
    };
    Ok(Reply::text(format!(
        "Check-ins are on. Members run `/checkin` once a week (weeks run Monday to Sunday in \
         their own zone, set with `/me timezone`, else {zone}). Confirmations are {}.\n\
         • Reminder: every {} at {} ({zone}) in <#{channel}>, naming members who chose \
         `/me reminders state:on` and have not checked in. Next: {}.\n\
         • Staff digest: Mondays at 09:00 ({zone}) in <#{staff_channel}>, for the week before. \
         Next: {}.\n\
         • A streak freeze is earned every {} checked in (at most 2 held).\n\
         Waypoint needs View Channel, Send Messages and Embed Links in both channels.{warning}",
        if public {
            "public"
        } else {
            "private to the member"
        },
        weekday_name(reminder.weekday),
        reminder.time().format("%H:%M"),
        when(next_reminder),
        when(next_digest),
        words::count(freeze_every, "week", "weeks"),
        zone = reminder.zone.name(),
    )))
}

pub(super) async fn off(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let mut tx = ctx.app.db.begin().await?;
    let was_on = store::turn_off(&mut tx, guild).await?;
    tx.commit().await?;
    crate::changes::server_settings_saved(ctx.app, guild).await;
    Ok(Reply::text(if was_on {
        "Check-ins are off: no more reminders or digests, and `/checkin` is closed. Members' \
         check-ins are kept; `/settings checkins` turns them on again."
    } else {
        "Check-ins were already off; nothing changed."
    }))
}
