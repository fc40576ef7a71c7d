//! `/settings`: how Waypoint is set up in a server, and the staff's choices.

use std::fmt::Write;

use serenity::all::RoleId;

use super::error::{CommandError, CommandResult};
use super::handler::Ctx;
use super::invocation::CommandCall;
use super::options::{Opt, OptionSpec};
use super::spec::CommandSpec;
use crate::db::servers;
use crate::render::{Embed, Reply};
use crate::roadmap::Library;

pub const NAME: &str = "settings";
const PHASE: Opt<i64> = Opt::new("phase");
const ROLE: Opt<RoleId> = Opt::new("role");
const COUNT_SKIPPED: Opt<bool> = Opt::new("count-skipped");

pub fn spec(library: &Library) -> CommandSpec {
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
    .option(OptionSpec::subcommand(
        "phase-role",
        "Give a role to members who complete a phase (leave out the role to stop)",
        vec![
            PHASE
                .integer("The phase", 1, u32::from(library.max_phase()))
                .required(),
            ROLE.role("The role to give; leave out to stop giving one"),
        ],
    ))
    .option(OptionSpec::subcommand(
        "phase-completion",
        "Whether skipped topics count toward completing a phase",
        vec![COUNT_SKIPPED
            .boolean("True: done or skipped completes a phase. False: only done")
            .required()],
    ))
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.path.first().map(String::as_str) {
        Some("phase-role") => phase_role(ctx, call).await,
        Some("phase-completion") => phase_completion(ctx, call).await,
        _ => show(ctx).await,
    }
}

async fn show(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    let settings = servers::settings(&ctx.app.db, ctx.guild()?).await?;
    let mut roles = String::new();
    for phase in &roadmap.phases {
        let role = settings
            .phase_roles
            .iter()
            .find(|(n, _)| *n == phase.number)
            .map_or("no role".to_string(), |(_, role)| format!("<@&{role}>"));
        let _ = writeln!(roles, "Phase {} · {}: {role}", phase.number, phase.title);
    }
    if let Some((problem, at)) = &settings.role_problem {
        let _ = write!(
            roles,
            "\n⚠️ The last role change failed ({}): {problem}",
            at.format("%Y-%m-%d %H:%M UTC")
        );
    }
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
        .field("Phase roles", roles)
        .field(
            "Completing a phase",
            if settings.count_skipped {
                "Done or skipped topics count (`/settings phase-completion`)"
            } else {
                "Only done topics count (`/settings phase-completion`)"
            },
        )
        .field(
            "Members who have used Waypoint",
            settings.members.to_string(),
        )
        .footer(format!("Waypoint {}", env!("CARGO_PKG_VERSION")));
    Ok(Reply::embed(embed))
}

async fn phase_role(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    let number = call.get(PHASE).unwrap_or_default();
    let phase = u8::try_from(number)
        .ok()
        .and_then(|n| roadmap.phase(n))
        .ok_or_else(|| {
            CommandError::user(format!(
                "The {} roadmap has phases 1 to {}: pick one of those.",
                roadmap.title,
                roadmap.phases.len()
            ))
        })?;
    let guild = ctx.guild()?;
    let role = call.get(ROLE);
    if role.is_some_and(|r| r.get() == guild.get()) {
        return Err(CommandError::user(
            "@everyone can't be a phase role: pick a role members don't already have.",
        ));
    }
    let previous = servers::set_phase_role(&ctx.app.db, guild, phase.number, role).await?;
    let text = match (role, previous) {
        (Some(role), _) => format!(
            "Members who complete phase {} · {} now get <@&{role}>. Waypoint needs the Manage \
             Roles permission, and its own highest role must sit above <@&{role}>.",
            phase.number, phase.title
        ),
        (None, Some(old)) => format!(
            "Phase {} no longer gives a role (it gave <@&{old}>). Members keep roles they \
             already have.",
            phase.number
        ),
        (None, None) => format!("Phase {} gives no role; nothing changed.", phase.number),
    };
    Ok(Reply::text(text))
}

async fn phase_completion(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let count = call.get(COUNT_SKIPPED).unwrap_or(false);
    servers::set_count_skipped(&ctx.app.db, ctx.guild()?, count).await?;
    Ok(Reply::text(if count {
        "A phase is now complete when each topic is done or skipped. It applies from each \
         member's next change."
    } else {
        "A phase is now complete only when each topic is done. It applies from each member's \
         next change."
    }))
}
