//! `/privacy`: members choose whether others see their progress, take a copy of their data,
//! or delete it from this server.

use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx};
use super::invocation::CommandCall;
use super::spec::CommandSpec;
use super::subcommand::{subcommands, Subcommand};
use crate::changes;
use crate::db::privacy;
use crate::render::progress_id::DeleteId;
use crate::render::{ActionRow, Button, Component, Reply};
use crate::words;

subcommands! {
    enum Sub {
        Hide = "hide",
        Show = "show",
        Export = "export",
        Delete = "delete",
    }
}

pub const NAME: &str = "privacy";

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "What others see of you, and your data in this server",
        run,
    )
    .private()
    .option(Sub::Hide.option(
        "Hide your progress from other members and from leaderboards",
        Vec::new(),
    ))
    .option(Sub::Show.option("Let other members see your progress again", Vec::new()))
    .option(Sub::Export.option(
        "Get a file with everything Waypoint stores about you here",
        Vec::new(),
    ))
    .option(Sub::Delete.option(
        "Delete everything Waypoint stores about you in this server",
        Vec::new(),
    ))
    .component(component)
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    let now = ctx.invocation.now;
    match call.sub::<Sub>()? {
        Sub::Hide => {
            changes::set_hidden(ctx.app, guild, user, true, now).await?;
            Ok(Reply::text(
                "🙈 You are hidden: other members can't see your progress and you appear on no \
                 leaderboard. Your own progress keeps counting; `/privacy show` undoes this.",
            ))
        }
        Sub::Show => {
            changes::set_hidden(ctx.app, guild, user, false, now).await?;
            Ok(Reply::text(
                "👀 Other members can see your progress again, and you appear on leaderboards.",
            ))
        }
        Sub::Export => match privacy::export(&ctx.app.db, guild, user, now).await? {
            None => Ok(Reply::text(
                "Waypoint stores nothing about you in this server.",
            )),
            Some(data) => {
                let bytes = serde_json::to_vec_pretty(&data)
                    .map_err(|e| CommandError::Internal(e.into()))?;
                Ok(
                    Reply::text("Here is everything Waypoint stores about you in this server.")
                        .with_file(format!("waypoint-{guild}-{user}.json"), bytes),
                )
            }
        },
        Sub::Delete => Ok(Reply::text(
            "⚠️ This deletes your topic states, proof links, points and everything else \
             Waypoint stores about you in this server, for good. `/privacy export` first if you \
             want a copy.",
        )
        .with_row(ActionRow(vec![
            Component::Button(
                Button::new(DeleteId::Confirm.custom_id(), "Delete my data").danger(),
            ),
            Component::Button(Button::new(DeleteId::Cancel.custom_id(), "Keep it")),
        ]))),
    }
}

async fn component(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    match DeleteId::parse(click.custom_id) {
        Some(DeleteId::Confirm) => {
            let removed = changes::delete_member(ctx.app, guild, user).await?;
            Ok(Reply::text(format!(
                "🗑️ Deleted everything Waypoint stored about you in this server: {}, {}, {}, \
                 {}{}.",
                words::count(removed.topics, "topic state", "topic states"),
                words::count(removed.phases, "phase record", "phase records"),
                words::count(removed.ledger, "points record", "points records"),
                words::count(removed.checkins, "check-in", "check-ins"),
                if removed.member > 0 {
                    " and your member record"
                } else {
                    ""
                }
            )))
        }
        Some(DeleteId::Cancel) => Ok(Reply::text("Nothing was deleted.")),
        None => Err(CommandError::user(
            "That button is out of date. Run `/privacy delete` again.",
        )),
    }
}
