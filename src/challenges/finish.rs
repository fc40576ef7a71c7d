//! Ending a challenge: who finished, what each earns, who gets the role, and the final standing.
//! A finisher is a participant who reached the target inside the window; hidden finishers earn
//! like anyone else but are only counted in the announcement, never named.

use super::challenge::Challenge;
use super::standing::{rank, Progress, Ranked};
use crate::ids::{RoleId, UserId};
use crate::points::{self, Grant};

/// What ending a challenge decides, for storage to apply and the announcement to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finish {
    /// Everyone who reached the target, hidden members included.
    pub finishers: Vec<UserId>,
    /// The ledger row each finisher gets; `None` when the challenge awards no points.
    pub grant: Option<Grant>,
    /// The role each finisher is given, if the challenge has one.
    pub role: Option<RoleId>,
    /// The visible participants, ranked.
    pub standing: Vec<Ranked>,
    pub hidden_finishers: usize,
}

/// Decides a challenge's end from every participant's progress at its end.
pub fn finish(challenge: &Challenge, entries: Vec<Progress>) -> Finish {
    let reached = |p: &&Progress| p.reached_at.is_some();
    let finishers = entries.iter().filter(reached).map(|p| p.user).collect();
    let hidden_finishers = entries.iter().filter(reached).filter(|p| p.hidden).count();
    let grant = (challenge.points > 0).then(|| points::challenge(challenge.id, challenge.points));
    let (standing, _) = rank(entries);
    Finish {
        finishers,
        grant,
        role: challenge.role,
        standing,
        hidden_finishers,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::challenges::challenge::Status;
    use crate::challenges::Goal;
    use crate::ids::{ChannelId, GuildId};

    fn challenge(points: i32, role: Option<u64>) -> Challenge {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        Challenge {
            id: 7,
            guild: GuildId::new(1),
            name: "Sprint".into(),
            goal: Goal::Topics,
            target: 3,
            phase: None,
            roadmap: "ai-engineer".into(),
            first_day: day,
            last_day: day,
            starts_at: Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            zone: chrono_tz::UTC,
            channel: ChannelId::new(2),
            role: role.map(RoleId::new),
            points,
            status: Status::Open,
            ended_early_at: None,
            members: 3,
        }
    }

    fn progress(user: u64, hidden: bool, count: i64, reached: bool) -> Progress {
        Progress {
            user: UserId::new(user),
            hidden,
            count,
            reached_at: reached.then(|| Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()),
        }
    }

    #[test]
    fn finishers_are_those_who_reached_the_target_hidden_or_not() {
        let entries = vec![
            progress(10, false, 3, true),
            progress(11, true, 4, true),
            progress(12, false, 2, false),
        ];
        let finish = finish(&challenge(25, Some(99)), entries);
        assert_eq!(finish.finishers, vec![UserId::new(10), UserId::new(11)]);
        assert_eq!(finish.hidden_finishers, 1);
        assert_eq!(finish.role, Some(RoleId::new(99)));
        let grant = finish.grant.expect("points to award");
        assert_eq!((grant.points, grant.key.as_str()), (25, "challenge:7"));
        // The hidden finisher is not ranked: the visible ones are, best first.
        let ranked: Vec<u64> = finish
            .standing
            .iter()
            .map(|r| r.progress.user.get())
            .collect();
        assert_eq!(ranked, vec![10, 12]);
    }

    #[test]
    fn a_challenge_worth_no_points_awards_no_ledger_row() {
        let finish = finish(&challenge(0, None), vec![progress(10, false, 3, true)]);
        assert_eq!(finish.grant, None);
        assert_eq!(finish.finishers, vec![UserId::new(10)]);
    }
}
