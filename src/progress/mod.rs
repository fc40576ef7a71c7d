//! Member progress as the product sees it: the state of each topic, what counts as completing
//! a phase, and what a member should do next. Pure logic over the content; storage is in
//! `db::progress`.

/// The in-memory cache of members' progress (a service over these rules, not a rule).
pub mod cache;
pub mod plan;
mod state;
mod summary;
pub mod tally;

pub use state::TopicState;
pub use summary::{MemberProgress, PhaseSummary};

/// Points for completing a topic.
pub const TOPIC_POINTS: i32 = 10;
/// Bonus for completing a whole phase.
pub const PHASE_POINTS: i32 = 50;
/// Proof links are for a repo, a notebook or a demo: a URL, not an essay.
pub const MAX_PROOF_LEN: usize = 512;
