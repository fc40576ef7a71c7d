//! Accountability partners (issue 22): members who joined are grouped every week by where
//! they stand on the roadmap and when they are awake. The rules are plain functions here;
//! storing, scheduling and the threads live in `db`, `schedule` and the commands.

pub mod matching;
