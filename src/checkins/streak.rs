//! Streaks: consecutive weeks with a check-in. A freeze is earned every N weeks checked in
//! (at most two held) and spent by itself on a missed week, so one busy week does not undo
//! months of habit. Everything is derived from the weeks checked in; nothing else is stored.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// The most freezes a member can hold.
pub const MAX_FREEZES: u8 = 2;

/// What happened in one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekMark {
    CheckedIn,
    /// Missed, and a freeze kept the streak.
    Frozen,
    Missed,
    /// The current week, no check-in yet: not missed until it ends.
    Open,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streak {
    /// Weeks in the current streak (frozen weeks keep it but do not add to it).
    pub weeks: u32,
    pub freezes: u8,
    /// No check-in this week and no freeze left: missing this week ends the streak.
    pub at_risk: bool,
    /// Marks of the weeks from the first check-in to the current week, oldest first.
    pub history: Vec<(i64, WeekMark)>,
}

/// A week key (`2026-W48`) as a number that counts weeks, so consecutive weeks differ by one.
pub fn week_number(key: &str) -> Option<i64> {
    let (year, week) = key.split_once("-W")?;
    let monday = NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)?;
    Some(i64::from(monday.num_days_from_ce()) / 7)
}

/// The key of a week number, the inverse of [`week_number`].
pub fn week_key(number: i64) -> String {
    // Day 1 of the common era was a Monday, so Mondays are days 7k + 1.
    let monday = NaiveDate::from_num_days_from_ce_opt(i32::try_from(number * 7 + 1).unwrap_or(1))
        .unwrap_or_default();
    let week = monday.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// The streak as of `current` (a week number), from the week numbers checked in.
pub fn streak(checked: &BTreeSet<i64>, current: i64, freeze_every: u32) -> Streak {
    let mut streak = Streak {
        weeks: 0,
        freezes: 0,
        at_risk: false,
        history: Vec::new(),
    };
    let Some(&first) = checked.iter().next() else {
        return streak;
    };
    let every = freeze_every.max(1);
    let mut toward_freeze = 0;
    for week in first..=current {
        let mark = if checked.contains(&week) {
            streak.weeks += 1;
            toward_freeze += 1;
            if toward_freeze == every {
                streak.freezes = (streak.freezes + 1).min(MAX_FREEZES);
                toward_freeze = 0;
            }
            WeekMark::CheckedIn
        } else if week == current {
            WeekMark::Open
        } else if streak.weeks > 0 && streak.freezes > 0 {
            streak.freezes -= 1;
            WeekMark::Frozen
        } else {
            streak.weeks = 0;
            toward_freeze = 0;
            WeekMark::Missed
        };
        streak.history.push((week, mark));
    }
    streak.at_risk = !checked.contains(&current) && streak.weeks > 0 && streak.freezes == 0;
    streak
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(list: &[i64]) -> BTreeSet<i64> {
        list.iter().copied().collect()
    }

    #[test]
    fn week_keys_count_across_years() {
        let last_of_2026 = week_number("2026-W53").unwrap();
        assert_eq!(week_number("2027-W01").unwrap(), last_of_2026 + 1);
        assert_eq!(week_key(last_of_2026), "2026-W53");
        assert_eq!(week_number("2026-W54"), None);
        assert_eq!(week_number("soon"), None);
    }

    #[test]
    fn consecutive_weeks_build_a_streak_and_a_gap_without_freeze_ends_it() {
        let s = streak(&weeks(&[1, 2, 3]), 4, 4);
        assert_eq!((s.weeks, s.freezes, s.at_risk), (3, 0, true));
        assert_eq!(s.history.last(), Some(&(4, WeekMark::Open)));
        let broken = streak(&weeks(&[1, 2, 3, 5]), 5, 4);
        assert_eq!(broken.weeks, 1);
        assert!(broken.history.contains(&(4, WeekMark::Missed)));
    }

    #[test]
    fn a_freeze_earned_every_n_weeks_keeps_the_streak_over_a_missed_week() {
        // Four weeks earn a freeze; week 5 is missed and frozen; the streak goes on.
        let s = streak(&weeks(&[1, 2, 3, 4, 6]), 6, 4);
        assert_eq!((s.weeks, s.freezes), (5, 0));
        assert!(s.history.contains(&(5, WeekMark::Frozen)));
        // A second missed week with no freeze left ends it.
        let s = streak(&weeks(&[1, 2, 3, 4, 7]), 7, 4);
        assert_eq!(s.weeks, 1);
    }

    #[test]
    fn freezes_are_capped_at_two() {
        let twelve: Vec<i64> = (1..=12).collect();
        let s = streak(&weeks(&twelve), 13, 4);
        assert_eq!((s.weeks, s.freezes, s.at_risk), (12, 2, false));
        let every_week = streak(&weeks(&twelve), 12, 1);
        assert_eq!(every_week.freezes, 2);
    }
}
