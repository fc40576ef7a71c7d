//! Leaderboard pages as every reader sees them in one time slice: `/leaderboard`, its card
//! and the community page all read them here, so a page is counted once per slice for all.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use serenity::all::GuildId;
use sqlx::PgPool;

use crate::app::App;
use crate::db::leaderboard as store;
use crate::db::prompts::server_zone;
use crate::render::leaderboard::{Board, SharedPage, PAGE_SIZE};
use crate::roadmap::Roadmap;
use crate::slice_cache::Count;
use crate::weekly::week_key;
use crate::words;

/// Page `page` of `board` in `guild` as of `now`, shared for a few seconds (`App::boards`).
/// `roadmap` is the one the server follows (a phase board's scope and title).
pub async fn page(
    app: &App,
    roadmap: &Roadmap,
    guild: GuildId,
    board: Board,
    page: u32,
    now: DateTime<Utc>,
) -> Result<Arc<SharedPage>, Arc<sqlx::Error>> {
    let count = || -> Count<SharedPage> {
        let (db, title) = (app.db.clone(), phase_board(roadmap, board));
        Box::pin(async move { read_page(&db, guild, board, page, now, title).await })
    };
    app.boards.get(guild, (board, page), now, count).await
}

/// A phase board's scope and title: the phase of the roadmap the server follows (content, so
/// no database).
fn phase_board(roadmap: &Roadmap, board: Board) -> Option<(String, String)> {
    let Board::Phase(n) = board else {
        return None;
    };
    let title = roadmap
        .phase(n)
        .map_or(format!("Phase {n}"), |p| format!("Phase {n} · {}", p.title));
    Some((
        format!("phase:{}:{n}", roadmap.id),
        format!("Leaderboard · {title}"),
    ))
}

/// Reads a page of a points board as of `now` (the week and month in the server's zone).
async fn read_page(
    db: &PgPool,
    guild: GuildId,
    board: Board,
    page: u32,
    now: DateTime<Utc>,
    phase_board: Option<(String, String)>,
) -> sqlx::Result<SharedPage> {
    let (scope, title) = match board {
        Board::Week => {
            let zone = server_zone(db, guild).await?;
            let week = week_key(now, zone);
            let days = words::week_range(&week);
            (
                format!("week:{week}"),
                format!("Leaderboard · this week ({days})"),
            )
        }
        Board::Month => {
            let zone = server_zone(db, guild).await?;
            let local = now.with_timezone(&zone);
            let month = format!("{}-{:02}", local.year(), local.month());
            (
                format!("month:{month}"),
                format!("Leaderboard · this month ({})", local.format("%B %Y")),
            )
        }
        Board::All | Board::Challenge(_) => {
            ("all".to_string(), "Leaderboard · all time".to_string())
        }
        Board::Phase(n) => phase_board.unwrap_or_else(|| (format!("phase:{n}"), String::new())),
    };
    let (standings, more) = store::page(db, guild, &scope, i64::from(page), PAGE_SIZE).await?;
    Ok(SharedPage {
        title,
        scope,
        standings,
        more,
    })
}
