//! Form (modal) submissions with real and made-up custom ids and any field values: nothing
//! panics, the answer is a message that fits, and a submission the check-in rules refuse
//! saves no check-in.

use std::sync::Arc;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use waypoint::commands::{Action, Dispatcher, Registry};
use waypoint::render::checkin_form::{FORM_ID, RETRY_ID};
use waypoint::render::Response;

use super::dispatch::{seeded_bot, Reached};
use super::strategies::invocation;
use super::text::{text, Vocabulary};
use super::{check, finish, internal_error, no_problems, outcome_problems, runtime};
use crate::support::GUILD;

/// The check-in form's fields, in form order.
pub const FIELDS: [&str; 5] = ["did", "blockers", "goal", "link", "met"];

/// What members type into a form field: sensible answers, answers just over a limit, and
/// anything at all.
fn field_value(words: &Arc<Vocabulary>) -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(vec![
            "Built a demo",
            "Read chapter 3",
            "https://github.com/you/project",
            "yes",
            "partly",
            "No",
            "",
            "   ",
        ])
        .prop_map(str::to_string),
        1 => select(vec![300usize, 301, 512, 513, 1000, 1001, 4000, 6000])
            .prop_map(|n| "x".repeat(n)),
        1 => select(vec![1000usize, 1001]).prop_map(|n| "é".repeat(n)),
        3 => words.text(),
    ]
    .boxed()
}

/// A submitted form: the check-in form (its fields in order, some left out) or made-up
/// fields, under a real or a made-up custom id.
pub fn submission(registry: &Registry, words: &Arc<Vocabulary>) -> BoxedStrategy<Action> {
    let commands: Vec<String> = registry.iter().map(|s| s.name.to_string()).collect();
    let custom_id = prop_oneof![
        8 => Just(FORM_ID.to_string()),
        1 => Just(RETRY_ID.to_string()),
        1 => text().prop_map(|t| format!("checkin:{t}")),
        1 => (select(commands), text()).prop_map(|(c, t)| format!("{c}:{t}")),
        1 => text(),
    ];
    let form = Vec::from(FIELDS.map(|id| {
        option::weighted(0.85, field_value(words)).prop_map(move |v| v.map(|v| (id.to_string(), v)))
    }))
    .prop_map(|fields| fields.into_iter().flatten().collect::<Vec<_>>());
    let made_up = vec(
        (
            prop_oneof![select(FIELDS.to_vec()).prop_map(str::to_string), text()],
            field_value(words),
        ),
        0..8,
    );
    let fields = prop_oneof![4 => form, 1 => made_up];
    (custom_id, fields)
        .prop_map(|(custom_id, fields)| Action::ModalSubmit { custom_id, fields })
        .boxed()
}

/// Rows of check-ins and drafts that `user` has in `guild`.
async fn stored(bot: &Dispatcher, guild: u64, user: u64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM checkins WHERE guild_id = $1 AND user_id = $2),
                (SELECT count(*) FROM checkin_drafts WHERE guild_id = $1 AND user_id = $2)",
    )
    .bind(guild as i64)
    .bind(user as i64)
    .fetch_one(&bot.app.db)
    .await
    .expect("count stored check-ins")
}

/// The value of field `id` as the form handler reads it: the first one, trimmed.
/// A field as the form reads it: trimmed, NUL characters dropped.
fn field(fields: &[(String, String)], id: &str) -> String {
    fields
        .iter()
        .find(|(f, _)| f == id)
        .map_or(String::new(), |(_, v)| {
            v.replace('\0', "").trim().to_string()
        })
}

#[test]
fn forms_take_any_submission() {
    let rt = runtime();
    let bot = rt.block_on(seeded_bot());
    let words = Vocabulary::new(&bot.app.content.library, &bot.registry);
    let reached = Reached::default();
    let cases = invocation(submission(&bot.registry, &words));
    check("forms", 200, cases, |invocation| {
        let Action::ModalSubmit { custom_id, fields } = &invocation.action else {
            unreachable!("the strategy makes form submissions");
        };
        let (guild, user) = (
            invocation.guild_id.map_or(0, |g| g.get()),
            invocation.user_id.get(),
        );
        let before = finish(&rt, stored(&bot, guild, user))?;
        let outcome = finish(&rt, bot.dispatch(&invocation))?;
        no_problems(outcome_problems(&outcome), &outcome.response)?;
        prop_assert!(
            matches!(outcome.response, Response::Message(_)),
            "a form answered with {:?}",
            outcome.response
        );
        reached.note(outcome.failed);
        let after = finish(&rt, stored(&bot, guild, user))?;

        // Only the check-in form stores anything, and only where check-ins are on.
        let check_in_form = custom_id == "checkin:submit" && guild == GUILD;
        if !check_in_form {
            prop_assert_eq!(
                after,
                before,
                "a form that is not the check-in form stored one"
            );
        }
        let (did, goal) = (field(fields, "did"), field(fields, "goal"));
        let refused = did.is_empty()
            || goal.is_empty()
            || did.chars().count() > 1000
            || goal.chars().count() > 300;
        if refused {
            prop_assert_eq!(after.0, before.0, "a check-in the rules refuse was saved");
            // ... but what was typed is kept, so the form can open again with it.
            if check_in_form && internal_error(&outcome).is_none() {
                prop_assert_eq!(after.1, 1, "a refused check-in kept no draft");
            }
        }
        Ok(())
    });
    reached.assert_some("forms");
}
