//! `/checkins … card:true`: a member's last 26 weeks as a row of squares, like a contribution
//! graph: checked in, kept by a freeze, missed.

use askama::Template;

use super::fonts::printable;
use super::{palette, Card, Palette, PALETTE};
use crate::checkins::streak::{week_key, Streak, WeekMark};
use crate::words;

pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 300;
/// Weeks the card shows, the current one last.
pub const WEEKS: usize = 26;
pub const CELL: f32 = 30.0;
const GAP: f32 = 6.0;
pub const CELLS_X: f32 = 40.0;
pub const CELLS_Y: f32 = 136.0;

/// The top-left corner of the cell of week `index` (0 is the oldest shown).
pub fn cell_x(index: usize) -> f32 {
    CELLS_X + (CELL + GAP) * index as f32
}

/// What one square shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Before the member's first check-in.
    Before,
    Mark(WeekMark),
}

/// The last [`WEEKS`] weeks up to `current`, oldest first.
pub fn cells(streak: &Streak, current: i64) -> Vec<(i64, Cell)> {
    (current + 1 - WEEKS as i64..=current)
        .map(|week| {
            let mark = streak
                .history
                .iter()
                .find(|(w, _)| *w == week)
                .map_or(Cell::Before, |(_, m)| Cell::Mark(*m));
            (week, mark)
        })
        .collect()
}

fn colour(cell: Cell) -> &'static str {
    match cell {
        Cell::Mark(WeekMark::CheckedIn) => palette::COMPLETE,
        Cell::Mark(WeekMark::Frozen) => palette::FROZEN,
        Cell::Mark(WeekMark::Missed) => palette::TRACK,
        Cell::Mark(WeekMark::Open) | Cell::Before => "#1f232b",
    }
}

struct Square {
    x: f32,
    fill: &'static str,
    open: bool,
}

struct Month {
    x: f32,
    name: String,
}

#[derive(Template)]
#[template(path = "cards/checkins.svg", escape = "html")]
struct Svg<'a> {
    width: u32,
    height: u32,
    p: &'a Palette,
    name: String,
    subtitle: String,
    y: f32,
    cell: f32,
    squares: Vec<Square>,
    months: Vec<Month>,
    legend: Vec<(f32, &'a str, &'a str)>,
}

pub fn card(name: &str, streak: &Streak, current: i64) -> Card {
    let cells = cells(streak, current);
    let squares = cells
        .iter()
        .enumerate()
        .map(|(i, (_, cell))| Square {
            x: cell_x(i),
            fill: colour(*cell),
            open: *cell == Cell::Mark(WeekMark::Open),
        })
        .collect();
    let mut months = Vec::new();
    let mut last_month = None;
    for (i, (week, _)) in cells.iter().enumerate() {
        let Some(monday) = words::week_monday(&week_key(*week)) else {
            continue;
        };
        let month = monday.format("%b").to_string();
        if last_month.as_ref() != Some(&month) {
            // A label only where there is room before the next one.
            if i + 2 < cells.len() {
                months.push(Month {
                    x: cell_x(i),
                    name: month.clone(),
                });
            }
            last_month = Some(month);
        }
    }
    let count = |wanted: WeekMark| {
        cells
            .iter()
            .filter(|(_, c)| *c == Cell::Mark(wanted))
            .count()
    };
    let (checked, frozen, missed) = (
        count(WeekMark::CheckedIn),
        count(WeekMark::Frozen),
        count(WeekMark::Missed),
    );
    let name = super::fonts::shown_name(name);
    let subtitle = format!(
        "Streak {} · {} held · last {WEEKS} weeks",
        words::count(streak.weeks, "week", "weeks"),
        words::count(streak.freezes, "freeze", "freezes"),
    );
    let svg = Svg {
        width: WIDTH,
        height: HEIGHT,
        p: &PALETTE,
        name: name.clone(),
        subtitle: printable(&subtitle, 80),
        y: CELLS_Y,
        cell: CELL,
        squares,
        months,
        legend: vec![
            (40.0, palette::COMPLETE, "checked in"),
            (220.0, palette::FROZEN, "kept by a freeze"),
            (450.0, palette::TRACK, "missed"),
        ],
    };
    let alt = format!(
        "Check-in card for {name}: a streak of {} with {} held. Over the last {WEEKS} weeks: \
         {} checked in, {} kept by a freeze, {} missed{}.",
        words::count(streak.weeks, "week", "weeks"),
        words::count(streak.freezes, "freeze", "freezes"),
        words::count(checked, "week", "weeks"),
        words::count(frozen, "week", "weeks"),
        words::count(missed, "week", "weeks"),
        if cells.last().map(|(_, c)| *c) == Some(Cell::Mark(WeekMark::Open)) {
            "; no check-in yet this week"
        } else {
            ""
        }
    );
    Card {
        svg: svg.render().unwrap_or_default(),
        alt: super::alt_text(alt),
        file_name: "checkins.png",
        avatar: None,
    }
}
