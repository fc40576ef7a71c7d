//! The weekly reminder and staff digest through the scheduler, and the rule that no request
//! carrying member text can ping anyone it should not.

use std::collections::HashSet;

use serde_json::{json, Value};
use waypoint::clock::Clock;
use waypoint::commands::Dispatcher;
use waypoint::render::Response;

use crate::support::checkins::{at, check_in, enable, submit, CHECKIN_CHANNEL, STAFF_CHANNEL};
use crate::support::fake_discord::payloads::{self, command};
use crate::support::fake_discord::{FakeDiscord, Recorded};
use crate::support::schedule::{pass, posting_bot, run_at, TestClock};
use crate::support::transport::{RunningEndpoint, RunningGateway};
use crate::support::{db, text, Who};

const GUILD: u64 = 930_000_000_000_000_001;
const FRIDAY: &str = "2026-11-27T12:00:00Z";
/// Friday 27 November 2026, 18:00 in Berlin: the reminder is due.
const REMINDER_DUE: &str = "2026-11-27T17:00:00Z";
/// Monday 30 November, 09:00 in Berlin: the digest of week 48 is due.
const DIGEST_DUE: &str = "2026-11-30T08:00:00Z";

fn member(n: u64) -> Who {
    Who::member(GUILD, 500 + n)
}

async fn setup() -> (FakeDiscord, Dispatcher, std::sync::Arc<TestClock>) {
    let fake = FakeDiscord::start().await;
    let bot = posting_bot(db::fresh_pool().await, &fake);
    enable(&bot, GUILD, "", at(FRIDAY)).await;
    (fake, bot, TestClock::at(FRIDAY))
}

