//! Celebrations (review item 17): a member who completes a phase or reaches a challenge's
//! target is announced once, in the server's chosen channel (the prompt channel by default),
//! named without a ping, with the role they earned; hidden members never are.

use serde_json::Value;
use waypoint::commands::Dispatcher;

use crate::support::checkins::at;
use crate::support::fake_discord::FakeDiscord;
use crate::support::schedule::{pass, posting_bot, run_at, TestClock};
use crate::support::{db, json, text, Who};

const GUILD: u64 = 990_000_000_000_000_001;
const PROMPTS: u64 = 991_000_000_000_000_001;
const OTHER: u64 = 991_000_000_000_000_002;
const ROLE: u64 = 992_000_000_000_000_001;
const NOW: &str = "2026-11-27T12:00:00Z";

fn member(n: u64) -> Who {
    Who::member(GUILD, 700 + n)
}

fn staff() -> Who {
    Who::staff(GUILD, 1)
}

async fn ok(bot: &Dispatcher, who: Who, line: &str) -> Value {
    let outcome = run_at(bot, who, line, at(NOW)).await;
    assert!(!outcome.failed, "{line}: {}", json(&outcome));
    json(&outcome)
}

/// A server with weekly prompts in `PROMPTS` and a role for phase 4.
async fn server() -> (FakeDiscord, Dispatcher, std::sync::Arc<TestClock>) {
    let fake = FakeDiscord::start().await;
    let bot = posting_bot(db::fresh_pool().await, &fake);
    let line = format!("/settings prompts channel:#{PROMPTS} day:Monday time:09:00");
    ok(&bot, staff(), &line).await;
    ok(
        &bot,
        staff(),
        &format!("/settings phase-role phase:4 role:@&{ROLE}"),
    )
    .await;
    // The scheduler passes a minute after the activity it announces.
    (fake, bot, TestClock::at("2026-11-27T12:01:00Z"))
}

async fn finish_phase_4(bot: &Dispatcher, who: Who) {
    let topics: Vec<String> = bot
        .app
        .content
        .default_roadmap()
        .phase(4)
        .unwrap()
        .topics()
        .map(|t| t.id.clone())
        .collect();
    for topic in topics {
        ok(bot, who, &format!("/progress set topic:{topic} state:done")).await;
    }
}

#[tokio::test]
async fn a_completed_phase_is_announced_once_without_a_ping_and_names_the_role() {
    let (fake, bot, clock) = server().await;
    finish_phase_4(&bot, member(1)).await;
    pass(&bot, &clock).await;
    pass(&bot, &clock).await;
    let posts = fake.rest.posts_to(PROMPTS);
    assert_eq!(posts.len(), 1, "{posts:#?}");
    let shown = text(&posts[0]);
    let phase = bot.app.content.default_roadmap().phase(4).unwrap();
    assert!(
        shown.contains(&format!(
            "<@{}> completed **Phase 4 · {}** and earned <@&{ROLE}>",
            member(1).user,
            phase.title
        )),
        "{shown}"
    );
    assert_eq!(posts[0]["allowed_mentions"]["parse"], serde_json::json!([]));
    assert_eq!(posts[0]["allowed_mentions"]["users"], serde_json::json!([]));

    // Undone and done again is a new completion, and a new celebration.
    let last = phase.topics().last().unwrap().id.clone();
    ok(
        &bot,
        member(1),
        &format!("/progress set topic:{last} state:learning"),
    )
    .await;
    ok(
        &bot,
        member(1),
        &format!("/progress set topic:{last} state:done"),
    )
    .await;
    pass(&bot, &clock).await;
    assert_eq!(fake.rest.posts_to(PROMPTS).len(), 2);
}

#[tokio::test]
async fn hidden_members_are_never_announced_and_off_means_off() {
    let (fake, bot, clock) = server().await;
    ok(&bot, member(1), "/privacy hide").await;
    finish_phase_4(&bot, member(1)).await;
    pass(&bot, &clock).await;
    ok(&bot, staff(), "/settings celebrations state:off").await;
    finish_phase_4(&bot, member(2)).await;
    pass(&bot, &clock).await;
    assert!(
        fake.rest.posts_to(PROMPTS).is_empty(),
        "{:#?}",
        fake.rest.created()
    );
    let skipped: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM scheduled_posts WHERE kind = 'celebrate-phase' ORDER BY id",
    )
    .fetch_all(&bot.app.db)
    .await
    .unwrap();
    assert_eq!(
        skipped,
        [
            "the member is hidden",
            "celebrations are off, or have no channel"
        ]
    );
}

#[tokio::test]
async fn staff_choose_the_channel_but_never_the_staff_digests() {
    let (fake, bot, clock) = server().await;
    let said = ok(
        &bot,
        staff(),
        &format!("/settings celebrations state:on channel:#{OTHER}"),
    )
    .await;
    assert!(text(&said).contains(&format!("on in <#{OTHER}>")), "{said}");
    let show = text(&ok(&bot, staff(), "/settings show").await);
    assert!(show.contains(&format!("On, in <#{OTHER}>")), "{show}");
    finish_phase_4(&bot, member(1)).await;
    pass(&bot, &clock).await;
    assert_eq!(fake.rest.posts_to(OTHER).len(), 1);
    assert!(fake.rest.posts_to(PROMPTS).is_empty());

    let digest = format!(
        "/settings checkins channel:#{PROMPTS} staff-channel:#55 reminder-day:Friday \
         reminder-time:18:00"
    );
    ok(&bot, staff(), &digest).await;
    let outcome = run_at(
        &bot,
        staff(),
        "/settings celebrations state:on channel:#55",
        at(NOW),
    )
    .await;
    assert!(outcome.failed, "{}", json(&outcome));
    assert!(text(&json(&outcome)).contains("staff digest"));
}

#[tokio::test]
async fn reaching_a_challenge_target_is_announced_once() {
    let (fake, bot, clock) = server().await;
    ok(
        &bot,
        staff(),
        &format!(
            "/challenge create name:Sprint goal:topics target:2 start:2026-11-27 \
             end:2026-12-20 channel:#{OTHER}"
        ),
    )
    .await;
    ok(&bot, member(1), "/challenge join name:Sprint").await;
    ok(&bot, member(1), "/progress set topic:python state:done").await;
    pass(&bot, &clock).await;
    let celebrated = |fake: &FakeDiscord| {
        fake.rest
            .posts_to(PROMPTS)
            .iter()
            .filter(|p| text(p).contains("reached the target of **Sprint**"))
            .count()
    };
    assert_eq!(celebrated(&fake), 0, "one topic of two");
    ok(&bot, member(1), "/progress set topic:dsa state:done").await;
    ok(&bot, member(1), "/progress set topic:sql state:done").await;
    pass(&bot, &clock).await;
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT kind, status, detail FROM scheduled_posts ORDER BY id")
            .fetch_all(&bot.app.db)
            .await
            .unwrap();
    assert_eq!(celebrated(&fake), 1, "{rows:?} {:#?}", fake.rest.created());
    let post = fake
        .rest
        .posts_to(PROMPTS)
        .into_iter()
        .find(|p| text(p).contains("Sprint"))
        .unwrap();
    assert!(text(&post).contains(&format!("<@{}>", member(1).user)));
    assert_eq!(post["allowed_mentions"]["parse"], serde_json::json!([]));
}
