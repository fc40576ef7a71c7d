//! The dispatcher, called directly (no transport in between): every registered command and
//! option with any values, autocomplete on any text, clicks on any custom id. Whatever comes
//! in, nothing panics and every answer fits Discord.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use waypoint::commands::{Action, Dispatcher, Invocation};
use waypoint::render::Response;

use super::strategies::{call, custom_id, invocation, leaves, picked, CHANNEL, STAFF};
use super::text::{self, Vocabulary};
use super::{check, finish, internal_error, no_problems, outcome_problems, runtime};
use crate::support::checkins::{at, check_in, enable};
use crate::support::schedule::run_at;
use crate::support::{self, Who, GUILD, USER};

/// The instant the seeded state is written at (Friday of ISO week 48, 2026).
pub const SEEDED_AT: &str = "2026-11-27T12:00:00Z";

/// A bot on a fresh database with something to find in `GUILD`: check-ins and weekly prompts
/// on, three challenges (one that `USER` joined), a topic done and a check-in.
pub async fn seeded_bot() -> Dispatcher {
    let bot = support::bot().await;
    seed(&bot).await;
    bot
}

/// Writes that state through `bot`'s own commands.
pub async fn seed(bot: &Dispatcher) {
    let now = at(SEEDED_AT);
    enable(bot, GUILD, "", now).await;
    let staff = Who::staff(GUILD, STAFF);
    let member = Who::member(GUILD, USER);
    for (who, line) in [
        (
            staff,
            format!(
                "/settings prompts channel:#{CHANNEL} day:Monday time:09:00 \
                 timezone:Europe/Berlin"
            ),
        ),
        (
            staff,
            "/challenge create name:Sprint goal:topics target:3 start:2026-11-27 \
             end:2026-12-20"
                .to_string(),
        ),
        (
            staff,
            "/challenge create name:Marathon goal:checkins target:2 start:2026-11-28 \
             end:2027-01-31"
                .to_string(),
        ),
        (
            staff,
            "/challenge create name:\"Week one\" goal:phase target:1 phase:1 \
             start:2026-11-27 end:2026-12-04"
                .to_string(),
        ),
        (member, "/challenge join name:Sprint".to_string()),
        (member, "/progress set topic:python state:done".to_string()),
    ] {
        let outcome = run_at(bot, who, &line, now).await;
        assert!(!outcome.failed, "{line}: {:?}", outcome.response);
    }
    check_in(bot, member, now, "Built a thing").await;
}

/// Counts the cases, and those whose answer was not an error, so a property can show that
/// its input reached past the option checks into the handlers.
#[derive(Default)]
pub struct Reached {
    cases: AtomicUsize,
    answered: AtomicUsize,
}

impl Reached {
    pub fn note(&self, failed: bool) {
        self.cases.fetch_add(1, Ordering::Relaxed);
        if !failed {
            self.answered.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Over enough cases, at least one in twenty must have been answered normally.
    pub fn assert_some(&self, what: &str) {
        let cases = self.cases.load(Ordering::Relaxed);
        let answered = self.answered.load(Ordering::Relaxed);
        assert!(
            cases < 50 || answered * 20 >= cases,
            "{what}: only {answered} of {cases} cases got past the checks; the generators \
             are too hostile to test the handlers"
        );
    }
}

/// Dispatches one generated invocation and checks its answer.
fn answer(
    rt: &tokio::runtime::Runtime,
    bot: &Dispatcher,
    invocation: &Invocation,
    reached: &Reached,
) -> Result<Response, TestCaseError> {
    let outcome = finish(rt, bot.dispatch(invocation))?;
    no_problems(outcome_problems(&outcome), &outcome.response)?;
    reached.note(outcome.failed);
    Ok(outcome.response)
}

/// One query that digests every row of every table of ours: equal before and after a
/// command means it wrote nothing.
async fn fingerprint_query(bot: &Dispatcher) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables
         WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations' ORDER BY tablename",
    )
    .fetch_all(&bot.app.db)
    .await
    .expect("list the tables");
    assert!(tables.len() > 5, "the schema has its tables: {tables:?}");
    let parts: Vec<String> = tables
        .iter()
        .map(|t| {
            format!(
                "(SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM \"{t}\" t)"
            )
        })
        .collect();
    format!("SELECT md5(concat_ws('|', {}))", parts.join(", "))
}

async fn fingerprint(bot: &Dispatcher, query: &str) -> String {
    sqlx::query_scalar(query)
        .fetch_one(&bot.app.db)
        .await
        .expect("digest the database")
}

