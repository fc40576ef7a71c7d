//! `/settings roadmap export`: the roadmap a server follows, as one file staff can keep and
//! edit, through the console's dispatcher and over HTTP (a deferral, then an edit with the
//! file, since an HTTP response body cannot carry one).

use std::path::Path;

use waypoint::render::Response;

use crate::support::fake_discord::payloads::{self, grouped};
use crate::support::fake_discord::FakeDiscord;
use crate::support::transport::RunningEndpoint;
use crate::support::{self, json, run_as, shipped_library, text, Who};

const GUILD: u64 = 9_400;
const STAFF: Who = Who::staff(GUILD, 1);
const MEMBER: Who = Who::member(GUILD, 2);

/// The file reads back as the roadmap the server follows.
fn assert_is_the_shipped_roadmap(name: &str, bytes: &[u8]) {
    let shipped = shipped_library().roadmaps.remove(0);
    assert_eq!(name, format!("{}.toml", shipped.id));
    let back = waypoint::content::load_bytes(Path::new(name), bytes)
        .unwrap_or_else(|e| panic!("{e}"))
        .roadmaps
        .remove(0);
    let ids = |r: &waypoint::roadmap::Roadmap| -> Vec<String> {
        r.topics().map(|t| t.topic.id.clone()).collect()
    };
    assert_eq!(ids(&back), ids(&shipped));
    assert_eq!(back.prompts.len(), shipped.prompts.len());
}

#[tokio::test]
async fn staff_get_the_servers_roadmap_as_one_file() {
    let bot = support::bot().await;
    let outcome = run_as(&bot, STAFF, "/settings roadmap export").await;
    assert!(!outcome.failed, "{}", text(&json(&outcome)));
    assert_eq!(json(&outcome)["data"]["flags"], 64, "only staff see it");
    let Response::Message(reply) = &outcome.response else {
        panic!("expected a message")
    };
    let file = reply.files.first().expect("a file");
    assert_is_the_shipped_roadmap(&file.name, &file.bytes);
    assert!(text(&json(&outcome)).contains("check-content"));

    let refused = run_as(&bot, MEMBER, "/settings roadmap export").await;
    assert!(refused.failed);
    assert!(!matches!(&refused.response, Response::Message(r) if !r.files.is_empty()));

    // The group is listed with its sub-command, and a call that stops at it is told what to add.
    let help = text(&json(&run_as(&bot, STAFF, "/help").await));
    assert!(help.contains("/settings roadmap export"), "{help}");
    let bare = run_as(&bot, STAFF, "/settings roadmap").await;
    assert!(bare.failed);
    assert!(
        text(&json(&bare)).contains("export"),
        "{}",
        text(&json(&bare))
    );
}

#[tokio::test]
async fn over_http_the_roadmap_file_comes_as_an_edit() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, std::time::Duration::from_secs(2)).await;
    let interaction = grouped(
        6201,
        "settings",
        "roadmap",
        "export",
        payloads::STAFF_PERMISSIONS,
    );
    let (name, bytes) = endpoint.file_reply(&fake, &interaction, 6201).await;
    assert_is_the_shipped_roadmap(&name, &bytes);
    fake.rest.assert_spec_clean();
}
