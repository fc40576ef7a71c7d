//! Numbers and dates as people read them: "1 topic", "3 weeks", "30 Nov – 6 Dec". Every reply
//! counts through here, so no message says "1 topics" or "week(s)".

use chrono::{Datelike, NaiveDate, Weekday};

/// `count` followed by the noun in the right number: `count(1, "topic", "topics")` is
/// "1 topic", `count(0, …)` is "0 topics".
pub fn count<N: Number>(n: N, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// The noun alone, in the number `n` asks for.
pub fn noun<'a, N: Number>(n: N, one: &'a str, many: &'a str) -> &'a str {
    if n == N::from(1) {
        one
    } else {
        many
    }
}

/// Any integer type a count comes in.
pub trait Number: std::fmt::Display + Copy + PartialEq + From<u8> {}

impl<N: std::fmt::Display + Copy + PartialEq + From<u8>> Number for N {}

/// The Monday of an ISO week key such as `2026-W49`.
pub fn week_monday(key: &str) -> Option<NaiveDate> {
    let (year, week) = key.split_once("-W")?;
    NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)
}

/// An ISO week key as the days it covers, "30 Nov – 6 Dec"; the year shows only when the week
/// spans two ("29 Dec 2025 – 4 Jan 2026"). A key that is not a week is shown as it is.
pub fn week_range(key: &str) -> String {
    match week_monday(key) {
        Some(monday) => day_range(monday, monday + chrono::Days::new(6)),
        None => key.to_string(),
    }
}

/// Two days as a range, "30 Nov – 6 Dec", with years only when they differ.
pub fn day_range(first: NaiveDate, last: NaiveDate) -> String {
    if first.year() == last.year() {
        format!("{} – {}", first.format("%-d %b"), last.format("%-d %b"))
    } else {
        format!(
            "{} – {}",
            first.format("%-d %b %Y"),
            last.format("%-d %b %Y")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1, "topic", "topics"), "1 topic");
        assert_eq!(count(0, "topic", "topics"), "0 topics");
        assert_eq!(count(2, "check-in", "check-ins"), "2 check-ins");
        assert_eq!(count(-1, "point", "points"), "-1 points");
        assert_eq!(noun(3u32, "week", "weeks"), "weeks");
    }

    #[test]
    fn weeks_read_as_the_days_they_cover() {
        assert_eq!(week_range("2026-W49"), "30 Nov – 6 Dec");
        assert_eq!(week_range("2026-W01"), "29 Dec 2025 – 4 Jan 2026");
        assert_eq!(week_range("2026-W53"), "28 Dec 2026 – 3 Jan 2027");
        assert_eq!(week_range("not a week"), "not a week");
    }
}
