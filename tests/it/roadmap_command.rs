//! `/roadmap` and `/help` through the dispatcher, checked on the JSON Discord would receive.

use waypoint::commands::Action;
use waypoint::render::Response;

use crate::support::{self, discord_limits, invocation, json, run, text};

#[tokio::test]
async fn every_view_fits_discord_limits() {
    let bot = support::bot().await;
    let roadmap = bot.app.content.default_roadmap();
    let mut lines = vec!["/roadmap overview".to_string(), "/help".to_string()];
    lines.extend(
        roadmap
            .phases
            .iter()
            .map(|p| format!("/roadmap phase number:{}", p.number)),
    );
    lines.extend(
        roadmap
            .topics()
            .map(|t| format!("/roadmap topic topic:{}", t.topic.id)),
    );
    assert_eq!(lines.len(), 2 + 4 + roadmap.topic_count());

    for line in &lines {
        let outcome = run(&bot, line).await;
        assert!(!outcome.failed, "{line} failed: {:?}", outcome.response);
        let body = json(&outcome);
        assert_eq!(body["type"], 4, "{line} answers with a message");
        let problems = discord_limits::violations(&body);
        assert!(
            problems.is_empty(),
            "{line} breaks Discord limits: {problems:?}"
        );
        assert_eq!(
            body["data"]["allowed_mentions"]["parse"],
            serde_json::json!([]),
            "{line} pings nobody"
        );
    }
}

#[tokio::test]
async fn overview_lists_every_phase_and_how_to_go_deeper() {
    let bot = support::bot().await;
    let body = json(&run(&bot, "/roadmap overview").await);
    let shown = text(&body);
    for phase in &bot.app.content.default_roadmap().phases {
        assert!(
            shown.contains(&format!("Phase {} · {}", phase.number, phase.title)),
            "{shown}"
        );
    }
    assert!(shown.contains("/roadmap phase number:"), "{shown}");
    assert!(shown.contains("/roadmap topic topic:"), "{shown}");
    assert!(shown.contains("/roadmap search query:"), "{shown}");
}

