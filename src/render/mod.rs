//! Turning domain values into replies, and replies into what Discord or a terminal shows.

pub mod card;
pub mod celebration;
pub mod challenge;
pub mod challenge_id;
pub mod checkin;
pub mod checkin_form;
pub mod discord;
pub mod leaderboard;
pub mod limits;
pub mod partners;
pub mod progress;
pub mod progress_id;
pub mod prompt;
pub mod reply;
pub mod response;
pub mod roadmap;
pub mod roadmap_id;
pub mod roadmap_search;
pub mod text;

pub use reply::{
    ActionRow, Button, ButtonStyle, Component, Embed, Field, File, Modal, Reply, Select,
    SelectOption, TextField,
};
pub use response::{Choice, Response};
