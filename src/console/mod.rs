//! The local console transport: slash commands typed in a terminal, through the same
//! dispatcher as Discord, printed as text or as the JSON Discord would receive.

mod parse;

use std::io::Write;

use chrono::Utc;
use serenity::all::{GuildId, Permissions, UserId};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::commands::{self, Action, Dispatcher, Invocation, Outcome};
use crate::render;

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

/// Runs one command line; returns the printed reply and whether it reported an error.
pub async fn run_line(
    dispatcher: &Dispatcher,
    options: &ConsoleOptions,
    line: &str,
) -> (String, bool) {
    let outcome = match parse_line(&dispatcher.registry, line) {
        Ok(call) => {
            let invocation = Invocation {
                guild_id: Some(options.guild),
                channel_id: None,
                user_id: options.user,
                permissions: if options.admin {
                    MEMBER | Permissions::MANAGE_GUILD
                } else {
                    MEMBER
                },
                now: Utc::now(),
                action: Action::Command(call),
            };
            dispatcher.dispatch(&invocation).await
        }
        Err(e) => Outcome {
            response: commands::error_response(&e),
            failed: true,
        },
    };
    (print(&outcome, options.json), outcome.failed)
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
         /roadmap phase:2 or /help; `exit` quits.",
        options.user,
        options.guild,
        if options.admin { " (staff)" } else { "" }
    );
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
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
            command => println!("{}\n", run_line(dispatcher, options, command).await.0),
        }
    }
}
