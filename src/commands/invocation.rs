//! A parsed interaction, the same whichever transport delivered it.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, GuildId, Permissions, UserId};

use super::error::{CommandError, CommandResult};
use super::options::{FromValue, Opt};
pub use super::value::Value;
use crate::profiles::Profile;

#[derive(Debug, Clone)]
pub struct Invocation {
    pub guild_id: Option<GuildId>,
    pub channel_id: Option<ChannelId>,
    pub user_id: UserId,
    /// The member's permissions in the channel, as Discord resolved them for the interaction.
    pub permissions: Permissions,
    /// When the interaction happened; injected so tests control time.
    pub now: DateTime<Utc>,
    pub action: Action,
    /// How the caller, and members named in the options, show in the server, as the
    /// interaction carried them (the cards draw them; nothing of it is stored).
    pub profiles: Vec<(UserId, Profile)>,
}

#[derive(Debug, Clone)]
pub enum Action {
    Command(CommandCall),
    /// The member is typing into `focused`; `call` holds the options typed so far.
    Autocomplete {
        call: CommandCall,
        focused: String,
        partial: String,
    },
    /// A form (modal) the member filled in and sent.
    ModalSubmit {
        custom_id: String,
        /// Each field's custom id and what the member typed, in form order.
        fields: Vec<(String, String)>,
    },
    /// A button or menu on one of our messages.
    Component {
        custom_id: String,
        values: Vec<String>,
        /// Whether the message holding the component is ephemeral (only the clicker sees it).
        on_ephemeral: bool,
    },
}

/// A slash command as typed: `/name [group] [subcommand] option:value …`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandCall {
    pub name: String,
    /// Sub-command group and sub-command names, outermost first.
    pub path: Vec<String>,
    pub options: Vec<(String, Value)>,
}

impl CommandCall {
    /// The value given for `option`, typed as the option declares it.
    pub fn get<T: FromValue>(&self, option: Opt<T>) -> Option<T> {
        self.value(option.name()).and_then(T::from_value)
    }

    /// The value of a required option. The dispatcher has already refused a call without it,
    /// so a missing one is told as the same mistake, never defaulted.
    pub fn required<T: FromValue>(&self, option: Opt<T>) -> CommandResult<T> {
        self.get(option).ok_or_else(|| {
            CommandError::user(format!(
                "`/{}` needs `{}`.",
                self.display_name(),
                option.name()
            ))
        })
    }

    /// The raw value given for the option named `name`, for code that works on any option.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.options.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The command as a member would type it, for logs and help.
    pub fn display_name(&self) -> String {
        std::iter::once(self.name.as_str())
            .chain(self.path.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Invocation {
    /// How `user` shows in the server, if the interaction said.
    pub fn profile(&self, user: UserId) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|(id, _)| *id == user)
            .map(|(_, p)| p)
    }

    /// The command name this invocation belongs to, for logging.
    pub fn command_name(&self) -> String {
        match &self.action {
            Action::Command(call) | Action::Autocomplete { call, .. } => call.display_name(),
            Action::Component { custom_id, .. } => format!("component:{custom_id}"),
            Action::ModalSubmit { custom_id, .. } => format!("form:{custom_id}"),
        }
    }
}
