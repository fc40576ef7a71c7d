//! Reproducers of bugs the hostile-input properties found, one test each, so each can be run
//! alone (`cargo test --test it hostile::found::NAME`). A `bug_` test fails until its bug is
//! fixed; a fixed one stays as a regression test under a name that says what now holds.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use serenity::all::Interaction;
use waypoint::commands::{Action, CommandCall, Dispatcher, Value};

use super::{internal_error, outcome_problems};
use crate::support::checkins::{at, enable, submit};
use crate::support::fake_discord::payloads;
use crate::support::{self, click_as, Who, GUILD, USER};

const FRIDAY: &str = "2026-11-27T12:00:00Z";

/// A leaderboard's page buttons carry the page as a u32 (`leaderboard:<board>:<page>`), and
/// the footer showed `page + 1` (src/render/leaderboard.rs, `page`): a click on page
/// 4294967295 overflowed there, a panic in debug builds (the member got "something went
/// wrong") and "Page 0" in release builds. Found by `clicks_take_any_custom_id_and_values`
/// and the endpoint property; fixed in 718ba73.
#[tokio::test]
async fn the_last_leaderboard_page_is_answered() {
    let bot = support::bot().await;
    let mut found = Vec::new();
    for board in ["all", "week", "month", "phase-1"] {
        let custom_id = format!("leaderboard:{board}:{}", u32::MAX);
        let who = Who::member(GUILD, USER);
        let clicked = AssertUnwindSafe(click_as(&bot, who, &custom_id, &[]))
            .catch_unwind()
            .await;
        match clicked {
            Err(_) => found.push(format!("{custom_id}: the dispatcher panicked")),
            Ok(outcome) => {
                let problems = outcome_problems(&outcome);
                if !problems.is_empty() || internal_error(&outcome).is_some() {
                    found.push(format!("{custom_id}: {problems:?} {:?}", outcome.response));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// PostgreSQL text cannot hold U+0000. Text options and form fields with one used to reach
/// the database, which refused the statement, and the member got "Something went wrong on our
/// side" instead of a message saying what to change. Now a text option with one is refused
/// with that message, and form fields and autocomplete drop it. These are the inputs the
/// properties met.
#[tokio::test]
async fn a_nul_character_in_text_is_refused_or_dropped() {
    let bot = support::bot().await;
    enable(&bot, GUILD, "", at(FRIDAY)).await;
    let member = Who::member(GUILD, USER);
    let mut found = Vec::new();

    let commands: [(&str, &[&str], &str, &str); 4] = [
        ("challenge", &["status"], "name", "\0"),
        ("challenge", &["join"], "name", "Sprint\0"),
        ("leaderboard", &[], "challenge", "\0"),
        ("progress", &["set"], "proof", "https://example.com/\0"),
    ];
    for (name, path, option, text) in commands {
        let mut options = vec![(option.to_string(), Value::String(text.to_string()))];
        if name == "progress" {
            options.push(("topic".into(), Value::String("python".into())));
            options.push(("state".into(), Value::String("done".into())));
        }
        let call = CommandCall {
            name: name.into(),
            path: path.iter().map(|p| p.to_string()).collect(),
            options,
        };
        let shown = format!("{call:?}");
        let mut invocation = member.invocation(Action::Command(call));
        invocation.now = at(FRIDAY);
        note(&bot, &shown, &invocation, &mut found).await;
    }

    for fields in [
        // Refused (no goal), so kept as a draft: the draft's insert fails.
        [("did", "Built a demo\0"), ("goal", "")],
        // Valid, so saved: the check-in's insert fails.
        [("did", "Built a demo"), ("goal", "Ship\0it")],
    ] {
        let outcome = submit(&bot, member, at(FRIDAY), &fields).await;
        if let Some(text) = internal_error(&outcome) {
            found.push(format!("check-in form {fields:?}: {text}"));
        }
    }
    assert!(
        found.is_empty(),
        "internal errors for text with a NUL character (RUST_LOG=waypoint=error shows \
         `invalid byte sequence for encoding \"UTF8\": 0x00`):\n{}",
        found.join("\n")
    );
}

async fn note(
    bot: &Dispatcher,
    shown: &str,
    invocation: &waypoint::commands::Invocation,
    found: &mut Vec<String>,
) {
    let outcome = bot.dispatch(invocation).await;
    if let Some(text) = internal_error(&outcome) {
        found.push(format!("{shown}: {text}"));
    }
}

/// The endpoint parses a body straight into serenity's model, skipping fields the model does
/// not read; serenity's own parser builds a JSON tree first, which checks those fields too and
/// forgives duplicate keys. A body with a lone surrogate escape in a field neither reads was
/// accepted by ours and refused by serenity's (found by `the_endpoint_parses_interactions_as_
/// serenity_does` in CI). These bodies hold each thing a tree checks and a skip does not.
#[test]
fn the_endpoint_accepts_and_refuses_what_serenity_does() {
    let base = payloads::roadmap_phase(1, 2);
    let base = serde_json::to_string(&base).expect("JSON serializes");
    let with = |extra: &str| format!("{{\"extra\":{extra},{}", &base[1..]).into_bytes();
    let mut bodies = vec![
        with(r#""\ud800""#),
        with(r#""\uDFFF and more""#),
        with("1e400"),
        with(&"9".repeat(400)),
        with(&format!("{}{}", "[".repeat(200), "]".repeat(200))),
        with(r#"{"token":"a","token":"b"}"#),
        format!("{{\"token\":\"first\",{}", &base[1..]).into_bytes(),
        with(r#""\ud83d\ude00""#),
        with("1.5e3"),
    ];
    let mut not_utf8 = with(r#""xx""#);
    let at = not_utf8
        .windows(2)
        .position(|w| w == b"xx")
        .expect("the marker is there");
    not_utf8[at] = 0xff;
    bodies.push(not_utf8);

    let mut found = Vec::new();
    for body in &bodies {
        let ours = waypoint::discord::interaction::parse(body).map(|i| format!("{i:?}"));
        let theirs = serde_json::from_slice::<Interaction>(body).map(|i| format!("{i:?}"));
        if ours.as_ref().ok() != theirs.as_ref().ok() || ours.is_ok() != theirs.is_ok() {
            found.push(format!(
                "{}: ours {:?}, serenity's {:?}",
                String::from_utf8_lossy(body),
                ours.err(),
                theirs.err()
            ));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
