//! `/roadmap search`: ranked matches over the whole text of the server's roadmap, through the
//! console parser and the signed HTTP endpoint, its menu, its refusals and its autocomplete.

use serde_json::{json, Value};
use waypoint::render::Response;

use crate::autocomplete::choices;
use crate::support::fake_discord::payloads::{self, subcommand_with, MEMBER_PERMISSIONS};
use crate::support::fake_discord::FakeDiscord;
use crate::support::transport::RunningEndpoint;
use crate::support::{self, click_as, discord_limits, json, run, run_mine, text, Who};

/// The topic ids the answer's menu offers, best first.
fn offered(body: &Value) -> Vec<String> {
    body["data"]["components"][0]["components"][0]["options"]
        .as_array()
        .unwrap_or_else(|| panic!("a menu of results: {body}"))
        .iter()
        .map(|o| o["value"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn typos_and_word_order_find_the_topic_meant() {
    let bot = support::bot().await;
    for (line, first) in [
        ("/roadmap search query:\"pytorh tensor\"", "pytorch"),
        ("/roadmap search query:\"tensor pytorh\"", "pytorch"),
        ("/roadmap search query:gradient", "calculus"),
        ("/roadmap search query:kubernets", "kubernetes"),
    ] {
        let outcome = run(&bot, line).await;
        assert!(!outcome.failed, "{line}: {:?}", outcome.response);
        let body = json(&outcome);
        assert_eq!(body["type"], 4, "{line}");
        assert_ne!(body["data"]["flags"], 64, "{line}: results are public");
        assert!(discord_limits::violations(&body).is_empty(), "{body}");
        let ids = offered(&body);
        assert_eq!(
            ids.first().map(String::as_str),
            Some(first),
            "{line}: {ids:?}"
        );
        assert!(ids.len() <= 8, "{line}: {ids:?}");
    }
}

#[tokio::test]
async fn each_result_says_where_it_sits_and_why_it_matched() {
    let bot = support::bot().await;
    let body = json(&run(&bot, "/roadmap search query:\"pytorh tensor\"").await);
    let description = body["data"]["embeds"][0]["description"].as_str().unwrap();
    let first = description.split("\n\n").next().unwrap();
    assert!(
        first.contains("PyTorch") && first.contains("Phase 2 › Deep learning and frameworks"),
        "{first}"
    );
    assert!(
        first.contains("what to learn: Tensors, autograd"),
        "the piece that matched: {first}"
    );
    let title = body["data"]["embeds"][0]["title"].as_str().unwrap();
    assert!(title.contains("pytorh tensor"), "{title}");
}

#[tokio::test]
async fn the_menu_opens_a_result_as_roadmap_topic_does() {
    let bot = support::bot().await;
    let who = Who::member(support::GUILD, support::USER);
    let body = json(&run(&bot, "/roadmap search query:gradient").await);
    let menu = &body["data"]["components"][0]["components"][0];
    let custom_id = menu["custom_id"].as_str().unwrap();
    let picked = offered(&body)[0].clone();

    let opened = click_as(&bot, who, custom_id, &[picked.as_str()]).await;
    assert!(!opened.failed, "{:?}", opened.response);
    let Response::Message(reply) = &opened.response else {
        panic!("{:?}", opened.response)
    };
    assert!(reply.ephemeral, "the clicker's own copy");
    let topic = run_mine(&bot, who, &format!("/roadmap topic topic:{picked}")).await;
    assert_eq!(
        json(&opened)["data"]["embeds"],
        json(&topic)["data"]["embeds"],
        "the same view as /roadmap topic"
    );
    assert!(text(&json(&opened)).contains("topic id: calculus"));
}

#[tokio::test]
async fn a_picked_suggestion_opens_its_topic_at_once() {
    let bot = support::bot().await;
    let picked = json(&run(&bot, "/roadmap search query:pytorch").await);
    let topic = json(&run(&bot, "/roadmap topic topic:pytorch").await);
    assert_eq!(picked, topic);
}

#[tokio::test]
async fn an_empty_or_hopeless_query_gets_a_private_hint_and_changes_nothing() {
    let bot = support::bot().await;
    for (line, expected) in [
        ("/roadmap search query:\" \"", "Type what to look for"),
        (
            "/roadmap search query:\"how to the\"",
            "Type what to look for",
        ),
        ("/roadmap search query:?!", "Type what to look for"),
        (
            "/roadmap search query:\"qqqzzzxx vvvbbbnn\"",
            "Nothing in the AI Engineer roadmap matches",
        ),
        ("/roadmap search", "needs `query`"),
    ] {
        let outcome = run(&bot, line).await;
        assert!(outcome.failed, "{line}");
        let body = json(&outcome);
        assert_eq!(body["data"]["flags"], 64, "{line}: errors are ephemeral");
        let shown = text(&body);
        assert!(shown.contains(expected), "{line}: {shown}");
    }
    let hopeless = text(&json(
        &run(&bot, "/roadmap search query:\"qqqzzzxx vvvbbbnn\"").await,
    ));
    assert!(
        hopeless.contains("/roadmap overview"),
        "says what to try instead: {hopeless}"
    );
    for table in ["members", "topic_progress", "points_ledger"] {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&bot.app.db)
            .await
            .unwrap();
        assert_eq!(rows, 0, "a refused search writes nothing to {table}");
    }
}

#[tokio::test]
async fn autocomplete_offers_what_was_typed_then_the_best_matches() {
    let bot = support::bot().await;
    let typed = choices(&bot, "search", "query", "pytorh tens").await;
    assert_eq!(
        typed[0].1, "pytorh tens",
        "Enter searches for what was typed"
    );
    assert_eq!(typed[1].1, "pytorch", "{typed:?}");
    assert!(typed.len() <= 25);
    for (name, value) in &typed {
        assert!(name.chars().count() <= 100 && value.chars().count() <= 100);
    }
    // Every suggestion opens something.
    for (_, value) in &typed {
        let outcome = run(&bot, &format!("/roadmap search query:\"{value}\"")).await;
        assert!(!outcome.failed, "{value}: {:?}", outcome.response);
    }

    let browsing = choices(&bot, "search", "query", "").await;
    assert_eq!(browsing.len(), 25, "nothing typed: the topics in order");
    assert_eq!(browsing[0].1, "python");
    assert!(choices(&bot, "search", "query", "qqqqzzzz")
        .await
        .is_empty());
    assert!(choices(&bot, "search", "query", "the").await.is_empty());
}

#[tokio::test]
async fn over_the_signed_endpoint_search_and_its_suggestions_answer_in_discord_s_shape() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, std::time::Duration::from_secs(2)).await;
    let search = subcommand_with(
        21,
        "roadmap",
        "search",
        &[("query", 3, json!("pytorh tensor"))],
        json!({}),
        MEMBER_PERMISSIONS,
    );
    let response = endpoint
        .post_signed(&serde_json::to_vec(&search).unwrap(), 0)
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], 4);
    assert_eq!(offered(&body)[0], "pytorch");
    crate::support::fake_discord::spec::spec()
        .check("POST", "/interactions/21/token-21/callback", &body)
        .expect("a valid interaction callback");

    let typing = payloads::autocomplete_in(22, "roadmap", "search", "query", "gradi");
    let response = endpoint
        .post_signed(&serde_json::to_vec(&typing).unwrap(), 0)
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], 8);
    assert_eq!(body["data"]["choices"][0]["value"], "gradi");
    assert_eq!(body["data"]["choices"][1]["value"], "calculus", "{body}");
    crate::support::fake_discord::spec::spec()
        .check("POST", "/interactions/22/token-22/callback", &body)
        .expect("a valid autocomplete callback");
}
