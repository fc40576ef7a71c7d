//! Checking a value from any transport against its option's type and bounds.

use super::super::error::{CommandError, CommandResult};
use super::super::value::Value;
use super::definition::{ChannelUse, OptionKind, OptionSpec};

impl OptionSpec {
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
            (OptionKind::Channel(ChannelUse::Posts), Value::Channel(id, Some(kind)))
                if !ChannelUse::Posts.types().contains(kind) =>
            {
                Err(CommandError::user(format!(
                    "<#{id}> is not a text channel, so Waypoint cannot post there. Pick a text or \
                     announcement channel, like `{}:#general`.",
                    self.name
                )))
            }
            (OptionKind::Channel(ChannelUse::Threads), Value::Channel(id, Some(kind)))
                if !ChannelUse::Threads.types().contains(kind) =>
            {
                Err(CommandError::user(format!(
                    "<#{id}> cannot hold private threads: Discord allows them only in text \
                     channels. Pick a text channel, like `{}:#partners`.",
                    self.name
                )))
            }
            (OptionKind::Boolean, Value::Boolean(_))
            | (OptionKind::User, Value::User(_))
            | (OptionKind::Channel(_), Value::Channel(..))
            | (OptionKind::Role, Value::Role(_))
            | (OptionKind::File, Value::File(_)) => Ok(()),
            (kind, value) => Err(CommandError::user(format!(
                "`{}` takes {}, not {}.",
                self.name,
                kind.type_name(),
                value.type_name()
            ))),
        }
    }
}
