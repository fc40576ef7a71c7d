//! The console's command-line parser on any line at all.

use std::sync::Arc;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use waypoint::commands::{error_response, CommandError, Registry};
use waypoint::render::Response;

use super::strategies::{self, leaves};
use super::text::{text, Vocabulary};
use crate::support::shipped_library;

/// How a value is written after `name:`: bare, quoted either way, half-quoted, escaped.
fn quoted(value: String) -> BoxedStrategy<String> {
    prop_oneof![
        Just(value.clone()),
        Just(format!("\"{value}\"")),
        Just(format!("'{value}'")),
        Just(format!("\"{value}")),
        Just(format!("{value}'")),
        Just(shlex::try_quote(&value).map_or(value.clone(), |q| q.into_owned())),
    ]
    .boxed()
}

/// Lines shaped like commands: a real command and path, then `option:value` words (real
/// option names or not) and loose words, joined by any whitespace.
fn command_line(registry: &Registry, words: &Arc<Vocabulary>) -> BoxedStrategy<String> {
    let leaves = leaves(registry);
    let names: Vec<String> = leaves
        .iter()
        .flat_map(|l| l.options.iter().map(|o| o.name.to_string()))
        .collect();
    let word = {
        let words = words.clone();
        prop_oneof![
            4 => (select(names), words.text().prop_flat_map(quoted))
                .prop_map(|(name, value)| format!("{name}:{value}")),
            1 => (
                select(vec!["phase", "topic", "state", "name"]),
                words.text().prop_flat_map(quoted),
            )
                .prop_map(|(name, value)| format!("{name} {value}")),
            1 => words.text(),
        ]
    };
    (
        select(leaves),
        select(vec!["/", "", "//", " /"]),
        vec(word, 0..6),
        select(vec![" ", "  ", "\t", "\n", "\u{a0}", "\u{3000}"]),
    )
        .prop_map(|(leaf, slash, words, gap)| {
            let head = std::iter::once(format!("{slash}{}", leaf.name)).chain(leaf.path);
            head.chain(words).collect::<Vec<_>>().join(gap)
        })
        .boxed()
}

#[test]
fn the_console_parser_takes_any_line() {
    let library = shipped_library();
    let registry = waypoint::commands::registry().expect("the command definitions are valid");
    let words = Vocabulary::new(&library, &registry);
    let lines = prop_oneof![
        2 => text(),
        3 => command_line(&registry, &words),
        1 => (select(strategies::leaves(&registry)), text())
            .prop_map(|(leaf, rest)| format!("/{} {rest}", leaf.name)),
    ];
    super::check("parse_line", 1500, lines, |line| {
        match waypoint::console::parse_line(&registry, &line) {
            Ok(call) => {
                if call.name.is_empty() {
                    return Err(TestCaseError::fail("parsed a call with no command name"));
                }
                // What the parser accepts for a known command, the dispatcher's check must too.
                if let Some(spec) = registry.get(&call.name) {
                    if let Err(e) = spec.check(&call) {
                        return Err(TestCaseError::fail(format!(
                            "parsed {call:?}, which the command's own check refuses: {e}"
                        )));
                    }
                }
                Ok(())
            }
            Err(CommandError::User(message)) => {
                if message.trim().is_empty() {
                    return Err(TestCaseError::fail("a user error without a message"));
                }
                let shown = error_response(&CommandError::User(message));
                let Response::Message(reply) = &shown else {
                    return Err(TestCaseError::fail(format!("an error shown as {shown:?}")));
                };
                super::no_problems(waypoint::render::limits::violations(reply), reply)
            }
            Err(other) => Err(TestCaseError::fail(format!(
                "a line is the member's mistake, never {other:?}"
            ))),
        }
    });
}
