//! Points for activity other than topics (whose awards `progress::plan` decides): a week's
//! check-in and a challenge finished. Each is a ledger row with a key unique per member, so
//! writing it twice (a retry, an edit, a repeated end) awards nothing more.

use crate::checkins::CHECKIN_POINTS;

/// One ledger row to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub kind: &'static str,
    /// What it rewards: the week, the challenge's id.
    pub reference: String,
    pub points: i32,
    pub key: String,
}

/// A week's check-in: once per member and week, however often it is edited.
pub fn checkin(week: &str) -> Grant {
    Grant {
        kind: "checkin",
        reference: week.to_string(),
        points: CHECKIN_POINTS,
        key: format!("checkin:{week}"),
    }
}

/// Reaching a challenge's target, given when it ends.
pub fn challenge(id: i64, points: i32) -> Grant {
    Grant {
        kind: "challenge",
        reference: id.to_string(),
        points,
        key: format!("challenge:{id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_what_they_reward_once() {
        assert_eq!(checkin("2026-W49").key, "checkin:2026-W49");
        assert_eq!(checkin("2026-W49").points, CHECKIN_POINTS);
        let finished = challenge(42, 25);
        assert_eq!(
            (finished.key.as_str(), finished.points),
            ("challenge:42", 25)
        );
    }
}
