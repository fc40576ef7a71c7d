//! The command core: definitions, the registry, and the dispatcher every transport calls.

mod dispatch;
mod error;
mod handler;
mod help;
mod invocation;
mod options;
mod roadmap;
mod settings;
mod spec;

use serenity::all::CreateCommand;

pub use dispatch::{dispatch, error_response, Outcome};
pub use error::{CommandError, CommandResult};
pub use handler::{BoxFuture, Choice, Response};
pub use invocation::{Action, CommandCall, Invocation, Value};
pub use spec::{Access, CommandSpec, OptionKind, OptionSpec};

use crate::roadmap::Library;

/// Every command Waypoint offers. Registration, dispatch, the console and `/help` all read it.
pub struct Registry {
    specs: Vec<CommandSpec>,
}

impl Registry {
    pub fn new(library: &Library) -> Self {
        Self {
            specs: vec![roadmap::spec(library), settings::spec(), help::spec()],
        }
    }

    pub fn get(&self, name: &str) -> Option<&CommandSpec> {
        self.specs.iter().find(|s| s.name == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &CommandSpec> {
        self.specs.iter()
    }

    /// The bodies sent to Discord's bulk-overwrite endpoint.
    pub fn definitions(&self) -> Vec<CreateCommand> {
        self.specs.iter().map(CommandSpec::to_discord).collect()
    }
}
