//! `/help`: what Waypoint does and every command, generated from the registry.

use super::error::CommandResult;
use super::invocation::{CommandCall, Invocation};
use super::spec::{Access, CommandSpec};
use crate::app::App;
use crate::render::{Embed, Reply};

pub const NAME: &str = "help";

pub fn spec() -> CommandSpec {
    CommandSpec {
        name: NAME,
        description: "What Waypoint does and how to use every command",
        access: Access::Everyone,
        options: Vec::new(),
        run: |app, inv, call| Box::pin(run(app, inv, call)),
        autocomplete: None,
        component: None,
    }
}

async fn run(app: &App, invocation: &Invocation, _call: &CommandCall) -> CommandResult<Reply> {
    let roadmap = app.roadmap_for(invocation.guild_id);
    let mut member = Vec::new();
    let mut staff = Vec::new();
    for spec in app.registry.iter() {
        let lines = spec.usage_lines();
        match spec.access {
            Access::Everyone => member.extend(lines),
            Access::Staff => staff.extend(lines),
        }
    }
    let mut embed = Embed::new("Waypoint")
        .description(format!(
            "Waypoint walks this community through the **{}** roadmap, phase by phase. Browse the \
             content, track what you are learning, and keep each other going.",
            roadmap.title
        ))
        .field("Commands", member.join("\n"));
    if !staff.is_empty() {
        embed = embed.field("For server staff (Manage Server)", staff.join("\n"));
    }
    Ok(Reply::embed(embed.footer("Options in [brackets] are optional.")).ephemeral())
}
