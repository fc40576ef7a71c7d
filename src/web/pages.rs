//! The pages themselves: each finds the server by its slug, reads through the same functions
//! the commands use (`boards::page`, the server's roadmap from `content`), and renders an
//! askama template.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serenity::all::GuildId;

use crate::app::App;
use crate::boards;
use crate::db::challenges;
use crate::db::web as store;
use crate::progress::tally;
use crate::render::card::challenge::days_left;
use crate::render::leaderboard::Board;
use crate::roadmap::{Roadmap, MAX_PHASES};
use crate::standings;

/// What a member with no stored name shows as.
const NO_NAME: &str = "a member";

#[derive(Template)]
#[template(path = "web/not_found.html")]
struct NotFound;

/// Rendered once: it never changes.
pub static NOT_FOUND_PAGE: LazyLock<String> = LazyLock::new(|| {
    NotFound
        .render()
        .unwrap_or_else(|_| "Not found".to_string())
});

#[derive(Template)]
#[template(path = "web/unavailable.html")]
struct Unavailable;

/// Why a page is not shown.
pub enum Refused {
    NotFound,
    Unavailable,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound => {
                (StatusCode::NOT_FOUND, Html(NOT_FOUND_PAGE.as_str())).into_response()
            }
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                Html(Unavailable.render().unwrap_or_default()),
            )
                .into_response(),
        }
    }
}

impl From<sqlx::Error> for Refused {
    fn from(e: sqlx::Error) -> Self {
        tracing::warn!(error = %e, "a community page could not read the database");
        Self::Unavailable
    }
}

/// The server whose pages `slug` is the address of, and the roadmap it follows.
async fn server(app: &App, slug: &str) -> Result<(GuildId, Arc<Roadmap>), Refused> {
    // A slug is 32 hex digits: anything else is not looked up at all.
    if slug.len() != 32 || !slug.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refused::NotFound);
    }
    let guild = store::server_of(&app.db, slug)
        .await?
        .ok_or(Refused::NotFound)?;
    let roadmap = app
        .content
        .roadmap_for(&app.db, Some(guild))
        .await
        .map_err(|_| Refused::Unavailable)?;
    Ok((guild, roadmap))
}

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

#[derive(Template)]
#[template(path = "web/overview.html")]
struct Overview {
    slug: String,
    roadmap: String,
    phases: Vec<PhaseLine>,
    challenges: Vec<ChallengeLink>,
}

pub async fn overview(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
) -> Result<Html<String>, Refused> {
    let (guild, roadmap) = server(&app, &slug).await?;
    let now = app.clock.now();
    let challenges = challenges::find(&app.db, guild, challenges::Find::All, 10)
        .await?
        .into_iter()
        .map(|c| ChallengeLink {
            id: c.id,
            state: days_left(&c, now),
            name: c.name,
        })
        .collect();
    let page = Overview {
        slug,
        challenges,
        roadmap: roadmap.title.clone(),
        phases: roadmap
            .phases
            .iter()
            .map(|p| PhaseLine {
                number: p.number,
                title: p.title.clone(),
                topics: p.topic_count(),
            })
            .collect(),
    };
    Ok(Html(page.render().map_err(|_| Refused::Unavailable)?))
}

#[derive(Deserialize)]
pub struct BoardQuery {
    board: Option<String>,
    page: Option<u32>,
}

struct Line {
    rank: i64,
    name: String,
    points: i64,
}

#[derive(Template)]
#[template(path = "web/leaderboard.html")]
struct Leaderboard {
    slug: String,
    title: String,
    board: String,
    lines: Vec<Line>,
    page: u32,
    previous: Option<u32>,
    next: Option<u32>,
    boards: Vec<(String, String)>,
}

fn board_of(name: &str) -> Option<Board> {
    match name {
        "all" => Some(Board::All),
        "week" => Some(Board::Week),
        "month" => Some(Board::Month),
        other => other
            .strip_prefix("phase-")
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=MAX_PHASES).contains(n))
            .map(Board::Phase),
    }
}

