//! Hostile input: property tests that throw arbitrary text, numbers, bytes and payloads at
//! every way into Waypoint (the console parser, the content loader, the dispatcher, forms and
//! the signed HTTP endpoint). They fail on a panic, on a 5xx from the endpoint, and on any
//! answer Discord would refuse for breaking its limits; each failure reports the shrunk input.
//!
//! Every property runs `WAYPOINT_PROPTEST_CASES` cases when that is set, and otherwise its
//! own small default (from 48 cases for the content loader to 1,500 for the parser), which
//! keeps the whole suite to about 15 seconds on two cores. The long run, before a release or
//! after touching input handling (a few minutes):
//!
//! ```text
//! WAYPOINT_PROPTEST_CASES=5000 cargo test --test it hostile
//! ```
//!
//! The database-backed properties build one bot (one fresh database) per property and run
//! every case against it, so state left by earlier cases (settings, challenges, check-ins) is
//! part of what later cases meet. `found.rs` holds reproducers of bugs these properties found.

mod console;
mod content;
mod dispatch;
mod endpoint;
mod forms;
mod found;
mod interactions;
mod privacy;
mod strategies;
mod text;

use std::fmt::Debug;
use std::future::Future;
use std::sync::{Mutex, Once};
use std::time::Duration;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestCaseResult, TestRunner};
use serde_json::Value;
use waypoint::commands::Outcome;
use waypoint::render::{limits, Response};

use crate::support::discord_limits;
use crate::support::fake_discord::spec::spec;

/// Cases per property: `WAYPOINT_PROPTEST_CASES`, or `default`.
pub fn config(default: u32) -> Config {
    let cases = std::env::var("WAYPOINT_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // Reproducers are kept as plain tests (found.rs), not as files beside the source.
        failure_persistence: None,
        // Shrinking a database-backed case costs a round trip per step: bound it.
        max_shrink_iters: 2048,
        max_shrink_time: 120_000,
        ..Config::default()
    }
}

/// Runs `test` on `cases` inputs from `strategy`; a failure panics with the shrunk input.
pub fn check<S>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: Debug,
{
    let mut runner = TestRunner::new(config(cases));
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name}: {e}");
    }
}

/// A runtime of its own for a property: cases run with `block_on`, and servers the property
/// starts (the endpoint) keep running on its workers in between.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build a runtime")
}

/// The same, its threads named `name` so that [`panics_on`] can find their panics.
pub fn runtime_named(name: &'static str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .expect("build a runtime")
}

/// Panics seen on threads of named runtimes, with the thread's name.
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Records panics on named threads, then reports them as before. A panic inside a server
/// task (the endpoint's) never reaches the test: tokio or `respond.rs` catch it, and the
/// member sees an error. This is how a property still finds out.
pub fn watch_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(name) = std::thread::current().name() {
                if name.starts_with("hostile-") {
                    let mut panics = PANICS.lock().unwrap_or_else(|e| e.into_inner());
                    panics.push((name.to_string(), info.to_string()));
                }
            }
            previous(info);
        }));
    });
}

/// Takes the panics recorded on threads named `name` since the last call.
pub fn panics_on(name: &str) -> Vec<String> {
    let mut panics = PANICS.lock().unwrap_or_else(|e| e.into_inner());
    let (mine, others) = panics.drain(..).partition(|(thread, _)| thread == name);
    *panics = others;
    mine.into_iter().map(|(_, panic)| panic).collect()
}

/// Longer than any bounded wait of Waypoint's (database waits are 1.5 s): a case that takes
/// this long is hanging on its input.
pub const CASE_TIMEOUT: Duration = Duration::from_secs(15);

/// Awaits `work`, failing the case when it does not finish within [`CASE_TIMEOUT`].
pub fn finish<T>(
    rt: &tokio::runtime::Runtime,
    work: impl Future<Output = T>,
) -> Result<T, TestCaseError> {
    rt.block_on(async { tokio::time::timeout(CASE_TIMEOUT, work).await })
        .map_err(|_| TestCaseError::fail(format!("no answer within {CASE_TIMEOUT:?}")))
}

/// Every way a dispatcher outcome breaks Discord's limits or would be refused by Discord,
/// measured on our `Reply` model and, independently, on the JSON Discord would receive.
pub fn outcome_problems(outcome: &Outcome) -> Vec<String> {
    let mut found = Vec::new();
    match &outcome.response {
        Response::Message(reply) | Response::Update(reply) => {
            found.extend(limits::violations(reply));
            if reply.modal.is_some() {
                found.push("a message still carries a form".into());
            }
        }
        Response::Modal(_) | Response::Choices(_) => {}
    }
    found.extend(body_problems(&crate::support::json(outcome)));
    found
}

