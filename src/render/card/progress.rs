//! `/progress card`: a member's progress through their server's roadmap, about 1000×400.

use askama::Template;

use super::fonts::{initials, printable, shown_name};
use super::{alt_text, filled, grouped, initials_colour, palette, Card, Circle, Palette, PALETTE};
use crate::checkins::streak::Streak;
use crate::db::leaderboard::Place;
use crate::db::progress::Stored;
use crate::progress::TopicState;
use crate::roadmap::Roadmap;
use crate::words;

pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 400;
/// Where the phase bars start and how wide they are.
pub const BAR_X: f32 = 430.0;
pub const BAR_WIDTH: f32 = 440.0;
const PHASES_TOP: f32 = 186.0;
const PHASES_HEIGHT: f32 = 170.0;
const AVATAR: Circle = Circle {
    cx: 100.0,
    cy: 96.0,
    r: 60.0,
};

/// What the card shows, gathered by `/progress card`.
#[derive(Debug, Clone)]
pub struct ProgressCard<'a> {
    pub user: u64,
    pub name: &'a str,
    pub roadmap: &'a str,
    pub phases: Vec<PhaseLine<'a>>,
    pub done: usize,
    pub total: usize,
    pub points: i64,
    /// Place on the all-time board.
    pub place: Place,
    pub streak_weeks: u32,
    pub freezes: u8,
    /// The topics being learned now, in roadmap order.
    pub learning: Vec<&'a str>,
}

#[derive(Debug, Clone)]
pub struct PhaseLine<'a> {
    pub number: u8,
    pub title: &'a str,
    pub done: usize,
    pub total: usize,
    pub complete: bool,
}

impl<'a> ProgressCard<'a> {
    /// The card of a member's progress as read for `/progress show`: phases complete as
    /// recorded, so the card and the points agree.
    pub fn new(
        roadmap: &'a Roadmap,
        stored: &Stored,
        user: u64,
        name: &'a str,
        place: Place,
        streak: &Streak,
    ) -> Self {
        let progress = &stored.progress;
        let phases = roadmap
            .phases
            .iter()
            .map(|phase| {
                let summary = progress.phase(phase, stored.count_skipped);
                PhaseLine {
                    number: phase.number,
                    title: &phase.title,
                    done: summary.done,
                    total: summary.total,
                    complete: stored.completed.contains(&phase.number),
                }
            })
            .collect();
        Self {
            user,
            name,
            roadmap: &roadmap.title,
            phases,
            done: progress.count(TopicState::Done),
            total: roadmap.topic_count(),
            points: stored.points,
            place,
            streak_weeks: streak.weeks,
            freezes: streak.freezes,
            learning: progress
                .learning(roadmap)
                .into_iter()
                .map(|t| t.topic.title.as_str())
                .collect(),
        }
    }
}

/// Where phase `index` of `count` sits: the middle of its row, and the bar's height.
pub fn phase_row(index: usize, count: usize) -> (f32, f32) {
    let row = (PHASES_HEIGHT / count.max(1) as f32).min(42.0);
    let middle = PHASES_TOP + row * (index as f32 + 0.5);
    (middle, (row - 10.0).clamp(6.0, 16.0))
}

struct Row {
    label: String,
    count: String,
    y: f32,
    text_y: f32,
    height: f32,
    fill: f32,
    colour: &'static str,
    font: f32,
}

#[derive(Template)]
#[template(path = "cards/progress.svg", escape = "html")]
struct Svg<'a> {
    width: u32,
    height: u32,
    p: &'a Palette,
    avatar: Circle,
    initials: String,
    initials_colour: &'static str,
    name: String,
    subtitle: String,
    stats: String,
    learning: String,
    bar_x: f32,
    bar_width: f32,
    count_x: f32,
    rows: Vec<Row>,
}

pub fn card(view: &ProgressCard<'_>) -> Card {
    let name = shown_name(view.name);
    let rank = match view.place {
        Place::Ranked { rank, .. } => format!("rank #{}", grouped(rank)),
        Place::NoPoints => "no rank yet".to_string(),
        Place::Hidden => "off the leaderboard".to_string(),
    };
    let stats = format!(
        "{} · {} · streak {} · {} held",
        points(view.points),
        rank,
        words::count(view.streak_weeks, "week", "weeks"),
        words::count(view.freezes, "freeze", "freezes"),
    );
    let learning_now = match view.learning.as_slice() {
        [] => "Learning now: nothing marked".to_string(),
        [one] => format!("Learning now: {one}"),
        [first, rest @ ..] => format!("Learning now: {first} and {} more", rest.len()),
    };
    let rows = view
        .phases
        .iter()
        .enumerate()
        .map(|(i, phase)| {
            let (middle, height) = phase_row(i, view.phases.len());
            let font = (height + 4.0).min(18.0);
            Row {
                label: printable(&format!("{} · {}", phase.number, phase.title), 34),
                count: format!("{}/{}", phase.done, phase.total),
                y: middle - height / 2.0,
                text_y: middle + font * 0.36,
                height,
                fill: filled(BAR_WIDTH, phase.done as i64, phase.total as i64),
                colour: if phase.complete {
                    palette::COMPLETE
                } else {
                    palette::BAR
                },
                font,
            }
        })
        .collect();
    let svg = Svg {
        width: WIDTH,
        height: HEIGHT,
        p: &PALETTE,
        avatar: AVATAR,
        initials: initials(view.name),
        initials_colour: initials_colour(view.user),
        name: name.clone(),
        subtitle: printable(
            &format!(
                "{} roadmap · {} of {} done",
                view.roadmap,
                view.done,
                words::count(view.total, "topic", "topics")
            ),
            70,
        ),
        stats: printable(&stats, 80),
        learning: printable(&learning_now, 80),
        bar_x: BAR_X,
        bar_width: BAR_WIDTH,
        count_x: BAR_X + BAR_WIDTH + 100.0,
        rows,
    };
    Card {
        svg: svg.render().unwrap_or_default(),
        alt: alt_text(alt(view, &name, &rank)),
        file_name: "progress.png",
        avatar: Some(AVATAR),
    }
}

/// "1,234 points".
pub fn points(n: i64) -> String {
    format!("{} {}", grouped(n), words::noun(n, "point", "points"))
}

fn alt(view: &ProgressCard<'_>, name: &str, rank: &str) -> String {
    let phases = view
        .phases
        .iter()
        .map(|p| {
            format!(
                "phase {} {}: {} of {} done{}",
                p.number,
                p.title,
                p.done,
                p.total,
                if p.complete { ", complete" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let learning = if view.learning.is_empty() {
        "nothing marked as learning".to_string()
    } else {
        format!("learning {}", view.learning.join(", "))
    };
    format!(
        "Progress card for {name} on the {} roadmap: {} of {} done. {phases}. {}, {rank}, a \
         streak of {} with {} held; {learning}.",
        view.roadmap,
        view.done,
        words::count(view.total, "topic", "topics"),
        words::count(view.points, "point", "points"),
        words::count(view.streak_weeks, "week", "weeks"),
        words::count(view.freezes, "freeze", "freezes"),
    )
}
