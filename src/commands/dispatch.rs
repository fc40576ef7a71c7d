//! From a parsed invocation to a response: access checks, option checks, error handling and the
//! limit check every reply passes, in one place for every transport.

use std::sync::Arc;
use std::time::Instant;

use rand::distributions::{Alphanumeric, DistString};
use tracing::{error, info, info_span, warn, Instrument};

use super::error::{CommandError, CommandResult};
use super::handler::{Audience, Click, Ctx, Submit, Typing};
use super::invocation::{Action, Invocation};
use super::registry::Registry;
use super::spec::CommandSpec;
use crate::app::App;
use crate::render::{limits, Reply, Response};
use crate::telemetry::metrics;

/// The app's state and its commands: what every transport hands invocations to.
pub struct Dispatcher {
    /// Shared with the scheduler, which works on the same state.
    pub app: Arc<App>,
    pub registry: Registry,
}

/// A response and whether it reports an error (the console's exit status needs to know).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: Response,
    pub failed: bool,
}

impl Outcome {
    fn ok(response: Response) -> Self {
        Self {
            response,
            failed: false,
        }
    }

    fn failed(response: Response) -> Self {
        Self {
            response,
            failed: true,
        }
    }
}

impl Dispatcher {
    /// `commands::dispatcher` builds one with every command.
    pub fn new(app: App, registry: Registry) -> Self {
        Self {
            app: Arc::new(app),
            registry,
        }
    }

    pub async fn dispatch(&self, invocation: &Invocation) -> Outcome {
        let span = info_span!(
            "interaction",
            guild = invocation.guild_id.map(|g| g.get()),
            user = invocation.user_id.get(),
            command = %invocation.command_name(),
        );
        async move {
            let started = Instant::now();
            let outcome = self.route(invocation).await;
            metrics::command(
                &invocation.command_name(),
                outcome.failed,
                started.elapsed(),
            );
            info!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                failed = outcome.failed,
                "answered"
            );
            outcome
        }
        .instrument(span)
        .await
    }

    async fn route(&self, invocation: &Invocation) -> Outcome {
        let roadmap = match self
            .app
            .content
            .roadmap_for(&self.app.db, invocation.guild_id)
            .await
        {
            Ok(roadmap) => roadmap,
            Err(e) => {
                let error = CommandError::from(e);
                log_error(&error);
                return Outcome::failed(match invocation.action {
                    Action::Autocomplete { .. } => Response::Choices(Vec::new()),
                    _ => error_response(&error),
                });
            }
        };
        let ctx = |audience| Ctx {
            app: &self.app,
            usage: self.registry.usage(),
            invocation,
            audience,
            roadmap: &roadmap,
        };
        match &invocation.action {
            Action::Command(call) => {
                let result = async {
                    let spec = self.find_allowed(invocation, &call.name)?;
                    if !spec.access_for(call).allows(invocation.permissions) {
                        return Err(staff_only(&call.display_name()));
                    }
                    spec.check(call)?;
                    self.note_activity(invocation);
                    let audience = if spec.private {
                        Audience::Caller
                    } else {
                        Audience::Channel
                    };
                    let reply = spec.run.call(&ctx(audience), call).await?;
                    Ok(if spec.private {
                        reply.ephemeral()
                    } else {
                        kept_private(reply)
                    })
                }
                .await;
                match result {
                    Ok(reply) => Outcome::ok(message_or_form(reply)),
                    Err(e) => Outcome::failed(error_response(&e)),
                }
            }
            Action::ModalSubmit { custom_id, fields } => {
                let submit = Submit { custom_id, fields };
                let result = async {
                    let (name, _) = custom_id.split_once(':').unwrap_or((custom_id, ""));
                    let spec = self.find_allowed(invocation, name)?;
                    self.note_activity(invocation);
                    let handle = spec.modal.as_ref().ok_or_else(|| {
                        CommandError::user("That form is no longer in use. Run the command again.")
                    })?;
                    let reply = kept_private(handle.call(&ctx(Audience::Channel), submit).await?);
                    if reply.modal.is_some() {
                        // Discord refuses a form in answer to a form.
                        return Err(CommandError::Internal(anyhow::anyhow!(
                            "a form handler answered with another form"
                        )));
                    }
                    // The handler decides who sees its answer: a check-in may be public.
                    Ok(reply)
                }
                .await;
                match result {
                    Ok(reply) => Outcome::ok(Response::Message(limits::fit(reply))),
                    Err(e) => Outcome::failed(error_response(&e)),
                }
            }
            Action::Autocomplete {
                call,
                focused,
                partial,
            } => {
                // Discord sends at most 100 characters; anything else is forged, and NUL
                // cannot reach PostgreSQL.
                let partial: String = partial
                    .chars()
                    .filter(|c| *c != '\0')
                    .take(limits::CHOICE_TEXT)
                    .collect();
                let typing = Typing {
                    call,
                    option: focused,
                    partial: &partial,
                };
                let result = async {
                    match &self.find_allowed(invocation, &call.name)?.autocomplete {
                        Some(complete) => complete.call(&ctx(Audience::Caller), typing).await,
                        None => Ok(Vec::new()),
                    }
                }
                .await;
                match result {
                    Ok(choices) => Outcome::ok(Response::Choices(choices)),
                    // Autocomplete cannot show an error; an empty list is the honest answer.
                    Err(e) => {
                        log_error(&e);
                        Outcome::failed(Response::Choices(Vec::new()))
                    }
                }
            }
            Action::Component {
                custom_id,
                values,
                on_ephemeral,
            } => {
                let click = Click { custom_id, values };
                let result = async {
                    let (name, _) = custom_id.split_once(':').unwrap_or((custom_id, ""));
                    let spec = self.find_allowed(invocation, name)?;
                    self.note_activity(invocation);
                    match &spec.component {
                        Some(handle) => handle.call(&ctx(Audience::Caller), click).await,
                        None => Err(CommandError::user(
                            "That button is no longer in use. Run the command again for a fresh message.",
                        )),
                    }
                }
                .await;
                match result {
                    Ok(reply) if reply.modal.is_some() => Outcome::ok(message_or_form(reply)),
                    // Navigating an ephemeral message replaces it; on a public message each
                    // member gets their own private copy, so one member's clicks never move
                    // another's view.
                    Ok(reply) if *on_ephemeral => {
                        Outcome::ok(Response::Update(limits::fit(reply.ephemeral())))
                    }
                    Ok(reply) => Outcome::ok(Response::Message(limits::fit(reply.ephemeral()))),
                    Err(e) => Outcome::failed(error_response(&e)),
                }
            }
        }
    }

    /// "Last seen" is bookkeeping, not the command's purpose: it goes to an in-memory buffer
    /// that a background task writes in batches, so no command waits on the database for it.
    fn note_activity(&self, invocation: &Invocation) {
        if let Some(guild) = invocation.guild_id {
            let shown =
                invocation
                    .profile(invocation.user_id)
                    .map(|p| crate::db::activity::Shown {
                        name: p.name.clone(),
                        avatar: p.avatar_hash.clone(),
                    });
            self.app
                .activity
                .record(guild, invocation.user_id, invocation.now, shown);
        }
    }

    fn find_allowed(&self, invocation: &Invocation, name: &str) -> CommandResult<&CommandSpec> {
        let spec = self.registry.get(name).ok_or_else(|| {
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
            return Err(staff_only(name));
        }
        Ok(spec)
    }
}

