//! `/challenge list` and `/challenge status`: who stands where, counted from members'
//! activity inside the window (shared between requests for a few seconds).

use std::sync::Arc;

use serenity::all::UserId;

use super::super::card;
use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use super::lookup::find_to_show;
use crate::challenges::cache::Standing;
use crate::challenges::standing::Progress;
use crate::db::challenges::{self as store, Challenge, Find, Status};
use crate::render::card::challenge::{self as challenge_card, Entry};
use crate::render::card::standings as card_rows;
use crate::render::challenge as view;
use crate::render::Reply;
use crate::standings;

/// A challenge's ranked standing (shared between requests for a few seconds, see
/// `StandingCache`) and, with `own`, the caller's own progress, counted now so their own
/// change always shows (a public answer has no use for it).
pub(crate) async fn standing_now(
    ctx: &Ctx<'_>,
    challenge: &Challenge,
    own: bool,
) -> CommandResult<(Arc<Standing>, Option<Progress>)> {
    let (db, now, user) = (&ctx.app.db, ctx.invocation.now, ctx.invocation.user_id);
    let standing = standings::standing(ctx.app, challenge, now).await?;
    if !own {
        return Ok((standing, None));
    }
    let topics = ctx.app.content.challenge_topics(db, challenge).await?;
    let own = store::progress(db, challenge, topics.as_deref(), now, Some(user))
        .await?
        .into_iter()
        .next();
    Ok((standing, own))
}

/// The caller's line, as `/challenge status` shows it.
pub(super) async fn own_line(ctx: &Ctx<'_>, challenge: &Challenge) -> CommandResult<String> {
    let (standing, own) = standing_now(ctx, challenge, true).await?;
    Ok(view::your_line(
        challenge,
        &standing.ranked,
        own.as_ref(),
        ctx.invocation.now,
    ))
}

pub(super) async fn status(
    ctx: &Ctx<'_>,
    name: Option<String>,
    as_card: bool,
) -> CommandResult<Reply> {
    let challenge = match name {
        Some(name) => find_to_show(ctx, &name).await?,
        None => default_challenge(ctx).await?,
    };
    if as_card {
        return challenge_card(ctx, &challenge).await;
    }
    status_of(ctx, &challenge).await
}

/// The standing as an image: each ranked participant's bar toward the target (members who
/// keep their progress private are not ranked, so not drawn), and the days left.
pub(crate) async fn challenge_card(ctx: &Ctx<'_>, challenge: &Challenge) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let (standing, _) = standing_now(ctx, challenge, false).await?;
    let shown = &standing.ranked[..standing.ranked.len().min(card_rows::ROWS)];
    let users: Vec<UserId> = shown.iter().map(|r| r.progress.user.into()).collect();
    let names = card::names(ctx, guild, &users).await;
    let entries: Vec<Entry> = shown
        .iter()
        .map(|r| Entry {
            rank: r.rank,
            name: names
                .get(&r.progress.user.into())
                .cloned()
                .unwrap_or_default(),
            count: r.progress.count,
        })
        .collect();
    let image = challenge_card::card(challenge, &entries, ctx.invocation.now);
    card::reply(ctx, format!("Challenge · {}", challenge.name), image, None).await
}

/// The standing, with the caller's own line only in an answer they alone see.
pub(super) async fn status_of(ctx: &Ctx<'_>, challenge: &Challenge) -> CommandResult<Reply> {
    let now = ctx.invocation.now;
    let (standing, own) = standing_now(ctx, challenge, ctx.private()).await?;
    let you = ctx
        .private()
        .then(|| view::your_line(challenge, &standing.ranked, own.as_ref(), now));
    Ok(view::status(
        challenge,
        &standing.ranked,
        standing.hidden.len(),
        you,
        now,
    ))
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
