//! Answering within Discord's deadline: run the dispatcher, and if it is still busy shortly
//! before the 3-second limit, acknowledge (defer) and deliver the reply later by editing it.
//! Shared by the gateway and the HTTP endpoint, which differ only in how the first answer
//! travels (a REST callback versus the HTTP response body).

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{BoxFuture, FutureExt};

use serenity::all::{CreateInteractionResponse, CreateInteractionResponseMessage, Http};
use serenity::builder::Builder;
use tracing::{warn, Instrument};

use crate::commands::{self, Action, CommandError, Dispatcher, Invocation, Outcome};
use crate::render::{discord as to_discord, Response};
use crate::telemetry::metrics;

/// The first answer to an interaction.
pub enum FirstAnswer {
    /// The reply was ready in time and is the answer.
    Ready(Outcome),
    /// An acknowledgement now; the reply follows through [`deliver_deferred`].
    Deferred {
        ack: CreateInteractionResponse,
        pending: Pending,
    },
}

/// A reply still being computed after a deferral.
pub struct Pending {
    task: tokio::task::JoinHandle<Result<Outcome, String>>,
    public_command: bool,
}

/// Whether the first answer can carry files. A gateway callback is a REST request that can be
/// multipart; the HTTP endpoint's first answer is the JSON body of Discord's request, which
/// cannot, so a reply with files goes out as a deferral and then an edit that carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstAnswerFiles {
    Allowed,
    NotAllowed,
}

/// Runs the invocation, waiting at most `defer_after` before deferring.
pub async fn answer(
    dispatcher: Arc<Dispatcher>,
    invocation: Invocation,
    defer_after: Duration,
    files: FirstAnswerFiles,
) -> FirstAnswer {
    // A command whose replies are private says so up front, so its "thinking…" is private too
    // and the late reply can simply replace it.
    let private = match &invocation.action {
        Action::Command(call) => dispatcher
            .registry
            .get(&call.name)
            .is_some_and(|spec| spec.private),
        _ => false,
    };
    let kind = Kind::of(&invocation.action);
    // A form's reply may be public (a check-in) or private (a mistake): acknowledge publicly,
    // and a private reply replaces the placeholder as a command's does.
    let public_command = (kind == Kind::Command && !private) || kind == Kind::Form;
    // Autocomplete cannot be deferred: its one answer is the list, however long it takes.
    let can_defer = kind != Kind::Autocomplete;
    let span = tracing::Span::current();
    // Run on this task first: most replies are ready at once, and a task of their own would
    // cost a spawn and a cross-thread wake-up each. Only a late reply moves to its own task.
    let mut work: BoxFuture<'static, Result<Outcome, String>> = Box::pin(
        AssertUnwindSafe(async move { dispatcher.dispatch(&invocation).await })
            .catch_unwind()
            .map(|result| result.map_err(panic_message))
            .instrument(span),
    );
    if !can_defer {
        return FirstAnswer::Ready(joined(work.await));
    }
    match tokio::time::timeout(defer_after, &mut work).await {
        Ok(result) => {
            let outcome = joined(result);
            match &outcome.response {
                Response::Message(reply) | Response::Update(reply)
                    if !reply.files.is_empty() && files == FirstAnswerFiles::NotAllowed =>
                {
                    let private = reply.ephemeral;
                    FirstAnswer::Deferred {
                        ack: acknowledgement(kind, private),
                        pending: Pending {
                            task: tokio::spawn(async move { Ok(outcome) }),
                            public_command: public_command && !private,
                        },
                    }
                }
                _ => FirstAnswer::Ready(outcome),
            }
        }
        Err(_) => FirstAnswer::Deferred {
            ack: acknowledgement(kind, private),
            // From here it runs on its own, while the acknowledgement goes out.
            pending: Pending {
                task: tokio::spawn(work),
                public_command,
            },
        },
    }
}

