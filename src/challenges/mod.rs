//! Server-wide study challenges: the goal kinds, the window of whole days in the server's time
//! zone, the rules a new challenge must meet, and how participants are ranked.

pub mod cache;
pub mod challenge;
pub mod finish;
pub mod rules;
pub mod standing;
pub mod window;

/// Points every finisher earns when a challenge ends.
pub const FINISHER_POINTS: i32 = 25;
/// Finishers named as winners in the end announcement.
pub const WINNERS: usize = 3;

/// What a challenge counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Topics marked done (optionally of one phase).
    Topics,
    /// Weeks checked in.
    Checkins,
    /// Phases completed (optionally one given phase).
    Phase,
}

impl Goal {
    pub const NAMES: [&'static str; 3] = ["topics", "checkins", "phase"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Topics => "topics",
            Self::Checkins => "checkins",
            Self::Phase => "phase",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "topics" => Some(Self::Topics),
            "checkins" => Some(Self::Checkins),
            "phase" => Some(Self::Phase),
            _ => None,
        }
    }

    /// How `n` of what the goal counts reads: "3 topics", "1 week".
    pub fn count(self, n: i64) -> String {
        format!("{n} {}", self.unit(n))
    }

    /// What the goal counts, in the number `n` asks for: "topic", "weeks".
    pub fn unit(self, n: i64) -> &'static str {
        let (one, many) = match self {
            Self::Topics => ("topic", "topics"),
            Self::Checkins => ("week", "weeks"),
            Self::Phase => ("phase", "phases"),
        };
        if n == 1 {
            one
        } else {
            many
        }
    }

    /// The goal in words, for a challenge of `target` (within `phase`, if any).
    pub fn describe(self, target: i64, phase: Option<u8>) -> String {
        match (self, phase) {
            (Self::Topics, None) => format!("complete {}", self.count(target)),
            (Self::Topics, Some(p)) => format!("complete {} of phase {p}", self.count(target)),
            (Self::Checkins, _) => format!("check in {}", self.count(target)),
            (Self::Phase, None) => format!("finish {}", self.count(target)),
            (Self::Phase, Some(p)) => format!("finish phase {p}"),
        }
    }
}
