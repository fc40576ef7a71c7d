//! Finding a challenge of the caller's server by name, and the names offered while typing.

use super::super::error::{CommandError, CommandResult};
use super::super::handler::Ctx;
use crate::challenges::rules::NAME_MAX;
use crate::db::challenges::{self as store, Challenge, Find, Names};
use crate::render::{limits, Choice};
use crate::slice_cache::Count;

pub(in crate::commands) async fn find(ctx: &Ctx<'_>, name: &str) -> CommandResult<Challenge> {
    let guild = ctx.guild()?;
    let found = store::one(&ctx.app.db, guild, Find::Name(name.trim())).await?;
    found.ok_or_else(|| missing(name))
}

/// Like [`find`], for a look only: what it found is shared for a few seconds
/// (`App::challenge_names`; creating, joining, leaving, ending or cancelling drops it).
pub(in crate::commands) async fn find_to_show(
    ctx: &Ctx<'_>,
    name: &str,
) -> CommandResult<Challenge> {
    let guild = ctx.guild()?;
    let name = name.trim().to_string();
    let db = ctx.app.db.clone();
    let key = name.clone();
    let count = move || -> Count<Option<Challenge>> {
        Box::pin(async move { store::one(&db, guild, Find::Name(&name)).await })
    };
    let found = ctx
        .app
        .challenge_names
        .get(guild, key.clone(), ctx.invocation.now, count)
        .await?;
    Option::clone(&found).ok_or_else(|| missing(&key))
}

fn missing(name: &str) -> CommandError {
    CommandError::user(format!(
        "There is no challenge called `{}` here. `/challenge list` shows them all; start \
         typing the name and pick it from the list.",
        limits::truncate(name.trim(), NAME_MAX)
    ))
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
