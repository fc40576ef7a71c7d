//! `/help`: what Waypoint does and every command, generated from the registry.

use super::access::Access;
use super::error::CommandResult;
use super::handler::Ctx;
use super::invocation::CommandCall;
use super::spec::CommandSpec;
use crate::render::{limits, Embed, Reply};

pub const NAME: &str = "help";

pub fn spec() -> CommandSpec {
    CommandSpec::new(NAME, "What Waypoint does and how to use every command", run).private()
}

async fn run(ctx: &Ctx<'_>, _call: &CommandCall) -> CommandResult<Reply> {
    let mut member = Vec::new();
    let mut staff = Vec::new();
    for (line, access) in ctx.usage {
        match access {
            Access::Everyone => member.push(line.clone()),
            Access::Staff => staff.push(line.clone()),
        }
    }
    let mut embed = Embed::new("Waypoint").description(format!(
        "Waypoint walks this community through the **{}** roadmap, phase by phase. Browse the \
             content, track what you are learning, and keep each other going.",
        ctx.roadmap().title
    ));
    for (title, lines) in [
        ("Commands", member),
        ("For server staff (Manage Server)", staff),
    ] {
        for (i, chunk) in fields(&lines).into_iter().enumerate() {
            let name = if i == 0 {
                title.to_string()
            } else {
                format!("{title} (continued)")
            };
            embed = embed.field(name, chunk);
        }
    }
    Ok(Reply::embed(
        embed.footer("Options in [brackets] are optional."),
    ))
}

/// The lines as field values within Discord's limit, breaking only between lines.
fn fields(lines: &[String]) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for line in lines {
        match values.last_mut() {
            Some(value) if limits::len(value) + 1 + limits::len(line) <= limits::FIELD_VALUE => {
                value.push('\n');
                value.push_str(line);
            }
            _ => values.push(line.clone()),
        }
    }
    values
}