/// Waits for a deferred reply and puts it in place of the acknowledgement.
pub async fn deliver_deferred(http: &Http, token: &str, pending: Pending) {
    let outcome = joined(pending.task.await.unwrap_or_else(|e| Err(e.to_string())));
    let result = match &outcome.response {
        // A private reply (an error, say) cannot replace a public "thinking…" message: remove
        // that and send the reply privately instead.
        Response::Message(reply) if reply.ephemeral && pending.public_command => {
            match http.delete_original_interaction_response(token).await {
                Ok(()) => to_discord::followup(reply)
                    .execute(http, (None, token))
                    .await
                    .map(drop),
                Err(e) => Err(e),
            }
        }
        Response::Message(reply) | Response::Update(reply) => {
            to_discord::edit(reply).execute(http, token).await.map(drop)
        }
        Response::Choices(_) => Ok(()),
        // A form can only be the first answer; after a deferral it is too late to open one.
        Response::Modal(_) => {
            let late = crate::render::Reply::notice(
                "Waypoint took too long to open the form. Please run the command again.",
            );
            to_discord::edit(&late).execute(http, token).await.map(drop)
        }
    };
    metrics::discord_result("deferred_reply", &result);
    if let Err(e) = result {
        warn!(error = %e, "could not deliver a deferred reply");
    }
}

/// How to acknowledge an invocation whose reply is late.
fn acknowledgement(kind: Kind, private: bool) -> CreateInteractionResponse {
    match kind {
        Kind::Command if private => CreateInteractionResponse::Defer(
            CreateInteractionResponseMessage::new().ephemeral(true),
        ),
        // The component's own (private) message will be edited in place.
        Kind::Click { on_ephemeral: true } => CreateInteractionResponse::Acknowledge,
        // Clicks on public messages are answered privately.
        Kind::Click { .. } => CreateInteractionResponse::Defer(
            CreateInteractionResponseMessage::new().ephemeral(true),
        ),
        Kind::Command | Kind::Form | Kind::Autocomplete => {
            CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new())
        }
    }
}

/// What an acknowledgement depends on, kept after the invocation moves into its work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Command,
    Form,
    Autocomplete,
    Click { on_ephemeral: bool },
}

impl Kind {
    fn of(action: &Action) -> Self {
        match action {
            Action::Command(_) => Self::Command,
            Action::Autocomplete { .. } => Self::Autocomplete,
            Action::ModalSubmit { .. } => Self::Form,
            Action::Component { on_ephemeral, .. } => Self::Click {
                on_ephemeral: *on_ephemeral,
            },
        }
    }
}

/// A handler that panicked still gets the member an answer.
fn joined(result: Result<Outcome, String>) -> Outcome {
    result.unwrap_or_else(|panic| Outcome {
        response: commands::error_response(&CommandError::Internal(anyhow::anyhow!(
            "command panicked: {panic}"
        ))),
        failed: true,
    })
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;
    use serenity::all::{Permissions, UserId};

    use super::*;
    use crate::commands::CommandCall;

    fn ack_json(action: Action) -> serde_json::Value {
        ack_json_as(action, false)
    }

    fn ack_json_as(action: Action, private: bool) -> serde_json::Value {
        let invocation = Invocation {
            guild_id: None,
            channel_id: None,
            user_id: UserId::new(1),
            permissions: Permissions::empty(),
            now: Utc::now(),
            action,
            profiles: Vec::new(),
        };
        serde_json::to_value(acknowledgement(Kind::of(&invocation.action), private)).unwrap()
    }

    fn click(on_ephemeral: bool) -> Action {
        Action::Component {
            custom_id: "roadmap:overview".into(),
            values: vec![],
            on_ephemeral,
        }
    }

    #[test]
    fn late_replies_are_acknowledged_with_the_right_visibility() {
        // A command shows a public "thinking…" that the reply will replace.
        let command = ack_json(Action::Command(CommandCall::default()));
        assert_eq!(command["type"], 5);
        assert_eq!(command["data"]["flags"], json!(null));
        // A command whose replies are private shows a private "thinking…".
        let private = ack_json_as(Action::Command(CommandCall::default()), true);
        assert_eq!(
            (private["type"].as_u64(), private["data"]["flags"].as_u64()),
            (Some(5), Some(64))
        );
        // A click on a private message will edit that message: no new message now.
        assert_eq!(ack_json(click(true))["type"], 6);
        // A click on a public message gets a private "thinking…" for the clicker.
        let public = ack_json(click(false));
        assert_eq!(
            (public["type"].as_u64(), public["data"]["flags"].as_u64()),
            (Some(5), Some(64))
        );
    }
}
