//! The card a leaderboard and a challenge share: a title, a line under it, and up to ten rows
//! of rank, name, bar and amount. What a bar measures is the caller's (points against the
//! leader's, progress against the target).

use askama::Template;

use super::fonts::printable;
use super::{filled, palette, Card, Palette, PALETTE};

pub const WIDTH: u32 = 1000;
pub const BAR_X: f32 = 450.0;
pub const BAR_WIDTH: f32 = 330.0;
const TOP: f32 = 124.0;
const ROW: f32 = 48.0;
const BAR_HEIGHT: f32 = 16.0;
/// Rows a card shows.
pub const ROWS: usize = 10;

/// One row as the caller measured it.
#[derive(Debug, Clone)]
pub struct Line {
    pub rank: i64,
    pub name: String,
    /// How far the bar goes, out of `of`.
    pub count: i64,
    pub of: i64,
    /// The bar reached its end (a target reached).
    pub complete: bool,
    /// What the row's end shows ("3/5"), and the same in words for the alt text.
    pub amount: String,
    pub spoken: String,
}

/// The rows in words, for the alt text: "#1 Ada, 400 points; #2 …".
pub fn listed(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "#{} {}, {}",
                l.rank,
                super::fonts::shown_name(&l.name),
                l.spoken
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Where row `index` sits: the bar's top edge.
pub fn bar_top(index: usize) -> f32 {
    TOP + ROW * index as f32 + (ROW - BAR_HEIGHT) / 2.0
}

/// The card's height for `rows` rows (an empty board still has room for its notice).
pub fn height(rows: usize) -> u32 {
    (TOP + ROW * rows.max(1) as f32 + 36.0) as u32
}

struct Row {
    rank: String,
    name: String,
    amount: String,
    text_y: f32,
    bar_y: f32,
    fill: f32,
    colour: &'static str,
}

#[derive(Template)]
#[template(path = "cards/standings.svg", escape = "html")]
struct Svg<'a> {
    width: u32,
    height: u32,
    p: &'a Palette,
    title: String,
    subtitle: String,
    empty: &'a str,
    bar_x: f32,
    bar_width: f32,
    bar_height: f32,
    rows: Vec<Row>,
}

pub fn card(title: &str, subtitle: &str, lines: &[Line], empty: &str, alt: String) -> Card {
    let rows: Vec<Row> = lines
        .iter()
        .take(ROWS)
        .enumerate()
        .map(|(i, line)| Row {
            rank: format!("#{}", line.rank),
            name: super::fonts::shown_name(&line.name),
            amount: printable(&line.amount, 22),
            text_y: bar_top(i) + BAR_HEIGHT / 2.0 + 7.0,
            bar_y: bar_top(i),
            fill: filled(BAR_WIDTH, line.count, line.of),
            colour: if line.complete {
                palette::COMPLETE
            } else {
                palette::BAR
            },
        })
        .collect();
    let svg = Svg {
        width: WIDTH,
        height: height(rows.len()),
        p: &PALETTE,
        title: printable(title, 48),
        subtitle: printable(subtitle, 80),
        empty,
        bar_x: BAR_X,
        bar_width: BAR_WIDTH,
        bar_height: BAR_HEIGHT,
        rows,
    };
    Card {
        svg: svg.render().unwrap_or_default(),
        alt: super::alt_text(alt),
        file_name: "standing.png",
        avatar: None,
    }
}
