//! `/help`: what Waypoint does and every command, generated from the registry.

use super::error::CommandResult;
use super::handler::Ctx;
use super::invocation::CommandCall;
use super::spec::{Access, CommandSpec};
use crate::render::{Embed, Reply};

pub const NAME: &str = "help";

pub fn spec() -> CommandSpec {
    CommandSpec::new(NAME, "What Waypoint does and how to use every command", run).private()
}

async fn run(ctx: &Ctx<'_>, _call: &CommandCall) -> CommandResult<Reply> {
    let mut member = Vec::new();
    let mut staff = Vec::new();
    for spec in ctx.registry.iter() {
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
            ctx.roadmap().title
        ))
        .field("Commands", member.join("\n"));
    if !staff.is_empty() {
        embed = embed.field("For server staff (Manage Server)", staff.join("\n"));
    }
    Ok(Reply::embed(
        embed.footer("Options in [brackets] are optional."),
    ))
}
