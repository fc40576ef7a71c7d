//! Command registration against the fake Discord.

use serde_json::Value;
use serenity::all::GuildId;
use waypoint::discord::register::register;

use crate::support::fake_discord::payloads::APPLICATION_ID;
use crate::support::fake_discord::FakeDiscord;
use crate::support::transport;

#[tokio::test]
async fn registration_sends_every_command_in_a_spec_valid_body() {
    let fake = FakeDiscord::start().await;
    let registry = waypoint::commands::registry().unwrap();
    let http = transport::http(&fake);

    let registered = register(&http, &registry, Some(GuildId::new(42))).await;
    fake.rest.assert_spec_clean();
    let registered = registered.unwrap();
    assert_eq!(registered.len(), registry.iter().count());
    let request = fake.rest.requests().pop().unwrap();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        (
            "PUT",
            &*format!("/applications/{APPLICATION_ID}/guilds/42/commands")
        )
    );
    fake.rest.assert_spec_clean();

    let sent = request.body.as_array().unwrap();
    let names: Vec<_> = sent.iter().map(|c| c["name"].as_str().unwrap()).collect();
    let expected: Vec<_> = registry.iter().map(|s| s.name).collect();
    assert_eq!(names, expected);
    let by_name = |name: &str| sent.iter().find(|c| c["name"] == name).unwrap().clone();
    assert_eq!(
        by_name("settings")["default_member_permissions"],
        "32",
        "staff commands need Manage Server"
    );
    assert_eq!(
        by_name("roadmap")["default_member_permissions"],
        Value::Null
    );
    let roadmap = by_name("roadmap");
    let subs: Vec<_> = roadmap["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["type"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        subs,
        [("overview", 1), ("phase", 1), ("topic", 1), ("search", 1)],
        "sub-commands only: Discord allows no plain option beside them"
    );
    // Up to the most phases any roadmap may have: a server's own may have more than four.
    let number = &roadmap["options"][1]["options"][0];
    assert_eq!(
        (number["min_value"].as_u64(), number["max_value"].as_u64()),
        (Some(1), Some(u64::from(waypoint::roadmap::MAX_PHASES)))
    );
    assert_eq!(number["required"], true);
    for (sub, option) in [(2, "topic"), (3, "query")] {
        let typed = &roadmap["options"][sub]["options"][0];
        assert_eq!(typed["name"], option);
        assert_eq!(typed["autocomplete"], true, "{option}");
        assert_eq!(typed["required"], true, "{option}");
    }

    register(&http, &registry, None).await.unwrap();
    let global = fake.rest.requests().pop().unwrap();
    assert_eq!(
        global.path,
        format!("/applications/{APPLICATION_ID}/commands")
    );
    fake.rest.assert_spec_clean();
}
