//! Answering within Discord's deadline: run the dispatcher, and if it is still busy shortly
//! before the 3-second limit, acknowledge (defer) and deliver the reply later by editing it.
//! Shared by the gateway and the HTTP endpoint, which differ only in how the first answer
//! travels (a REST callback versus the HTTP response body).

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{CreateInteractionResponse, CreateInteractionResponseMessage, Http};
use tracing::{warn, Instrument};

use crate::app::App;
use crate::commands::{self, Action, CommandError, Invocation, Outcome, Response};
use crate::render::discord as to_discord;

/// Discord allows 3 s for the first answer; keep a margin for the network.
pub const DEFAULT_DEFER_AFTER: Duration = Duration::from_millis(2000);

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
    task: tokio::task::JoinHandle<Outcome>,
    public_command: bool,
}

/// Runs the invocation, waiting at most `defer_after` before deferring.
pub async fn answer(app: Arc<App>, invocation: Invocation, defer_after: Duration) -> FirstAnswer {
    let ack = acknowledgement(&invocation);
    let public_command = matches!(invocation.action, Action::Command(_));
    // Autocomplete cannot be deferred: its one answer is the list, however long it takes.
    let can_defer = !matches!(invocation.action, Action::Autocomplete { .. });
    let span = tracing::Span::current();
    let mut task =
        tokio::spawn(async move { commands::dispatch(&app, &invocation).await }.instrument(span));
    if !can_defer {
        return FirstAnswer::Ready(joined(task.await));
    }
    match tokio::time::timeout(defer_after, &mut task).await {
        Ok(result) => FirstAnswer::Ready(joined(result)),
        Err(_) => FirstAnswer::Deferred {
            ack,
            pending: Pending {
                task,
                public_command,
            },
        },
    }
}

/// Waits for a deferred reply and puts it in place of the acknowledgement.
pub async fn deliver_deferred(http: &Http, token: &str, pending: Pending) {
    let outcome = joined(pending.task.await);
    let result = match &outcome.response {
        // A private reply (an error, say) cannot replace a public "thinking…" message: remove
        // that and send the reply privately instead.
        Response::Message(reply) if reply.ephemeral && pending.public_command => {
            match http.delete_original_interaction_response(token).await {
                Ok(()) => http
                    .create_followup_message(token, &to_discord::followup(reply), Vec::new())
                    .await
                    .map(drop),
                Err(e) => Err(e),
            }
        }
        Response::Message(reply) | Response::Update(reply) => http
            .edit_original_interaction_response(token, &to_discord::edit(reply), Vec::new())
            .await
            .map(drop),
        Response::Choices(_) => Ok(()),
    };
    if let Err(e) = result {
        warn!(error = %e, "could not deliver a deferred reply");
    }
}

/// How to acknowledge an invocation whose reply is late.
fn acknowledgement(invocation: &Invocation) -> CreateInteractionResponse {
    match &invocation.action {
        // The component's own (private) message will be edited in place.
        Action::Component {
            on_ephemeral: true, ..
        } => CreateInteractionResponse::Acknowledge,
        // Clicks on public messages are answered privately.
        Action::Component { .. } => CreateInteractionResponse::Defer(
            CreateInteractionResponseMessage::new().ephemeral(true),
        ),
        Action::Command(_) | Action::Autocomplete { .. } => {
            CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new())
        }
    }
}

/// A handler that panicked still gets the member an answer.
fn joined(result: Result<Outcome, tokio::task::JoinError>) -> Outcome {
    result.unwrap_or_else(|e| Outcome {
        response: commands::error_response(&CommandError::Internal(anyhow::anyhow!(
            "command task failed: {e}"
        ))),
        failed: true,
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;
    use serenity::all::{Permissions, UserId};

    use super::*;
    use crate::commands::CommandCall;

    fn ack_json(action: Action) -> serde_json::Value {
        let invocation = Invocation {
            guild_id: None,
            channel_id: None,
            user_id: UserId::new(1),
            permissions: Permissions::empty(),
            now: Utc::now(),
            action,
        };
        serde_json::to_value(acknowledgement(&invocation)).unwrap()
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
