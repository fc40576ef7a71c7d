//! `/leaderboard … card:true`: the top ten of a board, each bar against the leader's points.

use super::standings::{self, Line};
use super::Card;
use crate::words;

/// One member on the board, with the name the server shows for them.
#[derive(Debug, Clone)]
pub struct Entry {
    pub rank: i64,
    pub name: String,
    pub points: i64,
}

pub fn card(title: &str, entries: &[Entry]) -> Card {
    let top = entries.iter().map(|e| e.points).max().unwrap_or(0);
    let lines: Vec<Line> = entries
        .iter()
        .take(standings::ROWS)
        .map(|e| Line {
            rank: e.rank,
            name: e.name.clone(),
            count: e.points,
            of: top,
            complete: false,
            amount: super::progress::points(e.points),
            spoken: words::count(e.points, "point", "points"),
        })
        .collect();
    let alt = if lines.is_empty() {
        format!("{title}: nobody has points yet.")
    } else {
        format!(
            "{title}, top {}: {}.",
            lines.len(),
            standings::listed(&lines)
        )
    };
    standings::card(
        title,
        "Top ten · equal points share a rank · hidden members are left out",
        &lines,
        "Nobody has points here yet.",
        alt,
    )
}
