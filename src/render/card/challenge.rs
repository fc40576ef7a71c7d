//! `/challenge status … card:true`: each participant's bar toward the target, and the days
//! left.

use chrono::{DateTime, Utc};

use super::standings::{self, Line};
use super::Card;
use crate::challenges::challenge::{Challenge, Status};

/// One participant, with the name the server shows for them.
#[derive(Debug, Clone)]
pub struct Entry {
    pub rank: i64,
    pub name: String,
    pub count: i64,
}

/// "3 days left", "starts in 2 days", "ended": whole days, counted up, so the last hours
/// still read "1 day left".
pub fn days_left(challenge: &Challenge, now: DateTime<Utc>) -> String {
    let days = |until: DateTime<Utc>| {
        let seconds = (until - now).num_seconds().max(0);
        crate::words::count((seconds + 86_399) / 86_400, "day", "days")
    };
    match challenge.status {
        Status::Cancelled => "cancelled".to_string(),
        Status::Ended => "ended".to_string(),
        Status::Open if now < challenge.starts_at => {
            format!("starts in {}", days(challenge.starts_at))
        }
        Status::Open if now < challenge.ends_at => format!("{} left", days(challenge.ends_at)),
        Status::Open => "ended".to_string(),
    }
}

pub fn card(challenge: &Challenge, entries: &[Entry], now: DateTime<Utc>) -> Card {
    let goal = challenge.goal.describe(challenge.target, challenge.phase);
    let left = days_left(challenge, now);
    let lines: Vec<Line> = entries
        .iter()
        .take(standings::ROWS)
        .map(|e| Line {
            rank: e.rank,
            name: e.name.clone(),
            count: e.count,
            of: challenge.target,
            complete: e.count >= challenge.target,
            amount: format!(
                "{}/{}{}",
                e.count.min(challenge.target),
                challenge.target,
                if e.count >= challenge.target {
                    " ✓"
                } else {
                    ""
                }
            ),
            spoken: challenge.goal.count(e.count),
        })
        .collect();
    let alt = format!(
        "Challenge {}: {goal}, {left}. {}",
        challenge.name,
        if lines.is_empty() {
            "Nobody has joined yet.".to_string()
        } else {
            format!("Standing: {}.", standings::listed(&lines))
        }
    );
    standings::card(
        &challenge.name,
        &format!("Goal: {goal} · {left}"),
        &lines,
        "Nobody has joined yet: /challenge join",
        alt,
    )
}
