//! Slash-command options: their Discord definition, parsing typed text, and checking values
//! from any transport against the declared type and bounds.

use std::marker::PhantomData;

use serenity::all::{
    ChannelId, ChannelType, CommandOptionType, CreateCommandOption, RoleId, UserId,
};

use super::error::{CommandError, CommandResult};
use super::value::Value;

/// An option's name together with the type of its value. A command file declares each option
/// once as a constant and uses that constant both to define the option and to read it, so the
/// definition and the handler cannot disagree on its name or type.
pub struct Opt<T> {
    name: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Opt<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Opt<T> {}

impl<T> Opt<T> {
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            value: PhantomData,
        }
    }

    pub const fn name(self) -> &'static str {
        self.name
    }

    fn spec(self, description: &'static str, kind: OptionKind) -> OptionSpec {
        OptionSpec {
            name: self.name,
            description,
            kind,
            required: false,
        }
    }
}

impl Opt<i64> {
    /// Bounds are unsigned because Discord's registration (through serenity) only carries
    /// non-negative integer bounds; a negative one could not be registered as written.
    pub fn integer(self, description: &'static str, min: u32, max: u32) -> OptionSpec {
        self.spec(description, OptionKind::Integer { min, max })
    }
}

impl Opt<String> {
    pub fn text(self, description: &'static str, max_length: u16) -> OptionSpec {
        self.spec(
            description,
            OptionKind::String {
                autocomplete: false,
                max_length,
                choices: &[],
            },
        )
    }

    /// Text that must be one of `choices`, which Discord offers as a list.
    pub fn choice(self, description: &'static str, choices: &'static [&'static str]) -> OptionSpec {
        let max_length = choices.iter().map(|c| c.len()).max().unwrap_or(1);
        self.spec(
            description,
            OptionKind::String {
                autocomplete: false,
                max_length: u16::try_from(max_length).unwrap_or(u16::MAX),
                choices,
            },
        )
    }
}

impl Opt<bool> {
    pub fn boolean(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::Boolean)
    }
}

impl Opt<UserId> {
    pub fn member(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::User)
    }
}

impl Opt<ChannelId> {
    /// A channel members read and the bot posts in: Discord offers only text and announcement
    /// channels, and a value of another type from any transport is refused.
    pub fn text_channel(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::Channel)
    }
}

impl Opt<RoleId> {
    pub fn role(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::Role)
    }
}

/// Reading a typed value out of a checked call. The dispatcher has already checked every value
/// against its option's kind, so `None` only ever means "not given".
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Option<Self>;
}

/// One impl per value type: the `Value` variant that carries it.
macro_rules! from_value {
    ($($type:ty => $variant:ident),* $(,)?) => {$(
        impl FromValue for $type {
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::$variant(inner) => Some(inner.clone()),
                    _ => None,
                }
            }
        }
    )*};
}

from_value!(
    i64 => Integer,
    String => String,
    bool => Boolean,
    UserId => User,
    RoleId => Role,
);

impl FromValue for ChannelId {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Channel(id, _) => Some(*id),
            _ => None,
        }
    }
}

