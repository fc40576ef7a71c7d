//! `/settings celebrations`: whether and where members' completed phases and reached challenge
//! targets are announced.

use serenity::all::ChannelId;

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::{Opt, OptionSpec};
use crate::db::celebrations as store;
use crate::db::checkins;
use crate::render::Reply;

const STATE: Opt<String> = Opt::new("state");
const CHANNEL: Opt<ChannelId> = Opt::new("channel");

pub(super) fn options() -> Vec<OptionSpec> {
    vec![
        STATE
            .choice("on: announce them; off: don't", &["on", "off"])
            .required(),
        CHANNEL.text_channel("Where (default: the weekly prompt channel)"),
    ]
}

pub(super) async fn set(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let on = match call.get(STATE).as_deref() {
        Some("on") => true,
        Some("off") => false,
        _ => return Err(CommandError::user("Pick `state:on` or `state:off`.")),
    };
    let channel = call.get(CHANNEL);
    if !on && channel.is_some() {
        return Err(CommandError::user(
            "Leave out `channel` with `state:off`: no celebration is posted anywhere.",
        ));
    }
    let digest = checkins::settings(&ctx.app.db, guild).await?;
    if let Some(channel) = channel.filter(|c| digest.is_some_and(|d| d.staff_channel == *c)) {
        return Err(CommandError::user(format!(
            "<#{channel}> is the staff digest's channel. Celebrations are for members: pick a \
             channel they read, like `channel:#general`."
        )));
    }
    store::set(&ctx.app.db, guild, on, channel).await?;
    let settings = store::settings(&ctx.app.db, guild).await?;
    Ok(Reply::text(match (on, settings.target()) {
        (false, _) => "Celebrations are off: completed phases and challenge targets are not \
                       announced. `/settings celebrations state:on` turns them back on."
            .to_string(),
        (true, Some(channel)) => format!(
            "Celebrations are on in <#{channel}>: a short post names each member who completes \
             a phase or reaches a challenge's target (without pinging them), with the role they \
             earned. Members who hide their progress are never announced."
        ),
        (true, None) => "Celebrations are on, but have nowhere to go yet: give a `channel`, or \
                         turn on weekly prompts, whose channel they use."
            .to_string(),
    }))
}

/// The line `/settings show` gives them.
pub(super) fn describe(settings: &store::CelebrationSettings) -> String {
    match (settings.on, settings.target(), settings.channel) {
        (false, _, _) => "Off".to_string(),
        (true, Some(channel), Some(_)) => format!("On, in <#{channel}>"),
        (true, Some(channel), None) => format!("On, in <#{channel}> (the prompt channel)"),
        (true, None, _) => "On, but no channel: set one or turn on weekly prompts".to_string(),
    }
}
