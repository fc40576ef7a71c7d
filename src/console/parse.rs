//! Reads a slash-command line the way a member types it in Discord:
//! `/name [group] [subcommand] option:value "option:quoted value" …`.

use crate::commands::{CommandCall, CommandError, CommandResult, Registry, Value};

pub fn parse_line(registry: &Registry, line: &str) -> CommandResult<CommandCall> {
    let words = shlex::split(line).ok_or_else(|| {
        CommandError::user("That line has an unclosed quote: close every \" you open, like topic:\"linear algebra\".")
    })?;
    let mut words = words.into_iter();
    let name = words
        .next()
        .map(|w| w.trim_start_matches('/').to_string())
        .filter(|w| !w.is_empty())
        .ok_or_else(|| {
            CommandError::user(
                "Type a command, like `/roadmap phase number:2`, or `/help` for the list.",
            )
        })?;
    let mut call = CommandCall {
        name,
        ..CommandCall::default()
    };
    // Unknown commands are reported by the dispatcher, with the same words a member sees.
    let Some(spec) = registry.get(&call.name) else {
        return Ok(call);
    };

    while let Some(word) = words.next() {
        // Members often type `phase 2` for `phase:2`; accept it when `phase` is an option here.
        let word = match spec.options_at(&call.path) {
            Ok(options) if !word.contains(':') && options.iter().any(|o| o.name == word) => {
                match words.next() {
                    Some(value) => format!("{word}:{value}"),
                    None => {
                        return Err(CommandError::user(format!(
                            "`{word}` needs a value: write it as `{word}:VALUE`."
                        )))
                    }
                }
            }
            _ => word,
        };
        match word.split_once(':') {
            None if call.options.is_empty() => call.path.push(word),
            None => {
                return Err(CommandError::user(format!(
                    "`{word}` is not an option: write options as name:value, like `phase:2`."
                )))
            }
            Some((option, text)) => {
                if call.value(option).is_some() {
                    return Err(CommandError::user(format!(
                        "`{option}` is given twice: give each option once."
                    )));
                }
                let options = spec.options_at(&call.path)?;
                let value = match options.iter().find(|o| o.name == option) {
                    Some(spec) => spec.parse_text(text)?,
                    // Leave unknown options to the shared check so the message is the same.
                    None => Value::String(text.to_string()),
                };
                call.options.push((option.to_string(), value));
            }
        }
    }
    spec.check(&call)?;
    Ok(call)
}
