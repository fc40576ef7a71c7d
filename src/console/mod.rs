//! The local console transport: slash commands typed in a terminal, through the same
//! dispatcher as Discord, printed as text or as the JSON Discord would receive.

mod parse;

use std::io::Write;

use serenity::all::{GuildId, Permissions, UserId};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::commands::{self, Action, Dispatcher, Invocation, Outcome};
use crate::render::{self, Modal, Response};

pub use parse::parse_line;

/// Who is typing, and how to print replies.
#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    pub guild: GuildId,
    pub user: UserId,
    /// Act as a member with Manage Server.
    pub admin: bool,
    /// Print the interaction-response JSON instead of text.
    pub json: bool,
}

/// What an ordinary member may do in a channel.
const MEMBER: Permissions = Permissions::VIEW_CHANNEL
    .union(Permissions::SEND_MESSAGES)
    .union(Permissions::USE_APPLICATION_COMMANDS);

/// Where the console reads what a member types: command lines, and the fields of a form.
pub type Input = tokio::io::Lines<BufReader<tokio::io::Stdin>>;

pub fn stdin_lines() -> Input {
    BufReader::new(tokio::io::stdin()).lines()
}

/// Runs one command line; returns the printed reply and whether it reported an error. A form
/// (modal) the command opens is filled in from `input`, a line per field, and sent.
pub async fn run_line(
    dispatcher: &Dispatcher,
    options: &ConsoleOptions,
    line: &str,
    input: &mut Input,
) -> (String, bool) {
    let outcome = match parse_line(&dispatcher.registry, line) {
        Ok(call) => {
            dispatcher
                .dispatch(&invocation(dispatcher, options, Action::Command(call)))
                .await
        }
        Err(e) => Outcome {
            response: commands::error_response(&e),
            failed: true,
        },
    };
    let outcome = match &outcome.response {
        Response::Modal(modal) if !options.json => match fill_in(modal, input).await {
            Ok(fields) => {
                let submit = Action::ModalSubmit {
                    custom_id: modal.custom_id.clone(),
                    fields,
                };
                dispatcher
                    .dispatch(&invocation(dispatcher, options, submit))
                    .await
            }
            Err(e) => return (format!("cannot read the form's fields: {e}"), true),
        },
        _ => outcome,
    };
    (print(&outcome, options.json), outcome.failed)
}

fn invocation(dispatcher: &Dispatcher, options: &ConsoleOptions, action: Action) -> Invocation {
    Invocation {
        guild_id: Some(options.guild),
        channel_id: None,
        user_id: options.user,
        permissions: if options.admin {
            MEMBER | Permissions::MANAGE_GUILD
        } else {
            MEMBER
        },
        now: dispatcher.app.clock.now(),
        action,
        // The console knows ids only: cards show "A member" and initials.
        profiles: Vec::new(),
    }
}

/// Asks for each field of the form on its own line; an empty line keeps what the form
/// already holds. A `\n` typed in a line stands for a line break.
async fn fill_in(modal: &Modal, input: &mut Input) -> std::io::Result<Vec<(String, String)>> {
    println!("{}", modal.title);
    let mut fields = Vec::new();
    for field in &modal.fields {
        let prefill = field.value.clone().unwrap_or_default();
        let hint = field.placeholder.as_deref().unwrap_or_default();
        print!(
            "  {}{}{}: ",
            field.label,
            if field.required { " (required)" } else { "" },
            if hint.is_empty() {
                String::new()
            } else {
                format!(" ({hint})")
            }
        );
        std::io::stdout().flush()?;
        let typed = input.next_line().await?.unwrap_or_default();
        let value = if typed.trim().is_empty() {
            prefill
        } else {
            typed.replace("\\n", "\n")
        };
        fields.push((field.custom_id.clone(), value));
    }
    Ok(fields)
}

fn print(outcome: &Outcome, json: bool) -> String {
    if json {
        let body = render::discord::interaction_response(&outcome.response);
        serde_json::to_string_pretty(&body).unwrap_or_else(|e| format!("cannot serialize: {e}"))
    } else {
        render::text::response(&outcome.response)
    }
}

/// Reads command lines from stdin until EOF, `exit` or Ctrl-C.
pub async fn interactive(dispatcher: &Dispatcher, options: &ConsoleOptions) -> std::io::Result<()> {
    println!(
        "Waypoint console — you are member {} of server {}{}. Type a slash command such as \
         /roadmap phase number:2 or /help; `exit` quits.",
        options.user,
        options.guild,
        if options.admin { " (staff)" } else { "" }
    );
    let mut lines = stdin_lines();
    loop {
        print!("waypoint> ");
        std::io::stdout().flush()?;
        let line = tokio::select! {
            line = lines.next_line() => line?,
            _ = tokio::signal::ctrl_c() => None,
        };
        let Some(line) = line else {
            println!();
            return Ok(());
        };
        match line.trim() {
            "" => continue,
            "exit" | "quit" => return Ok(()),
            command => {
                let command = command.to_string();
                println!(
                    "{}\n",
                    run_line(dispatcher, options, &command, &mut lines).await.0
                );
            }
        }
    }
}
