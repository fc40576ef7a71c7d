//! Roadmap content: the model, loading it from TOML folders, validating it and searching it.

mod checks;
mod error;
mod loader;
mod model;
pub mod originality;
mod prompt_rules;
pub mod search;
mod validate;

pub use error::{ContentError, ContentErrors};
pub use loader::load_library;
pub use model::{
    Library, Phase, Prompt, PromptKind, Resource, ResourceKind, Roadmap, Section, Topic, TopicRef,
};
