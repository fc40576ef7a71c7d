//! Accountability partners (issue 22): members who joined are grouped every week by where
//! they stand on the roadmap and when they are awake. The rules are plain functions here;
//! storing, scheduling and the threads live in `db`, `schedule` and the commands.

pub mod matching;

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::roadmap::Roadmap;

/// The phase a member is in: the first they have not completed, the last once they completed
/// them all.
pub fn phase_of(completed: &[u8], phases: u8) -> u8 {
    (1..=phases)
        .find(|n| !completed.contains(n))
        .unwrap_or(phases.max(1))
}

/// `zone`'s offset from UTC at `at`, in minutes (daylight saving included).
pub fn utc_offset(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
        / 60
}

/// "UTC+5:30", "UTC−3", "UTC".
pub fn describe_offset(minutes: i32) -> String {
    if minutes == 0 {
        return "UTC".into();
    }
    let sign = if minutes > 0 { '+' } else { '−' };
    let (hours, rest) = (minutes.abs() / 60, minutes.abs() % 60);
    if rest == 0 {
        format!("UTC{sign}{hours}")
    } else {
        format!("UTC{sign}{hours}:{rest:02}")
    }
}

/// A topic a group shares, for its intro: one every member is learning, else the first topic
/// of the earliest phase any of them is in (where they can meet).
pub fn shared_topic(roadmap: &Roadmap, learning: &[&[String]], phases: &[u8]) -> Option<String> {
    if let Some((first, rest)) = learning.split_first() {
        if let Some(common) = first
            .iter()
            .find(|topic| rest.iter().all(|other| other.contains(topic)))
        {
            return Some(common.clone());
        }
    }
    let earliest = phases.iter().copied().min()?;
    roadmap
        .phase(earliest)?
        .sections
        .iter()
        .flat_map(|s| &s.topics)
        .next()
        .map(|t| t.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_in_their_first_unfinished_phase() {
        assert_eq!(phase_of(&[], 4), 1);
        assert_eq!(phase_of(&[1, 2], 4), 3);
        assert_eq!(phase_of(&[1, 3], 4), 2, "a gap counts");
        assert_eq!(phase_of(&[1, 2, 3, 4], 4), 4);
    }

    #[test]
    fn offsets_follow_daylight_saving_and_read_naturally() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let winter: DateTime<Utc> = "2026-12-01T12:00:00Z".parse().unwrap();
        let summer: DateTime<Utc> = "2026-07-01T12:00:00Z".parse().unwrap();
        assert_eq!(utc_offset(berlin, winter), 60);
        assert_eq!(utc_offset(berlin, summer), 120);
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        assert_eq!(describe_offset(utc_offset(kolkata, winter)), "UTC+5:30");
        assert_eq!(describe_offset(-180), "UTC−3");
        assert_eq!(describe_offset(0), "UTC");
    }
}
