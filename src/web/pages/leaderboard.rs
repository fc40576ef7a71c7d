//! A leaderboard page: all time, this week, this month or one phase, ten members a page,
//! read through `boards::page` like `/leaderboard`.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;

use super::site::{html, server, shown_name, Refused, Site};
use crate::app::App;
use crate::boards;
use crate::db::web as store;
use crate::render::leaderboard::Board;
use crate::roadmap::MAX_PHASES;

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
    site: Site,
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
    let found = server(&app, slug).await?;
    let (guild, roadmap) = (found.guild, &found.roadmap);
    let board_name = query.board.unwrap_or_else(|| "all".to_string());
    let board = board_of(&board_name)
        .filter(|b| !matches!(b, Board::Phase(n) if roadmap.phase(*n).is_none()))
        .ok_or(Refused::NotFound)?;
    let page = query.page.unwrap_or(1).max(1);
    let now = app.clock.now();
    let shared = boards::page(&app, roadmap, guild, board, page - 1, now)
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
        site: found.site,
        title: shared.title.clone(),
        board: board_name,
        lines: shared
            .standings
            .iter()
            .map(|s| Line {
                rank: s.rank,
                name: shown_name(&names, s.user),
                points: s.points,
            })
            .collect(),
        page,
        previous: (page > 1).then(|| page - 1),
        next: shared.more.then_some(page + 1),
        boards,
    };
    html(&view)
}
