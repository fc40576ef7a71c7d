//! The privacy rule as a property, across the whole registry: whatever command, click or form
//! anyone sends, a public answer never holds a hidden member's marks, check-in text or own
//! line, and never anyone's own line (the caller's data goes only into answers they alone see).

use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use waypoint::commands::{Action, Dispatcher, Invocation};
use waypoint::render::{text::reply_text, Response};

use super::dispatch::{seed, Reached};
use super::strategies::{call, custom_id, invocation, leaves, picked};
use super::text::Vocabulary;
use super::{check, finish, runtime};
use crate::support::checkins::{at, check_in};
use crate::support::schedule::run_at;
use crate::support::{self, Who, GUILD, USER};

/// A member who shares their progress, so public standings have someone in them.
const VISIBLE: u64 = 454_545_454_545_454_545;
/// What the hidden member (`USER`) wrote in the seeded check-in.
const HIDDEN_TEXT: &str = "Built a thing";

/// Lines that speak of the caller: they belong only in answers the caller alone sees.
const OWN_LINES: [&str; 9] = [
    "← you",
    "Your place",
    "You are **#",
    "You are hidden",
    "You have no points",
    "You haven't joined",
    "You were not in",
    " · you: ",
    "you are hidden, so you are not ranked",
];

/// A topic marked with a state in a list of topics: only a member's own view has these.
const MARKS: [&str; 3] = ["✅ **", "📖 **", "⏭️ **"];

/// The seeded server, with `USER` hidden and a visible member beside them.
async fn server() -> Dispatcher {
    let bot = support::bot().await;
    seed(&bot).await;
    let visible = Who::member(GUILD, VISIBLE);
    let now = at(super::dispatch::SEEDED_AT);
    for line in [
        "/challenge join name:Sprint",
        "/progress set topic:python state:done",
        "/progress set topic:sql state:learning",
    ] {
        let outcome = run_at(&bot, visible, line, now).await;
        assert!(!outcome.failed, "{line}: {:?}", outcome.response);
    }
    check_in(&bot, visible, now, "Shared openly").await;
    bot
}

/// What must not be in `shown`, a public answer to `invocation`.
fn leaks(invocation: &Invocation, shown: &str) -> Vec<String> {
    let mut found: Vec<String> = OWN_LINES
        .iter()
        .chain(MARKS.iter())
        .filter(|needle| shown.contains(*needle))
        .map(|needle| format!("an own line or mark: {needle:?}"))
        .collect();
    if shown.contains(HIDDEN_TEXT) {
        found.push("the hidden member's check-in text".into());
    }
    // A member may type the hidden member's mention themselves; only our own words count.
    let typed = format!("{:?}", invocation.action).contains(&USER.to_string());
    if !typed && shown.contains(&format!("<@{USER}>")) {
        found.push("the hidden member's mention".into());
    }
    found
}

#[test]
fn no_public_answer_shows_a_hidden_member_or_anyones_own_line() {
    let rt = runtime();
    let bot = rt.block_on(server());
    let words = Vocabulary::new(&bot.app.content.library, &bot.registry);
    let leaves = Arc::new(leaves(&bot.registry));
    // Most commands are ones whose answers are public, where a leak could happen (with half,
    // a run now and then saw fewer than ten public answers).
    let public_leaves = Arc::new(
        leaves
            .iter()
            .filter(|l| bot.registry.get(&l.name).is_some_and(|s| !s.private))
            .cloned()
            .collect::<Vec<_>>(),
    );
    let click = (
        custom_id(&bot.registry, &words),
        picked(&words),
        any::<bool>(),
    )
        .prop_map(|(custom_id, values, on_ephemeral)| Action::Component {
            custom_id,
            values,
            on_ephemeral,
        });
    let action = prop_oneof![
        2 => call(&leaves, &words).prop_map(Action::Command),
        6 => call(&public_leaves, &words).prop_map(Action::Command),
        1 => click,
        1 => super::forms::submission(&bot.registry, &words),
    ]
    .boxed();
    let reached = Reached::default();
    let public = std::sync::atomic::AtomicUsize::new(0);
    check("privacy", 200, invocation(action), |invocation| {
        // Whatever an earlier case did (`/privacy show` among them), `USER` is hidden now.
        let hide = run_at(
            &bot,
            Who::member(GUILD, USER),
            "/privacy hide",
            invocation.now,
        );
        finish(&rt, hide)?;
        let outcome = finish(&rt, bot.dispatch(&invocation))?;
        reached.note(outcome.failed);
        let reply = match &outcome.response {
            Response::Message(reply) | Response::Update(reply) if !reply.ephemeral => reply,
            _ => return Ok(()),
        };
        public.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let shown = reply_text(reply);
        let found = leaks(&invocation, &shown);
        if found.is_empty() {
            Ok(())
        } else {
            Err(TestCaseError::fail(format!(
                "a public answer leaks {}:\n{shown}",
                found.join(", ")
            )))
        }
    });
    reached.assert_some("privacy");
    let public = public.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        public >= 10,
        "only {public} public answers: the property saw too few"
    );
}

/// The property's checks find a leak when there is one: the caller's own leaderboard page and
/// phase marks, made public, are caught.
#[test]
fn the_privacy_checks_catch_a_leak() {
    let rt = runtime();
    let bot = rt.block_on(server());
    let who = Who::member(GUILD, VISIBLE);
    let press = |line: &str| {
        let public = rt.block_on(run_at(&bot, who, line, at(super::dispatch::SEEDED_AT)));
        let body = support::json(&public);
        let own = rt.block_on(support::press_mine(
            &bot,
            who,
            &body,
            at(super::dispatch::SEEDED_AT),
        ));
        let invocation = who.invocation(Action::Command(Default::default()));
        match own.response {
            Response::Message(reply) => leaks(&invocation, &reply_text(&reply)),
            other => panic!("{other:?}"),
        }
    };
    assert!(!press("/leaderboard").is_empty(), "the own place is seen");
    assert!(
        !press("/roadmap phase number:1").is_empty(),
        "the own marks are seen"
    );
}
