//! `/leaderboard`: this week, this month, all time, one phase or one challenge, ten members a
//! page. The public board shows the shared standing; the caller's own place is in the private
//! copy its buttons answer with.

use serenity::all::GuildId;

use super::card::{self, CARD};
use super::challenge::{challenge_card, complete_names, find as find_challenge, standing_now};
use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx, Typing};
use super::invocation::CommandCall;
use super::options::Opt;
use super::spec::CommandSpec;
use crate::boards;
use crate::challenges::rules::NAME_MAX;
use crate::db::challenges::{self as challenges, Find, Names};
use crate::db::leaderboard::{self as store, Standing};
use crate::render::card::leaderboard::{self as leaderboard_card, Entry};
use crate::render::challenge::progress_amount;
use crate::render::challenge::{your_line, TIE_RULE};
use crate::render::leaderboard::{self as view, Board, Page, PageId, SharedPage, PAGE_SIZE};
use crate::render::{Choice, Reply};
use crate::roadmap::MAX_PHASES;
use crate::words;

pub const NAME: &str = "leaderboard";
const PERIOD: Opt<String> = Opt::new("period");
const PHASE: Opt<i64> = Opt::new("phase");
const CHALLENGE: Opt<String> = Opt::new("challenge");
const PERIODS: [&str; 3] = ["week", "month", "all"];

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "Who has the most points: this week, this month, all time or in a phase",
        run,
    )
    .option(PERIOD.choice("week, month or all (default: all)", &PERIODS))
    .option(PHASE.integer(
        "Only points from this phase (all time)",
        1,
        u32::from(MAX_PHASES),
    ))
    .option(
        CHALLENGE
            .text(
                "A challenge's standing (start typing its name)",
                NAME_MAX as u16,
            )
            .autocomplete(),
    )
    .option(CARD.boolean("As an image: the top ten"))
    .autocomplete(complete)
    .component(turn_page)
}

async fn complete(ctx: &Ctx<'_>, typing: Typing<'_>) -> CommandResult<Vec<Choice>> {
    complete_names(ctx, Names::Any, typing.partial).await
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let period = call.get(PERIOD);
    let dated = matches!(period.as_deref(), Some("week" | "month"));
    if let Some(name) = call.get(CHALLENGE) {
        if dated || call.get(PHASE).is_some() {
            return Err(CommandError::user(
                "A challenge's standing counts its own days, so it takes no `period` or \
                 `phase`: run `/leaderboard challenge:<name>` alone.",
            ));
        }
        let challenge = find_challenge(ctx, &name).await?;
        if call.get(CARD).unwrap_or(false) {
            return challenge_card(ctx, &challenge).await;
        }
        return show(ctx, Board::Challenge(challenge.id), 0).await;
    }
    if dated && call.get(PHASE).is_some() {
        return Err(CommandError::user(
            "Phase boards count all time, so `phase` and `period` don't combine: run \
             `/leaderboard phase:<n>` for a phase, or `/leaderboard period:week` for this week.",
        ));
    }
    let board = match (call.get(PHASE), period.as_deref()) {
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
    if call.get(CARD).unwrap_or(false) {
        return board_card(ctx, board).await;
    }
    show(ctx, board, 0).await
}

/// The board's first page as an image: the same shared standing the message shows.
async fn board_card(ctx: &Ctx<'_>, board: Board) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let shared = shared_page(ctx, guild, board, 0).await?;
    let users: Vec<_> = shared.standings.iter().map(|s| s.user).collect();
    let names = card::names(ctx, guild, &users).await;
    let entries: Vec<Entry> = shared
        .standings
        .iter()
        .map(|s| Entry {
            rank: s.rank,
            name: names.get(&s.user).cloned().unwrap_or_default(),
            points: s.points,
        })
        .collect();
    let image = leaderboard_card::card(&shared.title, &entries);
    card::reply(ctx, shared.title.clone(), image, None).await
}

async fn turn_page(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    let id = PageId::parse(click.custom_id).ok_or_else(|| {
        CommandError::user("That button is out of date. Run `/leaderboard` again.")
    })?;
    show(ctx, id.board, id.page).await
}

async fn show(ctx: &Ctx<'_>, board: Board, page: u32) -> CommandResult<Reply> {
    if let Board::Challenge(id) = board {
        return show_challenge(ctx, id, page).await;
    }
    let guild = ctx.guild()?;
    let shared = shared_page(ctx, guild, board, page).await?;
    let you = if ctx.private() {
        // Counted now, with the caller's awards not folded yet: their own change shows.
        let caller = ctx.invocation.user_id;
        let place = store::place(&ctx.app.db, guild, &shared.scope, caller).await?;
        Some((caller, view::place_line(place)))
    } else {
        None
    };
    Ok(view::page(Page {
        title: &shared.title,
        board,
        page,
        standings: &shared.standings,
        more: shared.more,
        you,
        amount: &|points| words::count(points, "point", "points"),
        footer: "equal points share a rank · hidden members are left out",
    }))
}

/// A page of a points board, shared for a few seconds between requests (`boards::page`).
async fn shared_page(
    ctx: &Ctx<'_>,
    guild: GuildId,
    board: Board,
    page: u32,
) -> CommandResult<std::sync::Arc<SharedPage>> {
    let now = ctx.invocation.now;
    Ok(boards::page(ctx.app, ctx.roadmap(), guild, board, page, now).await?)
}

/// A challenge's standing as a leaderboard: progress instead of points. The id comes from a
/// button, so it is looked up in the clicker's own server only.
async fn show_challenge(ctx: &Ctx<'_>, id: i64, page: u32) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let challenge = challenges::one(&ctx.app.db, guild, Find::Id(id))
        .await?
        .ok_or_else(|| {
            CommandError::user(
                "That challenge is not in this server. `/challenge list` shows this server's.",
            )
        })?;
    let (standing, own) = standing_now(ctx, &challenge, ctx.private()).await?;
    let ranked = &standing.ranked;
    let now = ctx.invocation.now;
    let you = ctx.private().then(|| {
        (
            ctx.invocation.user_id,
            your_line(&challenge, ranked, own.as_ref(), now),
        )
    });
    let size = PAGE_SIZE as usize;
    let start = (page as usize).saturating_mul(size);
    let standings: Vec<Standing> = ranked
        .iter()
        .skip(start)
        .take(size)
        .map(|r| Standing {
            rank: r.rank,
            user: r.progress.user.into(),
            points: r.progress.count,
        })
        .collect();
    let goal = challenge.goal;
    let target = challenge.target;
    Ok(view::page(Page {
        title: &format!("Leaderboard · challenge {}", challenge.name),
        board: Board::Challenge(id),
        page,
        standings: &standings,
        more: ranked.len() > start.saturating_add(size),
        you,
        amount: &|n| progress_amount(goal, n, target),
        footer: TIE_RULE,
    }))
}
