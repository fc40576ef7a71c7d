//! A fake Discord REST API: records every request, answers as Discord does, checks bodies
//! against the OpenAPI spec, and can be told to fail.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::Notify;

use super::payloads::{bot_message, APPLICATION_ID};
use super::spec::spec;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path without the `/api/v10` prefix.
    pub path: String,
    pub body: Value,
    /// Set once our answer went out, so tests can tell "received" from "completed".
    pub answered: bool,
    /// Files of a multipart request, by file name (the JSON part is `body`).
    pub files: Vec<(String, Vec<u8>)>,
    /// The `X-Audit-Log-Reason` header, decoded.
    pub reason: Option<String>,
    /// When the request arrived.
    pub at: Instant,
}

/// A message created in a channel (a repeat with an enforced nonce creates none).
#[derive(Debug, Clone)]
pub struct Created {
    pub channel: String,
    pub id: String,
    pub body: Value,
}

/// Discord checks an enforced nonce "in the past few minutes"; the fake keeps them this long.
const NONCE_WINDOW: Duration = Duration::from_secs(180);

/// A canned failure for the next request whose path contains `path_part`.
#[derive(Debug, Clone)]
pub struct Failure {
    pub path_part: String,
    pub status: u16,
    pub body: Value,
}

impl Failure {
    pub fn rate_limited(path_part: &str, retry_after: f64) -> Self {
        Self {
            path_part: path_part.into(),
            status: 429,
            body: json!({ "message": "You are being rate limited.", "retry_after": retry_after, "global": false }),
        }
    }

    pub fn globally_rate_limited(path_part: &str, retry_after: f64) -> Self {
        Self {
            path_part: path_part.into(),
            status: 429,
            body: json!({ "message": "You are being rate limited.", "retry_after": retry_after, "global": true }),
        }
    }

    pub fn missing_access(path_part: &str) -> Self {
        Self {
            path_part: path_part.into(),
            status: 403,
            body: json!({ "message": "Missing Access", "code": 50001 }),
        }
    }

    pub fn server_error(path_part: &str) -> Self {
        Self {
            path_part: path_part.into(),
            status: 502,
            body: json!({ "message": "Bad Gateway", "code": 0 }),
        }
    }

    pub fn missing_permissions(path_part: &str) -> Self {
        Self {
            path_part: path_part.into(),
            status: 403,
            body: json!({ "message": "Missing Permissions", "code": 50013 }),
        }
    }

    pub fn unknown_channel(path_part: &str) -> Self {
        Self {
            path_part: path_part.into(),
            status: 404,
            body: json!({ "message": "Unknown Channel", "code": 10003 }),
        }
    }
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Recorded>>,
    failures: Mutex<VecDeque<Failure>>,
    /// Failures answered to every matching request until their deadline (a storm).
    storms: Mutex<Vec<(Failure, Instant)>>,
    spec_errors: Mutex<Vec<String>>,
    /// Requests whose path contains the text wait this long before being answered.
    delays: Mutex<Vec<(String, Duration)>>,
    changed: Notify,
    gateway_url: Mutex<String>,
    created: Mutex<Vec<Created>>,
    /// Enforced nonces seen: nonce → (when, index into `created`).
    nonces: Mutex<HashMap<String, (Instant, usize)>>,
    next_id: AtomicU64,
    /// Channels `GET /channels/{id}` knows, as Discord returns them.
    channels: Mutex<HashMap<String, Value>>,
    /// Files members attached, by path: the CDN part of the fake.
    files: Mutex<HashMap<String, Vec<u8>>>,
    /// Paths of the files the CDN part served, in order.
    fetched: Mutex<Vec<String>>,
    /// Members `GET /guilds/{guild}/members/{user}` knows, as Discord returns them.
    members: Mutex<HashMap<(String, String), Value>>,
    /// Servers `GET /guilds/{guild}` knows: their names.
    guilds: Mutex<HashMap<String, String>>,
    /// Threads opened, as Discord returns them, in order.
    threads: Mutex<Vec<Value>>,
    /// Who was added to each thread, by thread id.
    thread_members: Mutex<HashMap<String, Vec<String>>>,
    /// Users who left every server: adding them to a thread is Unknown Member.
    gone: Mutex<Vec<String>>,
    /// Private threads are refused with Missing Permissions, as where the bot lacks Create
    /// Private Threads.
    no_private_threads: std::sync::atomic::AtomicBool,
}

