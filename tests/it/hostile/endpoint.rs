//! The signed HTTP interactions endpoint on any body: arbitrary bytes, and JSON shaped like
//! interactions with any types, names, options and values. The signature is always valid, so
//! every request gets past it to the parsing and the commands. No answer is a 5xx, nothing
//! panics (the endpoint's threads are watched), and every 200 fits Discord.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;
use serenity::all::Interaction;

use super::interactions::{damaged, faithful, interaction};
use super::text::{text, Vocabulary};
use super::{body_problems, check, finish, no_problems};
use crate::support::fake_discord::FakeDiscord;
use crate::support::transport::RunningEndpoint;

/// Discord waits three seconds for the first answer.
const DEFER_AFTER: Duration = Duration::from_secs(3);

/// A running endpoint over a seeded database, on a runtime whose threads are named `threads`
/// so that panics on them can be told apart from other tests'.
struct Harness {
    rt: tokio::runtime::Runtime,
    endpoint: RunningEndpoint,
    fake: FakeDiscord,
    threads: &'static str,
    /// Requests sent, and those answered with 200.
    posts: AtomicUsize,
    answered: AtomicUsize,
}

impl Harness {
    fn start(threads: &'static str) -> Self {
        super::watch_panics();
        let rt = super::runtime_named(threads);
        let (fake, endpoint) = rt.block_on(async {
            let fake = FakeDiscord::start().await;
            let endpoint = RunningEndpoint::start(&fake, DEFER_AFTER).await;
            super::dispatch::seed(&endpoint.dispatcher).await;
            (fake, endpoint)
        });
        Self {
            rt,
            endpoint,
            fake,
            threads,
            posts: AtomicUsize::new(0),
            answered: AtomicUsize::new(0),
        }
    }

    /// POSTs `body` with a valid signature and checks the answer.
    fn post(&self, body: &[u8]) -> Result<(), TestCaseError> {
        let endpoint = &self.endpoint;
        let sent = finish(&self.rt, async {
            let timestamp = Utc::now().timestamp().to_string();
            let signature = endpoint.key.sign(&timestamp, body);
            let response = endpoint
                .client
                .post(format!("{}/interactions", endpoint.url))
                .header("content-type", "application/json")
                .header("X-Signature-Timestamp", timestamp)
                .header("X-Signature-Ed25519", signature)
                .body(body.to_vec())
                .send()
                .await?;
            let status = response.status().as_u16();
            Ok::<_, reqwest::Error>((status, response.bytes().await?))
        })?;
        let panics = super::panics_on(self.threads);
        if !panics.is_empty() {
            return Err(TestCaseError::fail(format!(
                "the endpoint panicked:\n{}",
                panics.join("\n")
            )));
        }
        let (status, bytes) = sent
            .map_err(|e| TestCaseError::fail(format!("no answer (the connection died): {e:?}")))?;
        self.posts.fetch_add(1, Ordering::Relaxed);
        let shown = String::from_utf8_lossy(&bytes);
        prop_assert!(status < 500, "status {status}: {shown}");
        prop_assert!(
            matches!(status, 200 | 400 | 413),
            "a signed request answered with {status}: {shown}"
        );
        if status == 200 {
            self.answered.fetch_add(1, Ordering::Relaxed);
            let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
                TestCaseError::fail(format!("a 200 that is not JSON ({e}): {shown}"))
            })?;
            no_problems(body_problems(&body), &body)?;
        }
        Ok(())
    }

    /// Over enough requests, at least one in `one_in` got past parsing to a 200.
    fn assert_answered(&self, one_in: usize) {
        let (posts, answered) = (
            self.posts.load(Ordering::Relaxed),
            self.answered.load(Ordering::Relaxed),
        );
        assert!(
            posts < 50 || answered * one_in >= posts,
            "only {answered} of {posts} requests were answered with 200"
        );
    }

    /// After the property: the endpoint still serves, and whatever it sent Discord later (the
    /// deferred replies) matched Discord's spec.
    fn finish(self) {
        let health = self.rt.block_on(async {
            self.endpoint
                .client
                .get(format!("{}/healthz", self.endpoint.url))
                .send()
                .await
                .map(|r| r.status().as_u16())
        });
        assert_eq!(health.ok(), Some(200), "the endpoint still answers");
        self.fake.rest.assert_spec_clean();
    }
}

#[test]
fn the_endpoint_takes_any_signed_bytes() {
    let harness = Harness::start("hostile-http-bytes");
    let registry = &harness.endpoint.dispatcher.registry;
    let words = Vocabulary::new(&harness.endpoint.dispatcher.app.content.library, registry);
    let bodies = prop_oneof![
        2 => vec(any::<u8>(), 0..2048),
        2 => text().prop_map(String::into_bytes),
        4 => damaged(registry, &words),
        1 => (64usize * 1024 - 64..66 * 1024).prop_map(|n| vec![b' '; n]),
    ];
    check("signed bytes", 150, bodies, |body| harness.post(&body));
    harness.finish();
}

#[test]
fn the_endpoint_takes_any_signed_interaction() {
    let harness = Harness::start("hostile-http-json");
    let registry = &harness.endpoint.dispatcher.registry;
    let words = Vocabulary::new(&harness.endpoint.dispatcher.app.content.library, registry);
    let interactions = prop_oneof![
        1 => interaction(registry, &words),
        1 => faithful(registry, &words),
    ];
    check("signed interactions", 250, interactions, |interaction| {
        let body = serde_json::to_vec(&interaction).expect("JSON serializes");
        harness.post(&body)
    });
    harness.assert_answered(4);
    harness.finish();
}

/// The endpoint reads an interaction's type first and parses the body straight into its
/// model; serenity's own parser goes through a JSON tree. Both must agree on every body: the
/// same interaction when both accept, and no body one accepts and the other refuses.
#[test]
fn the_endpoint_parses_interactions_as_serenity_does() {
    let library = crate::support::shipped_library();
    let registry = waypoint::commands::registry().expect("the shipped commands register");
    let words = Vocabulary::new(&library, &registry);
    let bodies = prop_oneof![
        2 => interaction(&registry, &words).prop_map(|i| serde_json::to_vec(&i).unwrap()),
        2 => faithful(&registry, &words).prop_map(|i| serde_json::to_vec(&i).unwrap()),
        1 => damaged(&registry, &words),
    ];
    check("parse like serenity", 400, bodies, |body| {
        let ours = waypoint::discord::interaction::parse(&body).map(|i| model(&i));
        let serenity = serde_json::from_slice::<Interaction>(&body).map(|i| model(&i));
        match (ours, serenity) {
            (Ok(ours), Ok(serenity)) => prop_assert_eq!(ours, serenity),
            (Err(_), Err(_)) => {}
            (ours, serenity) => prop_assert!(
                false,
                "they disagree on {}: ours {:?}, serenity's {:?}",
                String::from_utf8_lossy(&body),
                ours.err(),
                serenity.err()
            ),
        }
        Ok(())
    });
}

/// The variant and every field (the JSON alone does not tell a command from an autocomplete).
fn model(interaction: &Interaction) -> (String, Value) {
    let variant = format!("{interaction:?}");
    let variant = variant.split('(').next().unwrap_or_default().to_string();
    (
        variant,
        serde_json::to_value(interaction).expect("an interaction serializes"),
    )
}
