//! Sending a card: drawn by the `cards` service, sent as the reply's attachment, shown by its
//! embed (`attachment://`), with its content in words as the attachment's alt text. On the HTTP
//! endpoint a reply with a file goes out as a deferral and an edit (see `discord::respond`).

use std::collections::HashMap;

use serenity::all::{GuildId, UserId};

use super::error::{CommandError, CommandResult};
use super::handler::Ctx;
use super::options::Opt;
use crate::cards::CardError;
use crate::render::card::Card;
use crate::render::{Embed, Reply};

/// The option that asks `/leaderboard`, `/challenge status` and `/checkins` for an image.
pub const CARD: Opt<bool> = Opt::new("card");

/// The reply holding `card`, drawn with the avatar at `avatar` when it comes in time.
pub async fn reply(
    ctx: &Ctx<'_>,
    title: impl Into<String>,
    card: Card,
    avatar: Option<&str>,
) -> CommandResult<Reply> {
    let (file_name, alt) = (card.file_name, card.alt.clone());
    let png = ctx
        .app
        .cards
        .draw(&ctx.app.attachments, card, avatar)
        .await
        .map_err(|e| match e {
            CardError::Busy => CommandError::user(
                "Waypoint is drawing a lot of cards right now. Try again in a few seconds.",
            ),
            CardError::Failed(why) => CommandError::Internal(anyhow::anyhow!(why)),
        })?;
    Ok(Reply::embed(Embed::new(title).image(file_name)).with_image(file_name, png.to_vec(), alt))
}

/// The name a card shows for the caller or a member named in the options, as the
/// interaction carried it; empty when it did not say (the card shows "A member").
pub fn name_of<'c>(ctx: &'c Ctx<'_>, user: UserId) -> (&'c str, Option<&'c str>) {
    match ctx.invocation.profile(user) {
        Some(profile) => (profile.name.as_str(), profile.avatar.as_deref()),
        None => ("", None),
    }
}

/// The names a board's card shows: from the interaction for the members it carried (the
/// caller), the rest asked of Discord (see `profiles::Names`). A member whose name did not come
/// is missing; the card shows "A member".
pub async fn names(ctx: &Ctx<'_>, guild: GuildId, users: &[UserId]) -> HashMap<UserId, String> {
    let (known, unknown): (Vec<UserId>, Vec<UserId>) = users
        .iter()
        .copied()
        .partition(|user| ctx.invocation.profile(*user).is_some());
    let mut found = ctx
        .app
        .names
        .of(ctx.app.discord.as_deref(), guild, &unknown)
        .await;
    for user in known {
        found.insert(user, name_of(ctx, user).0.to_string());
    }
    found
}
