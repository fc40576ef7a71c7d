//! `/challenge create` (staff): checks everything before saving anything, then saves the
//! challenge and plans its announcements in one transaction.

use serenity::all::{ChannelId, RoleId};

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::super::invocation::CommandCall;
use super::super::options::{Opt, OptionSpec};
use super::CHALLENGE;
use crate::challenges::rules::{self, Draft, NAME_MAX};
use crate::challenges::window::{midpoint, month_end_if_no_such_day, parse_date, today, window};
use crate::challenges::{Goal, FINISHER_POINTS};
use crate::changes;
use crate::db::challenges::NewChallenge;
use crate::db::prompts::{schedule, server_zone};
use crate::render::Reply;
use crate::roadmap::MAX_PHASES;
use chrono::Datelike;

const GOAL: Opt<String> = Opt::new("goal");
const TARGET: Opt<i64> = Opt::new("target");
const START: Opt<String> = Opt::new("start");
const END: Opt<String> = Opt::new("end");
const PHASE: Opt<i64> = Opt::new("phase");
const ROLE: Opt<RoleId> = Opt::new("role");
const CHANNEL: Opt<ChannelId> = Opt::new("channel");
/// The registered bound; the real one depends on the goal (see `rules::check`).
const TARGET_MAX: u32 = 1000;

pub(super) fn options() -> Vec<OptionSpec> {
    vec![
        CHALLENGE
            .text(
                "What members will call it, like December sprint",
                NAME_MAX as u16,
            )
            .required(),
        GOAL.choice(
            "topics: mark topics done · checkins: weeks checked in · phase: phases finished",
            &Goal::NAMES,
        )
        .required(),
        TARGET
            .integer("How many (topics, weeks or phases) to reach", 1, TARGET_MAX)
            .required(),
        START
            .text("First day, YYYY-MM-DD, in the server's time zone", 10)
            .required(),
        END.text("Last day (included), YYYY-MM-DD", 10).required(),
        PHASE.integer(
            "Only topics of this phase, or this phase to finish",
            1,
            u32::from(MAX_PHASES),
        ),
        ROLE.role("A role every finisher gets"),
        CHANNEL.text_channel("Where announcements go (default: the weekly prompt's channel)"),
    ]
}

pub(super) async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let now = ctx.invocation.now;
    let user_error = |text: String| CommandError::user(text);
    let name = rules::name(&call.required(CHALLENGE)?).map_err(user_error)?;
    let goal = call
        .get(GOAL)
        .as_deref()
        .and_then(Goal::parse)
        .ok_or_else(|| {
            CommandError::user("Pick a goal: `goal:topics`, `goal:checkins` or `goal:phase`.")
        })?;
    let date = |opt: Opt<String>| {
        let text = call.required(opt)?;
        parse_date(&text).ok_or_else(|| match month_end_if_no_such_day(&text) {
            Some(last) => CommandError::user(format!(
                "`{}` has no such day: {} has {} days. Pick a day that exists, like `{}:{}`.",
                text.trim(),
                last.format("%B %Y"),
                last.day(),
                opt.name(),
                last.format("%Y-%m-%d")
            )),
            None => CommandError::user(format!(
                "`{}` is not a date Waypoint reads: write `{}:YYYY-MM-DD`, like `{}:2026-12-07`.",
                crate::render::limits::truncate(&text, 20),
                opt.name(),
                opt.name()
            )),
        })
    };
    let first_day = date(START)?;
    let last_day = date(END)?;
    let phase = match call.get(PHASE) {
        None => None,
        Some(n) => Some(u8::try_from(n).map_err(|_| {
            CommandError::user(format!(
                "The roadmap has phases 1 to {}: pick one of those.",
                ctx.roadmap().phases.len()
            ))
        })?),
    };
    let draft = Draft {
        name,
        goal,
        target: call.required(TARGET)?,
        phase,
        first_day,
        last_day,
    };
    let zone = server_zone(&ctx.app.db, guild).await?;
    rules::check(&draft, ctx.roadmap(), today(now, zone)).map_err(user_error)?;
    let role = call.get(ROLE);
    if role.is_some_and(|r| r.get() == guild.get()) {
        return Err(CommandError::user(
            "@everyone can't be a finisher's role: pick a role members don't already have.",
        ));
    }
    let channel = match call.get(CHANNEL) {
        Some(channel) => channel,
        None => schedule(&ctx.app.db, guild)
            .await?
            .map(|s| s.channel)
            .ok_or_else(|| {
                CommandError::user(
                    "Name the channel for its announcements, like `channel:#challenges` (this \
                     server has no weekly prompt channel to use instead).",
                )
            })?,
    };
    let (starts_at, ends_at) = window(first_day, last_day, zone);
    let new = NewChallenge {
        guild,
        name: draft.name.clone(),
        goal,
        target: draft.target,
        phase,
        roadmap: ctx.roadmap().id.clone(),
        first_day,
        last_day,
        starts_at,
        ends_at,
        zone,
        channel,
        role,
        points: FINISHER_POINTS,
        created_by: ctx.invocation.user_id,
    };
    if changes::create_challenge(ctx.app, &new, now)
        .await?
        .is_none()
    {
        return Err(CommandError::user(format!(
            "An open challenge is already called `{}`: pick another name, or end or cancel \
             that one first.",
            draft.name
        )));
    }
    let at = |t: chrono::DateTime<chrono::Utc>| format!("<t:{}:f>", t.timestamp());
    let role_note = role.map_or(String::new(), |r| {
        format!(
            " Finishers also get <@&{r}>: Waypoint needs Manage Roles, and its highest role \
             must sit above it."
        )
    });
    Ok(Reply::text(format!(
        "Created **{}**: {}, {} to {} ({}). Announcements go to <#{channel}>: the start {}, \
         the standing halfway {}, the results {}. Members join with `/challenge join name:{}`; \
         finishers earn {FINISHER_POINTS} points.{role_note}",
        draft.name,
        goal.describe(draft.target, phase),
        first_day,
        last_day,
        zone.name(),
        at(starts_at),
        at(midpoint(starts_at, ends_at)),
        at(ends_at),
        draft.name
    ))
    .ephemeral())
}