#[derive(Clone)]
pub struct FakeRest {
    pub base: String,
    shared: Arc<Shared>,
}

impl FakeRest {
    pub async fn start(gateway_url: &str) -> Self {
        let shared = Arc::new(Shared::default());
        *shared.gateway_url.lock().unwrap() = gateway_url.to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(handle).with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, shared }
    }

    /// Serves `bytes` as an attachment named `name`, as Discord's CDN would; returns its URL
    /// (the CDN base is `base`).
    pub fn attach(&self, name: &str, bytes: &[u8]) -> String {
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let path = format!("/attachments/1/{id}/{name}");
        self.shared
            .files
            .lock()
            .unwrap()
            .insert(path.clone(), bytes.to_vec());
        format!("{}{path}", self.base)
    }

    /// Serves `bytes` at `path` on the CDN part of the fake (an avatar's
    /// `avatars/{user}/{hash}.png`, say).
    pub fn serve_file(&self, path: &str, bytes: &[u8]) {
        self.shared
            .files
            .lock()
            .unwrap()
            .insert(format!("/{}", path.trim_start_matches('/')), bytes.to_vec());
    }

    /// The paths of the files fetched from the CDN part so far.
    pub fn fetched(&self) -> Vec<String> {
        self.shared.fetched.lock().unwrap().clone()
    }

    /// A member of `guild` that `GET /guilds/{guild}/members/{user}` returns, with `nick` as
    /// their server nickname.
    pub fn add_member(&self, guild: u64, user: u64, nick: Option<&str>) {
        let member = json!({
            "user": {
                "id": user.to_string(), "username": format!("user{user}"), "discriminator": "0",
                "global_name": format!("Global {user}"), "avatar": null, "public_flags": 0
            },
            "nick": nick,
            "avatar": null,
            "roles": [],
            "joined_at": "2026-01-01T00:00:00.000000+00:00",
            "deaf": false,
            "mute": false,
            "flags": 0,
            "pending": false
        });
        self.shared
            .members
            .lock()
            .unwrap()
            .insert((guild.to_string(), user.to_string()), member);
    }

    /// A server that `GET /guilds/{guild}` returns, named `name`.
    pub fn add_guild(&self, guild: u64, name: &str) {
        self.shared
            .guilds
            .lock()
            .unwrap()
            .insert(guild.to_string(), name.to_string());
    }

    /// A text channel of `guild` that `GET /channels/{id}` returns; `everyone_can_view: false`
    /// gives it the @everyone overwrite that staff channels have.
    pub fn add_channel(&self, id: u64, guild: u64, everyone_can_view: bool) {
        let overwrites = if everyone_can_view {
            json!([])
        } else {
            // The @everyone role's id is the server's; 1024 is View Channel.
            json!([{ "id": guild.to_string(), "type": 0, "allow": "0", "deny": "1024" }])
        };
        let channel = json!({
            "id": id.to_string(),
            "type": 0,
            "guild_id": guild.to_string(),
            "name": format!("channel-{id}"),
            "position": 0,
            "permission_overwrites": overwrites,
            "nsfw": false,
            "parent_id": null,
            "topic": null,
            "last_message_id": null,
            "rate_limit_per_user": 0,
            "flags": 0
        });
        self.shared
            .channels
            .lock()
            .unwrap()
            .insert(id.to_string(), channel);
    }

    /// The threads opened so far, as Discord returned them.
    pub fn threads(&self) -> Vec<Value> {
        self.shared.threads.lock().unwrap().clone()
    }

    /// Who was added to `thread`, in order.
    pub fn thread_members(&self, thread: &str) -> Vec<String> {
        self.shared
            .thread_members
            .lock()
            .unwrap()
            .get(thread)
            .cloned()
            .unwrap_or_default()
    }

    /// Private threads are refused (Missing Permissions); public ones still open.
    pub fn refuse_private_threads(&self) {
        self.shared
            .no_private_threads
            .store(true, Ordering::Relaxed);
    }

    /// `user` left the server: adding them to a thread is answered Unknown Member.
    pub fn left_server(&self, user: u64) {
        self.shared.gone.lock().unwrap().push(user.to_string());
    }

    pub fn fail_next(&self, failure: Failure) {
        self.shared.failures.lock().unwrap().push_back(failure);
    }

    /// Answers every request matching `failure` with it for the next `lasting`.
    pub fn storm(&self, failure: Failure, lasting: Duration) {
        let until = Instant::now() + lasting;
        self.shared.storms.lock().unwrap().push((failure, until));
    }

    /// Ends every storm.
    pub fn calm(&self) {
        self.shared.storms.lock().unwrap().clear();
    }

    pub fn delay(&self, path_part: &str, by: Duration) {
        self.shared
            .delays
            .lock()
            .unwrap()
            .push((path_part.into(), by));
    }

    /// Messages created in channels, in order.
    pub fn created(&self) -> Vec<Created> {
        self.shared.created.lock().unwrap().clone()
    }

    /// The bodies of the messages created in `channel`, oldest first.
    pub fn posts_to(&self, channel: u64) -> Vec<Value> {
        self.created()
            .into_iter()
            .filter(|c| c.channel == channel.to_string())
            .map(|c| c.body)
            .collect()
    }

    /// How many messages each channel got.
    pub fn created_per_channel(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for message in self.created() {
            *counts.entry(message.channel).or_default() += 1;
        }
        counts
    }

    /// Waits until `count` messages have been created in channels.
    pub async fn wait_for_created(&self, count: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.shared.changed.notified();
            let have = self.shared.created.lock().unwrap().len();
            if have >= count {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for {count} messages; have {have}");
            }
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Requests other than the gateway discovery ones.
    pub fn api_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| !r.path.starts_with("/gateway"))
            .collect()
    }

    /// Every spec mismatch seen so far; tests assert this is empty.
    pub fn spec_errors(&self) -> Vec<String> {
        self.shared.spec_errors.lock().unwrap().clone()
    }

    pub fn assert_spec_clean(&self) {
        let errors = self.spec_errors();
        assert!(
            errors.is_empty(),
            "the bot sent bodies Discord's spec rejects:\n{}",
            errors.join("\n\n")
        );
    }

    /// Waits until a request matching `pred` has been received (and answered, if `answered`).
    pub async fn wait_for(&self, answered: bool, pred: impl Fn(&Recorded) -> bool) -> Recorded {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.shared.changed.notified();
            if let Some(found) = self
                .requests()
                .into_iter()
                .find(|r| pred(r) && (r.answered || !answered))
            {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "timed out waiting for a request; got {:#?}",
                    self.requests()
                );
            }
        }
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let file = shared.files.lock().unwrap().get(uri.path()).cloned();
    if let Some(file) = file {
        shared.fetched.lock().unwrap().push(uri.path().to_string());
        delay_for(&shared, uri.path()).await;
        return (StatusCode::OK, file).into_response();
    }
    let path = uri
        .path()
        .strip_prefix("/api/v10")
        .unwrap_or(uri.path())
        .to_string();
    let boundary = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok());
    let (body, files) = match boundary {
        Some(boundary) => multipart(body, boundary).await,
        None => (json_body(&body), Vec::new()),
    };
    // serenity percent-encodes the reason, as Discord asks.
    let reason = headers
        .get("x-audit-log-reason")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        });
    let index = {
        let mut requests = shared.requests.lock().unwrap();
        requests.push(Recorded {
            method: method.to_string(),
            path: path.clone(),
            body: body.clone(),
            answered: false,
            files,
            reason,
            at: Instant::now(),
        });
        requests.len() - 1
    };
    shared.changed.notify_waiters();

    delay_for(&shared, &path).await;
    let response = answer(&shared, &method, &path, &body);
    shared.requests.lock().unwrap()[index].answered = true;
    shared.changed.notify_waiters();
    response
}