/// What a member is told when they try something only staff may run (`what`, as typed).
fn staff_only(what: &str) -> CommandError {
    CommandError::user(format!(
        "`/{what}` is for server staff: it needs the Manage Server permission. Ask a moderator \
         to run it."
    ))
}

/// The privacy rule's backstop: a reply that holds the caller's own data never goes to the
/// channel, whatever its handler meant. Handlers of public answers leave such data out (and
/// offer a "mine" button instead), so this only catches a handler that forgot.
fn kept_private(reply: Reply) -> Reply {
    if reply.personal && !reply.ephemeral {
        warn!("a public answer held the caller's own data; it was sent privately instead");
        reply.ephemeral()
    } else {
        reply
    }
}

/// A reply as its response: the form it opens, or the message it is.
fn message_or_form(reply: Reply) -> Response {
    let mut reply = limits::fit(reply);
    match reply.modal.take() {
        Some(modal) => Response::Modal(modal),
        None => Response::Message(reply),
    }
}

/// What the member sees for an error: their mistake explained, a "try again" when the
/// database is out of reach, or our failure's reference.
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
/// log line; the others are the member's to read and need none.
fn log_error(error: &CommandError) -> Option<String> {
    match error {
        CommandError::User(message) => {
            metrics::error("user");
            info!(%message, "user error");
            None
        }
        CommandError::Unavailable(e) => {
            metrics::error("unavailable");
            warn!(error = %e, "database unavailable");
            None
        }
        CommandError::Internal(e) => {
            metrics::error("internal");
            let reference = Alphanumeric
                .sample_string(&mut rand::thread_rng(), 8)
                .to_lowercase();
            error!(%reference, error = ?e, "command failed");
            Some(reference)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_personal_reply_never_goes_out_public() {
        let personal = Reply::text("You are **#3**").personal_if(true);
        assert!(kept_private(personal).ephemeral);
        let shared = Reply::text("The standing");
        assert!(!kept_private(shared).ephemeral);
    }
}
