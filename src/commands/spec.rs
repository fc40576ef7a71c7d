//! Slash-command definitions: one description serves registration, dispatch, the console
//! parser and `/help`, so they cannot drift apart.

use serenity::all::{CreateCommand, InteractionContext};

use super::access::Access;
use super::error::{CommandError, CommandResult};
use super::handler::{
    AutocompleteHandler, Click, CommandHandler, ComponentHandler, Handler, ModalHandler, Submit,
    Typing,
};
use super::invocation::CommandCall;
use super::options::{OptionKind, OptionSpec};
use super::subcommand::Subcommand;
use crate::render::{Choice, Reply};

pub struct CommandSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub access: Access,
    /// Its replies are only for the member who ran it (help, settings): the dispatcher makes
    /// them ephemeral, and a late reply is deferred privately.
    pub private: bool,
    pub options: Vec<OptionSpec>,
    /// Sub-commands only staff may run in a command everyone may use (`/challenge create`):
    /// the dispatcher refuses them to others, and `/help` lists them with the staff's.
    pub staff_subcommands: Vec<&'static str>,
    pub run: CommandHandler,
    pub autocomplete: Option<AutocompleteHandler>,
    /// Component custom ids starting with `"{name}:"` are routed here.
    pub component: Option<ComponentHandler>,
    /// Forms (modals) whose custom id starts with `"{name}:"` are routed here.
    pub modal: Option<ModalHandler>,
}

impl CommandSpec {
    /// A command anyone in a server may run, with no options yet.
    pub fn new(
        name: &'static str,
        description: &'static str,
        run: impl for<'a> Handler<'a, &'a CommandCall, Reply> + 'static,
    ) -> Self {
        Self {
            name,
            description,
            access: Access::Everyone,
            private: false,
            options: Vec::new(),
            staff_subcommands: Vec::new(),
            run: Box::new(run),
            autocomplete: None,
            component: None,
            modal: None,
        }
    }

    /// Only server staff may run it; registration hides it from everyone else too.
    pub fn staff(mut self) -> Self {
        self.access = Access::Staff;
        self
    }

    /// These sub-commands are for staff only.
    pub fn staff_subcommands<S: Subcommand>(mut self, subs: &[S]) -> Self {
        self.staff_subcommands = subs.iter().map(|s| s.name()).collect();
        self
    }

    /// Who may run `call`: the command's access, or staff for a staff sub-command.
    pub fn access_for(&self, call: &CommandCall) -> Access {
        match call.path.first() {
            Some(sub) if self.staff_subcommands.contains(&sub.as_str()) => Access::Staff,
            _ => self.access,
        }
    }