/// Waits as long as `delay` asked for requests to `path`.
async fn delay_for(shared: &Shared, path: &str) {
    let delay = shared
        .delays
        .lock()
        .unwrap()
        .iter()
        .find(|(p, _)| path.contains(p.as_str()))
        .map(|(_, d)| *d);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
}

fn json_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| json!({ "unparsed": String::from_utf8_lossy(bytes) }))
    }
}

/// A multipart request as Discord reads it: the JSON in `payload_json`, files in `files[n]`.
async fn multipart(body: Bytes, boundary: String) -> (Value, Vec<(String, Vec<u8>)>) {
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut json = Value::Null;
    let mut files = Vec::new();
    while let Ok(Some(field)) = parts.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.unwrap_or_default();
        match (name.as_str(), file_name) {
            ("payload_json", _) => json = json_body(&bytes),
            (_, Some(file_name)) => files.push((file_name, bytes.to_vec())),
            _ => {}
        }
    }
    (json, files)
}

fn answer(shared: &Shared, method: &Method, path: &str, body: &Value) -> Response {
    let failure = {
        let mut failures = shared.failures.lock().unwrap();
        let position = failures
            .iter()
            .position(|f| path.contains(f.path_part.as_str()));
        position.and_then(|i| failures.remove(i)).or_else(|| {
            let now = Instant::now();
            shared
                .storms
                .lock()
                .unwrap()
                .iter()
                .find(|(f, until)| now < *until && path.contains(f.path_part.as_str()))
                .map(|(f, _)| f.clone())
        })
    };
    if let Some(failure) = failure {
        let status = StatusCode::from_u16(failure.status).unwrap();
        return (status, axum::Json(failure.body)).into_response();
    }
    let gateway_url = shared.gateway_url.lock().unwrap().clone();
    if path == "/gateway" {
        return axum::Json(json!({ "url": gateway_url })).into_response();
    }
    if path == "/gateway/bot" {
        return axum::Json(json!({
            "url": gateway_url, "shards": 1,
            "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 }
        }))
        .into_response();
    }
    if matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        if let Err(error) = spec().check(method.as_str(), path, body) {
            shared.spec_errors.lock().unwrap().push(error.clone());
            let body = json!({ "message": "Invalid Form Body", "code": 50035, "errors": error });
            return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
        }
    }
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("PUT" | "DELETE", ["guilds", _, "members", _, "roles", _]) => {
            StatusCode::NO_CONTENT.into_response()
        }
        ("DELETE", ["webhooks", _, _, "messages", "@original"]) => {
            StatusCode::NO_CONTENT.into_response()
        }
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) | ("POST", ["webhooks", _, _]) => {
            axum::Json(bot_message(body)).into_response()
        }
        ("GET", ["guilds", guild, "members", user]) => {
            let key = (guild.to_string(), user.to_string());
            match shared.members.lock().unwrap().get(&key) {
                Some(found) => axum::Json(found.clone()).into_response(),
                None => (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({ "message": "Unknown Member", "code": 10007 })),
                )
                    .into_response(),
            }
        }
        ("GET", ["guilds", guild]) => match shared.guilds.lock().unwrap().get(*guild) {
            Some(name) => axum::Json(guild_json(guild, name)).into_response(),
            None => (
                StatusCode::NOT_FOUND,
                axum::Json(json!({ "message": "Unknown Guild", "code": 10004 })),
            )
                .into_response(),
        },
        ("GET", ["channels", channel]) => match shared.channels.lock().unwrap().get(*channel) {
            Some(found) => axum::Json(found.clone()).into_response(),
            None => (
                StatusCode::NOT_FOUND,
                axum::Json(json!({ "message": "Unknown Channel", "code": 10003 })),
            )
                .into_response(),
        },
        ("POST", ["channels", channel, "messages"]) => {
            axum::Json(create_message(shared, channel, body)).into_response()
        }
        ("POST", ["channels", channel, "threads"]) => {
            if body["type"] == json!(12) && shared.no_private_threads.load(Ordering::Relaxed) {
                let body = json!({ "message": "Missing Permissions", "code": 50013 });
                return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
            }
            axum::Json(open_thread(shared, channel, body)).into_response()
        }
        ("PUT", ["channels", thread, "thread-members", user]) => {
            if shared.gone.lock().unwrap().iter().any(|u| u == user) {
                let body = json!({ "message": "Unknown Member", "code": 10007 });
                return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
            }
            let mut members = shared.thread_members.lock().unwrap();
            let list = members.entry(thread.to_string()).or_default();
            if !list.iter().any(|u| u == user) {
                list.push(user.to_string());
            }
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", ["guilds", guild, "threads", "active"]) => {
            let threads: Vec<Value> = shared
                .threads
                .lock()
                .unwrap()
                .iter()
                .filter(|t| t["guild_id"] == json!(guild))
                .cloned()
                .collect();
            axum::Json(json!({ "threads": threads, "members": [], "has_more": false }))
                .into_response()
        }
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            axum::Json(commands(body, parts.get(3).copied())).into_response()
        }
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({ "message": "404: Not Found", "code": 0 })),
        )
            .into_response(),
    }
}

