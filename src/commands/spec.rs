//! Slash-command definitions: one description serves registration, dispatch, the console
//! parser and `/help`, so they cannot drift apart.

use serenity::all::{
    CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext, Permissions,
};

use super::error::{CommandError, CommandResult};
use super::handler::{AutocompleteFn, CommandFn, ComponentFn};
use super::invocation::{CommandCall, Value};

/// Who may run a command. Declared once per command; the dispatcher enforces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Everyone,
    /// Server staff: members with Manage Server.
    Staff,
}

impl Access {
    pub const STAFF_PERMISSIONS: Permissions = Permissions::MANAGE_GUILD;

    pub fn allows(self, permissions: Permissions) -> bool {
        match self {
            Self::Everyone => true,
            Self::Staff => {
                permissions.contains(Self::STAFF_PERMISSIONS) || permissions.administrator()
            }
        }
    }
}

pub struct CommandSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub access: Access,
    pub options: Vec<OptionSpec>,
    pub run: CommandFn,
    pub autocomplete: Option<AutocompleteFn>,
    /// Component custom ids starting with `"{name}:"` are routed here.
    pub component: Option<ComponentFn>,
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
    Integer { min: i64, max: i64 },
    String { autocomplete: bool, max_length: u16 },
    Boolean,
    User,
    Channel,
    SubCommand(Vec<OptionSpec>),
}

impl OptionSpec {
    pub fn new(name: &'static str, description: &'static str, kind: OptionKind) -> Self {
        Self {
            name,
            description,
            kind,
            required: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn is_subcommand(&self) -> bool {
        matches!(self.kind, OptionKind::SubCommand(_))
    }

    fn to_discord(&self) -> CreateCommandOption {
        let kind = match self.kind {
            OptionKind::Integer { .. } => CommandOptionType::Integer,
            OptionKind::String { .. } => CommandOptionType::String,
            OptionKind::Boolean => CommandOptionType::Boolean,
            OptionKind::User => CommandOptionType::User,
            OptionKind::Channel => CommandOptionType::Channel,
            OptionKind::SubCommand(_) => CommandOptionType::SubCommand,
        };
        let option = CreateCommandOption::new(kind, self.name, self.description);
        match &self.kind {
            OptionKind::Integer { min, max } => option
                .required(self.required)
                .min_int_value(u64::try_from(*min).unwrap_or(0))
                .max_int_value(u64::try_from(*max).unwrap_or(0)),
            OptionKind::String {
                autocomplete,
                max_length,
            } => option
                .required(self.required)
                .set_autocomplete(*autocomplete)
                .max_length(*max_length),
            OptionKind::SubCommand(options) => options
                .iter()
                .fold(option, |o, sub| o.add_sub_option(sub.to_discord())),
            OptionKind::Boolean | OptionKind::User | OptionKind::Channel => {
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
            OptionKind::String { .. } => Value::String(text.to_string()),
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
                if (*min..=*max).contains(i) {
                    Ok(())
                } else {
                    Err(CommandError::user(format!(
                        "`{}` must be between {min} and {max}; you gave {i}.",
                        self.name
                    )))
                }
            }
            (OptionKind::String { max_length, .. }, Value::String(s)) => {
                if s.chars().count() <= usize::from(*max_length) {
                    Ok(())
                } else {
                    Err(CommandError::user(format!(
                        "`{}` can be at most {max_length} characters long.",
                        self.name
                    )))
                }
            }
            (OptionKind::Boolean, Value::Boolean(_))
            | (OptionKind::User, Value::User(_))
            | (OptionKind::Channel, Value::Channel(_)) => Ok(()),
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
            Self::SubCommand(_) => "a sub-command",
        }
    }
}

/// Accepts `<@123>`, `<@!123>`, `<#123>` and a bare id.
fn parse_mention(text: &str, sigil: &str) -> Option<u64> {
    let inner = text
        .trim()
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .and_then(|t| t.strip_prefix(sigil))
        .map(|t| t.trim_start_matches('!'))
        .unwrap_or(text.trim());
    inner.parse().ok().filter(|id| *id != 0)
}

impl CommandSpec {
    pub fn to_discord(&self) -> CreateCommand {
        let command = self
            .options
            .iter()
            .fold(
                CreateCommand::new(self.name).description(self.description),
                |c, o| c.add_option(o.to_discord()),
            )
            .contexts(vec![InteractionContext::Guild]);
        match self.access {
            Access::Everyone => command,
            Access::Staff => command.default_member_permissions(Access::STAFF_PERMISSIONS),
        }
    }

    /// The options that apply after following `path` through sub-commands.
    pub fn options_at(&self, path: &[String]) -> CommandResult<&[OptionSpec]> {
        let mut options = self.options.as_slice();
        for (depth, step) in path.iter().enumerate() {
            let sub = options.iter().find(|o| o.name == step && o.is_subcommand());
            match sub.map(|o| &o.kind) {
                Some(OptionKind::SubCommand(inner)) => options = inner,
                _ => {
                    let shown = std::iter::once(self.name)
                        .chain(path[..depth].iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(" ");
                    return Err(CommandError::user(format!(
                        "`/{shown}` has no sub-command `{step}`. {}",
                        self.usage_hint()
                    )));
                }
            }
        }
        if options.iter().any(OptionSpec::is_subcommand) {
            let names: Vec<_> = options.iter().map(|o| format!("`{}`", o.name)).collect();
            return Err(CommandError::user(format!(
                "`/{}` needs a sub-command: one of {}.",
                self.name,
                names.join(", ")
            )));
        }
        Ok(options)
    }

    /// Checks a call's options against this definition, whichever transport parsed it.
    pub fn check(&self, call: &CommandCall) -> CommandResult<()> {
        let options = self.options_at(&call.path)?;
        for (name, value) in &call.options {
            let Some(spec) = options.iter().find(|o| o.name == name) else {
                return Err(CommandError::user(format!(
                    "`/{}` has no option `{name}`. {}",
                    call.display_name(),
                    options_hint(options)
                )));
            };
            spec.check(value)?;
        }
        if let Some(missing) = options
            .iter()
            .find(|o| o.required && call.get(o.name).is_none())
        {
            return Err(CommandError::user(format!(
                "`/{}` needs `{}`: {}.",
                call.display_name(),
                missing.name,
                missing.description
            )));
        }
        Ok(())
    }

    fn usage_hint(&self) -> String {
        format!("See `/help` for how to use `/{}`.", self.name)
    }

    /// One line per usage, for `/help`.
    pub fn usage_lines(&self) -> Vec<String> {
        fn render(options: &[OptionSpec]) -> String {
            options
                .iter()
                .map(|o| {
                    if o.required {
                        format!(" {}:", o.name)
                    } else {
                        format!(" [{}]", o.name)
                    }
                })
                .collect()
        }
        let subs: Vec<_> = self
            .options
            .iter()
            .filter_map(|o| match &o.kind {
                OptionKind::SubCommand(inner) => Some(format!(
                    "`/{} {}{}` — {}",
                    self.name,
                    o.name,
                    render(inner),
                    o.description
                )),
                _ => None,
            })
            .collect();
        if subs.is_empty() {
            vec![format!(
                "`/{}{}` — {}",
                self.name,
                render(&self.options),
                self.description
            )]
        } else {
            subs
        }
    }
}

fn options_hint(options: &[OptionSpec]) -> String {
    if options.is_empty() {
        return "It takes no options.".to_string();
    }
    let names: Vec<_> = options.iter().map(|o| format!("`{}`", o.name)).collect();
    format!("Its options are {}.", names.join(", "))
}
