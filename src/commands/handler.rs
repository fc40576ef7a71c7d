//! The shapes of command, autocomplete and component handlers.
//!
//! Plain function pointers returning boxed futures keep the registry a simple table without
//! trait objects or macros; `Box::pin(family::run(..))` is all a command file writes.

use std::future::Future;
use std::pin::Pin;

use super::error::CommandResult;
use super::invocation::{CommandCall, Invocation};
use crate::app::App;
use crate::render::Reply;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub type CommandFn =
    for<'a> fn(&'a App, &'a Invocation, &'a CommandCall) -> BoxFuture<'a, CommandResult<Reply>>;

/// Gets the option being typed and the text typed so far.
pub type AutocompleteFn = for<'a> fn(
    &'a App,
    &'a Invocation,
    &'a str,
    &'a str,
) -> BoxFuture<'a, CommandResult<Vec<Choice>>>;

/// Gets the custom id after `"{command}:"`, and the values picked in a menu.
pub type ComponentFn = for<'a> fn(
    &'a App,
    &'a Invocation,
    &'a str,
    &'a [String],
) -> BoxFuture<'a, CommandResult<Reply>>;

/// One autocomplete suggestion: what the member sees and what the option receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

/// What the dispatcher hands back to a transport.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// A new message answering the interaction.
    Message(Reply),
    /// Replace the message whose component was used.
    Update(Reply),
    /// Autocomplete suggestions.
    Choices(Vec<Choice>),
}
