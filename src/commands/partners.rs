//! `/partners join|leave|show`: a member opts in to (or out of) the weekly accountability
//! partner match and sees where they stand. Joining is consent to be named to their partners,
//! hidden or not; every answer is private.

use std::fmt::Write;

use super::error::CommandError;
use super::error::CommandResult;
use super::handler::Click;
use super::handler::Ctx;
use super::invocation::CommandCall;
use super::options::Opt;
use super::spec::CommandSpec;
use super::subcommand::{subcommands, Subcommand};
use crate::db::partner_groups as groups;
use crate::db::partners::{self as store, PartnerSettings};
use crate::partners::{describe_offset, phase_of, utc_offset};
use crate::render::partners::MetAnswer;
use crate::render::Reply;
use crate::weekly::week_key;
use crate::words;

subcommands! {
    enum Sub {
        Join = "join",
        Leave = "leave",
        Show = "show",
    }
}

pub const NAME: &str = "partners";
const NOTE: Opt<String> = Opt::new("note");
/// The longest note, in characters.
pub const NOTE_MAX: usize = 200;

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "Weekly accountability partners, matched by roadmap phase and time zone",
        run,
    )
    .private()
    .option(Sub::Join.option(
        "Join the weekly partner match (or change your note)",
        vec![NOTE.text(
            "What you want to work on, shown to your partners",
            u16::try_from(NOTE_MAX).unwrap_or(u16::MAX),
        )],
    ))
    .option(Sub::Leave.option("Leave the weekly partner match", Vec::new()))
    .option(Sub::Show.option(
        "Whether you are in the match, and when the next one is",
        Vec::new(),
    ))
    .component(answer)
}

/// The "did you meet?" buttons in a group's thread: each member answers for themselves.
async fn answer(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    let Some(answer) = MetAnswer::parse(click.custom_id) else {
        return Err(CommandError::user(
            "That button is out of date. `/partners show` shows this week's partners.",
        ));
    };
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    if !groups::answer_met(&ctx.app.db, guild, answer.group, user, answer.met).await? {
        return Err(CommandError::user(
            "This question is for the members of this group. `/partners show` shows your own \
             partners.",
        ));
    }
    Ok(Reply::text(if answer.met {
        "🎉 Noted: you met this week. Staff see only how many groups met, never who answered \
         what; the other button changes your answer."
    } else {
        "Noted: you didn't meet this week. That happens; next week's match is a fresh start. \
         The other button changes your answer."
    }))
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.sub::<Sub>()? {
        Sub::Join => join(ctx, call).await,
        Sub::Leave => leave(ctx).await,
        Sub::Show => show(ctx).await,
    }
}

async fn join(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    // Its length is checked against the option's before the command runs.
    let note = call.get(NOTE).unwrap_or_default();
    let note = note.trim();
    let user = ctx.invocation.user_id;
    let settings = store::settings(&ctx.app.db, guild).await?;
    let new = store::join(&ctx.app.db, guild, user, note, ctx.invocation.now).await?;
    if !new {
        return Ok(Reply::text(if note.is_empty() {
            "You were already in the weekly partner match; your note is now empty.".to_string()
        } else {
            format!("You were already in the weekly partner match; your note is now “{note}”.")
        }));
    }
    Ok(Reply::text(format!(
        "🤝 You're in the weekly partner match. {} Your partners see your name, your phase, your \
         time zone's offset{} and, if you let others see your progress, last week's goal; this \
         holds even if you chose `/privacy hide`, since joining is your choice. `/partners \
         leave` takes you out.",
        when(settings.as_ref()),
        if note.is_empty() {
            String::new()
        } else {
            format!(", your note (“{note}”)")
        }
    )))
}

async fn leave(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    Ok(Reply::text(
        if store::leave(&ctx.app.db, guild, ctx.invocation.user_id).await? {
            "You've left the weekly partner match: you won't be in the next one. Threads you \
             are already in stay."
        } else {
            "You weren't in the weekly partner match; nothing changed. `/partners join` puts \
             you in."
        },
    ))
}

async fn show(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let settings = store::settings(&ctx.app.db, guild).await?;
    let Some(joined) = store::joined(&ctx.app.db, guild, ctx.invocation.user_id).await? else {
        return Ok(Reply::text(format!(
            "You haven't joined the weekly partner match. `/partners join note:<what you want \
             to work on>` puts you in. {}",
            when(settings.as_ref())
        )));
    };
    let note = if joined.note.is_empty() {
        "no note (add one with `/partners join note:`)".to_string()
    } else {
        format!("your note: “{}”", joined.note)
    };
    let mut text = format!(
        "You're in the weekly partner match since <t:{}:D>, with {note}. {}",
        joined.joined_at.timestamp(),
        when(settings.as_ref())
    );
    let zone = match &settings {
        Some(s) => s.slot.zone,
        None => crate::db::prompts::server_zone(&ctx.app.db, guild).await?,
    };
    let now = ctx.invocation.now;
    let week = week_key(now, zone);
    let roadmap = ctx.roadmap();
    let phases = u8::try_from(roadmap.phases.len()).unwrap_or(u8::MAX);
    let mine = groups::group_of(
        &ctx.app.db,
        guild,
        ctx.invocation.user_id,
        &week,
        &roadmap.id,
    )
    .await?;
    match mine {
        None => text.push_str("\n\nYou have no partners this week yet."),
        Some(mine) if mine.partners.is_empty() => {
            text.push_str("\n\nYour partners this week have left the server or deleted their data.")
        }
        Some(mine) => {
            let _ = write!(
                text,
                "\n\n**This week ({})**, your {}:",
                words::week_range(&week),
                words::noun(mine.partners.len(), "partner", "partners")
            );
            for partner in &mine.partners {
                let _ = write!(
                    text,
                    "\n• <@{}>: phase {} · {}",
                    partner.user,
                    phase_of(&partner.completed, phases),
                    describe_offset(utc_offset(partner.zone, now))
                );
                if !partner.note.is_empty() {
                    let _ = write!(text, " · “{}”", partner.note);
                }
                // Only what they let others see: a hidden member's goal stays theirs.
                if let Some(goal) = partner.goal.as_ref().filter(|_| !partner.hidden) {
                    let _ = write!(text, " · last week's goal: “{goal}”");
                }
            }
            if let Some(thread) = mine.thread {
                let _ = write!(text, "\nYour group's thread: <#{thread}>");
            }
        }
    }
    Ok(Reply::text(text))
}

/// When the match runs, or that staff have not turned it on.
fn when(settings: Option<&PartnerSettings>) -> String {
    match settings {
        Some(s) => format!(
            "Members who joined and were active in the last 14 days are matched every {}, by \
             roadmap phase and time zone, each group in a private thread of <#{}>.",
            s.slot.describe(),
            s.channel
        ),
        None => "Staff haven't turned the weekly match on yet (`/settings partners`); you'll \
                 be in it once they do."
            .to_string(),
    }
}
