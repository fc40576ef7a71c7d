//! Weekly check-ins: what a member did, what blocks them and their next goal, the rules an
//! entry meets, and the streak they build.

pub mod entry;
pub mod streak;

/// Points a check-in earns, once per member and week (editing it earns nothing more).
pub const CHECKIN_POINTS: i32 = 5;
