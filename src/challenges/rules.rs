//! What a new challenge must be. Each refusal says what to type instead.

use chrono::{Datelike, Days, NaiveDate};

use super::Goal;
use crate::roadmap::Roadmap;

/// Longest name, in characters.
pub const NAME_MAX: usize = 50;
/// Longest window, in days.
pub const DAYS_MAX: i64 = 366;

/// A challenge as staff described it, before it is saved.
#[derive(Debug, Clone)]
pub struct Draft {
    pub name: String,
    pub goal: Goal,
    pub target: i64,
    pub phase: Option<u8>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// The trimmed name, or why it can't be one.
pub fn name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("Give the challenge a name, like `name:December sprint`.".into());
    }
    if name.chars().count() > NAME_MAX {
        return Err(format!(
            "That name is too long: keep it to {NAME_MAX} characters."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("Keep the name on one line, without special characters.".into());
    }
    Ok(name.to_string())
}

/// Checks a draft against the roadmap and the server's `today`.
pub fn check(draft: &Draft, roadmap: &Roadmap, today: NaiveDate) -> Result<(), String> {
    let example = "like `start:2026-12-07 end:2026-12-20`";
    if draft.last_day < draft.first_day {
        return Err(format!(
            "The end ({}) is before the start ({}): the end is the last day of the challenge, \
             {example}.",
            draft.last_day, draft.first_day
        ));
    }
    if today
        .checked_sub_days(Days::new(1))
        .is_some_and(|yesterday| draft.first_day < yesterday)
    {
        return Err(format!(
            "The start ({}) is more than a day in the past. Start today ({today}) or later.",
            draft.first_day
        ));
    }
    let days = (draft.last_day - draft.first_day).num_days() + 1;
    if days > DAYS_MAX {
        return Err(format!(
            "A challenge can last at most {DAYS_MAX} days; this one would last {days}. Pick an \
             earlier end."
        ));
    }
    if let Some(phase) = draft.phase {
        if roadmap.phase(phase).is_none() {
            return Err(format!(
                "The roadmap has phases 1 to {}: pick one of those.",
                roadmap.phases.len()
            ));
        }
        if draft.goal == Goal::Checkins {
            return Err("A check-in challenge counts weeks, not phases: leave out `phase`.".into());
        }
    }
    if draft.target < 1 {
        return Err("The target must be at least 1.".into());
    }
    let (most, why) = most(draft, roadmap);
    if draft.target > most {
        return Err(format!(
            "A target of {} can't be reached: {why}, so the most is {most}.",
            draft.target
        ));
    }
    Ok(())
}

/// The largest target a draft's goal allows, and why.
fn most(draft: &Draft, roadmap: &Roadmap) -> (i64, String) {
    match (draft.goal, draft.phase) {
        (Goal::Topics, None) => (
            roadmap.topic_count() as i64,
            format!("the roadmap has {} topics", roadmap.topic_count()),
        ),
        (Goal::Topics, Some(p)) => {
            let n = roadmap.phase(p).map_or(0, |phase| phase.topic_count());
            (n as i64, format!("phase {p} has {n} topics"))
        }
        (Goal::Checkins, _) => {
            let weeks = weeks_touched(draft.first_day, draft.last_day);
            (
                weeks,
                format!(
                    "the window touches {} (Monday to Sunday)",
                    crate::words::count(weeks, "check-in week", "check-in weeks")
                ),
            )
        }
        (Goal::Phase, None) => (
            roadmap.phases.len() as i64,
            format!("the roadmap has {} phases", roadmap.phases.len()),
        ),
        (Goal::Phase, Some(p)) => (1, format!("finishing phase {p} happens once")),
    }
}

/// Monday-to-Sunday weeks with at least one day from `first` to `last`.
fn weeks_touched(first: NaiveDate, last: NaiveDate) -> i64 {
    let monday =
        |d: NaiveDate| d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
    (monday(last) - monday(first)).num_days() / 7 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenges::window::parse_date;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn weeks_touched_counts_partial_weeks() {
        // Sunday to the Monday eight days later touches three weeks.
        assert_eq!(weeks_touched(day("2026-12-06"), day("2026-12-14")), 3);
        assert_eq!(weeks_touched(day("2026-12-07"), day("2026-12-13")), 1);
        assert_eq!(weeks_touched(day("2026-12-07"), day("2026-12-07")), 1);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("  Sprint ").as_deref(), Ok("Sprint"));
        assert!(name("   ").is_err());
        assert!(name(&"x".repeat(NAME_MAX + 1)).is_err());
        assert!(name("two\nlines").is_err());
    }
}