/// Channel types the bot can post a message in, as `text_channel` options accept them.
const POSTABLE_CHANNELS: [ChannelType; 2] = [ChannelType::Text, ChannelType::News];

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
    Channel,
    Role,
    SubCommand(Vec<OptionSpec>),
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

    pub(super) fn is_subcommand(&self) -> bool {
        matches!(self.kind, OptionKind::SubCommand(_))
    }

    pub(super) fn to_discord(&self) -> CreateCommandOption {
        let kind = match self.kind {
            OptionKind::Integer { .. } => CommandOptionType::Integer,
            OptionKind::String { .. } => CommandOptionType::String,
            OptionKind::Boolean => CommandOptionType::Boolean,
            OptionKind::User => CommandOptionType::User,
            OptionKind::Channel => CommandOptionType::Channel,
            OptionKind::Role => CommandOptionType::Role,
            OptionKind::SubCommand(_) => CommandOptionType::SubCommand,
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
            OptionKind::SubCommand(options) => options
                .iter()
                .fold(option, |o, sub| o.add_sub_option(sub.to_discord())),
            OptionKind::Channel => option
                .required(self.required)
                .channel_types(POSTABLE_CHANNELS.to_vec()),
            OptionKind::Boolean | OptionKind::User | OptionKind::Role => {
                option.required(self.required)
            }
        }
    }

    /// Parses an option value the way a member types it on the console.
    pub fn parse_text(&self, text: &str) -> CommandResult<Value> {
        let value = match &self.kind {
            OptionKind::Integer { min, max } => {
                text.trim().parse().map(Value::Integer).map_err(|_| {
                    CommandError::user(format!(
                        "`{}` takes a whole number from {min} to {max}, like `{}:{min}`.",
                        self.name, self.name
                    ))
                })?
            }
            // Discord's picker matches a choice whatever its case; typing one does too.
            OptionKind::String { choices, .. } => Value::String(
                choices
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(text.trim()))
                    .map_or_else(|| text.to_string(), |c| c.to_string()),
            ),
            OptionKind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" => Value::Boolean(true),
                "false" | "no" => Value::Boolean(false),
                _ => {
                    return Err(CommandError::user(format!(
                        "`{}` takes true or false.",
                        self.name
                    )))
                }
            },
            OptionKind::User => Value::User(
                parse_mention(text, "@")
                    .ok_or_else(|| {
                        CommandError::user(format!(
                            "`{}` takes a member, like `{}:@123456789`.",
                            self.name, self.name
                        ))
                    })?
                    .into(),
            ),
            OptionKind::Channel => Value::Channel(
                parse_mention(text, "#")
                    .ok_or_else(|| {
                        CommandError::user(format!(
                            "`{}` takes a channel, like `{}:#123456789`.",
                            self.name, self.name
                        ))
                    })?
                    .into(),
                None,
            ),
            OptionKind::Role => Value::Role(
                parse_mention(text, "@&")
                    .ok_or_else(|| {
                        CommandError::user(format!(
                            "`{}` takes a role, like `{}:@&123456789`.",
                            self.name, self.name
                        ))
                    })?
                    .into(),
            ),
            OptionKind::SubCommand(_) => {
                return Err(CommandError::user(format!(
                    "`{}` is a sub-command: write it without a value.",
                    self.name
                )))
            }
        };
        self.check(&value)?;
        Ok(value)
    }

    /// Checks a value from any transport against this option's type and bounds.
    pub fn check(&self, value: &Value) -> CommandResult<()> {
        match (&self.kind, value) {
            (OptionKind::Integer { min, max }, Value::Integer(i)) => {
                if (i64::from(*min)..=i64::from(*max)).contains(i) {
                    Ok(())
                } else {
                    Err(CommandError::user(format!(
                        "`{}` must be between {min} and {max}; you gave {i}.",
                        self.name
                    )))
                }
            }
            // PostgreSQL text cannot hold U+0000, and no one means to type it.
            (OptionKind::String { .. }, Value::String(s)) if s.contains('\0') => {
                Err(CommandError::user(format!(
                    "`{}` contains a NUL character, which Waypoint can't store: type it \
                     again without it.",
                    self.name
                )))
            }
            (OptionKind::String { choices, .. }, Value::String(s))
                if !choices.is_empty() && !choices.contains(&s.trim()) =>
            {
                let listed: Vec<_> = choices.iter().map(|c| format!("`{c}`")).collect();
                Err(CommandError::user(format!(
                    "`{}` is one of {}; you gave `{}`.",
                    self.name,
                    listed.join(", "),
                    crate::render::limits::truncate(s, 40)
                )))
            }
            (OptionKind::String { max_length, .. }, Value::String(s)) => {
                if s.chars().count() <= usize::from(*max_length) {
                    Ok(())
                } else {
                    Err(CommandError::user(format!(
                        "`{}` can be at most {max_length} characters long; yours has {}. \
                         Shorten it and try again.",
                        self.name,
                        s.chars().count()
                    )))
                }
            }
            (OptionKind::Channel, Value::Channel(id, Some(kind)))
                if !POSTABLE_CHANNELS.contains(kind) =>
            {
                Err(CommandError::user(format!(
                    "<#{id}> is not a text channel, so Waypoint cannot post there. Pick a text or \
                     announcement channel, like `{}:#general`.",
                    self.name
                )))
            }
            (OptionKind::Boolean, Value::Boolean(_))
            | (OptionKind::User, Value::User(_))
            | (OptionKind::Channel, Value::Channel(..))
            | (OptionKind::Role, Value::Role(_)) => Ok(()),
            (kind, value) => Err(CommandError::user(format!(
                "`{}` takes {}, not {}.",
                self.name,
                kind.type_name(),
                value.type_name()
            ))),
        }
    }
}

