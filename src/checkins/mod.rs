//! Weekly check-ins: what a member did, what blocks them and their next goal; the streak they
//! build; the form and its rules.

pub mod form;
pub mod streak;

/// Points a check-in earns, once per member and week (editing it earns nothing more).
pub const CHECKIN_POINTS: i32 = 5;
