//! The command core: definitions, the registry, and the dispatcher every transport calls.

mod access;
mod card;
mod challenge;
mod checkin;
mod dispatch;
mod error;
mod handler;
mod help;
mod invocation;
mod leaderboard;
mod marks;
mod me;
mod options;
mod partners;
mod privacy;
mod progress;
mod prompt;
mod registry;
mod roadmap;
mod settings;
mod spec;
mod subcommand;
mod value;
mod zone_option;

pub use access::Access;
pub use dispatch::{error_response, Dispatcher, Outcome};
pub use error::{CommandError, CommandResult};
pub use handler::{BoxFuture, Click, Ctx, Handler, Submit, Typing};
pub use invocation::{Action, CommandCall, Invocation, Value};
pub use options::{FromValue, Opt, OptionKind, OptionSpec};
pub use registry::Registry;
pub use spec::CommandSpec;
pub use value::FileRef;

use crate::app::App;

/// Every command, in the order `/help` lists them. A new command is a module above and a line
/// here.
pub fn registry() -> anyhow::Result<Registry> {
    Registry::new(vec![
        roadmap::spec(),
        progress::spec(),
        privacy::spec(),
        settings::spec(),
        prompt::spec(),
        checkin::spec(),
        challenge::spec(),
        checkin::history_spec(),
        me::spec(),
        partners::spec(),
        leaderboard::spec(),
        help::spec(),
    ])
}

/// The dispatcher for `app`, with every command of its content.
pub fn dispatcher(app: App) -> anyhow::Result<Dispatcher> {
    let registry = registry()?;
    Ok(Dispatcher::new(app, registry))
}
