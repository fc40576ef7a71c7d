//! `/settings`: staff see how Waypoint is set up in their server.

use super::error::CommandResult;
use super::invocation::{CommandCall, Invocation};
use super::spec::{Access, CommandSpec, OptionKind, OptionSpec};
use crate::app::App;
use crate::db::servers;
use crate::render::{Embed, Reply};

pub const NAME: &str = "settings";

pub fn spec() -> CommandSpec {
    CommandSpec {
        name: NAME,
        description: "Waypoint's settings for this server (staff only)",
        access: Access::Staff,
        options: vec![OptionSpec::new(
            "show",
            "Show how Waypoint is set up in this server",
            OptionKind::SubCommand(Vec::new()),
        )],
        run: |app, inv, call| Box::pin(run(app, inv, call)),
        autocomplete: None,
        component: None,
    }
}

async fn run(app: &App, invocation: &Invocation, _call: &CommandCall) -> CommandResult<Reply> {
    let roadmap = app.roadmap_for(invocation.guild_id);
    let members = match invocation.guild_id {
        Some(guild) => servers::member_count(&app.db, guild).await?,
        None => 0,
    };
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
        .field("Members who have used Waypoint", members.to_string())
        .footer(format!("Waypoint {}", env!("CARGO_PKG_VERSION")));
    Ok(Reply::embed(embed).ephemeral())
}
