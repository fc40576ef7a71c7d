//! The HTTP interactions endpoint: signatures, PING, commands, deferral, bad input, health.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::fake_discord::payloads::{
    self, command, roadmap_phase, subcommand_with, MEMBER_PERMISSIONS,
};
use crate::support::fake_discord::FakeDiscord;
use crate::support::text;
use crate::support::transport::RunningEndpoint;

const NOW: Duration = Duration::from_secs(2);

/// A case name, a body, and the timestamp and signature headers (absent when `None`).
type Attempt<'a> = (&'a str, &'a [u8], Option<&'a str>, Option<&'a str>);

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

#[tokio::test]
async fn signatures_are_enforced() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, NOW).await;
    let body = bytes(&payloads::ping(1));

    let ok = endpoint.post_signed(&body, 0).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().await.unwrap(),
        json!({ "type": 1 }),
        "PING → PONG"
    );

    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = endpoint.key.sign(&timestamp, &body);
    let mut tampered_body = body.clone();
    tampered_body[2] ^= 1;
    let mut tampered_signature = signature.clone().into_bytes();
    tampered_signature[0] = if tampered_signature[0] == b'a' {
        b'b'
    } else {
        b'a'
    };
    let tampered_signature = String::from_utf8(tampered_signature).unwrap();
    let other_timestamp = (chrono::Utc::now().timestamp() - 1).to_string();

    let cases: [Attempt; 6] = [
        (
            "tampered body",
            &tampered_body,
            Some(&timestamp),
            Some(&signature),
        ),
        (
            "tampered signature",
            &body,
            Some(&timestamp),
            Some(&tampered_signature),
        ),
        (
            "tampered timestamp",
            &body,
            Some(&other_timestamp),
            Some(&signature),
        ),
        ("missing signature", &body, Some(&timestamp), None),
        ("missing timestamp", &body, None, Some(&signature)),
        ("signature not hex", &body, Some(&timestamp), Some("zz")),
    ];
    for (case, body, timestamp, signature) in cases {
        let response = endpoint.post(body, timestamp, signature).await;
        assert_eq!(response.status(), 401, "{case}");
    }
    let stale = endpoint.post_signed(&body, -6 * 60).await;
    assert_eq!(
        stale.status(),
        401,
        "a timestamp six minutes old is a replay"
    );
    let future = endpoint.post_signed(&body, 6 * 60).await;
    assert_eq!(future.status(), 401);
}

#[tokio::test]
async fn commands_return_the_response_json() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, NOW).await;
    let response = endpoint.post_signed(&bytes(&roadmap_phase(10, 2)), 0).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], 4);
    assert!(text(&body).contains("Phase 2 · Machine learning and deep learning"));
    crate::support::fake_discord::spec::spec()
        .check("POST", "/interactions/10/token-10/callback", &body)
        .expect("the response body is a valid interaction callback");

    let autocomplete = endpoint
        .post_signed(
            &bytes(&payloads::autocomplete_in(
                11, "roadmap", "topic", "topic", "sq",
            )),
            0,
        )
        .await;
    let choices: Value = autocomplete.json().await.unwrap();
    assert_eq!(choices["type"], 8);
    assert_eq!(choices["data"]["choices"][0]["value"], "sql");
}

#[tokio::test]
async fn slow_work_is_deferred_and_completed_by_a_follow_up_edit() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, Duration::ZERO).await;
    let blocker = crate::support::db::block_commands(&endpoint.dispatcher.app.db).await;
    let response = endpoint
        .post_signed(
            &bytes(&payloads::subcommand(
                12,
                "settings",
                "show",
                payloads::STAFF_PERMISSIONS,
            )),
            0,
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], 5, "{body}");
    blocker.commit().await.unwrap();
    let edit = fake
        .rest
        .wait_for(true, |r| {
            r.method == "PATCH" && r.path.ends_with("/token-12/messages/@original")
        })
        .await;
    assert!(
        text(&edit.body).contains("Waypoint settings"),
        "{}",
        edit.body
    );
    fake.rest.assert_spec_clean();
}

#[tokio::test]
async fn bad_requests_get_4xx_never_5xx() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, NOW).await;
    let mut unknown_type = payloads::ping(13);
    unknown_type["type"] = json!(99);
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("garbage JSON", b"{not json".to_vec(), 400),
        ("unknown interaction type", bytes(&unknown_type), 400),
        ("empty body", Vec::new(), 400),
    ];
    for (case, body, status) in cases {
        let response = endpoint.post_signed(&body, 0).await;
        assert_eq!(response.status(), status, "{case}");
    }
    let oversize = vec![b' '; 65 * 1024];
    assert_eq!(endpoint.post_signed(&oversize, 0).await.status(), 413);

    // Well-formed but wrong for the command: a member-facing error, with status 200.
    let wrong_type = subcommand_with(
        14,
        "roadmap",
        "phase",
        &[("number", 3, json!("two"))],
        json!({}),
        MEMBER_PERMISSIONS,
    );
    let response = endpoint.post_signed(&bytes(&wrong_type), 0).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["flags"], 64);
    assert!(
        text(&body).contains("`number` takes a whole number"),
        "{body}"
    );

    let unknown = command(15, "teleport", &[]);
    let body: Value = endpoint
        .post_signed(&bytes(&unknown), 0)
        .await
        .json()
        .await
        .unwrap();
    assert!(text(&body).contains("no command `/teleport`"));
}

#[tokio::test]
async fn health_reports_the_database() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, NOW).await;
    let health = || {
        endpoint
            .client
            .get(format!("{}/healthz", endpoint.url))
            .send()
    };
    assert_eq!(health().await.unwrap().status(), 200);
    endpoint.dispatcher.app.db.close().await;
    let degraded = health().await.unwrap();
    assert_eq!(degraded.status(), 503);
    assert_eq!(
        degraded.json::<Value>().await.unwrap()["database"],
        "unreachable"
    );
    // Content is served from memory: the outage does not touch it.
    let response = endpoint.post_signed(&bytes(&roadmap_phase(15, 2)), 0).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], 4, "answered at once, not deferred: {body}");
    assert!(text(&body).contains("Phase 2 ·"));
}
