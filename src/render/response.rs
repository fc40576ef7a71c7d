//! What the dispatcher hands back to a transport: a message, an in-place update, or
//! autocomplete suggestions. Rendering turns these into Discord JSON or terminal text.

use super::reply::{Modal, Reply};

/// One autocomplete suggestion: what the member sees and what the option receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// A new message answering the interaction.
    Message(Reply),
    /// Replace the message whose component was used.
    Update(Reply),
    /// Autocomplete suggestions.
    Choices(Vec<Choice>),
    /// A form for the member to fill in; its submission comes back as a new interaction.
    Modal(Modal),
}
