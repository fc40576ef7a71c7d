//! The gateway bot end to end: a real serenity Client against the fake Discord.

use std::time::Duration;

use serde_json::json;

use crate::support::db::block_commands;
use crate::support::fake_discord::payloads::{
    self, command, roadmap_phase, subcommand, MEMBER_PERMISSIONS, STAFF_PERMISSIONS,
};
use crate::support::fake_discord::{Failure, FakeDiscord};
use crate::support::transport::RunningGateway;
use crate::support::{discord_limits, text};

const NOW: Duration = Duration::from_secs(2);

fn callback_of(id: u64) -> impl Fn(&crate::support::fake_discord::Recorded) -> bool {
    move |r| r.method == "POST" && r.path == format!("/interactions/{id}/token-{id}/callback")
}

#[tokio::test]
async fn roadmap_phase_2_is_answered_with_a_spec_valid_callback() {
    let fake = FakeDiscord::start().await;
    let bot = RunningGateway::start(&fake, NOW).await;
    fake.gateway.push_interaction(roadmap_phase(1001, 2)).await;

    let callback = fake.rest.wait_for(true, callback_of(1001)).await;
    assert_eq!(callback.body["type"], 4);
    let shown = text(&callback.body);
    let phase = bot
        .dispatcher
        .app
        .content
        .default_roadmap()
        .phase(2)
        .unwrap();
    assert!(
        shown.contains(&format!("Phase 2 · {}", phase.title)),
        "{shown}"
    );
    for topic in phase.topics() {
        assert!(shown.contains(&topic.id), "{} missing", topic.id);
    }
    assert_eq!(
        callback.body["data"]["allowed_mentions"]["parse"],
        json!([])
    );
    assert!(discord_limits::violations(&callback.body).is_empty());
    fake.rest.assert_spec_clean();
    bot.stop().await;
}

#[tokio::test]
async fn slow_replies_are_deferred_then_edited_in() {
    let fake = FakeDiscord::start().await;
    // A zero deadline, and a lock the command waits for, make the deferral path certain.
    let bot = RunningGateway::start(&fake, Duration::ZERO).await;
    let blocker = block_commands(&bot.dispatcher.app.db).await;
    fake.gateway
        .push_interaction(subcommand(1002, "settings", "show", STAFF_PERMISSIONS))
        .await;

    let ack = fake.rest.wait_for(true, callback_of(1002)).await;
    assert_eq!(ack.body["type"], 5, "deferred: {}", ack.body);
    assert_eq!(ack.body["data"]["flags"], 64, "privately, like its reply");
    blocker.commit().await.unwrap();
    let edit = fake
        .rest
        .wait_for(true, |r| {
            r.method == "PATCH" && r.path.ends_with("/token-1002/messages/@original")
        })
        .await;
    assert!(edit
        .path
        .starts_with(&format!("/webhooks/{}/", payloads::APPLICATION_ID)));
    assert!(
        text(&edit.body).contains("Waypoint settings"),
        "{}",
        edit.body
    );
    assert_eq!(edit.body["allowed_mentions"]["parse"], json!([]));

    // A lock held past the command's lock timeout: the deferred message becomes a "try
    // again" instead of staying "thinking…" for good.
    let blocker = block_commands(&bot.dispatcher.app.db).await;
    fake.gateway
        .push_interaction(subcommand(1003, "settings", "show", STAFF_PERMISSIONS))
        .await;
    let ack = fake.rest.wait_for(true, callback_of(1003)).await;
    assert_eq!(ack.body["type"], 5);
    let edit = fake
        .rest
        .wait_for(true, |r| {
            r.method == "PATCH" && r.path.ends_with("/token-1003/messages/@original")
        })
        .await;
    assert!(text(&edit.body).contains("try again"), "{}", edit.body);
    blocker.commit().await.unwrap();
    fake.rest.assert_spec_clean();
    bot.stop().await;
}

