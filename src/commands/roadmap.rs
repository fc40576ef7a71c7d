//! `/roadmap`: browse the server's roadmap — overview, one phase, one topic.

use super::error::{CommandError, CommandResult};
use super::handler::Choice;
use super::invocation::{CommandCall, Invocation};
use super::spec::{Access, CommandSpec, OptionKind, OptionSpec};
use crate::app::App;
use crate::render::{limits, roadmap as views, Reply};
use crate::roadmap::{search, Library, Roadmap};

pub const NAME: &str = "roadmap";

pub fn spec(library: &Library) -> CommandSpec {
    CommandSpec {
        name: NAME,
        description: "Browse the learning roadmap: every phase, section and topic",
        access: Access::Everyone,
        options: vec![
            OptionSpec::new(
                "phase",
                "Show one phase's sections and topics",
                OptionKind::Integer {
                    min: 1,
                    max: i64::from(library.max_phase()),
                },
            ),
            OptionSpec::new(
                "topic",
                "Show one topic in full (start typing to search)",
                OptionKind::String {
                    autocomplete: true,
                    max_length: 100,
                },
            ),
        ],
        run: |app, inv, call| Box::pin(run(app, inv, call)),
        autocomplete: Some(|app, inv, focused, partial| {
            Box::pin(complete(app, inv, focused, partial))
        }),
        component: Some(|app, inv, id, values| Box::pin(component(app, inv, id, values))),
    }
}

async fn run(app: &App, invocation: &Invocation, call: &CommandCall) -> CommandResult<Reply> {
    let roadmap = app.roadmap_for(invocation.guild_id);
    match (call.integer("phase"), call.string("topic")) {
        (Some(_), Some(_)) => Err(CommandError::user(
            "Pick one: `phase` shows a whole phase, `topic` shows one topic. Run `/roadmap` with just one of them.",
        )),
        (Some(number), None) => phase_reply(roadmap, number),
        (None, Some(topic)) => topic_reply(roadmap, topic),
        (None, None) => Ok(views::overview(roadmap)),
    }
}

fn phase_reply(roadmap: &Roadmap, number: i64) -> CommandResult<Reply> {
    let phase = u8::try_from(number).ok().and_then(|n| roadmap.phase(n));
    match phase {
        Some(phase) => Ok(views::phase(roadmap, phase)),
        None => Err(CommandError::user(format!(
            "The {} roadmap has phases 1 to {}. Try `/roadmap phase:1`, or `/roadmap` for the overview.",
            roadmap.title,
            roadmap.phases.len()
        ))),
    }
}

fn topic_reply(roadmap: &Roadmap, input: &str) -> CommandResult<Reply> {
    if let Some(found) = search::find(roadmap, input) {
        return Ok(views::topic(found));
    }
    let suggestions: Vec<String> = search::suggest(roadmap, input, 3)
        .iter()
        .map(|t| format!("`{}` ({})", t.topic.id, t.topic.title))
        .collect();
    let hint = if suggestions.is_empty() {
        "Start typing in the `topic` option to see matching topics, or browse them with `/roadmap phase:1`.".to_string()
    } else {
        format!("Did you mean {}?", suggestions.join(", or "))
    };
    Err(CommandError::user(format!(
        "There is no topic `{}` in the {} roadmap. {hint}",
        limits::truncate(input, 40),
        roadmap.title
    )))
}

async fn complete(
    app: &App,
    invocation: &Invocation,
    focused: &str,
    partial: &str,
) -> CommandResult<Vec<Choice>> {
    if focused != "topic" {
        return Ok(Vec::new());
    }
    let roadmap = app.roadmap_for(invocation.guild_id);
    Ok(
        search::complete(roadmap, partial, limits::AUTOCOMPLETE_CHOICES)
            .into_iter()
            .map(|t| Choice {
                name: limits::truncate(
                    &format!(
                        "{} · phase {} ({})",
                        t.topic.title, t.phase.number, t.topic.id
                    ),
                    limits::CHOICE_TEXT,
                ),
                value: t.topic.id.clone(),
            })
            .collect(),
    )
}

/// Buttons and the topic menu of roadmap messages; ids are built in `render::roadmap::ids`.
async fn component(
    app: &App,
    invocation: &Invocation,
    id: &str,
    values: &[String],
) -> CommandResult<Reply> {
    let roadmap = app.roadmap_for(invocation.guild_id);
    let stale =
        || CommandError::user("That button is out of date. Run `/roadmap` for a fresh view.");
    match id.split_once(':') {
        None if id == "overview" => Ok(views::overview(roadmap)),
        None if id == "topic" => {
            let picked = values.first().ok_or_else(stale)?;
            topic_reply(roadmap, picked)
        }
        Some(("phase", number)) => phase_reply(roadmap, number.parse().map_err(|_| stale())?),
        Some(("topic", topic)) => topic_reply(roadmap, topic),
        _ => Err(stale()),
    }
}
