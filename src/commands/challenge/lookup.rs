//! Finding a challenge of the caller's server by name, and the names offered while typing.

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use crate::challenges::rules::NAME_MAX;
use crate::db::challenges::{self as store, Challenge, Find, Names};
use crate::render::{limits, Choice};

pub(in crate::commands) async fn find(ctx: &Ctx<'_>, name: &str) -> CommandResult<Challenge> {
    let guild = ctx.guild()?;
    store::one(&ctx.app.db, guild, Find::Name(name.trim()))
        .await?
        .ok_or_else(|| {
            CommandError::user(format!(
                "There is no challenge called `{}` here. `/challenge list` shows them all; \
                 start typing the name and pick it from the list.",
                limits::truncate(name.trim(), NAME_MAX)
            ))
        })
}

/// Challenge names matching what is being typed, as autocomplete choices (`/challenge` and
/// `/leaderboard challenge:`).
pub(in crate::commands) async fn complete_names(
    ctx: &Ctx<'_>,
    which: Names,
    partial: &str,
) -> CommandResult<Vec<Choice>> {
    let guild = ctx.guild()?;
    let names = store::names(
        &ctx.app.db,
        guild,
        which,
        partial,
        ctx.invocation.now,
        limits::AUTOCOMPLETE_CHOICES as i64,
    )
    .await?;
    Ok(names
        .into_iter()
        .map(|name| Choice {
            name: name.clone(),
            value: name,
        })
        .collect())
}
