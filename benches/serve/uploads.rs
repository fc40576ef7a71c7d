//! The part of Discord a reply with a file reaches: over HTTP it is a deferral, then an edit of
//! the original response that uploads the file. This fake takes those edits, so a row whose
//! answer is an upload (`/progress card`) is timed to the upload's arrival; every other REST
//! call gets a 404 at once, as the discard port gave before.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;
use tokio::sync::oneshot;

#[derive(Default)]
pub struct Uploads {
    /// Requests waiting for the edit of their interaction, by token, oldest first.
    waiting: Mutex<HashMap<String, VecDeque<oneshot::Sender<usize>>>>,
}

impl Uploads {
    /// Serves on a loopback port; returns the fake and its base URL.
    pub async fn start() -> anyhow::Result<(Arc<Self>, String)> {
        let uploads = Arc::new(Self::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let app = Router::new().fallback(answer).with_state(uploads.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok((uploads, base))
    }

    /// Tells when the edit of interaction `token` arrives, with its body's size. Asked before
    /// the request is sent: the edit may arrive before its deferral is read.
    pub fn expect(&self, token: &str) -> oneshot::Receiver<usize> {
        let (tell, told) = oneshot::channel();
        if let Ok(mut waiting) = self.waiting.lock() {
            waiting
                .entry(token.to_string())
                .or_default()
                .push_back(tell);
        }
        told
    }
}

async fn answer(
    axum::extract::State(uploads): axum::extract::State<Arc<Uploads>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let parts: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        (Method::PATCH, [.., "webhooks", _, token, "messages", "@original"]) => {
            let waiter = uploads
                .waiting
                .lock()
                .ok()
                .and_then(|mut w| w.get_mut(*token).and_then(VecDeque::pop_front));
            if let Some(tell) = waiter {
                let _ = tell.send(body.len());
            }
            axum::Json(message()).into_response()
        }
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({ "message": "404: Not Found", "code": 0 })),
        )
            .into_response(),
    }
}

/// The edited message, as much of it as serenity reads.
fn message() -> serde_json::Value {
    json!({
        "id": "1", "channel_id": "1", "type": 0, "content": "",
        "author": { "id": "1", "username": "waypoint", "discriminator": "0", "avatar": null },
        "timestamp": "2026-01-01T00:00:00+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": false
    })
}