/// Every way an interaction-response body breaks Discord's limits or its API schema.
pub fn body_problems(body: &Value) -> Vec<String> {
    let mut found = discord_limits::violations(body);
    let data = &body["data"];
    match body["type"].as_u64() {
        // A message must show something: text, an embed, a component or a file.
        Some(4) => {
            let text = data["content"]
                .as_str()
                .is_some_and(|c| !c.trim().is_empty());
            let has = |key: &str| data[key].as_array().is_some_and(|a| !a.is_empty());
            if !(text || has("embeds") || has("components") || has("attachments")) {
                found.push(format!("an empty message: {body}"));
            }
        }
        Some(9) => found.extend(form_problems(data)),
        Some(1 | 5 | 6 | 7 | 8) => {}
        other => found.push(format!("interaction response type {other:?}")),
    }
    if let Err(e) = spec().check("POST", "/interactions/1/token-1/callback", body) {
        found.push(e);
    }
    found
}

/// Discord's limits on a form (modal): a title of 1 to 45 characters, 1 to 5 text inputs, each
/// with a label of at most 45, a placeholder of at most 100 and a value within its length.
fn form_problems(data: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let mut over = |what: &str, actual: usize, min: usize, max: usize| {
        if !(min..=max).contains(&actual) {
            found.push(format!("form {what}: {actual} not in {min}..={max}"));
        }
    };
    over("title", chars(&data["title"]), 1, 45);
    over("custom_id", chars(&data["custom_id"]), 1, 100);
    let rows = data["components"].as_array().cloned().unwrap_or_default();
    over("rows", rows.len(), 1, 5);
    for row in &rows {
        let inputs = row["components"].as_array().cloned().unwrap_or_default();
        over("inputs in a row", inputs.len(), 1, 1);
        for input in &inputs {
            let max_length = input["max_length"].as_u64().unwrap_or(4000) as usize;
            over("input custom_id", chars(&input["custom_id"]), 1, 100);
            over("input label", chars(&input["label"]), 1, 45);
            over("input max_length", max_length, 1, 4000);
            over("input placeholder", chars(&input["placeholder"]), 0, 100);
            over("input value", chars(&input["value"]), 0, max_length);
        }
    }
    found
}

/// Fails the case with `problems`, when there are any, and the answer they were found in.
pub fn no_problems(problems: Vec<String>, answer: &dyn Debug) -> TestCaseResult {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "the answer breaks Discord's limits:\n  {}\nanswer: {answer:?}",
            problems.join("\n  ")
        )))
    }
}

/// What the dispatcher shows for an `Internal` error: our bug, never the member's input.
pub const INTERNAL_ERROR: &str = "Something went wrong on our side";

/// The text of an outcome that reports an internal error, if it is one.
pub fn internal_error(outcome: &Outcome) -> Option<String> {
    let text = crate::support::text(&crate::support::json(outcome));
    text.contains(INTERNAL_ERROR).then_some(text)
}

/// The checks above find what Discord would refuse (so a property that passes has looked).
#[test]
fn the_checks_catch_what_discord_refuses() {
    use serde_json::json;
    use waypoint::commands::{error_response, CommandError};
    use waypoint::render::Reply;

    let message = |data: Value| json!({ "type": 4, "data": data });
    let fine = message(json!({ "content": "Hello", "flags": 64 }));
    assert_eq!(body_problems(&fine), Vec::<String>::new());
    let modal = |title: &str, label: &str, value: &str| {
        json!({ "type": 9, "data": { "custom_id": "checkin:submit", "title": title, "components": [
            { "type": 1, "components": [{
                "type": 4, "custom_id": "did", "label": label, "style": 2, "max_length": 10,
                "value": value
            }] }
        ] } })
    };
    assert_eq!(
        body_problems(&modal("Check-in", "Did", "ok")),
        Vec::<String>::new()
    );
    let choices = |n: usize| {
        let list: Vec<Value> = (0..n)
            .map(|i| json!({ "name": i.to_string(), "value": "v" }))
            .collect();
        json!({ "type": 8, "data": { "choices": list } })
    };
    assert_eq!(body_problems(&choices(25)), Vec::<String>::new());
    for (case, body) in [
        (
            "long content",
            message(json!({ "content": "é".repeat(2001) })),
        ),
        ("empty message", message(json!({ "content": " " }))),
        ("long form title", modal(&"t".repeat(46), "Did", "")),
        ("long field label", modal("Check-in", &"l".repeat(46), "")),
        (
            "value over the field's length",
            modal("Check-in", "Did", &"v".repeat(11)),
        ),
        ("too many choices", choices(26)),
        ("unknown response type", json!({ "type": 12 })),
    ] {
        assert!(!body_problems(&body).is_empty(), "{case} passed: {body}");
    }

    let outcome = |response| Outcome {
        response,
        failed: false,
    };
    let long = outcome(Response::Message(Reply::text("x".repeat(2001))));
    assert!(!outcome_problems(&long).is_empty());
    let internal = outcome(error_response(&CommandError::Internal(anyhow::anyhow!(
        "boom"
    ))));
    assert!(internal_error(&internal).is_some());
    let user = outcome(error_response(&CommandError::user("Pick a phase.")));
    assert!(internal_error(&user).is_none());
    assert_eq!(outcome_problems(&user), Vec::<String>::new());
}
