//! A fake Discord REST API for the fan-out: it creates channel messages (honouring enforced
//! nonces as Discord does) and the partner match's threads, and enforces a global limit of
//! `limit` requests in any one second, answering a global 429 beyond it. It counts what it saw.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(Default)]
struct Counts {
    requests: u64,
    too_many: u64,
    /// Arrival times of the requests in the last second.
    window: VecDeque<Instant>,
    first_request: Option<Instant>,
    last_created: Option<Instant>,
    per_channel: HashMap<String, u64>,
    nonces: HashSet<String>,
    next_id: u64,
    /// Threads opened, as List Active Guild Threads returns them.
    threads: Vec<Value>,
    threads_per_parent: HashMap<String, u64>,
    message_requests: u64,
    thread_lookups: u64,
}

#[derive(Clone)]
pub struct FakeRest {
    pub base: String,
    limit: usize,
    /// How long the answer takes after the message is created, like Discord's round trip:
    /// a worker killed in that time has posted without knowing it.
    latency: Duration,
    counts: Arc<Mutex<Counts>>,
}

/// What the fake saw, at one moment.
#[derive(Debug, Clone)]
pub struct Seen {
    pub requests: u64,
    pub too_many: u64,
    pub created: u64,
    /// From the first request to the last message created.
    pub elapsed: Option<Duration>,
    pub per_channel: HashMap<String, u64>,
    /// Threads opened in each channel.
    pub threads_per_parent: HashMap<String, u64>,
    /// Create Message requests answered (not refused with a 429).
    pub message_requests: u64,
    /// List Active Guild Threads requests answered: a worker looking for a thread it may have
    /// opened before it was killed.
    pub thread_lookups: u64,
}

impl FakeRest {
    pub async fn start(limit: usize, latency: Duration) -> anyhow::Result<Self> {
        let counts = Arc::new(Mutex::new(Counts::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let fake = Self {
            base,
            limit,
            latency,
            counts,
        };
        let app = Router::new()
            .route("/api/v10/channels/{channel}/messages", post(create))
            .route("/api/v10/channels/{channel}/threads", post(open_thread))
            .route(
                "/api/v10/channels/{thread}/thread-members/{user}",
                put(add_member),
            )
            .route(
                "/api/v10/guilds/{guild}/threads/active",
                get(active_threads),
            )
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(fake)
    }

    pub fn seen(&self) -> Seen {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        Seen {
            requests: counts.requests,
            too_many: counts.too_many,
            created: counts.per_channel.values().sum(),
            elapsed: counts
                .first_request
                .zip(counts.last_created)
                .map(|(first, last)| last - first),
            per_channel: counts.per_channel.clone(),
            threads_per_parent: counts.threads_per_parent.clone(),
            message_requests: counts.message_requests,
            thread_lookups: counts.thread_lookups,
        }
    }
}

async fn create(
    State(fake): State<FakeRest>,
    Path(channel): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    match record(&fake, channel, &body) {
        Ok(message) => {
            tokio::time::sleep(fake.latency).await;
            Json(message).into_response()
        }
        Err(retry_after) => too_many(retry_after),
    }
}

fn too_many(retry_after: f64) -> Response {
    let body = json!({ "message": "You are being rate limited.", "retry_after": retry_after, "global": true });
    (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
}

/// Opens a thread in `channel` (answered after the latency, like a message) and counts it.
async fn open_thread(
    State(fake): State<FakeRest>,
    Path(channel): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let thread = {
        let mut counts = fake.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(retry_after) = admit(&mut counts, fake.limit) {
            return too_many(retry_after);
        }
        counts.next_id += 1;
        let id = 800_000_000_000_000_000u64 + counts.next_id;
        let thread = json!({ "id": id.to_string(), "type": body["type"], "parent_id": channel,
                             "name": body["name"] });
        counts.threads.push(thread.clone());
        *counts.threads_per_parent.entry(channel).or_default() += 1;
        thread
    };
    tokio::time::sleep(fake.latency).await;
    Json(thread).into_response()
}

async fn add_member(State(fake): State<FakeRest>) -> Response {
    let mut counts = fake.counts.lock().unwrap_or_else(|e| e.into_inner());
    match admit(&mut counts, fake.limit) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(retry_after) => too_many(retry_after),
    }
}

/// Every thread opened: the fake does not know which server a channel is in, and the worker
/// picks its own by parent channel and name.
async fn active_threads(State(fake): State<FakeRest>) -> Response {
    let mut counts = fake.counts.lock().unwrap_or_else(|e| e.into_inner());
    match admit(&mut counts, fake.limit) {
        Ok(()) => {
            counts.thread_lookups += 1;
            Json(json!({ "threads": counts.threads, "members": [], "has_more": false }))
                .into_response()
        }
        Err(retry_after) => too_many(retry_after),
    }
}

/// Counts a request against the global limit: `Err(retry_after)` in seconds when over it.
fn admit(counts: &mut Counts, limit: usize) -> Result<(), f64> {
    let now = Instant::now();
    counts.requests += 1;
    counts.first_request.get_or_insert(now);
    while counts
        .window
        .front()
        .is_some_and(|at| now - *at >= Duration::from_secs(1))
    {
        counts.window.pop_front();
    }
    if counts.window.len() >= limit {
        counts.too_many += 1;
        return Err(counts
            .window
            .front()
            .map_or(1.0, |at| 1.0 - (now - *at).as_secs_f64()));
    }
    counts.window.push_back(now);
    Ok(())
}

/// Counts the request and creates the message, or refuses it: `Err(retry_after)` in seconds.
fn record(fake: &FakeRest, channel: String, body: &Value) -> Result<Value, f64> {
    let now = Instant::now();
    let mut counts = fake.counts.lock().unwrap_or_else(|e| e.into_inner());
    admit(&mut counts, fake.limit)?;
    counts.message_requests += 1;
    counts.next_id += 1;
    let id = 900_000_000_000_000_000u64 + counts.next_id;
    let nonce = body
        .get("nonce")
        .and_then(Value::as_str)
        .filter(|_| body.get("enforce_nonce") == Some(&json!(true)));
    // The fan-out finishes well inside Discord's few-minute nonce window, so a seen nonce is
    // always a repeat here.
    let repeat = nonce.is_some_and(|n| !counts.nonces.insert(n.to_string()));
    if !repeat {
        *counts.per_channel.entry(channel.clone()).or_default() += 1;
        counts.last_created = Some(now);
    }
    Ok(json!({ "id": id.to_string(), "channel_id": channel }))
}
