//! `/settings`: staff see how Waypoint is set up in their server.

use super::error::CommandResult;
use super::handler::Ctx;
use super::invocation::CommandCall;
use super::options::OptionSpec;
use super::spec::CommandSpec;
use crate::db::servers;
use crate::render::{Embed, Reply};

pub const NAME: &str = "settings";

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "Waypoint's settings for this server (staff only)",
        run,
    )
    .staff()
    .private()
    .option(OptionSpec::subcommand(
        "show",
        "Show how Waypoint is set up in this server",
        Vec::new(),
    ))
}

async fn run(ctx: &Ctx<'_>, _call: &CommandCall) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    let members = servers::member_count(&ctx.app.db, ctx.guild()?).await?;
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
    Ok(Reply::embed(embed))
}