#[test]
fn every_command_takes_any_option_values() {
    let rt = runtime();
    let bot = rt.block_on(seeded_bot());
    let digest = rt.block_on(async {
        let digest = fingerprint_query(&bot).await;
        // The digest notices a write.
        let before = fingerprint(&bot, &digest).await;
        let line = "/me reminders state:on";
        let outcome = crate::support::run_as(&bot, Who::member(GUILD, STAFF), line).await;
        assert!(!outcome.failed, "{line}: {:?}", outcome.response);
        assert_ne!(
            before,
            fingerprint(&bot, &digest).await,
            "{line} wrote nothing?"
        );
        digest
    });
    let words = Vocabulary::new(&bot.app.content.library, &bot.registry);
    let leaves = Arc::new(leaves(&bot.registry));
    let reached = Reached::default();
    let invocations = invocation(call(&leaves, &words).prop_map(Action::Command).boxed());
    check("commands", 200, invocations, |invocation| {
        let before = finish(&rt, fingerprint(&bot, &digest))?;
        let outcome = finish(&rt, bot.dispatch(&invocation))?;
        no_problems(outcome_problems(&outcome), &outcome.response)?;
        reached.note(outcome.failed);
        // A command refused for the member's mistake changed nothing.
        if outcome.failed && internal_error(&outcome).is_none() {
            let after = finish(&rt, fingerprint(&bot, &digest))?;
            prop_assert_eq!(
                before,
                after,
                "a refused command wrote to the database: {:?}",
                outcome.response
            );
        }
        Ok(())
    });
    reached.assert_some("commands");
}

#[test]
fn autocomplete_takes_any_text() {
    let rt = runtime();
    let bot = rt.block_on(seeded_bot());
    let words = Vocabulary::new(&bot.app.content.library, &bot.registry);
    let leaves = Arc::new(leaves(&bot.registry));
    let mut names: Vec<String> = leaves
        .iter()
        .flat_map(|l| l.options.iter().map(|o| o.name.to_string()))
        .collect();
    names.sort();
    names.dedup();
    let focused = prop_oneof![4 => select(names), 1 => text::text()];
    let action = (call(&leaves, &words), focused, words.text())
        .prop_map(|(call, focused, partial)| Action::Autocomplete {
            call,
            focused,
            partial,
        })
        .boxed();
    let reached = Reached::default();
    check("autocomplete", 150, invocation(action), |invocation| {
        let response = answer(&rt, &bot, &invocation, &reached)?;
        prop_assert!(
            matches!(response, Response::Choices(_)),
            "autocomplete answered with {response:?}"
        );
        Ok(())
    });
    reached.assert_some("autocomplete");
}

/// A click on a message component: any custom id (ours, stale or forged) and any values.
fn click(bot: &Dispatcher, words: &Arc<Vocabulary>) -> BoxedStrategy<Action> {
    (
        custom_id(&bot.registry, words),
        picked(words),
        any::<bool>(),
    )
        .prop_map(|(custom_id, values, on_ephemeral)| Action::Component {
            custom_id,
            values,
            on_ephemeral,
        })
        .boxed()
}

#[test]
fn clicks_take_any_custom_id_and_values() {
    let rt = runtime();
    let bot = rt.block_on(seeded_bot());
    let words = Vocabulary::new(&bot.app.content.library, &bot.registry);
    let action = click(&bot, &words);
    let reached = Reached::default();
    check("components", 200, invocation(action), |invocation| {
        let response = answer(&rt, &bot, &invocation, &reached)?;
        prop_assert!(
            !matches!(response, Response::Choices(_)),
            "a click answered with choices"
        );
        Ok(())
    });
    reached.assert_some("components");
}

/// An internal error is our bug: no input, however hostile, may cause one. (The database's
/// own refusals, a NUL character in text say, are such bugs when they reach the member as
/// "something went wrong".)
#[test]
fn no_input_causes_an_internal_error() {
    let rt = runtime();
    let bot = rt.block_on(seeded_bot());
    let words = Vocabulary::new(&bot.app.content.library, &bot.registry);
    let leaves = Arc::new(leaves(&bot.registry));
    let action = prop_oneof![
        3 => call(&leaves, &words).prop_map(Action::Command),
        1 => click(&bot, &words),
        1 => super::forms::submission(&bot.registry, &words),
    ]
    .boxed();
    check("internal errors", 150, invocation(action), |invocation| {
        let outcome = finish(&rt, bot.dispatch(&invocation))?;
        match internal_error(&outcome) {
            None => Ok(()),
            Some(text) => Err(TestCaseError::fail(format!(
                "an internal error (see the log with RUST_LOG=waypoint=error): {text}"
            ))),
        }
    });
}
