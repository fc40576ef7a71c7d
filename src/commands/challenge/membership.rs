//! Joining and leaving a challenge, and staff ending one early or cancelling it. Each refusal
//! changes nothing and says what to do instead.

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::standing::own_line;
use crate::changes;
use crate::db::challenges::{Challenge, Joined, Status};
use crate::render::Reply;

fn closed(challenge: &Challenge) -> CommandError {
    CommandError::user(match challenge.status {
        Status::Cancelled => format!(
            "`{}` was cancelled. `/challenge list` shows the open challenges.",
            challenge.name
        ),
        _ => format!(
            "`{}` has ended; its results stand. `/challenge list` shows the open challenges.",
            challenge.name
        ),
    })
}

pub(super) async fn join(ctx: &Ctx<'_>, challenge: &Challenge) -> CommandResult<Reply> {
    let now = ctx.invocation.now;
    let user = ctx.invocation.user_id;
    if !challenge.joinable(now) {
        return Err(closed(challenge));
    }
    match changes::join_challenge(ctx.app, challenge, user, now).await? {
        Joined::Joined => {}
        Joined::AlreadyIn => {
            return Err(CommandError::user(format!(
                "You're already in `{}`. `/challenge status name:{}` shows where you stand.",
                challenge.name, challenge.name
            )))
        }
        Joined::Closed => return Err(closed(challenge)),
    }
    let standing = own_line(ctx, challenge).await?;
    Ok(Reply::text(format!(
        "You joined **{}**: {}. Everything you did since its first day counts.\n{standing}",
        challenge.name,
        challenge.goal.describe(challenge.target, challenge.phase)
    ))
    .ephemeral())
}

pub(super) async fn leave(ctx: &Ctx<'_>, challenge: &Challenge) -> CommandResult<Reply> {
    if challenge.status != Status::Open {
        return Err(closed(challenge));
    }
    if !changes::leave_challenge(ctx.app, challenge, ctx.invocation.user_id).await? {
        return Err(CommandError::user(format!(
            "You're not in `{}`, so there is nothing to leave.",
            challenge.name
        )));
    }
    Ok(Reply::text(format!(
        "You left **{}**. Your progress itself is untouched; join again before it ends and it \
         all counts again.",
        challenge.name
    ))
    .ephemeral())
}

pub(super) async fn end(ctx: &Ctx<'_>, challenge: &Challenge) -> CommandResult<Reply> {
    let now = ctx.invocation.now;
    if challenge.status != Status::Open {
        return Err(closed(challenge));
    }
    if now < challenge.starts_at {
        return Err(CommandError::user(format!(
            "`{}` hasn't started yet, so it has no results: `/challenge cancel name:{}` calls \
             it off.",
            challenge.name, challenge.name
        )));
    }
    if now >= challenge.ends_at || !changes::end_challenge(ctx.app, challenge, now).await? {
        return Err(CommandError::user(format!(
            "`{}` is already over; its results are being posted.",
            challenge.name
        )));
    }
    Ok(Reply::text(format!(
        "Ended **{}** now. The results (winners, finishers, points{}) go out in <#{}> within a \
         minute.",
        challenge.name,
        if challenge.role.is_some() {
            ", role"
        } else {
            ""
        },
        challenge.channel
    ))
    .ephemeral())
}

pub(super) async fn cancel(ctx: &Ctx<'_>, challenge: &Challenge) -> CommandResult<Reply> {
    if challenge.status != Status::Open || !changes::cancel_challenge(ctx.app, challenge).await? {
        return Err(closed(challenge));
    }
    Ok(Reply::text(format!(
        "Cancelled **{}**: no more announcements, and no points or roles. Members' progress \
         is untouched.",
        challenge.name
    ))
    .ephemeral())
}
