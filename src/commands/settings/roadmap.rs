//! `/settings roadmap …`: the roadmap this server follows, as a file staff can keep, edit and
//! (later) import back.

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::OptionSpec;
use super::super::subcommand::{subcommands, Subcommand};
use crate::render::Reply;
use crate::roadmap::to_single_file;

subcommands! {
    pub enum RoadmapSub {
        Export = "export",
    }
}

pub fn options() -> Vec<OptionSpec> {
    vec![RoadmapSub::Export.option(
        "Download this server's roadmap as one TOML file, to keep or edit",
        Vec::new(),
    )]
}

pub async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.sub_in_group::<RoadmapSub>()? {
        RoadmapSub::Export => export(ctx),
    }
}

fn export(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    let text = to_single_file(roadmap).map_err(|e| CommandError::Internal(e.into()))?;
    Ok(Reply::text(format!(
        "Here is the {} roadmap this server follows, in one file. Edit it in any text editor; \
         `waypoint check-content FILE` checks it and names the line of each problem.",
        roadmap.title
    ))
    .with_file(format!("{}.toml", roadmap.id), text.into_bytes()))
}
