//! Every command Waypoint offers, checked once: registration, dispatch, the console and `/help`
//! read it. The list itself is `commands::registry`, beside the modules it names.

use anyhow::bail;
use serenity::all::CreateCommand;

use super::access::Access;
use super::spec::CommandSpec;

/// Every command Waypoint offers. Registration, dispatch, the console and `/help` all read it.
pub struct Registry {
    specs: Vec<CommandSpec>,
    /// `/help`'s lines, with who may run each, worked out once.
    usage: Vec<(String, Access)>,
}

impl Registry {
    /// Takes the command list; a definition Discord would refuse stops start-up here.
    pub fn new(specs: Vec<CommandSpec>) -> anyhow::Result<Self> {
        let usage = specs.iter().flat_map(CommandSpec::usage_lines).collect();
        let registry = Self { specs, usage };
        let problems: Vec<String> = registry.specs.iter().flat_map(|s| s.problems()).collect();
        if !problems.is_empty() {
            bail!("invalid command definitions:\n  {}", problems.join("\n  "));
        }
        Ok(registry)
    }

    pub fn get(&self, name: &str) -> Option<&CommandSpec> {
        self.specs.iter().find(|s| s.name == name)
    }

    /// Every usage line `/help` shows, with who may run it.
    pub fn usage(&self) -> &[(String, Access)] {
        &self.usage
    }

    pub fn iter(&self) -> impl Iterator<Item = &CommandSpec> {
        self.specs.iter()
    }

    /// The bodies sent to Discord's bulk-overwrite endpoint.
    pub fn definitions(&self) -> Vec<CreateCommand> {
        self.specs.iter().map(CommandSpec::to_discord).collect()
    }
}
