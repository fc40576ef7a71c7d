//! The command core: definitions, the registry, and the dispatcher every transport calls.

mod challenge;
mod checkin;
mod dispatch;
mod error;
mod handler;
mod help;
mod invocation;
mod leaderboard;
mod me;
mod options;
mod privacy;
mod progress;
mod prompt;
mod roadmap;
mod settings;
mod spec;
mod zone_option;

use anyhow::bail;
use serenity::all::CreateCommand;

pub use dispatch::{error_response, Dispatcher, Outcome};
pub use error::{CommandError, CommandResult};
pub use handler::{BoxFuture, Click, Ctx, Handler, Submit, Typing};
pub use invocation::{Action, CommandCall, Invocation, Value};
pub use options::{FromValue, Opt, OptionKind, OptionSpec};
pub use spec::{Access, CommandSpec};

use crate::roadmap::Library;

/// Every command Waypoint offers. Registration, dispatch, the console and `/help` all read it.
pub struct Registry {
    specs: Vec<CommandSpec>,
}

impl Registry {
    /// Builds the command list; a definition Discord would refuse stops start-up here.
    pub fn new(library: &Library) -> anyhow::Result<Self> {
        let registry = Self {
            specs: vec![
                roadmap::spec(library),
                progress::spec(),
                privacy::spec(),
                settings::spec(library),
                prompt::spec(),
                checkin::spec(),
                challenge::spec(library),
                checkin::history_spec(),
                me::spec(),
                leaderboard::spec(library),
                help::spec(),
            ],
        };
        let problems: Vec<String> = registry.specs.iter().flat_map(|s| s.problems()).collect();
        if !problems.is_empty() {
            bail!("invalid command definitions:\n  {}", problems.join("\n  "));
        }
        Ok(registry)
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
