//! A command's sub-commands as an enum. Each name is written once, in the enum, and both the
//! definition Discord registers and the handler's `match` read it from there: a misspelt
//! sub-command is a compile error, and a `match` that forgets one does not compile either.

use super::error::{CommandError, CommandResult};
use super::invocation::CommandCall;
use super::options::OptionSpec;

pub trait Subcommand: Copy + Sized + 'static {
    const ALL: &'static [Self];

    fn name(self) -> &'static str;

    /// The sub-command's definition, named by the enum.
    fn option(self, description: &'static str, options: Vec<OptionSpec>) -> OptionSpec {
        OptionSpec::subcommand(self.name(), description, options)
    }

    /// A group of sub-commands named by the enum (`/settings roadmap …`).
    fn group(self, description: &'static str, subs: Vec<OptionSpec>) -> OptionSpec {
        OptionSpec::group(self.name(), description, subs)
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.name() == name)
    }
}

/// Declares a sub-command enum: `subcommands! { pub enum Sub { Set = "set", Show = "show" } }`.
macro_rules! subcommands {
    ($vis:vis enum $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($variant),+
        }

        impl $crate::commands::subcommand::Subcommand for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }
    };
}
pub(crate) use subcommands;

impl CommandCall {
    /// The sub-command the call names. The dispatcher has already refused a call whose path is
    /// not one the command defines, so `None` here only means no sub-command was given.
    pub fn sub<S: Subcommand>(&self) -> CommandResult<S> {
        self.sub_at(0)
    }

    /// The sub-command inside the group the call names (`export` in `/settings roadmap
    /// export`).
    pub fn sub_in_group<S: Subcommand>(&self) -> CommandResult<S> {
        self.sub_at(1)
    }

    fn sub_at<S: Subcommand>(&self, depth: usize) -> CommandResult<S> {
        self.path
            .get(depth)
            .and_then(|name| S::parse(name))
            .ok_or_else(|| {
                let before: String = self
                    .path
                    .iter()
                    .take(depth)
                    .map(|p| format!(" {p}"))
                    .collect();
                let names: Vec<String> = S::ALL
                    .iter()
                    .map(|s| format!("`/{}{before} {}`", self.name, s.name()))
                    .collect();
                CommandError::user(format!("Pick one of {}.", names.join(", ")))
            })
    }

    /// The sub-command, if one was given and is known (for autocomplete, which sees partial
    /// calls).
    pub fn sub_if<S: Subcommand>(&self) -> Option<S> {
        self.path.first().and_then(|name| S::parse(name))
    }
}
