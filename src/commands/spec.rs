//! Slash-command definitions: one description serves registration, dispatch, the console
//! parser and `/help`, so they cannot drift apart.

use serenity::all::{CreateCommand, InteractionContext, Permissions};

use super::error::{CommandError, CommandResult};
use super::handler::{AutocompleteFn, CommandFn, ComponentFn};
use super::invocation::CommandCall;
pub use super::options::{OptionKind, OptionSpec};

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
