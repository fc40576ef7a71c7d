//! One server can never see or change another's data: every command that reads or writes
//! member data, run by the same member (and staff) in a second server.

use waypoint::commands::Dispatcher;

use crate::support::{self, click_as, json, run_as, run_mine, text, Who};

const HERE: Who = Who::member(12_000, 121);
const THERE: Who = Who::member(12_100, 121);
const STAFF_HERE: Who = Who::staff(12_000, 1);
const STAFF_THERE: Who = Who::staff(12_100, 1);

/// The member has progress, a phase role is set and the member is hidden, all in HERE.
async fn member_with_data_here() -> Dispatcher {
    let bot = support::bot().await;
    for (who, line) in [
        (HERE, "/progress set topic:python state:done"),
        (STAFF_HERE, "/settings phase-role phase:1 role:4242"),
        (HERE, "/privacy hide"),
    ] {
        let outcome = run_as(&bot, who, line).await;
        assert!(!outcome.failed, "{line}: {}", json(&outcome));
    }
    bot
}

async fn shown(bot: &Dispatcher, who: Who, line: &str) -> String {
    text(&json(&run_as(bot, who, line).await))
}

#[tokio::test]
async fn progress_show() {
    let bot = member_with_data_here().await;
    let there = shown(&bot, THERE, "/progress show").await;
    assert!(
        there.contains("0 points") && !there.contains("1 done"),
        "{there}"
    );
    // Hidden here is not hidden there, once the member has data there.
    run_as(&bot, THERE, "/progress set topic:git state:done").await;
    let line = format!("/progress show member:{}", HERE.user);
    let other = run_as(&bot, Who::member(THERE.guild, 5), &line).await;
    assert!(!other.failed, "{}", json(&other));
    let refused = run_as(&bot, Who::member(HERE.guild, 5), &line).await;
    assert!(refused.failed, "still hidden here");
}

#[tokio::test]
async fn roadmap_marks() {
    let bot = member_with_data_here().await;
    let here = text(&json(
        &run_mine(&bot, HERE, "/roadmap phase number:1").await,
    ));
    let there = text(&json(
        &run_mine(&bot, THERE, "/roadmap phase number:1").await,
    ));
    assert!(here.contains("✅"), "{here}");
    assert!(!there.contains("✅"), "{there}");
}

#[tokio::test]
async fn progress_set() {
    let bot = member_with_data_here().await;
    // There, the topic was never done: undoing it changes nothing, and nothing here.
    let undo = shown(&bot, THERE, "/progress set topic:python state:not-started").await;
    assert!(undo.contains("already marked not started"), "{undo}");
    let here = shown(&bot, HERE, "/progress show").await;
    assert!(here.contains("10 points"), "{here}");
}

#[tokio::test]
async fn privacy_export() {
    let bot = member_with_data_here().await;
    assert!(shown(&bot, THERE, "/privacy export")
        .await
        .contains("stores nothing"));
}

#[tokio::test]
async fn privacy_delete() {
    let bot = member_with_data_here().await;
    run_as(&bot, THERE, "/progress set topic:git state:done").await;
    click_as(&bot, THERE, "privacy:delete:confirm", &[]).await;
    let here = shown(&bot, HERE, "/progress show").await;
    assert!(here.contains("10 points"), "untouched here: {here}");
}

#[tokio::test]
async fn settings_show() {
    let bot = member_with_data_here().await;
    let there = shown(&bot, STAFF_THERE, "/settings show").await;
    assert!(!there.contains("4242"), "{there}");
    assert!(shown(&bot, STAFF_HERE, "/settings show")
        .await
        .contains("4242"));
}
