//! Running Waypoint's transports in-process against the fake Discord.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::Http;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use waypoint::commands::Dispatcher;
use waypoint::discord::{endpoint, gateway, rest};

use super::db;
use super::fake_discord::payloads::APPLICATION_ID;
use super::fake_discord::sign::TestKey;
use super::fake_discord::FakeDiscord;
use super::schedule::TestClock;

pub fn http(fake: &FakeDiscord) -> Http {
    rest::client(
        "fake-bot-token",
        Some(&fake.rest.base),
        Some(APPLICATION_ID),
    )
}

/// A gateway bot connected to the fake; drop the handle's sender (or send) to stop it.
pub struct RunningGateway {
    pub dispatcher: Arc<Dispatcher>,
    /// The time interactions are stamped with; the test moves it.
    pub clock: Arc<TestClock>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningGateway {
    pub async fn start(fake: &FakeDiscord, defer_after: Duration) -> Self {
        let clock = TestClock::at(super::TEST_NOW);
        let dispatcher = Arc::new(super::bot_at(db::fresh_pool().await, None, clock.clone()));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(gateway::run(
            dispatcher.clone(),
            http(fake),
            defer_after,
            async move {
                let _ = stopped.await;
            },
        ));
        fake.gateway.wait_ready().await;
        Self {
            dispatcher,
            clock,
            stop: Some(stop),
            task,
        }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the gateway stops")
            .expect("the gateway task does not panic")
            .expect("the gateway stops cleanly");
    }
}

/// The HTTP endpoint on a random loopback port.
pub struct RunningEndpoint {
    pub url: String,
    pub key: TestKey,
    pub dispatcher: Arc<Dispatcher>,
    /// The time interactions are stamped with; the test moves it.
    pub clock: Arc<TestClock>,
    pub client: reqwest::Client,
}

impl RunningEndpoint {
    pub async fn start(fake: &FakeDiscord, defer_after: Duration) -> Self {
        Self::start_on(fake, defer_after, false).await
    }

    /// The same, with the bot's REST calls (member names, roles) going to the fake too.
    pub async fn start_with_discord(fake: &FakeDiscord, defer_after: Duration) -> Self {
        Self::start_on(fake, defer_after, true).await
    }

    async fn start_on(fake: &FakeDiscord, defer_after: Duration, discord: bool) -> Self {
        let key = TestKey::new();
        let clock = TestClock::at(super::TEST_NOW);
        let pool = db::fresh_pool().await;
        let dispatcher = Arc::new(super::bot_fetching_from(
            pool,
            discord.then_some(fake),
            Some(&fake.rest.base),
            clock.clone(),
        ));
        let state = endpoint::EndpointState {
            dispatcher: dispatcher.clone(),
            verifier: Arc::new(endpoint::verifier(&key.public_hex()).unwrap()),
            http: Arc::new(http(fake)),
            defer_after,
            in_flight: Default::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let pages = waypoint::web::router(dispatcher.app.clone(), &Default::default());
        tokio::spawn(endpoint::serve(
            state,
            None,
            Some(pages),
            listener,
            std::future::pending(),
        ));
        Self {
            url,
            key,
            dispatcher,
            clock,
            client: reqwest::Client::new(),
        }
    }

    /// POSTs `body` to /interactions signed with the test key, `skew` seconds off now.
    /// Sends `interaction` (whose id is `id`), which answers with a file: over HTTP that is a
    /// private deferral, then an edit of the original message carrying the file. Returns the
    /// edit's first file.
    pub async fn file_reply(
        &self,
        fake: &FakeDiscord,
        interaction: &serde_json::Value,
        id: u64,
    ) -> (String, Vec<u8>) {
        let (first, edit) = self.deferred_edit(fake, interaction, id).await;
        // An HTTP response body cannot carry a file: a private "thinking…" first.
        assert_eq!(first["type"], 5, "{first}");
        assert_eq!(first["data"]["flags"], 64);
        edit.files
            .first()
            .cloned()
            .expect("the edit carries the file")
    }

    /// Sends `interaction` and returns the endpoint's first answer and the edit of the
    /// original message that follows it.
    pub async fn deferred_edit(
        &self,
        fake: &FakeDiscord,
        interaction: &serde_json::Value,
        id: u64,
    ) -> (serde_json::Value, super::fake_discord::Recorded) {
        let body = serde_json::to_vec(interaction).unwrap();
        let first: serde_json::Value = self.post_signed(&body, 0).await.json().await.unwrap();
        let original = format!("/token-{id}/messages/@original");
        let edit = fake
            .rest
            .wait_for(true, |r| r.method == "PATCH" && r.path.ends_with(&original))
            .await;
        (first, edit)
    }

    pub async fn post_signed(&self, body: &[u8], skew: i64) -> reqwest::Response {
        let timestamp = (chrono::Utc::now().timestamp() + skew).to_string();
        let signature = self.key.sign(&timestamp, body);
        self.post(body, Some(&timestamp), Some(&signature)).await
    }

    pub async fn post(
        &self,
        body: &[u8],
        timestamp: Option<&str>,
        signature: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/interactions", self.url))
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(t) = timestamp {
            request = request.header("X-Signature-Timestamp", t);
        }
        if let Some(s) = signature {
            request = request.header("X-Signature-Ed25519", s);
        }
        request.send().await.expect("the endpoint answers")
    }
}
