//! `/prompt now` and `/prompt preview` (staff): post this week's learning prompt at once, or
//! see privately what the next one will be.

use super::error::{CommandError, CommandResult};
use super::handler::Ctx;
use super::invocation::CommandCall;
use super::spec::CommandSpec;
use super::subcommand::{subcommands, Subcommand};
use crate::clock::Clock;
use crate::db::prompts::{self as store, PromptSchedule, KIND};
use crate::db::scheduled::{self, Claim};
use crate::render::{prompt as view, Reply};
use crate::schedule::deliver::Ran;
use crate::schedule::prompts::{choose, run};
use crate::schedule::Jobs;
use crate::weekly::week_key;

subcommands! {
    enum Sub {
        Now = "now",
        Preview = "preview",
    }
}

pub const NAME: &str = "prompt";

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "This server's weekly learning prompt (staff only)",
        run_command,
    )
    .staff()
    .private()
    .option(Sub::Now.option(
        "Post this week's prompt now; the scheduled post for this week is then skipped",
        Vec::new(),
    ))
    .option(Sub::Preview.option(
        "Show the next prompt privately, before it is posted",
        Vec::new(),
    ))
}

async fn run_command(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.sub::<Sub>()? {
        Sub::Now => now(ctx).await,
        Sub::Preview => preview(ctx).await,
    }
}

async fn schedule(ctx: &Ctx<'_>) -> CommandResult<PromptSchedule> {
    store::schedule(&ctx.app.db, ctx.guild()?)
        .await?
        .ok_or_else(|| {
            CommandError::user(
                "Weekly prompts are off in this server. Turn them on first with \
                 `/settings prompts channel:#general day:Monday time:18:00`.",
            )
        })
}

/// The invocation's time, as the clock a post attempt reads.
struct At(chrono::DateTime<chrono::Utc>);

impl Clock for At {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
}

async fn now(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    if ctx.app.poster.is_none() {
        return Err(CommandError::user(
            "This Waypoint has no bot token to post with (the console, or `serve` without \
             DISCORD_TOKEN). `/prompt preview` shows the prompt instead.",
        ));
    }
    let schedule = schedule(ctx).await?;
    let now = ctx.invocation.now;
    let period = week_key(now, schedule.slot.zone);
    let lease = now + ctx.app.schedule.lease;
    let app = &ctx.app;
    let claim =
        scheduled::claim_period(&app.db, guild, KIND, &period, &app.instance, now, lease).await?;
    let job = match claim {
        Claim::Claimed(job) => job,
        Claim::Busy => {
            return Ok(Reply::text(format!(
                "This week's prompt is being posted right now; look in <#{}> in a minute.",
                schedule.channel
            )))
        }
        Claim::Ended(record) => {
            let link = match (record.channel, record.message) {
                (Some(channel), Some(message)) => {
                    format!("https://discord.com/channels/{guild}/{channel}/{message}")
                }
                _ => format!("<#{}>", schedule.channel),
            };
            return Ok(Reply::text(format!(
                "This week's prompt ({}) was already posted: {link}. The next one follows the \
                 schedule in `/settings show`.",
                record.period
            )));
        }
    };
    match run(&Jobs::of(app), &At(now), &job, true).await? {
        Ran::Posted {
            channel,
            what: prompt,
            ..
        } => Ok(Reply::text(format!(
            "Posted this week's prompt, **{prompt}**, in <#{channel}>. It counts as this week's \
             post, so the scheduled one will not repeat it."
        ))),
        Ran::Retrying(why) => Ok(Reply::text(format!(
            "Discord did not take the post yet ({why}); Waypoint will try again within a few \
             minutes, and it still counts as this week's."
        ))),
        Ran::LostLease => Ok(Reply::text(
            "Another Waypoint process took this post over; it will appear shortly.",
        )),
        Ran::Done(why)
        | Ran::Skipped(why)
        | Ran::CannotPost(why)
        | Ran::Failed(why)
        | Ran::GaveUp(why) => Err(CommandError::user(format!(
            "The prompt was not posted: {why}. `/settings show` shows the prompt settings."
        ))),
    }
}

async fn preview(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let schedule = schedule(ctx).await?;
    let now = ctx.invocation.now;
    let (next, _) = scheduled::next_and_last(&ctx.app.db, guild, KIND).await?;
    let due = match next {
        Some(next) => Some(next.due_at),
        None => schedule.slot.next_after(now),
    };
    let due = due.ok_or_else(|| {
        CommandError::user("No next prompt is planned; run `/settings prompts` again.")
    })?;
    let period = week_key(due, schedule.slot.zone);
    let roadmap = ctx.roadmap();
    let prompt = choose(&Jobs::of(ctx.app), roadmap, guild, &period, now)
        .await?
        .ok_or_else(|| CommandError::user("This roadmap has no weekly prompts."))?;
    let mut reply = view::post(roadmap, prompt, &period);
    reply.content = Some(format!(
        "The next prompt, due <t:{}:F> in <#{}> (if members' phases do not change before then):",
        due.timestamp(),
        schedule.channel
    ));
    Ok(reply)
}
