//! Accountability partners (issue 22, so far): staff set where and when the weekly match runs;
//! members join with a note, see where they stand and leave; every answer is private, a bad
//! note changes nothing, and a member's partner data is in their export and goes with
//! `/privacy delete`.

use serenity::all::{GuildId, UserId};
use waypoint::commands::Dispatcher;

use crate::support::{bot, json, run_as, text, Who, GUILD, TEST_NOW};

const CHANNEL: u64 = 820_000_000_000_000_001;

async fn said(bot: &Dispatcher, who: Who, line: &str) -> String {
    let outcome = run_as(bot, who, line).await;
    let body = json(&outcome);
    assert!(!outcome.failed, "{line}: {}", text(&body));
    assert_eq!(body["data"]["flags"], 64, "{line}: answered privately");
    text(&body)
}

async fn joined(bot: &Dispatcher) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT user_id, note FROM partner_members ORDER BY user_id")
        .fetch_all(&bot.app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_set_the_weekly_match_and_settings_show_it() {
    let bot = bot().await;
    let staff = Who::staff(GUILD, 1);
    let show = said(&bot, staff, "/settings show").await;
    assert!(
        show.contains("Off. Turn them on with `/settings partners`"),
        "{show}"
    );

    let on = said(
        &bot,
        staff,
        &format!(
            "/settings partners channel:#{CHANNEL} day:Monday time:18:00 timezone:Europe/Berlin"
        ),
    )
    .await;
    assert!(on.contains("every Monday at 18:00 (Europe/Berlin)"), "{on}");
    assert!(on.contains("pairs (a trio for an odd one out)"), "{on}");
    assert!(on.contains("0 members have joined"), "{on}");
    // TEST_NOW is Friday 2026-11-27: the next match is Monday the 30th at 18:00 Berlin time.
    let monday: chrono::DateTime<chrono::Utc> = "2026-11-30T17:00:00Z".parse().unwrap();
    assert!(
        on.contains(&format!("<t:{}:F>", monday.timestamp())),
        "{on}"
    );

    said(
        &bot,
        Who::member(GUILD, 7),
        "/partners join note:Transformers",
    )
    .await;
    let trios = said(
        &bot,
        staff,
        &format!("/settings partners channel:#{CHANNEL} day:Tuesday time:07:30 size:3"),
    )
    .await;
    assert!(
        trios.contains("trios (pairs for what is left over)"),
        "{trios}"
    );
    assert!(trios.contains("1 member has joined"), "{trios}");
    let show = said(&bot, staff, "/settings show").await;
    assert!(
        show.contains(&format!(
            "Every Tuesday at 07:30 (Europe/Berlin), trios, threads in <#{CHANNEL}> · 1 member joined"
        )),
        "{show}"
    );

    assert!(said(&bot, staff, "/settings partners-off")
        .await
        .contains("are off"));
    assert!(said(&bot, staff, "/settings partners-off")
        .await
        .contains("already off"));
    assert_eq!(joined(&bot).await.len(), 1, "members who joined stay in");
    // Members cannot change it.
    let outcome = run_as(
        &bot,
        Who::member(GUILD, 7),
        &format!("/settings partners channel:#{CHANNEL} day:Monday time:18:00"),
    )
    .await;
    assert!(outcome.failed);
    let off = said(&bot, staff, "/settings show").await;
    assert!(
        off.contains("Off. Turn them on with `/settings partners`"),
        "{off}"
    );
}

#[tokio::test]
async fn members_join_change_their_note_see_it_and_leave() {
    let bot = bot().await;
    let ada = Who::member(GUILD, 7);
    let before = said(&bot, ada, "/partners show").await;
    assert!(before.contains("You haven't joined"), "{before}");
    assert!(
        before.contains("Staff haven't turned the weekly match on yet"),
        "{before}"
    );

    let joined_reply = said(&bot, ada, "/partners join note:\"Finish linear algebra\"").await;
    assert!(
        joined_reply.contains("You're in the weekly partner match"),
        "{joined_reply}"
    );
    assert!(
        joined_reply.contains("“Finish linear algebra”"),
        "{joined_reply}"
    );
    assert!(
        joined_reply.contains("even if you chose `/privacy hide`"),
        "{joined_reply}"
    );
    assert_eq!(
        joined(&bot).await,
        [(7, "Finish linear algebra".to_string())]
    );

    let again = said(&bot, ada, "/partners join note:\"Start on PyTorch\"").await;
    assert!(
        again.contains("already in") && again.contains("“Start on PyTorch”"),
        "{again}"
    );
    let shown = said(&bot, ada, "/partners show").await;
    assert!(shown.contains("your note: “Start on PyTorch”"), "{shown}");
    let since: chrono::DateTime<chrono::Utc> = TEST_NOW.parse().unwrap();
    assert!(
        shown.contains(&format!("<t:{}:D>", since.timestamp())),
        "{shown}"
    );

    assert!(said(&bot, ada, "/partners leave")
        .await
        .contains("You've left"));
    assert!(joined(&bot).await.is_empty());
    assert!(said(&bot, ada, "/partners leave")
        .await
        .contains("weren't in"));
}

#[tokio::test]
async fn a_note_over_200_characters_is_refused_and_changes_nothing() {
    let bot = bot().await;
    let ada = Who::member(GUILD, 7);
    said(&bot, ada, "/partners join note:Short").await;
    let long = "a".repeat(201);
    let outcome = run_as(&bot, ada, &format!("/partners join note:{long}")).await;
    let body = json(&outcome);
    assert!(outcome.failed);
    assert_eq!(body["data"]["flags"], 64);
    assert!(
        text(&body).contains("at most 200 characters"),
        "{}",
        text(&body)
    );
    assert_eq!(joined(&bot).await, [(7, "Short".to_string())]);
}

#[tokio::test]
async fn partner_data_is_exported_and_deleted_with_the_member() {
    let bot = bot().await;
    let ada = Who::member(GUILD, 7);
    said(&bot, ada, "/partners join note:\"Vector databases\"").await;
    let export = waypoint::db::privacy::export(
        &bot.app.db,
        GuildId::new(GUILD),
        UserId::new(7),
        TEST_NOW.parse().unwrap(),
    )
    .await
    .unwrap();
    let exported = serde_json::to_string(&export).unwrap();
    assert!(
        exported.contains("partner_members") && exported.contains("Vector databases"),
        "{exported}"
    );
    let asked = json(&run_as(&bot, ada, "/privacy delete").await);
    let confirm = asked["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .expect("a confirm button")
        .to_string();
    crate::support::click_as(&bot, ada, &confirm, &[]).await;
    assert!(joined(&bot).await.is_empty());
}