    /// Replies only the member who ran it sees.
    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }

    pub fn option(mut self, option: OptionSpec) -> Self {
        self.options.push(option);
        self
    }

    pub fn autocomplete(
        mut self,
        complete: impl for<'a> Handler<'a, Typing<'a>, Vec<Choice>> + 'static,
    ) -> Self {
        self.autocomplete = Some(Box::new(complete));
        self
    }

    pub fn component(
        mut self,
        handle: impl for<'a> Handler<'a, Click<'a>, Reply> + 'static,
    ) -> Self {
        self.component = Some(Box::new(handle));
        self
    }

    pub fn modal(mut self, handle: impl for<'a> Handler<'a, Submit<'a>, Reply> + 'static) -> Self {
        self.modal = Some(Box::new(handle));
        self
    }
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
            let sub = options.iter().find(|o| o.name == step);
            match sub.and_then(OptionSpec::steps) {
                Some(inner) => options = inner,
                None => {
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
            .find(|o| o.required && call.value(o.name).is_none())
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

    /// Ways this definition breaks Discord's rules for commands; checked when the registry is
    /// built, so a bad definition stops start-up instead of failing registration later.
    pub fn problems(&self) -> Vec<String> {
        let mut found = Vec::new();
        check_name(self.name, self.description, &mut found);
        check_options(self.name, &self.options, &mut found);
        found
    }

    fn usage_hint(&self) -> String {
        format!("See `/help` for how to use `/{}`.", self.name)
    }

    /// One line per usage with who may run it, for `/help`.
    pub fn usage_lines(&self) -> Vec<(String, Access)> {
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
        let access = |name: &str| {
            if self.staff_subcommands.contains(&name) {
                Access::Staff
            } else {
                self.access
            }
        };
        let line = |path: String, o: &OptionSpec, inner: &[OptionSpec]| {
            format!(
                "`/{} {path}{}` — {}",
                self.name,
                render(inner),
                o.description
            )
        };
        let subs: Vec<_> = self
            .options
            .iter()
            .flat_map(|o| match &o.kind {
                OptionKind::SubCommand(inner) => {
                    vec![(line(o.name.to_string(), o, inner), access(o.name))]
                }
                OptionKind::Group(subs) => subs
                    .iter()
                    .filter_map(|sub| {
                        let inner = sub.steps()?;
                        let path = format!("{} {}", o.name, sub.name);
                        Some((line(path, sub, inner), access(o.name)))
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        if subs.is_empty() {
            vec![(
                format!(
                    "`/{}{}` — {}",
                    self.name,
                    render(&self.options),
                    self.description
                ),
                self.access,
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
    match names.as_slice() {
        [only] => format!("Its only option is {only}."),
        _ => format!("Its options are {}.", names.join(", ")),
    }
}

/// Discord: names 1–32 lower-case characters, descriptions 1–100, at most 25 options a level.
fn check_name(name: &str, description: &str, found: &mut Vec<String>) {
    let valid_name = (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid_name {
        found.push(format!(
            "`{name}`: names are 1 to 32 lower-case letters, digits, - or _"
        ));
    }
    if !(1..=100).contains(&description.chars().count()) {
        found.push(format!("`{name}`: descriptions are 1 to 100 characters"));
    }
}

fn check_options(path: &str, options: &[OptionSpec], found: &mut Vec<String>) {
    if options.len() > 25 {
        found.push(format!("`{path}` has more than 25 options"));
    }
    let mut seen_optional = false;
    for (i, option) in options.iter().enumerate() {
        let at = format!("{path} {}", option.name);
        check_name(option.name, option.description, found);
        if options[..i].iter().any(|o| o.name == option.name) {
            found.push(format!("`{at}` is declared twice"));
        }
        // Discord lists required options first and refuses a definition that does not.
        if option.required && seen_optional {
            found.push(format!("`{at}` is required but follows an optional option"));
        }
        seen_optional |= !option.required;
        match &option.kind {
            OptionKind::Integer { min, max } if min > max => {
                found.push(format!("`{at}` has a minimum above its maximum"));
            }
            OptionKind::SubCommand(inner) => check_options(&at, inner, found),
            OptionKind::Group(inner) => {
                // Discord nests one level: a group holds sub-commands, and nothing else.
                if !inner
                    .iter()
                    .all(|o| matches!(o.kind, OptionKind::SubCommand(_)))
                {
                    found.push(format!("`{at}` is a group: it may hold only sub-commands"));
                }
                check_options(&at, inner, found)
            }
            _ => {}
        }
    }
    let subs = options.iter().filter(|o| o.is_subcommand()).count();
    if subs != 0 && subs != options.len() {
        found.push(format!(
            "`{path}` mixes sub-commands with options; Discord allows one or the other"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::error::CommandResult;
    use crate::commands::handler::Ctx;

    async fn nothing(_ctx: &Ctx<'_>, _call: &CommandCall) -> CommandResult<Reply> {
        Ok(Reply::text("ok"))
    }

    fn sub(name: &'static str) -> OptionSpec {
        OptionSpec::subcommand(name, "A sub-command", Vec::new())
    }

    #[test]
    fn a_group_holds_only_sub_commands() {
        let fine = CommandSpec::new("settings", "Settings", nothing)
            .option(sub("show"))
            .option(OptionSpec::group("roadmap", "A group", vec![sub("export")]));
        assert_eq!(fine.problems(), Vec::<String>::new());
        let lines: Vec<_> = fine.usage_lines().into_iter().map(|(l, _)| l).collect();
        assert!(
            lines[1].starts_with("`/settings roadmap export`"),
            "{lines:?}"
        );

        let nested = OptionSpec::group("inner", "A group", vec![sub("deep")]);
        let bad = CommandSpec::new("settings", "Settings", nothing).option(OptionSpec::group(
            "roadmap",
            "A group",
            vec![sub("export"), nested],
        ));
        assert!(
            bad.problems()
                .iter()
                .any(|p| p.contains("`settings roadmap` is a group: it may hold only sub-commands")),
            "{:?}",
            bad.problems()
        );
    }
}
