//! Cards drawn from fixed values, the same every run: the golden images compare them
//! (`card_images`) and the cards bench times them (`benches/cards`, which includes this file).

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use waypoint::challenges::challenge::{Challenge, Status};
use waypoint::challenges::Goal;
use waypoint::checkins::streak::{streak, week_number};
use waypoint::db::leaderboard::Place;
use waypoint::ids::{ChannelId, GuildId};
use waypoint::render::card::progress::{PhaseLine, ProgressCard};
use waypoint::render::card::{challenge, checkins, leaderboard, progress, Card};

pub fn progress_view(name: &str) -> ProgressCard<'_> {
    ProgressCard {
        user: 42,
        name,
        roadmap: "AI Engineer",
        phases: vec![
            phase(1, "Core foundations", 6, 12, false),
            phase(2, "Machine learning and deep learning", 11, 11, true),
            phase(3, "Productionizing AI (MLOps)", 0, 9, false),
            phase(4, "Real-world experience", 1, 5, false),
        ],
        done: 18,
        total: 37,
        points: 1234,
        place: Place::Ranked {
            rank: 3,
            points: 1234,
        },
        streak_weeks: 5,
        freezes: 1,
        learning: vec!["Transformers", "Vector databases"],
    }
}

fn phase(number: u8, title: &str, done: usize, total: usize, complete: bool) -> PhaseLine<'_> {
    PhaseLine {
        number,
        title,
        done,
        total,
        complete,
    }
}

fn sprint() -> Challenge {
    Challenge {
        id: 1,
        guild: GuildId::new(1),
        name: "Winter sprint".into(),
        goal: Goal::Topics,
        target: 4,
        phase: None,
        roadmap: "ai-engineer".into(),
        first_day: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
        last_day: NaiveDate::from_ymd_opt(2026, 12, 13).unwrap(),
        starts_at: Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap(),
        ends_at: Utc.with_ymd_and_hms(2026, 12, 14, 0, 0, 0).unwrap(),
        zone: chrono_tz::UTC,
        channel: ChannelId::new(1),
        role: None,
        points: 50,
        status: Status::Open,
        ended_early_at: None,
        members: 3,
    }
}

/// One of each card, from fixed values.
pub fn cards() -> Vec<(&'static str, Card)> {
    let names = [
        "Ada",
        "Grace Hopper",
        "Линус",
        "مريم",
        "Alan",
        "Edsger",
        "Barbara",
        "Ken",
    ];
    let board: Vec<leaderboard::Entry> = names
        .iter()
        .enumerate()
        .map(|(i, name)| leaderboard::Entry {
            rank: i as i64 + 1,
            name: name.to_string(),
            points: 400 - 40 * i as i64,
        })
        .collect();
    let standing: Vec<challenge::Entry> = names[..3]
        .iter()
        .enumerate()
        .map(|(i, name)| challenge::Entry {
            rank: i as i64 + 1,
            name: name.to_string(),
            count: 5 - 2 * i as i64,
        })
        .collect();
    let first = week_number("2026-W30").unwrap();
    let checked: BTreeSet<i64> = [0, 1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 15, 16, 17, 19, 20]
        .into_iter()
        .map(|w| first + w)
        .collect();
    let current = first + 20;
    let weeks = streak(&checked, current, 4);
    vec![
        ("progress", progress::card(&progress_view("Ada Lovelace"))),
        (
            "leaderboard",
            leaderboard::card("Leaderboard · all time", &board),
        ),
        (
            "challenge",
            challenge::card(
                &sprint(),
                &standing,
                Utc.with_ymd_and_hms(2026, 12, 10, 12, 0, 0).unwrap(),
            ),
        ),
        ("checkins", checkins::card("Ada Lovelace", &weeks, current)),
    ]
}
