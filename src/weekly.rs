//! A weekly slot in a server's time zone ("Mondays at 18:30, Europe/Berlin") and the period
//! key a post in it belongs to.

use chrono::{DateTime, Datelike, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use croner::Cron;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklySlot {
    pub weekday: Weekday,
    /// Minutes after local midnight.
    pub minute_of_day: u16,
    pub zone: Tz,
}

impl WeeklySlot {
    pub fn new(weekday: Weekday, time: NaiveTime, zone: Tz) -> Self {
        Self {
            weekday,
            minute_of_day: u16::try_from(time.hour() * 60 + time.minute()).unwrap_or(0),
            zone,
        }
    }

    /// "Monday at 18:30 (Europe/Berlin)", as replies and `/settings show` put it.
    pub fn describe(&self) -> String {
        format!(
            "{} at {} ({})",
            weekday_name(self.weekday),
            self.time().format("%H:%M"),
            self.zone.name()
        )
    }

    pub fn time(&self) -> NaiveTime {
        let minutes = u32::from(self.minute_of_day % (24 * 60));
        NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or(NaiveTime::MIN)
    }

    /// The first time of this slot strictly after `after`. Local times are what members
    /// expect, so the instant moves with DST: a time that does not exist on a spring-forward
    /// day is posted at the first minute after the gap, and a time that happens twice on a
    /// fall-back day is posted at the first of the two.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let pattern = format!(
            "{} {} * * {}",
            self.minute_of_day % 60,
            self.minute_of_day / 60,
            self.weekday.num_days_from_sunday()
        );
        let cron = Cron::new(&pattern).parse().ok()?;
        let local = after.with_timezone(&self.zone);
        let next = cron.find_next_occurrence(&local, false).ok()?;
        Some(next.with_timezone(&Utc))
    }
}

/// The ISO week `at` falls in, in `zone`: `2026-W48`. A weekly post's idempotency key, so one
/// server gets one prompt per local week whoever posts it and however often it is retried.
pub fn week_key(at: DateTime<Utc>, zone: Tz) -> String {
    let week = zone.from_utc_datetime(&at.naive_utc()).iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// When the week `at` falls in began in `zone`: its Monday's first moment there.
pub fn week_start(at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let local = zone.from_utc_datetime(&at.naive_utc()).date_naive();
    let monday = local - chrono::Days::new(u64::from(local.weekday().num_days_from_monday()));
    // A zone may skip midnight (a DST change at 00:00): the week then starts at the first
    // moment that exists, an hour later at most.
    (0..=2)
        .find_map(|hour| {
            zone.from_local_datetime(&monday.and_hms_opt(hour, 0, 0)?)
                .earliest()
        })
        .map_or(at, |start| start.with_timezone(&Utc))
}

/// A seed for random choices that must come out the same for a server and period (`guild` is
/// the server's id) on every run. A hash of our own: std's hasher may change between Rust
/// releases.
pub fn period_seed(guild: u64, period: &str) -> u64 {
    period
        .bytes()
        .fold(guild, |h, b| h.rotate_left(7) ^ u64::from(b))
}

/// The day's full English name, as members read it.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// Parses `HH:MM` (24-hour clock).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

/// An IANA zone name, matched without regard to case ("europe/berlin" works).
pub fn parse_zone(name: &str) -> Option<Tz> {
    let name = name.trim();
    name.parse::<Tz>().ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
            .copied()
    })
}

