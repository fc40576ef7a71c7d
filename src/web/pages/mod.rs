//! The pages themselves, one file each: each finds the server by its slug, reads through the
//! same functions the commands use (`boards::page`, `standings::standing`, the server's roadmap
//! from `content`), and renders an askama template.

mod challenge;
mod heatmap;
mod leaderboard;
mod overview;
mod site;

pub use challenge::challenge;
pub use heatmap::roadmap;
pub use leaderboard::leaderboard;
pub use overview::overview;
pub use site::NOT_FOUND_PAGE;
