//! `/settings`: how Waypoint is set up in a server, and the staff's choices.

mod celebrations;
mod checkins;
mod partners;
mod prompts;
mod roadmap;
mod show;
mod web;
mod when;

use serenity::all::RoleId;

use super::error::{CommandError, CommandResult};
use super::handler::{Ctx, Typing};
use super::invocation::CommandCall;
use super::options::Opt;
use super::spec::CommandSpec;
use super::subcommand::{subcommands, Subcommand};
use crate::db::servers;
use crate::render::{Choice, Reply};
use crate::roadmap::MAX_PHASES;

subcommands! {
    enum Sub {
        Show = "show",
        PhaseRole = "phase-role",
        PhaseCompletion = "phase-completion",
        Prompts = "prompts",
        PromptsOff = "prompts-off",
        Checkins = "checkins",
        Celebrations = "celebrations",
        CheckinsOff = "checkins-off",
        Roadmap = "roadmap",
        Web = "web",
        Partners = "partners",
        PartnersOff = "partners-off",
    }
}

pub const NAME: &str = "settings";
const PHASE: Opt<i64> = Opt::new("phase");
const ROLE: Opt<RoleId> = Opt::new("role");
const COUNT_SKIPPED: Opt<bool> = Opt::new("count-skipped");

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "Waypoint's settings for this server (staff only)",
        run,
    )
    .staff()
    .private()
    .option(Sub::Show.option("Show how Waypoint is set up in this server", Vec::new()))
    .option(Sub::PhaseRole.option(
        "Give a role to members who complete a phase (leave out the role to stop)",
        vec![
            PHASE
                .integer("The phase", 1, u32::from(MAX_PHASES))
                .required(),
            ROLE.role("The role to give; leave out to stop giving one"),
        ],
    ))
    .option(Sub::PhaseCompletion.option(
        "Whether skipped topics count toward completing a phase",
        vec![COUNT_SKIPPED
            .boolean("True: done or skipped completes a phase. False: only done")
            .required()],
    ))
    .option(Sub::Prompts.option(
        "Post a learning prompt every week: where, which day and time, in which time zone",
        prompts::options(),
    ))
    .option(Sub::PromptsOff.option("Stop posting the weekly learning prompt", Vec::new()))
    .option(Sub::Checkins.option(
        "Weekly check-ins: reminder channel and time, staff digest channel, visibility",
        checkins::options(),
    ))
    .option(Sub::Celebrations.option(
        "Announce members who complete a phase or reach a challenge target: on or off, where",
        celebrations::options(),
    ))
    .option(Sub::CheckinsOff.option(
        "Stop check-ins, their reminders and digests (check-ins stay stored)",
        Vec::new(),
    ))
    .option(Sub::Partners.option(
        "Weekly accountability partners: where their threads go, which day and time, pairs or trios",
        partners::options(),
    ))
    .option(Sub::PartnersOff.option("Stop the weekly partner match", Vec::new()))
    .option(Sub::Roadmap.group("The roadmap this server follows", roadmap::options()))
    .option(Sub::Web.group(
        "This server's community page on the web (off unless turned on)",
        web::options(),
    ))
    .autocomplete(complete)
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.sub::<Sub>()? {
        Sub::PhaseRole => phase_role(ctx, call).await,
        Sub::PhaseCompletion => phase_completion(ctx, call).await,
        Sub::Prompts => prompts::set(ctx, call).await,
        Sub::PromptsOff => prompts::off(ctx).await,
        Sub::Checkins => checkins::set(ctx, call).await,
        Sub::CheckinsOff => checkins::off(ctx).await,
        Sub::Celebrations => celebrations::set(ctx, call).await,
        Sub::Show => show::show(ctx).await,
        Sub::Roadmap => roadmap::run(ctx, call).await,
        Sub::Web => web::run(ctx, call).await,
        Sub::Partners => partners::set(ctx, call).await,
        Sub::PartnersOff => partners::off(ctx).await,
    }
}

async fn complete(ctx: &Ctx<'_>, typing: Typing<'_>) -> CommandResult<Vec<Choice>> {
    Ok(if typing.option == when::TIMEZONE.name() {
        super::zone_option::complete(typing.partial)
    } else if typing.option == roadmap::ROADMAP.name() {
        roadmap::complete(ctx, typing)
    } else {
        Vec::new()
    })
}

async fn phase_role(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    let number = call.required(PHASE)?;
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
    let count = call.required(COUNT_SKIPPED)?;
    let guild = ctx.guild()?;
    servers::set_count_skipped(&ctx.app.db, guild, count).await?;
    crate::changes::server_settings_saved(ctx.app, guild).await;
    Ok(Reply::text(if count {
        "A phase is now complete when each topic is done or skipped. It applies from each \
         member's next change."
    } else {
        "A phase is now complete only when each topic is done. It applies from each member's \
         next change."
    }))
}
