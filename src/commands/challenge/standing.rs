//! `/challenge list` and `/challenge status`: who stands where, counted from members'
//! activity inside the window at the moment of asking.

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::find;
use crate::challenges::standing::{rank, Progress, Ranked};
use crate::db::challenges::{self as store, Challenge, Find, Status};
use crate::render::challenge as view;
use crate::render::Reply;
use crate::schedule::challenges::phase_topics;

/// A challenge's ranked standing now, how many hidden participants it has, and the caller's
/// own progress if they joined.
pub(crate) async fn standing_now(
    ctx: &Ctx<'_>,
    challenge: &Challenge,
) -> CommandResult<(Vec<Ranked>, usize, Option<Progress>)> {
    let topics = phase_topics(ctx.app, challenge);
    let entries = store::progress(
        &ctx.app.db,
        challenge,
        topics.as_deref(),
        ctx.invocation.now,
    )
    .await?;
    let own = entries
        .iter()
        .find(|p| p.user == ctx.invocation.user_id)
        .cloned();
    let (ranked, hidden) = rank(entries);
    Ok((ranked, hidden, own))
}

/// The caller's line, as `/challenge status` shows it.
pub(super) async fn own_line(ctx: &Ctx<'_>, challenge: &Challenge) -> CommandResult<String> {
    let (ranked, _, own) = standing_now(ctx, challenge).await?;
    Ok(view::your_line(
        challenge,
        &ranked,
        own.as_ref(),
        ctx.invocation.now,
    ))
}

pub(super) async fn status(ctx: &Ctx<'_>, name: Option<String>) -> CommandResult<Reply> {
    let challenge = match name {
        Some(name) => find(ctx, &name).await?,
        None => default_challenge(ctx).await?,
    };
    let now = ctx.invocation.now;
    let (ranked, hidden, own) = standing_now(ctx, &challenge).await?;
    let you = view::your_line(&challenge, &ranked, own.as_ref(), now);
    Ok(view::status(&challenge, &ranked, hidden, you, now))
}

/// Without a name: the open challenge the caller is in, else the only open one.
async fn default_challenge(ctx: &Ctx<'_>) -> CommandResult<Challenge> {
    let guild = ctx.guild()?;
    let db = &ctx.app.db;
    let open: Vec<Challenge> = store::find(db, guild, Find::All, 25)
        .await?
        .into_iter()
        .filter(|c| c.status == Status::Open)
        .collect();
    for challenge in &open {
        if store::joined(db, challenge.id, ctx.invocation.user_id).await? {
            return Ok(challenge.clone());
        }
    }
    match open.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(CommandError::user(
            "There is no open challenge here. `/challenge list` shows past ones; name one with \
             `name:`.",
        )),
        several => Err(CommandError::user(format!(
            "Several challenges are open: name one, like `/challenge status name:{}`.",
            several[0].name
        ))),
    }
}

pub(super) async fn list(ctx: &Ctx<'_>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let challenges = store::find(&ctx.app.db, guild, Find::All, 25).await?;
    Ok(view::list(&challenges, ctx.invocation.now))
}
