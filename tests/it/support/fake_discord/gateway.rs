//! A fake Discord gateway: HELLO, IDENTIFY → READY, RESUME → RESUMED, heartbeat ACKs, and
//! interactions pushed by the test as INTERACTION_CREATE dispatches with rising sequence
//! numbers. A test can drop the connection and count how often the bot connects.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Mutex, Notify};
use tokio_tungstenite::tungstenite::Message;

use super::payloads::APPLICATION_ID;

pub struct FakeGateway {
    pub url: String,
    sender: Mutex<Option<mpsc::UnboundedSender<Value>>>,
    pending: Mutex<Vec<Value>>,
    ready: Notify,
    identified: AtomicBool,
    /// Websocket connections accepted so far.
    connections: AtomicUsize,
    /// Wakes the current session to drop its connection.
    kick: Notify,
}

impl FakeGateway {
    pub async fn start() -> Arc<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let gateway = Arc::new(Self {
            url,
            sender: Mutex::new(None),
            pending: Mutex::new(Vec::new()),
            ready: Notify::new(),
            identified: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            kick: Notify::new(),
        });
        let accepting = gateway.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let gateway = accepting.clone();
                tokio::spawn(async move { gateway.session(stream).await });
            }
        });
        gateway
    }

    /// Waits until a client has identified and received READY.
    pub async fn wait_ready(&self) {
        loop {
            let notified = self.ready.notified();
            if self.identified.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }

    /// How many websocket connections the bot has opened.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Drops the current connection without a close frame, as a network failure would.
    pub async fn drop_connection(&self) {
        *self.sender.lock().await = None;
        self.identified.store(false, Ordering::SeqCst);
        self.kick.notify_waiters();
    }

    /// Sends an interaction to the connected client (or to the next one that connects).
    pub async fn push_interaction(&self, interaction: Value) {
        match self.sender.lock().await.as_ref() {
            Some(sender) if sender.send(interaction.clone()).is_ok() => {}
            _ => self.pending.lock().await.push(interaction),
        }
    }

    async fn session(self: Arc<Self>, stream: tokio::net::TcpStream) {
        let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
            return;
        };
        self.connections.fetch_add(1, Ordering::SeqCst);
        let hello = json!({ "op": 10, "d": { "heartbeat_interval": 41250 } });
        if ws.send(Message::Text(hello.to_string())).await.is_err() {
            return;
        }
        let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
        let mut sequence = 0u64;
        loop {
            tokio::select! {
                () = self.kick.notified() => return,
                incoming = ws.next() => {
                    let Some(Ok(message)) = incoming else { return };
                    let Message::Text(text) = message else {
                        if matches!(message, Message::Close(_)) { return; }
                        continue;
                    };
                    let payload: Value = serde_json::from_str(&text).unwrap_or_default();
                    match payload["op"].as_u64() {
                        Some(1) => {
                            let ack = json!({ "op": 11 });
                            if ws.send(Message::Text(ack.to_string())).await.is_err() { return; }
                        }
                        Some(2) => {
                            sequence += 1;
                            let shard = payload["d"]["shard"].clone();
                            let ready = json!({
                                "op": 0, "s": sequence, "t": "READY",
                                "d": {
                                    "v": 10,
                                    "user": {
                                        "id": APPLICATION_ID.to_string(), "username": "Waypoint",
                                        "discriminator": "0", "avatar": null, "bot": true,
                                        "verified": true, "mfa_enabled": false, "flags": 0
                                    },
                                    "guilds": [],
                                    "session_id": "fake-session",
                                    "resume_gateway_url": self.url,
                                    "shard": if shard.is_null() { json!([0, 1]) } else { shard },
                                    "application": { "id": APPLICATION_ID.to_string(), "flags": 0 }
                                }
                            });
                            if ws.send(Message::Text(ready.to_string())).await.is_err() { return; }
                            self.connected(&tx).await;
                        }
                        Some(6) => {
                            sequence = payload["d"]["seq"].as_u64().unwrap_or(sequence) + 1;
                            let resumed = json!({ "op": 0, "s": sequence, "t": "RESUMED", "d": {} });
                            if ws.send(Message::Text(resumed.to_string())).await.is_err() { return; }
                            self.connected(&tx).await;
                        }
                        _ => {}
                    }
                }
                Some(interaction) = rx.recv() => {
                    sequence += 1;
                    let dispatch = json!({ "op": 0, "s": sequence, "t": "INTERACTION_CREATE", "d": interaction });
                    if ws.send(Message::Text(dispatch.to_string())).await.is_err() { return; }
                }
            }
        }
    }

    /// The session is ready: interactions go to it, queued ones first.
    async fn connected(&self, tx: &mpsc::UnboundedSender<Value>) {
        *self.sender.lock().await = Some(tx.clone());
        for queued in self.pending.lock().await.drain(..) {
            let _ = tx.send(queued);
        }
        self.identified.store(true, Ordering::SeqCst);
        self.ready.notify_waiters();
    }
}
