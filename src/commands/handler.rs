//! What a handler receives and the shapes of command, autocomplete and component handlers.
//!
//! A handler is a plain `async fn(&Ctx<'_>, input) -> CommandResult<T>`. The [`Handler`] trait
//! lets the registry store such functions without each command file writing closure and
//! boxing boilerplate.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serenity::all::GuildId;

use super::access::Access;
use super::error::{CommandError, CommandResult};
use super::invocation::{CommandCall, Invocation};
use crate::app::App;
use crate::render::{Choice, Reply};
use crate::roadmap::Roadmap;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything a handler may use: the app's state, the command list (for `/help`) and the
/// invocation being answered.
pub struct Ctx<'a> {
    /// Shared, so a handler can hand work to a background task.
    pub app: &'a Arc<App>,
    /// Every usage line, for `/help`.
    pub usage: &'a [(String, Access)],
    pub invocation: &'a Invocation,
    /// Who will see the answer, known before the handler runs.
    pub audience: Audience,
    /// The roadmap the invocation's server follows, found before the handler runs.
    pub roadmap: &'a Arc<Roadmap>,
}

/// Who sees an answer. Waypoint's privacy rule hangs on it: the caller's own data (their
/// marks, state, place or line) goes only into answers the caller alone sees. An answer the
/// channel sees shows what is shared and offers a button whose answer is the caller's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A private command, or a click (each clicker gets their own copy).
    Caller,
    /// A public command's answer, or a form's (whose handler chooses).
    Channel,
}

impl Ctx<'_> {
    /// Whether the answer may hold the caller's own data.
    pub fn private(&self) -> bool {
        self.audience == Audience::Caller
    }

    /// The roadmap of the server the invocation came from.
    pub fn roadmap(&self) -> &Roadmap {
        self.roadmap
    }

    /// The server; the dispatcher refuses invocations from outside one, so this only fails if
    /// a handler is reached some other way.
    pub fn guild(&self) -> CommandResult<GuildId> {
        self.invocation.guild_id.ok_or_else(|| {
            CommandError::user("This command works inside a server: run it in a channel there.")
        })
    }
}

/// The member is typing into option `option` of a command; `partial` is the text so far.
#[derive(Debug, Clone, Copy)]
pub struct Typing<'a> {
    pub call: &'a CommandCall,
    pub option: &'a str,
    pub partial: &'a str,
}

/// A button or menu of one of the command's messages was used.
#[derive(Debug, Clone, Copy)]
pub struct Click<'a> {
    /// The whole custom id, starting with `"{command}:"`.
    pub custom_id: &'a str,
    /// The values picked in a menu; empty for a button.
    pub values: &'a [String],
}

/// A form (modal) of the command was sent.
#[derive(Debug, Clone, Copy)]
pub struct Submit<'a> {
    /// The whole custom id, starting with `"{command}:"`.
    pub custom_id: &'a str,
    pub fields: &'a [(String, String)],
}

impl Submit<'_> {
    /// What was typed in the field `custom_id`, trimmed and without NUL characters (which
    /// PostgreSQL text cannot hold); empty when absent.
    pub fn field(&self, custom_id: &str) -> String {
        self.fields
            .iter()
            .find(|(id, _)| id == custom_id)
            .map_or(String::new(), |(_, value)| {
                value.replace('\0', "").trim().to_string()
            })
    }
}

/// An async function from the context and one input to a result. Implemented for every
/// `async fn(&Ctx<'_>, In) -> CommandResult<Out>`; the per-lifetime impl is what lets the
/// future borrow from its arguments.
pub trait Handler<'a, In, Out>: Send + Sync {
    fn call(&self, ctx: &'a Ctx<'a>, input: In) -> BoxFuture<'a, CommandResult<Out>>;
}

impl<'a, F, Fut, In, Out> Handler<'a, In, Out> for F
where
    F: Fn(&'a Ctx<'a>, In) -> Fut + Send + Sync,
    Fut: Future<Output = CommandResult<Out>> + Send + 'a,
{
    fn call(&self, ctx: &'a Ctx<'a>, input: In) -> BoxFuture<'a, CommandResult<Out>> {
        Box::pin(self(ctx, input))
    }
}

pub type CommandHandler = Box<dyn for<'a> Handler<'a, &'a CommandCall, Reply>>;
pub type AutocompleteHandler = Box<dyn for<'a> Handler<'a, Typing<'a>, Vec<Choice>>>;
pub type ComponentHandler = Box<dyn for<'a> Handler<'a, Click<'a>, Reply>>;
pub type ModalHandler = Box<dyn for<'a> Handler<'a, Submit<'a>, Reply>>;
