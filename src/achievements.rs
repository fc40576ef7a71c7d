//! What a member achieved that their server celebrates, and the key each celebration is posted
//! under exactly once: a phase completed (`{user}:{phase}:{completion}`, so completing it again
//! after undoing it is a new one) or a challenge's target reached (`{challenge}:{user}`).

use crate::ids::UserId;

/// A member completed a phase: period `{user}:{phase}:{completion}`.
pub const PHASE: &str = "celebrate-phase";
/// A member reached a challenge's target: period `{challenge}:{user}`.
pub const CHALLENGE: &str = "celebrate-challenge";

pub fn phase_period(user: UserId, phase: u8, completion: i32) -> String {
    format!("{user}:{phase}:{completion}")
}

pub fn challenge_period(challenge: i64, user: UserId) -> String {
    format!("{challenge}:{user}")
}

/// What a celebration's period says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Achievement {
    Phase { user: UserId, phase: u8 },
    Challenge { challenge: i64, user: UserId },
}

impl Achievement {
    pub fn parse(kind: &str, period: &str) -> Option<Self> {
        let parts: Vec<&str> = period.split(':').collect();
        match (kind, parts.as_slice()) {
            (PHASE, [user, phase, _]) => Some(Self::Phase {
                user: parse_user(user)?,
                phase: phase.parse().ok()?,
            }),
            (CHALLENGE, [challenge, user]) => Some(Self::Challenge {
                challenge: challenge.parse().ok()?,
                user: parse_user(user)?,
            }),
            _ => None,
        }
    }
}

fn parse_user(text: &str) -> Option<UserId> {
    text.parse::<u64>()
        .ok()
        .filter(|n| *n != 0)
        .map(UserId::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_round_trip_and_refuse_anything_else() {
        let user = UserId::new(u64::MAX);
        assert_eq!(
            Achievement::parse(PHASE, &phase_period(user, 3, 2)),
            Some(Achievement::Phase { user, phase: 3 })
        );
        assert_eq!(
            Achievement::parse(CHALLENGE, &challenge_period(42, user)),
            Some(Achievement::Challenge {
                challenge: 42,
                user
            })
        );
        for (kind, bad) in [
            (PHASE, "0:1:1"),
            (PHASE, "5:1"),
            (CHALLENGE, "x:5"),
            ("prompt", "5:1"),
        ] {
            assert_eq!(Achievement::parse(kind, bad), None, "{kind} {bad}");
        }
    }
}
