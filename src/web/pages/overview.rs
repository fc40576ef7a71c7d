//! The community's front page: its name, this week in numbers, this week's prompt, the
//! roadmap's phases and the server's challenges.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::site::{html, server, Refused, Site};
use crate::app::App;
use crate::db::{challenges, prompts, scheduled, web as store};
use crate::render::card::challenge::days_left;
use crate::weekly::{week_key, week_start};
use crate::words;

struct PhaseLine {
    number: u8,
    title: String,
    topics: usize,
}

struct ChallengeLink {
    id: i64,
    name: String,
    state: String,
}

/// The prompt posted this week.
struct PromptShown {
    title: String,
    text: String,
}

#[derive(Template)]
#[template(path = "web/overview.html")]
struct Overview {
    site: Site,
    roadmap: String,
    /// "12 members active", "1 check-in".
    active: String,
    checkins: String,
    prompt: Option<PromptShown>,
    phases: Vec<PhaseLine>,
    challenges: Vec<ChallengeLink>,
}

pub async fn overview(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
) -> Result<Html<String>, Refused> {
    let found = server(&app, slug).await?;
    let (guild, roadmap) = (found.guild, &found.roadmap);
    let now = app.clock.now();
    // The server's week, as its prompts and check-ins count it.
    let zone = prompts::server_zone(&app.db, guild).await?;
    let week = week_key(now, zone);
    let numbers = store::week_numbers(&app.db, guild, week_start(now, zone), &week).await?;
    let prompt = scheduled::record(&app.db, guild, prompts::KIND, &week)
        .await?
        .filter(|post| post.status == "posted")
        .and_then(|post| post.item)
        .and_then(|id| roadmap.prompt(&id))
        .map(|p| PromptShown {
            title: p.title.clone(),
            text: p.text.clone(),
        });
    let challenges = challenges::find(&app.db, guild, challenges::Find::All, 10)
        .await?
        .into_iter()
        .map(|c| ChallengeLink {
            id: c.id,
            state: days_left(&c, now),
            name: c.name,
        })
        .collect();
    html(&Overview {
        site: found.site,
        roadmap: roadmap.title.clone(),
        active: words::count(numbers.active, "member active", "members active"),
        checkins: words::count(numbers.checkins, "check-in", "check-ins"),
        prompt,
        challenges,
        phases: roadmap
            .phases
            .iter()
            .map(|p| PhaseLine {
                number: p.number,
                title: p.title.clone(),
                topics: p.topic_count(),
            })
            .collect(),
    })
}
