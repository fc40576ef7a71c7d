//! Reading an option's value as a member types it on the console.

use super::super::error::{CommandError, CommandResult};
use super::super::value::Value;
use super::definition::{OptionKind, OptionSpec};

impl OptionSpec {
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
            OptionKind::Channel(_) => Value::Channel(
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
            OptionKind::File => {
                return Err(CommandError::user(format!(
                    "`{}` takes a file, which only Discord can attach: run the command there \
                     (`waypoint check-content FILE` checks a roadmap file here).",
                    self.name
                )))
            }
            OptionKind::SubCommand(_) | OptionKind::Group(_) => {
                return Err(CommandError::user(format!(
                    "`{}` is a sub-command: write it without a value.",
                    self.name
                )))
            }
        };
        self.check(&value)?;
        Ok(value)
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