impl OptionKind {
    fn type_name(&self) -> &'static str {
        match self {
            Self::Integer { .. } => "a whole number",
            Self::String { .. } => "text",
            Self::Boolean => "true or false",
            Self::User => "a member",
            Self::Channel => "a channel",
            Self::Role => "a role",
            Self::SubCommand(_) => "a sub-command",
        }
    }
}

/// Accepts `<@123>`, `<@!123>`, `<#123>`, `#123` (as the examples are written) and a bare id.
fn parse_mention(text: &str, sigil: &str) -> Option<u64> {
    let text = text.trim();
    let inner = text
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .and_then(|t| t.strip_prefix(sigil))
        .map(|t| t.trim_start_matches('!'))
        .or_else(|| text.strip_prefix(sigil))
        .unwrap_or(text);
    inner.parse().ok().filter(|id| *id != 0)
}

#[cfg(test)]
mod tests {
    use serenity::all::{ChannelId, UserId};

    use super::*;

    fn option(kind: OptionKind) -> OptionSpec {
        OptionSpec {
            name: "x",
            description: "test option",
            kind,
            required: false,
        }
    }

    fn message(result: CommandResult<Value>) -> String {
        match result {
            Err(CommandError::User(message)) => message,
            other => panic!("expected a user error, got {other:?}"),
        }
    }

    #[test]
    fn integers_are_parsed_and_bounded() {
        let phase = option(OptionKind::Integer { min: 1, max: 4 });
        assert_eq!(phase.parse_text(" 3 ").unwrap(), Value::Integer(3));
        assert!(message(phase.parse_text("9")).contains("between 1 and 4"));
        assert!(message(phase.parse_text("three")).contains("whole number from 1 to 4"));
    }

    #[test]
    fn members_and_channels_accept_mentions_and_bare_ids() {
        let member = option(OptionKind::User);
        assert_eq!(
            member.parse_text("<@!42>").unwrap(),
            Value::User(UserId::new(42))
        );
        assert_eq!(
            member.parse_text("42").unwrap(),
            Value::User(UserId::new(42))
        );
        assert!(message(member.parse_text("<#42>")).contains("takes a member"));
        assert!(message(member.parse_text("0")).contains("takes a member"));
        let channel = option(OptionKind::Channel);
        assert_eq!(
            channel.parse_text("<#7>").unwrap(),
            Value::Channel(ChannelId::new(7), None)
        );
        assert_eq!(
            channel.parse_text("#7").unwrap(),
            Value::Channel(ChannelId::new(7), None)
        );
        let voice = Value::Channel(ChannelId::new(7), Some(ChannelType::Voice));
        assert!(channel
            .check(&voice)
            .unwrap_err()
            .to_string()
            .contains("not a text channel"));
        let text = Value::Channel(ChannelId::new(7), Some(ChannelType::Text));
        assert!(channel.check(&text).is_ok());
    }

    #[test]
    fn text_booleans_and_sub_commands() {
        let text = option(OptionKind::String {
            autocomplete: false,
            max_length: 5,
            choices: &[],
        });
        assert_eq!(
            text.parse_text("hello").unwrap(),
            Value::String("hello".into())
        );
        assert!(message(text.parse_text("hello!")).contains("at most 5 characters"));
        let flag = option(OptionKind::Boolean);
        assert_eq!(flag.parse_text("Yes").unwrap(), Value::Boolean(true));
        assert!(message(flag.parse_text("maybe")).contains("true or false"));
        let sub = OptionSpec::subcommand("x", "test", Vec::new());
        assert!(message(sub.parse_text("1")).contains("sub-command"));
    }

    #[test]
    fn values_of_another_type_are_refused_by_name() {
        let phase = option(OptionKind::Integer { min: 1, max: 4 });
        let refused = phase.check(&Value::Boolean(true)).unwrap_err().to_string();
        assert_eq!(refused, "`x` takes a whole number, not true or false.");
    }
}