/// A guild object as `GET /guilds/{guild}` returns it (the fields Discord always sends).
fn guild_json(id: &str, name: &str) -> Value {
    json!({
        "id": id, "name": name, "icon": null, "splash": null, "discovery_splash": null,
        "owner_id": "1", "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 0, "default_message_notifications": 0,
        "explicit_content_filter": 0, "roles": [], "emojis": [], "features": [],
        "mfa_level": 0, "application_id": null, "system_channel_id": null,
        "system_channel_flags": 0, "rules_channel_id": null, "vanity_url_code": null,
        "description": null, "banner": null, "premium_tier": 0,
        "preferred_locale": "en-US", "public_updates_channel_id": null, "nsfw_level": 0,
        "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null
    })
}

/// Creates a message, unless an enforced nonce repeats one from the last few minutes: then the
/// earlier message comes back and nothing new is posted, as Discord does.
fn create_message(shared: &Shared, channel: &str, body: &Value) -> Value {
    let nonce = body
        .get("nonce")
        .and_then(Value::as_str)
        .filter(|_| body.get("enforce_nonce") == Some(&json!(true)));
    let mut nonces = shared.nonces.lock().unwrap();
    let mut created = shared.created.lock().unwrap();
    if let Some((at, index)) = nonce.and_then(|n| nonces.get(n)) {
        if at.elapsed() < NONCE_WINDOW {
            return message_json(&created[*index]);
        }
    }
    let id = 900_000_000_000_000_000 + shared.next_id.fetch_add(1, Ordering::Relaxed);
    created.push(Created {
        channel: channel.to_string(),
        id: id.to_string(),
        body: body.clone(),
    });
    if let Some(nonce) = nonce {
        nonces.insert(nonce.to_string(), (Instant::now(), created.len() - 1));
    }
    message_json(created.last().unwrap())
}

