//! Roadmap content: the model, loading it from TOML (a folder or one file), validating it and
//! searching it (topics by id or title in `search`, ranked over all their text in `full_text`).

mod checks;
mod error;
pub mod full_text;
mod loader;
mod model;
pub mod originality;
mod prompt_rules;
mod read;
pub mod search;
mod single_file;
mod validate;

pub use error::{ContentError, ContentErrors};
pub use loader::load_library;
pub use model::{
    Library, Phase, Prompt, PromptKind, Resource, ResourceKind, Roadmap, Section, Source, Topic,
    TopicRef,
};
pub use single_file::{from_text, place_lines, to_single_file};
pub use validate::{MAX_PHASES, MAX_TOPICS};