#[tokio::test]
async fn buttons_and_menus_answer_privately_even_when_deferred() {
    let fake = FakeDiscord::start().await;
    let bot = RunningGateway::start(&fake, NOW).await;
    // A click on a public message: a new private message for the clicker.
    fake.gateway
        .push_interaction(payloads::component(1101, "roadmap:phase:4", &[], false))
        .await;
    let public = fake.rest.wait_for(true, callback_of(1101)).await;
    assert_eq!(
        (
            public.body["type"].as_u64(),
            public.body["data"]["flags"].as_u64()
        ),
        (Some(4), Some(64))
    );
    assert!(text(&public.body).contains("Phase 4 ·"));
    // A pick in the menu of a private message: that message is updated in place.
    fake.gateway
        .push_interaction(payloads::component(
            1102,
            "roadmap:topic",
            &["kaggle-typo"],
            true,
        ))
        .await;
    let update = fake.rest.wait_for(true, callback_of(1102)).await;
    assert_eq!(
        update.body["type"], 4,
        "an unknown pick is an error, sent as a new private message"
    );
    fake.gateway
        .push_interaction(payloads::component(
            1103,
            "roadmap:topic",
            &["internships"],
            true,
        ))
        .await;
    let update = fake.rest.wait_for(true, callback_of(1103)).await;
    assert_eq!(update.body["type"], 7);
    assert!(text(&update.body).contains("topic id: internships"));
    fake.rest.assert_spec_clean();
    bot.stop().await;
}

#[tokio::test]
async fn autocomplete_and_staff_checks_go_through_the_gateway() {
    let fake = FakeDiscord::start().await;
    let bot = RunningGateway::start(&fake, NOW).await;
    fake.gateway
        .push_interaction(payloads::autocomplete_in(
            1004, "roadmap", "topic", "topic", "kube",
        ))
        .await;
    let choices = fake.rest.wait_for(true, callback_of(1004)).await;
    assert_eq!(choices.body["type"], 8);
    assert_eq!(choices.body["data"]["choices"][0]["value"], "kubernetes");

    // Discord hides staff commands from members, but the handler checks again.
    fake.gateway
        .push_interaction(subcommand(
            1005,
            "settings",
            "show",
            payloads::MEMBER_PERMISSIONS,
        ))
        .await;
    let refused = fake.rest.wait_for(true, callback_of(1005)).await;
    assert_eq!(refused.body["data"]["flags"], 64);
    assert!(
        text(&refused.body).contains("for server staff"),
        "{}",
        refused.body
    );

    fake.gateway
        .push_interaction(subcommand(1006, "settings", "show", "32"))
        .await;
    let shown = fake.rest.wait_for(true, callback_of(1006)).await;
    assert!(
        text(&shown.body).contains("Waypoint settings"),
        "{}",
        shown.body
    );
    fake.rest.assert_spec_clean();
    bot.stop().await;
}

#[tokio::test]
async fn discord_errors_are_survived() {
    let fake = FakeDiscord::start().await;
    let bot = RunningGateway::start(&fake, NOW).await;
    let failures = [
        Failure::rate_limited("/interactions/2001/", 0.5),
        Failure::server_error("/interactions/2002/"),
        Failure::missing_permissions("/interactions/2003/"),
        Failure::unknown_channel("/interactions/2004/"),
    ];
    for (failure, id) in failures.into_iter().zip(2001..) {
        fake.rest.fail_next(failure);
        fake.gateway
            .push_interaction(subcommand(id, "roadmap", "overview", MEMBER_PERMISSIONS))
            .await;
        fake.rest.wait_for(true, callback_of(id)).await;
    }
    // Each failure was answered once and not retried in a loop; the bot still serves.
    fake.gateway
        .push_interaction(command(2005, "help", &[]))
        .await;
    let ok = fake.rest.wait_for(true, callback_of(2005)).await;
    assert!(text(&ok.body).contains("/roadmap"));
    let callbacks = fake
        .rest
        .api_requests()
        .iter()
        .filter(|r| r.path.ends_with("/callback"))
        .count();
    assert_eq!(callbacks, 5, "no request was repeated");
    fake.rest.assert_spec_clean();
    bot.stop().await;
}