/// Zone names containing every word of `typed`, shortest first, for autocomplete.
pub fn matching_zones(typed: &str, limit: usize) -> Vec<&'static str> {
    let words: Vec<String> = typed
        .split(|c: char| c.is_whitespace() || c == '/' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut found: Vec<&'static str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            words.iter().all(|w| lower.contains(w.as_str()))
        })
        .collect();
    found.sort_by_key(|name| (name.len(), *name));
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_week_starts_at_local_monday_midnight() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // Thursday 2026-12-03 in Berlin: the week began Monday 2026-11-30 at 00:00 there.
        assert_eq!(
            week_start(utc("2026-12-03T10:00:00Z"), berlin),
            utc("2026-11-29T23:00:00Z")
        );
        // Sunday 23:30 UTC is already Monday in Berlin: a new week.
        assert_eq!(
            week_start(utc("2026-12-06T23:30:00Z"), berlin),
            utc("2026-12-06T23:00:00Z")
        );
    }

    #[test]
    fn times_and_zones_parse_as_members_type_them() {
        assert_eq!(parse_time("18:30"), NaiveTime::from_hms_opt(18, 30, 0));
        assert_eq!(parse_time("7:05"), NaiveTime::from_hms_opt(7, 5, 0));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("6pm"), None);
        assert_eq!(parse_zone("europe/berlin"), Some(chrono_tz::Europe::Berlin));
        assert_eq!(parse_zone("Mars/Olympus"), None);
        assert_eq!(matching_zones("new york", 5), vec!["America/New_York"]);
    }

    #[test]
    fn the_week_key_is_the_local_iso_week() {
        // Sunday 23:30 in Berlin is still week 48 there, though it is Monday in Auckland.
        let at = utc("2026-11-29T22:30:00Z");
        assert_eq!(week_key(at, chrono_tz::Europe::Berlin), "2026-W48");
        assert_eq!(week_key(at, chrono_tz::Pacific::Auckland), "2026-W49");
        // ISO years differ from calendar years around New Year.
        assert_eq!(week_key(utc("2027-01-01T12:00:00Z"), Tz::UTC), "2026-W53");
    }

    #[test]
    fn the_next_slot_is_strictly_after_the_given_time() {
        let slot = WeeklySlot::new(
            Weekday::Mon,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            Tz::UTC,
        );
        let monday_nine = utc("2026-11-30T09:00:00Z");
        assert_eq!(
            slot.next_after(utc("2026-11-29T12:00:00Z")),
            Some(monday_nine)
        );
        assert_eq!(
            slot.next_after(monday_nine),
            Some(utc("2026-12-07T09:00:00Z"))
        );
    }

    fn slot(weekday: Weekday, hh_mm: &str, zone: Tz) -> WeeklySlot {
        WeeklySlot::new(weekday, parse_time(hh_mm).unwrap(), zone)
    }

    /// Every slot from `start`, `n` of them.
    fn series(slot: WeeklySlot, start: &str, n: usize) -> Vec<String> {
        let mut at = utc(start);
        (0..n)
            .map(|_| {
                at = slot.next_after(at).unwrap();
                at.format("%Y-%m-%dT%H:%MZ").to_string()
            })
            .collect()
    }

    #[test]
    fn berlin_keeps_its_local_time_across_both_dst_changes() {
        // Mondays 09:00: 08:00 UTC in winter, 07:00 UTC in summer (clocks go forward on
        // Sunday 28 March 2027 and back on Sunday 25 October 2026).
        let monday = slot(Weekday::Mon, "09:00", chrono_tz::Europe::Berlin);
        assert_eq!(
            series(monday, "2027-03-20T00:00:00Z", 2),
            ["2027-03-22T08:00Z", "2027-03-29T07:00Z"]
        );
        assert_eq!(
            series(monday, "2026-10-17T00:00:00Z", 2),
            ["2026-10-19T07:00Z", "2026-10-26T08:00Z"]
        );
        // Sundays 02:30 does not exist on 28 March 2027: posted when the clocks reach 03:00.
        let sunday_night = slot(Weekday::Sun, "02:30", chrono_tz::Europe::Berlin);
        assert_eq!(
            series(sunday_night, "2027-03-22T00:00:00Z", 2),
            ["2027-03-28T01:00Z", "2027-04-04T00:30Z"]
        );
        // It happens twice on 25 October 2026: posted once, at the first.
        assert_eq!(
            series(sunday_night, "2026-10-19T00:00:00Z", 2),
            ["2026-10-25T00:30Z", "2026-11-01T01:30Z"]
        );
    }

    #[test]
    fn new_york_keeps_its_local_time_across_both_dst_changes() {
        // Clocks go forward on Sunday 14 March 2027 and back on Sunday 1 November 2026.
        let sunday = slot(Weekday::Sun, "18:00", chrono_tz::America::New_York);
        assert_eq!(
            series(sunday, "2027-03-01T00:00:00Z", 3),
            [
                "2027-03-07T23:00Z",
                "2027-03-14T22:00Z",
                "2027-03-21T22:00Z"
            ]
        );
        assert_eq!(
            series(sunday, "2026-10-20T00:00:00Z", 2),
            ["2026-10-25T22:00Z", "2026-11-01T23:00Z"]
        );
        let early = slot(Weekday::Sun, "02:15", chrono_tz::America::New_York);
        assert_eq!(
            series(early, "2027-03-10T00:00:00Z", 1),
            ["2027-03-14T07:00Z"],
            "02:15 does not exist that night: posted at 03:00 EDT"
        );
        let twice = slot(Weekday::Sun, "01:30", chrono_tz::America::New_York);
        assert_eq!(
            series(twice, "2026-10-26T00:00:00Z", 2),
            ["2026-11-01T05:30Z", "2026-11-08T06:30Z"]
        );
    }

    #[test]
    fn zones_far_from_utc_land_on_the_other_side_of_the_utc_date_line() {
        // UTC+13: Monday 08:00 in Tonga is Sunday 19:00 UTC, and belongs to Tonga's week.
        let tonga = slot(Weekday::Mon, "08:00", chrono_tz::Pacific::Tongatapu);
        let due = slot_due(tonga, "2026-11-27T00:00:00Z");
        assert_eq!(due, utc("2026-11-29T19:00:00Z"));
        assert_eq!(week_key(due, tonga.zone), "2026-W49");
        assert_eq!(week_key(due, Tz::UTC), "2026-W48");
        // UTC-10: Sunday 20:00 in Honolulu is Monday 06:00 UTC, and belongs to Honolulu's week.
        let honolulu = slot(Weekday::Sun, "20:00", chrono_tz::Pacific::Honolulu);
        let due = slot_due(honolulu, "2026-11-27T00:00:00Z");
        assert_eq!(due, utc("2026-11-30T06:00:00Z"));
        assert_eq!(week_key(due, honolulu.zone), "2026-W48");
        assert_eq!(week_key(due, Tz::UTC), "2026-W49");
    }

    fn slot_due(slot: WeeklySlot, after: &str) -> DateTime<Utc> {
        slot.next_after(utc(after)).unwrap()
    }
}
