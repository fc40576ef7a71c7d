//! `/leaderboard`: this week, this month, all time or one phase, ten members a page, with the
//! caller's own place always shown.

use chrono::Datelike;

use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx};
use super::invocation::CommandCall;
use super::options::Opt;
use super::spec::CommandSpec;
use crate::db::leaderboard::{self as store};
use crate::db::prompts::server_zone;
use crate::render::leaderboard::{self as view, Board, PageId, PAGE_SIZE};
use crate::render::Reply;
use crate::roadmap::Library;
use crate::schedule::weekly::week_key;

pub const NAME: &str = "leaderboard";
const PERIOD: Opt<String> = Opt::new("period");
const PHASE: Opt<i64> = Opt::new("phase");
const PERIODS: [&str; 3] = ["week", "month", "all"];

pub fn spec(library: &Library) -> CommandSpec {
    CommandSpec::new(
        NAME,
        "Who has the most points: this week, this month, all time or in a phase",
        run,
    )
    .option(PERIOD.choice("week, month or all (default: all)", &PERIODS))
    .option(PHASE.integer(
        "Only points from this phase (all time)",
        1,
        u32::from(library.max_phase()),
    ))
    .component(turn_page)
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let board = match (call.get(PHASE), call.get(PERIOD).as_deref()) {
        (Some(phase), _) => {
            let phase = u8::try_from(phase)
                .ok()
                .filter(|n| ctx.roadmap().phase(*n).is_some())
                .ok_or_else(|| {
                    CommandError::user(format!(
                        "The roadmap has phases 1 to {}: pick one of those.",
                        ctx.roadmap().phases.len()
                    ))
                })?;
            Board::Phase(phase)
        }
        (None, Some("week")) => Board::Week,
        (None, Some("month")) => Board::Month,
        (None, _) => Board::All,
    };
    show(ctx, board, 0).await
}

async fn turn_page(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    let id = PageId::parse(click.custom_id).ok_or_else(|| {
        CommandError::user("That button is out of date. Run `/leaderboard` again.")
    })?;
    show(ctx, id.board, id.page).await
}

async fn show(ctx: &Ctx<'_>, board: Board, page: u32) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let now = ctx.invocation.now;
    let (scope, title) = match board {
        Board::Week => {
            let zone = server_zone(&ctx.app.db, guild).await?;
            let week = week_key(now, zone);
            (
                format!("week:{week}"),
                format!("Leaderboard · this week ({week})"),
            )
        }
        Board::Month => {
            let zone = server_zone(&ctx.app.db, guild).await?;
            let local = now.with_timezone(&zone);
            let month = format!("{}-{:02}", local.year(), local.month());
            (
                format!("month:{month}"),
                format!("Leaderboard · this month ({month})"),
            )
        }
        Board::All => ("all".to_string(), "Leaderboard · all time".to_string()),
        Board::Phase(n) => {
            let title = ctx
                .roadmap()
                .phase(n)
                .map_or(format!("Phase {n}"), |p| format!("Phase {n} · {}", p.title));
            (format!("phase:{n}"), format!("Leaderboard · {title}"))
        }
    };
    let db = &ctx.app.db;
    let (standings, more) = store::page(db, guild, &scope, i64::from(page), PAGE_SIZE).await?;
    let caller = ctx.invocation.user_id;
    let place = store::place(db, guild, &scope, caller).await?;
    Ok(view::page(
        &title, board, page, &standings, more, caller, place,
    ))
}
