//! Topic autocomplete: at most 25 relevant choices, whatever was typed. (`query` of
//! `/roadmap search` is in `roadmap_search.rs`.)

use waypoint::commands::{Action, CommandCall, Dispatcher};
use waypoint::render::Response;

use crate::support::{self, discord_limits, invocation, json};

async fn complete(bot: &Dispatcher, partial: &str) -> Vec<(String, String)> {
    choices(bot, "topic", "topic", partial).await
}

/// The choices offered while typing `partial` into `option` of `/roadmap sub`.
pub async fn choices(
    bot: &Dispatcher,
    sub: &str,
    option: &str,
    partial: &str,
) -> Vec<(String, String)> {
    let action = Action::Autocomplete {
        call: CommandCall {
            name: "roadmap".into(),
            path: vec![sub.into()],
            ..CommandCall::default()
        },
        focused: option.into(),
        partial: partial.into(),
    };
    let outcome = bot.dispatch(&invocation(action)).await;
    let body = json(&outcome);
    assert_eq!(body["type"], 8);
    assert!(discord_limits::violations(&body).is_empty(), "{body}");
    let Response::Choices(choices) = outcome.response else {
        panic!("expected choices")
    };
    choices.into_iter().map(|c| (c.name, c.value)).collect()
}

#[tokio::test]
async fn empty_input_offers_the_first_25_topics_in_order() {
    let bot = support::bot().await;
    let choices = complete(&bot, "").await;
    assert_eq!(
        choices.len(),
        25,
        "there are more than 25 topics, capped at 25"
    );
    assert_eq!(choices[0].1, "python");
}

#[tokio::test]
async fn partial_input_matches_ids_and_titles() {
    let bot = support::bot().await;
    let py: Vec<_> = complete(&bot, "py")
        .await
        .into_iter()
        .map(|c| c.1)
        .collect();
    assert_eq!(&py[..2], ["python", "pytorch"], "id prefixes first: {py:?}");

    let cloud: Vec<_> = complete(&bot, "CLOUD")
        .await
        .into_iter()
        .map(|c| c.1)
        .collect();
    assert!(
        cloud.contains(&"cloud-platforms".to_string())
            && cloud.contains(&"cloud-ml-services".to_string())
    );
    assert!(cloud.len() < 10, "only relevant topics: {cloud:?}");

    // A word inside the title, not the id.
    let vision = complete(&bot, "vision").await;
    assert_eq!(vision[0].1, "computer-vision");
    assert!(
        vision[0].0.contains("phase 2"),
        "the name says where it sits: {}",
        vision[0].0
    );
}

#[tokio::test]
async fn typos_still_find_something_and_nonsense_finds_nothing() {
    let bot = support::bot().await;
    let typo: Vec<_> = complete(&bot, "kubernets")
        .await
        .into_iter()
        .map(|c| c.1)
        .collect();
    assert_eq!(typo.first().map(String::as_str), Some("kubernetes"));
    assert!(complete(&bot, "qqqqzzzz").await.is_empty());
}

#[tokio::test]
async fn every_choice_value_opens_its_topic() {
    let bot = support::bot().await;
    for (_, value) in complete(&bot, "e").await {
        let outcome = crate::support::run(&bot, &format!("/roadmap topic topic:{value}")).await;
        assert!(!outcome.failed, "{value}");
    }
}
