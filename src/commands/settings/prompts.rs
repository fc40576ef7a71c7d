//! `/settings prompts` and `/settings prompts-off`: where, when and in which time zone the
//! weekly prompt is posted.

use serenity::all::ChannelId;

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::{Opt, OptionSpec};
use super::when;
use crate::db::prompts as store;
use crate::render::Reply;
use crate::schedule::plan::plan_next;

const CHANNEL: Opt<ChannelId> = Opt::new("channel");
const DAY: Opt<String> = Opt::new("day");
const TIME: Opt<String> = Opt::new("time");

pub(super) fn options() -> Vec<OptionSpec> {
    vec![
        CHANNEL
            .text_channel("Where the prompt is posted")
            .required(),
        DAY.choice("The day of the week", &when::DAYS).required(),
        TIME.text("The time, 24-hour clock, like 18:30", 5)
            .required(),
        when::timezone_option(),
    ]
}

pub(super) async fn set(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let channel = call.required(CHANNEL)?;
    let slot = when::slot(ctx, call, guild, DAY, TIME).await?;
    let checkins = crate::db::checkins::settings(&ctx.app.db, guild).await?;
    if checkins.is_some_and(|c| c.staff_channel == channel) {
        return Err(CommandError::user(format!(
            "<#{channel}> is the staff digest's channel, which quotes members' blockers. Post \
             prompts in a channel members read, like `channel:#general`."
        )));
    }
    let now = ctx.invocation.now;
    let mut tx = ctx.app.db.begin().await?;
    store::save_schedule(&mut tx, guild, channel, slot).await?;
    let first = plan_next(&mut tx, guild, store::KIND, slot, now).await?;
    tx.commit().await?;
    crate::changes::server_settings_saved(ctx.app, guild).await;
    let first = first.map_or(String::new(), |at| {
        format!(
            " The next one goes out <t:{0}:F> (<t:{0}:R>).",
            at.timestamp()
        )
    });
    Ok(Reply::text(format!(
        "Weekly prompts are on: every {} in <#{channel}>.{first} Waypoint needs View \
         Channel, Send Messages and Embed Links there. `/prompt preview` shows the next prompt.",
        slot.describe()
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