#[tokio::test]
async fn the_reminder_names_exactly_the_opted_in_members_who_have_not_checked_in() {
    let (fake, bot, clock) = setup().await;
    let week_47 = at("2026-11-20T12:00:00Z");
    // 1: opted in, checked in last week but not this week, no freeze: at risk.
    // 2: opted in and checked in this week. 3: not opted in, not checked in.
    // 4: opted in, never checked in. 5: opted in but hidden: a public message never names
    // a hidden member, so the reminder leaves them out (and told them so).
    for n in [1, 2, 4, 5] {
        run_at(&bot, member(n), "/me reminders state:on", at(FRIDAY)).await;
    }
    run_at(&bot, member(5), "/privacy hide", at(FRIDAY)).await;
    let told = run_at(&bot, member(5), "/me reminders state:on", at(FRIDAY)).await;
    assert!(
        text(&crate::support::json(&told)).contains("leaves you out"),
        "{:?}",
        told.response
    );
    run_at(&bot, member(3), "/me show", at(FRIDAY)).await;
    check_in(&bot, member(1), week_47, "Last week").await;
    check_in(&bot, member(2), at(FRIDAY), "This week").await;

    clock.set(REMINDER_DUE);
    pass(&bot, &clock).await;
    let posts = fake.rest.posts_to(CHECKIN_CHANNEL);
    assert_eq!(posts.len(), 1);
    let reminder = &posts[0];
    let named: HashSet<String> = reminder["allowed_mentions"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    let expected: HashSet<String> = [member(1).user, member(4).user]
        .iter()
        .map(u64::to_string)
        .collect();
    assert_eq!(named, expected);
    assert_eq!(reminder["allowed_mentions"]["parse"], json!([]));
    let content = reminder["content"].as_str().unwrap();
    assert!(
        content.contains(&format!("<@{}> — streak at risk", member(1).user)),
        "{content}"
    );
    assert!(
        content.contains(&format!("• <@{}>\n", member(4).user)),
        "{content}"
    );
    assert!(!content.contains(&member(2).user.to_string()));
    assert!(!content.contains(&member(3).user.to_string()));
    assert!(
        !content.contains(&member(5).user.to_string()),
        "hidden: {content}"
    );
    fake.rest.assert_spec_clean();

    let shown = text(&crate::support::json(
        &run_at(
            &bot,
            Who::staff(GUILD, 1),
            "/settings show",
            at(REMINDER_DUE),
        )
        .await,
    ));
    assert!(
        shown.contains("Reminder every Friday at 18:00 (Europe/Berlin)")
            && shown.contains("Next reminder: <t:")
            && shown.contains("Next digest: <t:"),
        "{shown}"
    );

    // Exactly once: another pass that week posts nothing more.
    clock.advance(chrono::Duration::hours(1));
    pass(&bot, &clock).await;
    assert_eq!(fake.rest.posts_to(CHECKIN_CHANNEL).len(), 1);
}

#[tokio::test]
async fn the_digest_lists_who_checked_in_who_did_not_the_blockers_and_goals_met() {
    let (fake, bot, clock) = setup().await;
    let week_47 = at("2026-11-20T12:00:00Z");
    for n in [1, 2] {
        check_in(&bot, member(n), week_47, "Earlier").await;
    }
    submit(
        &bot,
        member(1),
        at(FRIDAY),
        &[
            ("did", "CNN"),
            ("goal", "RNN"),
            ("blockers", "GPU quota ran out"),
            ("met", "yes"),
        ],
    )
    .await;
    submit(
        &bot,
        member(2),
        at(FRIDAY),
        &[("did", "SQL"), ("goal", "Joins"), ("met", "partly")],
    )
    .await;
    // Seen this week (a command that writes), not checked in.
    run_at(&bot, member(3), "/me reminders state:off", at(FRIDAY)).await;
    submit(
        &bot,
        member(4),
        at(FRIDAY),
        &[
            ("did", "Secret"),
            ("goal", "Hidden"),
            ("blockers", "private"),
        ],
    )
    .await;
    run_at(&bot, member(4), "/privacy hide", at(FRIDAY)).await;

    clock.set(DIGEST_DUE);
    pass(&bot, &clock).await;
    let posts = fake.rest.posts_to(STAFF_CHANNEL);
    assert_eq!(posts.len(), 1);
    let digest = posts[0]["content"].as_str().unwrap();
    assert!(
        digest.contains("Check-in digest · 23 Nov – 29 Nov"),
        "{digest}"
    );
    assert!(
        digest.contains(&format!(
            "**Checked in (2) (and 1 who hide their progress):** <@{}>, <@{}>",
            member(1).user,
            member(2).user
        )),
        "{digest}"
    );
    assert!(
        digest.contains(&format!("(1):** <@{}>", member(3).user)),
        "{digest}"
    );
    assert!(
        digest.contains("1 of 2 who answered met it, 1 partly"),
        "{digest}"
    );
    assert!(
        digest.contains(&format!("> GPU quota ran out\n— <@{}>", member(1).user)),
        "{digest}"
    );
    assert!(
        !digest.contains("private"),
        "a hidden member's blockers stay out"
    );
    assert_no_mentions(&posts[0]["allowed_mentions"]);
}

#[tokio::test]
async fn a_long_digest_is_split_across_messages_within_discords_limit() {
    let (fake, bot, clock) = setup().await;
    let blocker = "Stuck on backpropagation through time; the gradients explode. ".repeat(3);
    for n in 0..40 {
        submit(
            &bot,
            member(n),
            at(FRIDAY),
            &[("did", "Work"), ("goal", "More"), ("blockers", &blocker)],
        )
        .await;
    }
    clock.set(DIGEST_DUE);
    pass(&bot, &clock).await;
    let posts = fake.rest.posts_to(STAFF_CHANNEL);
    assert!(posts.len() > 1, "split into several messages");
    let whole: String = posts
        .iter()
        .map(|p| p["content"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    for post in &posts {
        assert!(post["content"].as_str().unwrap().chars().count() <= 2000);
    }
    for n in 0..40 {
        assert!(
            whole.contains(&format!("— <@{}>", member(n).user)),
            "blocker {n} is in a part"
        );
    }
    fake.rest.assert_spec_clean();
}

#[tokio::test]
async fn reminders_and_digests_go_out_once_with_two_schedulers() {
    let (fake, bot, clock) = setup().await;
    let other = posting_bot(bot.app.db.clone(), &fake);
    run_at(&bot, member(1), "/me reminders state:on", at(FRIDAY)).await;
    for due in [REMINDER_DUE, DIGEST_DUE] {
        clock.set(due);
        tokio::join!(pass(&bot, &clock), pass(&other, &clock));
    }
    assert_eq!(fake.rest.posts_to(CHECKIN_CHANNEL).len(), 1);
    assert_eq!(fake.rest.posts_to(STAFF_CHANNEL).len(), 1);
}

/// `allowed_mentions` that let nobody be pinged: nothing parsed, no role or user listed.
pub fn assert_no_mentions(mentions: &Value) {
    assert_eq!(mentions["parse"], json!([]), "{mentions}");
    assert!(
        mentions.get("roles").is_none_or(|r| r == &json!([])),
        "{mentions}"
    );
    assert!(
        mentions.get("users").is_none_or(|u| u == &json!([])),
        "{mentions}"
    );
}

/// Member text must never reach a request whose `allowed_mentions` could ping everyone, a role
/// or a user it does not list.
fn assert_cannot_ping(requests: &[Recorded], member_text: &str) {
    let mut carrying = 0;
    for request in requests {
        let body = &request.body;
        if !body.to_string().contains(member_text) {
            continue;
        }
        carrying += 1;
        let mentions = body
            .get("allowed_mentions")
            .or_else(|| body.get("data").and_then(|d| d.get("allowed_mentions")))
            .unwrap_or_else(|| {
                panic!(
                    "{} {} has no allowed_mentions",
                    request.method, request.path
                )
            });
        assert_no_mentions(mentions);
    }
    assert!(carrying > 0, "some request carried the member's text");
}

#[tokio::test]
async fn no_request_carrying_member_text_can_ping_anyone() {
    let fake = FakeDiscord::start().await;
    let sneaky = "@everyone @here <@&555> <@777> blocked";
    // Through the gateway: the public confirmation is a REST callback.
    let gateway = RunningGateway::start(&fake, std::time::Duration::from_secs(2)).await;
    // Friday: the check-in belongs to the week the Monday digest below reports on.
    gateway.clock.set("2026-11-27T12:00:00Z");
    let staff = payloads::STAFF_PERMISSIONS;
    fake.gateway
        .push_interaction(payloads::subcommand_with(
            6001,
            "settings",
            "checkins",
            &[
                ("channel", 7, json!(CHECKIN_CHANNEL.to_string())),
                ("staff-channel", 7, json!(STAFF_CHANNEL.to_string())),
                ("reminder-day", 3, json!("Friday")),
                ("reminder-time", 3, json!("18:00")),
            ],
            json!({}),
            staff,
        ))
        .await;
    fake.rest
        .wait_for(true, |r| r.path.starts_with("/interactions/6001/"))
        .await;
    fake.gateway
        .push_interaction(payloads::modal_submit(
            6002,
            "checkin:submit",
            &[("did", sneaky), ("goal", sneaky), ("blockers", sneaky)],
        ))
        .await;
    fake.rest
        .wait_for(true, |r| r.path.starts_with("/interactions/6002/"))
        .await;

    // The digest quotes the blockers; the scheduler posts it (Monday 09:00, the server being
    // on UTC here).
    let bot = posting_bot(gateway.dispatcher.app.db.clone(), &fake);
    let clock = TestClock::at("2026-11-30T09:00:00Z");
    pass(&bot, &clock).await;
    let requests = fake.rest.requests();
    assert!(requests
        .iter()
        .any(|r| r.path.contains(&format!("/channels/{STAFF_CHANNEL}/"))));
    assert_cannot_ping(&requests, "blocked");
    gateway.stop().await;
    fake.rest.assert_spec_clean();
}

#[tokio::test]
async fn the_form_travels_through_the_http_endpoint() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, std::time::Duration::from_secs(2)).await;
    enable(
        &endpoint.dispatcher,
        payloads::GUILD_ID,
        "",
        endpoint.clock.now(),
    )
    .await;
    let opened = endpoint
        .post_signed(
            &serde_json::to_vec(&command(7001, "checkin", &[])).unwrap(),
            0,
        )
        .await;
    let form: Value = opened.json().await.unwrap();
    assert_eq!(form["type"], 9, "{form}");
    crate::support::fake_discord::spec::spec()
        .check("POST", "/interactions/7001/token-7001/callback", &form)
        .expect("the form is a valid modal callback");
    assert_eq!(form["data"]["custom_id"], "checkin:submit");
    assert_eq!(
        form["data"]["components"][0]["components"][0]["custom_id"],
        "did"
    );

    let sent = endpoint
        .post_signed(
            &serde_json::to_vec(&payloads::modal_submit(
                7002,
                "checkin:submit",
                &[
                    ("did", "Finished the SQL module"),
                    ("goal", "Window functions"),
                ],
            ))
            .unwrap(),
            0,
        )
        .await;
    let reply: Value = sent.json().await.unwrap();
    assert_eq!(reply["type"], 4);
    assert!(text(&reply).contains("Finished the SQL module"));
    let Response::Modal(_) = run_at(
        &endpoint.dispatcher,
        Who::member(payloads::GUILD_ID, payloads::USER_ID),
        "/checkin",
        endpoint.clock.now(),
    )
    .await
    .response
    else {
        panic!("the form opens again, to edit");
    };
}
