//! From a parsed invocation to a response: access checks, option checks, error handling and the
//! limit check every reply passes, in one place for every transport.

use std::time::Instant;

use rand::distributions::{Alphanumeric, DistString};
use tracing::{error, info, info_span, warn, Instrument};

use super::error::{CommandError, CommandResult};
use super::handler::Response;
use super::invocation::{Action, CommandCall, Invocation};
use super::spec::CommandSpec;
use crate::app::App;
use crate::db::servers;
use crate::render::{limits, Reply};

/// A response and whether it reports an error (the console's exit status needs to know).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: Response,
    pub failed: bool,
}

pub async fn dispatch(app: &App, invocation: &Invocation) -> Outcome {
    let span = info_span!(
        "interaction",
        guild = invocation.guild_id.map(|g| g.get()),
        user = invocation.user_id.get(),
        command = %invocation.command_name(),
    );
    async move {
        let started = Instant::now();
        let response = route(app, invocation).await;
        info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "answered"
        );
        response
    }
    .instrument(span)
    .await
}

async fn route(app: &App, invocation: &Invocation) -> Outcome {
    let failed = |response| Outcome {
        response,
        failed: true,
    };
    let ok = |response| Outcome {
        response,
        failed: false,
    };
    match &invocation.action {
        Action::Command(call) => match run_command(app, invocation, call).await {
            Ok(reply) => ok(Response::Message(limits::fit(reply))),
            Err(e) => failed(error_response(&e)),
        },
        Action::Autocomplete {
            call,
            focused,
            partial,
        } => {
            let result = async {
                match find_allowed(app, invocation, &call.name)?.autocomplete {
                    Some(complete) => complete(app, invocation, focused, partial).await,
                    None => Ok(Vec::new()),
                }
            }
            .await;
            match result {
                Ok(choices) => ok(Response::Choices(choices)),
                // Autocomplete cannot show an error; an empty list is the honest answer.
                Err(e) => {
                    log_error(&e);
                    failed(Response::Choices(Vec::new()))
                }
            }
        }
        Action::Component {
            custom_id,
            values,
            on_ephemeral,
        } => {
            let result = run_component(app, invocation, custom_id, values).await;
            match result {
                // Navigating an ephemeral message replaces it; on a public message each member
                // gets their own private copy, so one member's clicks never move another's view.
                Ok(reply) if *on_ephemeral => ok(Response::Update(limits::fit(reply.ephemeral()))),
                Ok(reply) => ok(Response::Message(limits::fit(reply.ephemeral()))),
                Err(e) => failed(error_response(&e)),
            }
        }
    }
}

async fn run_command(
    app: &App,
    invocation: &Invocation,
    call: &CommandCall,
) -> CommandResult<Reply> {
    let spec = find_allowed(app, invocation, &call.name)?;
    spec.check(call)?;
    if let Some(guild) = invocation.guild_id {
        // Bookkeeping only: a database hiccup must not stop members browsing content that is
        // in memory anyway. Commands that need the database fail on their own queries.
        if let Err(e) =
            servers::touch_member(&app.db, guild, invocation.user_id, invocation.now).await
        {
            warn!(error = %e, "could not record the member");
        }
    }
    (spec.run)(app, invocation, call).await
}

async fn run_component(
    app: &App,
    invocation: &Invocation,
    custom_id: &str,
    values: &[String],
) -> CommandResult<Reply> {
    let (name, rest) = custom_id.split_once(':').unwrap_or((custom_id, ""));
    let spec = find_allowed(app, invocation, name)?;
    match spec.component {
        Some(handle) => handle(app, invocation, rest, values).await,
        None => Err(CommandError::user(
            "That button is no longer in use. Run the command again for a fresh message.",
        )),
    }
}

fn find_allowed<'a>(
    app: &'a App,
    invocation: &Invocation,
    name: &str,
) -> CommandResult<&'a CommandSpec> {
    let spec = app.registry.get(name).ok_or_else(|| {
        CommandError::user(format!(
            "There is no command `/{name}`. Type `/help` to see every command."
        ))
    })?;
    if invocation.guild_id.is_none() {
        return Err(CommandError::user(
            "Waypoint works inside a server: run this command in a channel of your community.",
        ));
    }
    // Only staff commands can refuse, so the message can name what is missing.
    if !spec.access.allows(invocation.permissions) {
        return Err(CommandError::user(format!(
            "`/{name}` is for server staff: it needs the Manage Server permission. Ask a \
             moderator to run it."
        )));
    }
    Ok(spec)
}

/// What the member sees for an error: their mistake explained, or our failure's reference.
pub fn error_response(error: &CommandError) -> Response {
    let reply = match log_error(error) {
        None => Reply::notice(error.to_string()),
        Some(reference) => Reply::notice(format!(
            "Something went wrong on our side (ref `{reference}`). Please try again in a \
             moment; if it keeps happening, give this reference to the server staff."
        )),
    };
    Response::Message(limits::fit(reply))
}

/// Logs an error. Internal ones get a short reference that ties the member's message to the
/// log line; user errors have none.
fn log_error(error: &CommandError) -> Option<String> {
    match error {
        CommandError::User(message) => {
            info!(%message, "user error");
            None
        }
        CommandError::Internal(e) => {
            let reference = Alphanumeric
                .sample_string(&mut rand::thread_rng(), 8)
                .to_lowercase();
            error!(%reference, error = ?e, "command failed");
            Some(reference)
        }
    }
}
