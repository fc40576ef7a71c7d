//! A challenge's window: from midnight of its first day to midnight after its last, in the
//! server's time zone.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The dates staff type: `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// For text in the `YYYY-MM-DD` shape that is still no date (`2026-02-30`): the month's last
/// day, so a member can be told the day does not exist rather than that the shape is wrong.
pub fn month_end_if_no_such_day(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = first
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()?;
    (day == 0 || day > last.day()).then_some(last)
}

/// When the local day `date` begins in `zone`. Where a clock change skips midnight, the day
/// begins at the first moment that exists.
pub fn day_start(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let mut local = date.and_time(NaiveTime::MIN);
    for _ in 0..4 {
        if let Some(start) = zone.from_local_datetime(&local).earliest() {
            return start.with_timezone(&Utc);
        }
        local += chrono::Duration::minutes(30);
    }
    // No zone skips two hours at midnight; fall back to UTC rather than fail.
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

/// The instants a window of whole days, `first` to `last` inclusive, opens and closes.
pub fn window(first: NaiveDate, last: NaiveDate, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let after_last = last.checked_add_days(Days::new(1)).unwrap_or(last);
    (day_start(first, zone), day_start(after_last, zone))
}

/// Halfway through a window, when its standing is posted.
pub fn midpoint(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> DateTime<Utc> {
    starts_at + (ends_at - starts_at) / 2
}

/// The local date at `now` in `zone`.
pub fn today(now: DateTime<Utc>, zone: Tz) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn a_window_runs_from_local_midnight_to_the_midnight_after_its_last_day() {
        let zone: Tz = "America/New_York".parse().unwrap();
        let (start, end) = window(date("2026-12-07"), date("2026-12-13"), zone);
        assert_eq!(start.to_rfc3339(), "2026-12-07T05:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-14T05:00:00+00:00");
        assert_eq!(
            midpoint(start, end).to_rfc3339(),
            "2026-12-10T17:00:00+00:00"
        );
    }

    #[test]
    fn a_window_across_a_clock_change_keeps_local_midnights() {
        let zone: Tz = "Europe/Berlin".parse().unwrap();
        let (start, end) = window(date("2026-03-28"), date("2026-03-29"), zone);
        assert_eq!(start.to_rfc3339(), "2026-03-27T23:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-03-29T22:00:00+00:00");
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_at_the_first_moment_that_exists() {
        // Chile moves its clocks at midnight: 2026-09-06 00:00 does not exist there.
        let zone: Tz = "America/Santiago".parse().unwrap();
        let start = day_start(date("2026-09-06"), zone);
        assert_eq!(
            start.with_timezone(&zone).format("%H:%M").to_string(),
            "01:00"
        );
    }

    #[test]
    fn only_iso_dates_parse() {
        assert_eq!(parse_date(" 2026-12-07 "), Some(date("2026-12-07")));
        for bad in ["07/12/2026", "2026-13-01", "2026-02-30", "tomorrow", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_day_past_the_months_end_is_told_apart_from_a_wrong_shape() {
        assert_eq!(
            month_end_if_no_such_day("2026-02-30"),
            Some(date("2026-02-28"))
        );
        assert_eq!(
            month_end_if_no_such_day("2028-02-30"),
            Some(date("2028-02-29"))
        );
        assert_eq!(
            month_end_if_no_such_day("2026-04-31"),
            Some(date("2026-04-30"))
        );
        for other in ["2026-02-28", "2026-13-01", "07/12/2026", "tomorrow", ""] {
            assert_eq!(month_end_if_no_such_day(other), None, "{other}");
        }
    }
}
