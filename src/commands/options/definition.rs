//! What an option is, as Discord registers it.

use serenity::all::{ChannelType, CommandOptionType, CreateCommandOption};

/// What a channel option's channel is for, which decides the channel types it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelUse {
    /// Waypoint posts messages there: text and announcement channels.
    Posts,
    /// Waypoint opens private threads there, which only text channels allow.
    Threads,
}

impl ChannelUse {
    pub fn types(self) -> &'static [ChannelType] {
        match self {
            Self::Posts => &[ChannelType::Text, ChannelType::News],
            Self::Threads => &[ChannelType::Text],
        }
    }
}

#[derive(Debug, Clone)]
pub struct OptionSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: OptionKind,
    pub required: bool,
}

#[derive(Debug, Clone)]
pub enum OptionKind {
    Integer {
        min: u32,
        max: u32,
    },
    String {
        autocomplete: bool,
        max_length: u16,
        /// When not empty, the only values accepted.
        choices: &'static [&'static str],
    },
    Boolean,
    User,
    Channel(ChannelUse),
    Role,
    /// A file the member uploads with the command.
    File,
    SubCommand(Vec<OptionSpec>),
    /// Sub-commands under a shared name (`/settings roadmap export`).
    Group(Vec<OptionSpec>),
}

impl OptionSpec {
    pub fn subcommand(
        name: &'static str,
        description: &'static str,
        options: Vec<OptionSpec>,
    ) -> Self {
        Self {
            name,
            description,
            kind: OptionKind::SubCommand(options),
            required: false,
        }
    }

    pub fn group(name: &'static str, description: &'static str, subs: Vec<OptionSpec>) -> Self {
        Self {
            name,
            description,
            kind: OptionKind::Group(subs),
            required: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Suggest values while the member types (text options only).
    pub fn autocomplete(mut self) -> Self {
        if let OptionKind::String { autocomplete, .. } = &mut self.kind {
            *autocomplete = true;
        }
        self
    }

    /// A sub-command or a group of them: a step of the path, not a value.
    pub(in crate::commands) fn is_subcommand(&self) -> bool {
        self.steps().is_some()
    }

    /// What comes after this step of the path, if it is one.
    pub(in crate::commands) fn steps(&self) -> Option<&[OptionSpec]> {
        match &self.kind {
            OptionKind::SubCommand(inner) | OptionKind::Group(inner) => Some(inner),
            _ => None,
        }
    }

    pub(in crate::commands) fn to_discord(&self) -> CreateCommandOption {
        let kind = match self.kind {
            OptionKind::Integer { .. } => CommandOptionType::Integer,
            OptionKind::String { .. } => CommandOptionType::String,
            OptionKind::Boolean => CommandOptionType::Boolean,
            OptionKind::User => CommandOptionType::User,
            OptionKind::Channel(_) => CommandOptionType::Channel,
            OptionKind::Role => CommandOptionType::Role,
            OptionKind::File => CommandOptionType::Attachment,
            OptionKind::SubCommand(_) => CommandOptionType::SubCommand,
            OptionKind::Group(_) => CommandOptionType::SubCommandGroup,
        };
        let option = CreateCommandOption::new(kind, self.name, self.description);
        match &self.kind {
            OptionKind::Integer { min, max } => option
                .required(self.required)
                .min_int_value(u64::from(*min))
                .max_int_value(u64::from(*max)),
            OptionKind::String {
                autocomplete,
                max_length,
                choices,
            } => choices.iter().fold(
                option
                    .required(self.required)
                    .set_autocomplete(*autocomplete)
                    .max_length(*max_length),
                |option, choice| option.add_string_choice(*choice, *choice),
            ),
            OptionKind::SubCommand(options) | OptionKind::Group(options) => options
                .iter()
                .fold(option, |o, sub| o.add_sub_option(sub.to_discord())),
            OptionKind::Channel(used) => option
                .required(self.required)
                .channel_types(used.types().to_vec()),
            OptionKind::Boolean | OptionKind::User | OptionKind::Role | OptionKind::File => {
                option.required(self.required)
            }
        }
    }
}

impl OptionKind {
    pub(super) fn type_name(&self) -> &'static str {
        match self {
            Self::Integer { .. } => "a whole number",
            Self::String { .. } => "text",
            Self::Boolean => "true or false",
            Self::User => "a member",
            Self::Channel(_) => "a channel",
            Self::Role => "a role",
            Self::File => "a file",
            Self::SubCommand(_) => "a sub-command",
            Self::Group(_) => "a group of sub-commands",
        }
    }
}
