//! `/challenge`: staff create, end early or cancel a server-wide study challenge; members join
//! and leave; everyone lists them and sees a standing.

mod create;
mod lookup;
mod membership;
mod standing;

pub(super) use lookup::{complete_names, find};
pub(super) use standing::{challenge_card, standing_now};

use super::card::CARD;
use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx, Typing};
use super::invocation::CommandCall;
use super::options::Opt;
use super::spec::CommandSpec;
use super::subcommand::{subcommands, Subcommand};
use crate::challenges::rules::NAME_MAX;
use crate::db::challenges::{self as store, Challenge, Find, Names};
use crate::render::challenge_id::ChallengeId;
use crate::render::{Choice, Reply};

subcommands! {
    enum Sub {
        Create = "create",
        Join = "join",
        Leave = "leave",
        List = "list",
        Status = "status",
        End = "end",
        Cancel = "cancel",
    }
}

pub const NAME: &str = "challenge";
const CHALLENGE: Opt<String> = Opt::new("name");

pub fn spec() -> CommandSpec {
    let name = |description| {
        CHALLENGE
            .text(description, NAME_MAX as u16)
            .required()
            .autocomplete()
    };
    CommandSpec::new(
        NAME,
        "Server-wide study challenges: join one, see the standing",
        run,
    )
    .option(Sub::Create.option(
        "Start a challenge (staff): a goal, a target, first and last day",
        create::options(),
    ))
    .option(Sub::Join.option(
        "Join a challenge; what you did since its first day counts",
        vec![name("The challenge (start typing)")],
    ))
    .option(Sub::Leave.option(
        "Leave a challenge you joined",
        vec![name("The challenge (start typing)")],
    ))
    .option(Sub::List.option("The server's challenges: open ones first", Vec::new()))
    .option(Sub::Status.option(
        "A challenge's standing, with your own place",
        vec![
            CHALLENGE
                .text(
                    "The challenge (default: the one you are in)",
                    NAME_MAX as u16,
                )
                .autocomplete(),
            CARD.boolean("As an image: each member's bar toward the target"),
        ],
    ))
    .option(Sub::End.option(
        "End a running challenge now and post its results (staff)",
        vec![name("The challenge (start typing)")],
    ))
    .option(Sub::Cancel.option(
        "Call a challenge off: no results, points or roles (staff)",
        vec![name("The challenge (start typing)")],
    ))
    .staff_subcommands(&[Sub::Create, Sub::End, Sub::Cancel])
    .autocomplete(complete)
    .component(click)
}

/// The "My progress" and "Join" buttons of standings and announcements. The id names a
/// challenge of the clicker's own server; one from elsewhere is not found.
async fn click(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    let stale = || {
        CommandError::user(
            "That button is out of date. `/challenge list` shows this server's challenges.",
        )
    };
    let id = ChallengeId::parse(click.custom_id).ok_or_else(stale)?;
    let (ChallengeId::Mine(number) | ChallengeId::Join(number)) = id;
    let challenge = store::one(&ctx.app.db, ctx.guild()?, Find::Id(number))
        .await?
        .ok_or_else(stale)?;
    match id {
        ChallengeId::Mine(_) => standing::status_of(ctx, &challenge).await,
        ChallengeId::Join(_) => membership::join(ctx, &challenge).await,
    }
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.sub::<Sub>()? {
        Sub::Create => create::run(ctx, call).await,
        Sub::Join => membership::join(ctx, &named(ctx, call).await?).await,
        Sub::Leave => membership::leave(ctx, &named(ctx, call).await?).await,
        Sub::End => membership::end(ctx, &named(ctx, call).await?).await,
        Sub::Cancel => membership::cancel(ctx, &named(ctx, call).await?).await,
        Sub::Status => {
            standing::status(ctx, call.get(CHALLENGE), call.get(CARD).unwrap_or(false)).await
        }
        Sub::List => standing::list(ctx).await,
    }
}

/// The challenge named in `name:`, or a clear error.
async fn named(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Challenge> {
    let name = call.required(CHALLENGE)?;
    find(ctx, &name).await
}

async fn complete(ctx: &Ctx<'_>, typing: Typing<'_>) -> CommandResult<Vec<Choice>> {
    let which = match typing.call.sub_if::<Sub>() {
        Some(Sub::Join | Sub::End | Sub::Cancel) => Names::Open,
        Some(Sub::Leave) => Names::JoinedBy(ctx.invocation.user_id),
        _ => Names::Any,
    };
    complete_names(ctx, which, typing.partial).await
}
