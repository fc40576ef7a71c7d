//! A challenge's page: its goal, the days left, and its standing, read through
//! `standings::standing` like `/challenge status`.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::site::{html, server, shown_name, Refused, Site};
use crate::app::App;
use crate::db::challenges;
use crate::db::web as store;
use crate::render::card::challenge::days_left;
use crate::standings;

struct ChallengeLine {
    rank: i64,
    name: String,
    amount: String,
    /// Progress toward the target, 0 to 100, for the bar.
    percent: i64,
}

#[derive(Template)]
#[template(path = "web/challenge.html")]
struct ChallengePage {
    site: Site,
    name: String,
    goal: String,
    state: String,
    lines: Vec<ChallengeLine>,
    /// "And 2 members who keep their progress private."
    hidden: Option<String>,
}

/// A challenge's standing: its goal, the days left, and each ranked member's progress
/// (members who keep their progress private are counted, never named).
pub async fn challenge(
    State(app): State<Arc<App>>,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Html<String>, Refused> {
    let found = server(&app, slug).await?;
    let guild = found.guild;
    let challenge = challenges::find(&app.db, guild, challenges::Find::Id(id), 1)
        .await?
        .into_iter()
        .next()
        .ok_or(Refused::NotFound)?;
    let now = app.clock.now();
    let standing = standings::standing(&app, &challenge, now)
        .await
        .map_err(|_| Refused::Unavailable)?;
    let users: Vec<serenity::all::UserId> = standing
        .ranked
        .iter()
        .map(|r| r.progress.user.into())
        .collect();
    let names = store::names(&app.db, guild, &users).await?;
    let target = challenge.target.max(1);
    let lines = standing
        .ranked
        .iter()
        .map(|r| ChallengeLine {
            rank: r.rank,
            name: shown_name(&names, r.progress.user.into()),
            amount: format!(
                "{} of {}",
                r.progress.count.min(challenge.target),
                challenge.goal.count(challenge.target)
            ),
            percent: (r.progress.count.clamp(0, target) * 100) / target,
        })
        .collect();
    let page = ChallengePage {
        site: found.site,
        goal: challenge.goal.describe(challenge.target, challenge.phase),
        state: days_left(&challenge, now),
        name: challenge.name.clone(),
        lines,
        hidden: (!standing.hidden.is_empty()).then(|| {
            format!(
                "And {} their progress private.",
                crate::words::count(
                    standing.hidden.len(),
                    "member who keeps",
                    "members who keep"
                )
            )
        }),
    };
    html(&page)
}