pub async fn leaderboard(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Query(query): Query<BoardQuery>,
) -> Result<Html<String>, Refused> {
    let (guild, roadmap) = server(&app, &slug).await?;
    let board_name = query.board.unwrap_or_else(|| "all".to_string());
    let board = board_of(&board_name)
        .filter(|b| !matches!(b, Board::Phase(n) if roadmap.phase(*n).is_none()))
        .ok_or(Refused::NotFound)?;
    let page = query.page.unwrap_or(1).max(1);
    let now = app.clock.now();
    let shared = boards::page(&app, &roadmap, guild, board, page - 1, now)
        .await
        .map_err(|_| Refused::Unavailable)?;
    let users: Vec<_> = shared.standings.iter().map(|s| s.user).collect();
    let names: HashMap<_, _> = store::names(&app.db, guild, &users).await?;
    let mut boards = vec![
        ("all".to_string(), "All time".to_string()),
        ("week".to_string(), "This week".to_string()),
        ("month".to_string(), "This month".to_string()),
    ];
    boards.extend(
        roadmap
            .phases
            .iter()
            .map(|p| (format!("phase-{}", p.number), format!("Phase {}", p.number))),
    );
    let view = Leaderboard {
        slug,
        title: shared.title.clone(),
        board: board_name,
        lines: shared
            .standings
            .iter()
            .map(|s| Line {
                rank: s.rank,
                name: names
                    .get(&s.user)
                    .cloned()
                    .unwrap_or_else(|| NO_NAME.to_string()),
                points: s.points,
            })
            .collect(),
        page,
        previous: (page > 1).then(|| page - 1),
        next: shared.more.then_some(page + 1),
        boards,
    };
    Ok(Html(view.render().map_err(|_| Refused::Unavailable)?))
}

struct TopicCell {
    id: String,
    title: String,
    learning: i64,
    done: i64,
    /// Shading, 0 to 4, by how many finished it against the most-finished topic.
    level: u8,
}

struct SectionCells {
    title: String,
    topics: Vec<TopicCell>,
}

struct PhaseCells {
    number: u8,
    title: String,
    sections: Vec<SectionCells>,
}

#[derive(Template)]
#[template(path = "web/roadmap.html")]
struct Heatmap {
    slug: String,
    roadmap: String,
    phases: Vec<PhaseCells>,
}

/// The whole roadmap, each topic with how many members are learning it and have finished it.
pub async fn roadmap(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
) -> Result<Html<String>, Refused> {
    let (guild, roadmap) = server(&app, &slug).await?;
    let renames = tally::renames(&roadmap);
    let rows = store::topic_counts(&app.db, guild, &roadmap.id, &renames).await?;
    let tallies = tally::by_topic(&roadmap, &rows);
    let most = tallies.iter().map(|t| t.done).max().unwrap_or(0);
    let phases = roadmap
        .phases
        .iter()
        .map(|phase| PhaseCells {
            number: phase.number,
            title: phase.title.clone(),
            sections: phase
                .sections
                .iter()
                .map(|section| SectionCells {
                    title: section.title.clone(),
                    topics: section
                        .topics
                        .iter()
                        .map(|topic| {
                            let t = tallies.get(topic.position).copied().unwrap_or_default();
                            TopicCell {
                                id: topic.id.clone(),
                                title: topic.title.clone(),
                                learning: t.learning,
                                done: t.done,
                                level: tally::level(t.done, most),
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let page = Heatmap {
        slug,
        roadmap: roadmap.title.clone(),
        phases,
    };
    Ok(Html(page.render().map_err(|_| Refused::Unavailable)?))
}

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
    slug: String,
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
    let (guild, _) = server(&app, &slug).await?;
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
            name: names
                .get(&r.progress.user.into())
                .cloned()
                .unwrap_or_else(|| NO_NAME.to_string()),
            amount: format!(
                "{} of {}",
                r.progress.count.min(challenge.target),
                challenge.goal.count(challenge.target)
            ),
            percent: (r.progress.count.clamp(0, target) * 100) / target,
        })
        .collect();
    let page = ChallengePage {
        slug,
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
    Ok(Html(page.render().map_err(|_| Refused::Unavailable)?))
}