#[tokio::test]
async fn a_phase_shows_its_sections_topics_and_navigation() {
    let bot = support::bot().await;
    let body = json(&run(&bot, "/roadmap phase number:2").await);
    let shown = text(&body);
    let phase = bot.app.content.default_roadmap().phase(2).unwrap();
    for section in &phase.sections {
        assert!(shown.contains(&section.title), "section {}", section.id);
        for topic in &section.topics {
            assert!(shown.contains(&topic.id), "topic {}", topic.id);
        }
    }
    let ids: Vec<_> = body["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().iter())
        .map(|c| c["custom_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "roadmap:topic",
            "roadmap:phase:1",
            "roadmap:overview",
            "roadmap:phase:3",
            // "My progress": this phase again, privately, with the clicker's marks.
            "roadmap:phase:2"
        ]
    );
}

#[tokio::test]
async fn a_topic_shows_why_what_action_and_resources() {
    let bot = support::bot().await;
    let body = json(&run(&bot, "/roadmap topic topic:calculus").await);
    let shown = text(&body);
    let topic = bot
        .app
        .content
        .default_roadmap()
        .topic("calculus")
        .unwrap()
        .topic;
    assert!(shown.contains(&topic.title));
    assert!(shown.contains(&topic.why));
    assert!(shown.contains(&topic.action));
    for item in &topic.learn {
        assert!(shown.contains(item.as_str()));
    }
    for resource in &topic.resources {
        assert!(shown.contains(&resource.name));
    }
    // Topics can also be found by title, ignoring case.
    let by_title = json(
        &run(
            &bot,
            &format!("/roadmap topic topic:\"{}\"", topic.title.to_uppercase()),
        )
        .await,
    );
    assert_eq!(by_title, body);
}

#[tokio::test]
async fn help_lists_every_registered_command() {
    let bot = support::bot().await;
    let outcome = run(&bot, "/help").await;
    let body = json(&outcome);
    assert_eq!(body["data"]["flags"], 64, "help is ephemeral");
    let shown = text(&body);
    let names: Vec<_> = bot.registry.iter().map(|s| s.name).collect();
    assert!(names.contains(&"roadmap") && names.contains(&"help"));
    for name in names {
        assert!(
            shown.contains(&format!("`/{name}")),
            "/help misses /{name}:\n{shown}"
        );
    }
}

#[tokio::test]
async fn out_of_range_phase_explains_the_range_and_changes_nothing() {
    let bot = support::bot().await;
    let outcome = run(&bot, "/roadmap phase number:99").await;
    assert!(outcome.failed);
    let body = json(&outcome);
    assert_eq!(body["data"]["flags"], 64, "errors are ephemeral");
    let range = format!("between 1 and {}", waypoint::roadmap::MAX_PHASES);
    assert!(text(&body).contains(&range), "{body}");
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM members")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert_eq!(members, 0, "a refused command records nothing");
}

#[tokio::test]
async fn unknown_topic_suggests_close_matches() {
    let bot = support::bot().await;
    let outcome = run(&bot, "/roadmap topic topic:pytorh").await;
    assert!(outcome.failed);
    let shown = text(&json(&outcome));
    assert!(shown.contains("no topic `pytorh`"), "{shown}");
    assert!(shown.contains("Did you mean `pytorch`"), "{shown}");

    let nothing_close = text(&json(&run(&bot, "/roadmap topic topic:zzzzqqq").await));
    assert!(nothing_close.contains("Start typing"), "{nothing_close}");
}

#[tokio::test]
async fn the_console_accepts_options_written_with_a_space() {
    let bot = support::bot().await;
    let spaced = run(&bot, "/roadmap phase number 2").await;
    assert!(!spaced.failed);
    assert_eq!(
        json(&spaced),
        json(&run(&bot, "roadmap phase number:2").await)
    );
    let dangling = run(&bot, "/roadmap phase number").await;
    assert!(text(&json(&dangling)).contains("`number` needs a value"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_ephemeral_error() {
    let bot = support::bot().await;
    let cases = [
        ("/roadmap phase number:2 topic:sql", "no option `topic`"),
        ("/roadmap phase number:two", "whole number"),
        ("/roadmap overview colour:blue", "no option `colour`"),
        ("/roadmap phase number:2 number:3", "given twice"),
        ("/roadmp", "no command `/roadmp`"),
        ("/roadmap topic topic:\"unclosed", "unclosed quote"),
        ("/roadmap 2", "no sub-command `2`"),
        ("/roadmap", "needs a sub-command"),
        ("/roadmap phase", "needs `number`"),
        ("/roadmap phase:2", "needs a sub-command"),
    ];
    for (line, expected) in cases {
        let outcome = run(&bot, line).await;
        assert!(outcome.failed, "{line} should fail");
        let body = json(&outcome);
        assert_eq!(body["data"]["flags"], 64, "{line}: errors are ephemeral");
        assert!(
            text(&body).contains(expected),
            "{line}: expected {expected:?} in {body}"
        );
    }
}

#[tokio::test]
async fn buttons_navigate_privately() {
    let bot = support::bot().await;
    let click = |custom_id: &str, values: Vec<String>, on_ephemeral: bool| {
        invocation(Action::Component {
            custom_id: custom_id.to_string(),
            values,
            on_ephemeral,
        })
    };
    // On a public message each member gets a private copy...
    let outcome = bot.dispatch(&click("roadmap:phase:3", vec![], false)).await;
    let Response::Message(reply) = &outcome.response else {
        panic!("{outcome:?}")
    };
    assert!(reply.ephemeral);
    assert!(reply.embeds[0]
        .title
        .as_deref()
        .unwrap()
        .starts_with("Phase 3"));
    // ...and their private copy is then updated in place.
    let outcome = bot
        .dispatch(&click("roadmap:topic", vec!["docker".into()], true))
        .await;
    let Response::Update(reply) = &outcome.response else {
        panic!("{outcome:?}")
    };
    assert!(reply.embeds[0]
        .footer
        .as_deref()
        .unwrap()
        .contains("topic id: docker"));
    assert_eq!(json(&outcome)["type"], 7);
    // A stale or forged id gets an explanation, not a crash.
    let outcome = bot.dispatch(&click("roadmap:phase:x", vec![], true)).await;
    assert!(outcome.failed);
    assert!(text(&json(&outcome)).contains("out of date"));
}