/// Opens a thread in `channel`: a channel object of the thread's type, in the channel's server
/// (the one `add_channel` gave it, else the test server).
fn open_thread(shared: &Shared, channel: &str, body: &Value) -> Value {
    let guild = shared
        .channels
        .lock()
        .unwrap()
        .get(channel)
        .and_then(|c| c["guild_id"].as_str().map(str::to_string))
        .unwrap_or_else(|| crate::support::GUILD.to_string());
    let id = 900_000_000_000_000_000 + shared.next_id.fetch_add(1, Ordering::Relaxed);
    let thread = json!({
        "id": id.to_string(),
        "type": body["type"].as_u64().unwrap_or(12),
        "guild_id": guild,
        "parent_id": channel,
        "name": body["name"],
        "owner_id": APPLICATION_ID.to_string(),
        "flags": 0,
        "rate_limit_per_user": 0,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": body["auto_archive_duration"].as_u64().unwrap_or(4320),
            "archive_timestamp": "2026-11-30T09:00:00.000000+00:00",
            "locked": false,
            "invitable": body["invitable"].as_bool().unwrap_or(true)
        },
        "message_count": 0,
        "member_count": 1
    });
    shared.threads.lock().unwrap().push(thread.clone());
    thread
}

fn message_json(created: &Created) -> Value {
    let mut message = bot_message(&created.body);
    message["id"] = json!(created.id);
    message["channel_id"] = json!(created.channel);
    message
}

/// The command objects Discord returns from a bulk overwrite.
fn commands(body: &Value, guild: Option<&str>) -> Value {
    let list = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        list.iter()
            .enumerate()
            .map(|(i, c)| {
                let mut command = c.clone();
                command["id"] = json!(format!("70000000000000{:04}", i));
                command["application_id"] = json!(APPLICATION_ID.to_string());
                command["version"] = json!("1");
                command["type"] = c.get("type").cloned().unwrap_or(json!(1));
                if let Some(guild) = guild {
                    command["guild_id"] = json!(guild);
                }
                command
            })
            .collect(),
    )
}
