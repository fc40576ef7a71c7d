//! `/settings prompts`, `/settings prompts-off` and `/settings show`: what staff set, what they
//! see, and clear errors that change nothing.

use serde_json::{json, Value};
use waypoint::commands::{Action, CommandCall};
use waypoint::render::Response;

use crate::support::fake_discord::payloads::{self, STAFF_PERMISSIONS};
use crate::support::fake_discord::FakeDiscord;
use crate::support::schedule::run_at;
use crate::support::transport::RunningEndpoint;
use crate::support::{self, json, text, Who};

const STAFF: Who = Who::staff(support::GUILD, 1);
const NOW: &str = "2026-11-27T12:00:00Z";

fn now() -> chrono::DateTime<chrono::Utc> {
    NOW.parse().unwrap()
}

async fn show(bot: &waypoint::commands::Dispatcher) -> String {
    text(&json(&run_at(bot, STAFF, "/settings show", now()).await))
}

#[tokio::test]
async fn prompts_are_scheduled_in_the_servers_zone_and_shown_at_a_glance() {
    let bot = support::bot().await;
    assert!(show(&bot)
        .await
        .contains("Off. Turn them on with `/settings prompts`"));

    let outcome = run_at(
        &bot,
        STAFF,
        "/settings prompts channel:#42 day:Monday time:09:00 timezone:europe/berlin",
        now(),
    )
    .await;
    assert!(!outcome.failed);
    let reply = text(&json(&outcome));
    // Monday 30 November, 09:00 in Berlin, is 08:00 UTC.
    let due = "2026-11-30T08:00:00Z"
        .parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap()
        .timestamp();
    assert!(
        reply.contains("every Monday at 09:00 (Europe/Berlin) in <#42>"),
        "{reply}"
    );
    assert!(reply.contains(&format!("<t:{due}:F>")), "{reply}");

    let shown = show(&bot).await;
    assert!(shown.contains("Europe/Berlin"), "{shown}");
    assert!(
        shown.contains("Every Monday at 09:00 (Europe/Berlin) in <#42>"),
        "{shown}"
    );
    assert!(shown.contains(&format!("Next: <t:{due}:F>")), "{shown}");

    // Leaving out the zone keeps the server's.
    run_at(
        &bot,
        STAFF,
        "/settings prompts channel:#42 day:Friday time:18:30",
        now(),
    )
    .await;
    let shown = show(&bot).await;
    assert!(shown.contains("Every Friday at 18:30 (Europe/Berlin) in <#42>"));

    let off = run_at(&bot, STAFF, "/settings prompts-off", now()).await;
    assert!(text(&json(&off)).contains("Weekly prompts are off"));
    assert!(show(&bot).await.contains("Off. Turn them on"));
    let planned: i64 = sqlx::query_scalar("SELECT count(*) FROM scheduled_posts")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert_eq!(planned, 0, "turning prompts off drops the planned post");
}

#[tokio::test]
async fn a_bad_time_or_zone_is_refused_with_an_example_and_changes_nothing() {
    let bot = support::bot().await;
    for (line, example) in [
        (
            "/settings prompts channel:#42 day:Monday time:25:00",
            "time:18:30",
        ),
        (
            "/settings prompts channel:#42 day:Monday time:6pm",
            "time:18:30",
        ),
        (
            "/settings prompts channel:#42 day:Monday time:09:00 timezone:Berlin/Europe",
            "timezone:Europe/Berlin",
        ),
    ] {
        let outcome = run_at(&bot, STAFF, line, now()).await;
        assert!(outcome.failed, "{line}");
        let body = json(&outcome);
        assert_eq!(
            body["data"]["flags"],
            json!(64),
            "{line}: errors are private"
        );
        assert!(text(&body).contains(example), "{line}: {body}");
    }
    assert!(show(&bot).await.contains("Off. Turn them on"));
    let member = run_at(
        &bot,
        Who::member(support::GUILD, 2),
        "/settings prompts channel:#42 day:Monday time:09:00",
        now(),
    )
    .await;
    assert!(member.failed, "members cannot change settings");
    assert!(show(&bot).await.contains("Off. Turn them on"));
}

#[tokio::test]
async fn a_voice_channel_is_refused_through_discord_with_what_to_pick_instead() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, std::time::Duration::from_secs(2)).await;
    let voice = "460000000000000001";
    let payload = payloads::subcommand_with(
        20,
        "settings",
        "prompts",
        &[
            ("channel", 7, json!(voice)),
            ("day", 3, json!("Monday")),
            ("time", 3, json!("09:00")),
        ],
        json!({ "channels": { voice: { "id": voice, "name": "Study hall", "type": 2, "permissions": "0" } } }),
        STAFF_PERMISSIONS,
    );
    let response = endpoint
        .post_signed(&serde_json::to_vec(&payload).unwrap(), 0)
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["flags"], json!(64));
    let shown = text(&body);
    assert!(
        shown.contains("not a text channel") && shown.contains("channel:#general"),
        "{shown}"
    );
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM prompt_schedules")
        .fetch_one(&endpoint.dispatcher.app.db)
        .await
        .unwrap();
    assert_eq!(saved, 0);
}

#[tokio::test]
async fn the_channel_option_only_offers_text_and_announcement_channels() {
    let bot = support::bot().await;
    let definitions = serde_json::to_value(bot.registry.definitions()).unwrap();
    let settings = definitions
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "settings")
        .unwrap();
    let prompts = settings["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "prompts")
        .unwrap();
    let channel = &prompts["options"][0];
    assert_eq!(channel["name"], "channel");
    assert_eq!(channel["channel_types"], json!([0, 5]));
}

#[tokio::test]
async fn time_zones_autocomplete_from_what_was_typed() {
    let bot = support::bot().await;
    let complete = |partial: &str| {
        let action = Action::Autocomplete {
            call: CommandCall {
                name: "settings".into(),
                path: vec!["prompts".into()],
                ..CommandCall::default()
            },
            focused: "timezone".into(),
            partial: partial.into(),
        };
        STAFF.invocation(action)
    };
    let names = |response: Response| match response {
        Response::Choices(choices) => choices.into_iter().map(|c| c.value).collect::<Vec<_>>(),
        other => panic!("expected choices, got {other:?}"),
    };
    let typed = names(bot.dispatch(&complete("new_y")).await.response);
    assert_eq!(typed, ["America/New_York"]);
    let kolkata = names(bot.dispatch(&complete("kolk")).await.response);
    assert_eq!(kolkata, ["Asia/Kolkata"]);
    let empty = names(bot.dispatch(&complete("")).await.response);
    assert!(empty.contains(&"Europe/Berlin".to_string()) && empty.len() <= 25);
}

#[tokio::test]
async fn prompt_commands_say_what_to_do_when_prompts_are_off_or_cannot_be_posted() {
    let bot = support::bot().await;
    let preview = run_at(&bot, STAFF, "/prompt preview", now()).await;
    assert!(preview.failed);
    assert!(text(&json(&preview)).contains("/settings prompts channel:"));
    run_at(
        &bot,
        STAFF,
        "/settings prompts channel:#42 day:Monday time:09:00",
        now(),
    )
    .await;
    // The console has no bot token: `now` says so and points at the preview.
    let post = run_at(&bot, STAFF, "/prompt now", now()).await;
    assert!(post.failed);
    assert!(text(&json(&post)).contains("/prompt preview"));
    let preview = run_at(&bot, STAFF, "/prompt preview", now()).await;
    assert!(!preview.failed);
    assert!(text(&json(&preview)).contains("/roadmap topic topic:"));
}
