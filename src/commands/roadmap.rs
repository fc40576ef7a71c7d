//! `/roadmap`: browse the server's roadmap — overview, one phase, one topic.
//!
//! Content comes from memory; the member's own marks come from the progress cache, with a
//! short bounded wait the first time (see `progress::own_progress`), and only into answers the
//! member alone sees: clicks. A `/roadmap` answer is public and shows no one's marks.

use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx, Typing};
use super::invocation::CommandCall;
use super::marks::own_progress;
use super::options::Opt;
use super::spec::CommandSpec;
use crate::render::roadmap_id::RoadmapId;
use crate::render::{limits, roadmap as views, Choice, Reply};
use crate::roadmap::{search, Library, Roadmap, TopicRef};

pub const NAME: &str = "roadmap";
const PHASE: Opt<i64> = Opt::new("phase");
/// A topic of the roadmap, autocompleted; `/progress` takes the same option.
pub(super) const TOPIC: Opt<String> = Opt::new("topic");

pub fn spec(library: &Library) -> CommandSpec {
    CommandSpec::new(
        NAME,
        "Browse the learning roadmap: every phase, section and topic",
        run,
    )
    .option(PHASE.integer(
        "Show one phase's sections and topics",
        1,
        u32::from(library.max_phase()),
    ))
    .option(
        TOPIC
            .text("Show one topic in full (start typing to search)", 100)
            .autocomplete(),
    )
    .autocomplete(complete)
    .component(component)
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match (call.get(PHASE), call.get(TOPIC)) {
        (Some(_), Some(_)) => Err(CommandError::user(
            "Pick one: `phase` shows a whole phase, `topic` shows one topic. Run `/roadmap` with just one of them.",
        )),
        (Some(number), None) => phase_reply(ctx, number).await,
        (None, Some(topic)) => topic_reply(ctx, &topic).await,
        (None, None) => Ok(views::overview(ctx.roadmap())),
    }
}

async fn phase_reply(ctx: &Ctx<'_>, number: i64) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    let phase = u8::try_from(number).ok().and_then(|n| roadmap.phase(n));
    match phase {
        Some(phase) => {
            let marks = mine(ctx).await;
            Ok(views::phase(roadmap, phase, marks.as_deref()))
        }
        None => Err(CommandError::user(format!(
            "The {} roadmap has phases 1 to {}. Try `/roadmap phase:1`, or `/roadmap` for the overview.",
            roadmap.title,
            roadmap.phases.len()
        ))),
    }
}

async fn topic_reply(ctx: &Ctx<'_>, input: &str) -> CommandResult<Reply> {
    let found = find_topic(ctx.roadmap(), input)?;
    let state = mine(ctx).await.map(|p| p.state(found.topic));
    Ok(views::topic(found, state))
}

/// The caller's marks, for an answer only they see; a public view shows none (its "My
/// progress" button answers privately with them).
async fn mine(ctx: &Ctx<'_>) -> Option<std::sync::Arc<crate::progress::MemberProgress>> {
    if ctx.private() {
        own_progress(ctx).await
    } else {
        None
    }
}

/// The topic a member means, or an error with the closest matches.
pub(super) fn find_topic<'a>(roadmap: &'a Roadmap, input: &str) -> CommandResult<TopicRef<'a>> {
    if let Some(found) = search::find(roadmap, input) {
        return Ok(found);
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

/// Suggestions for the `topic` option, shared with `/progress`.
pub(super) async fn complete(ctx: &Ctx<'_>, typing: Typing<'_>) -> CommandResult<Vec<Choice>> {
    if typing.option != TOPIC.name() {
        return Ok(Vec::new());
    }
    Ok(
        search::complete(ctx.roadmap(), typing.partial, limits::AUTOCOMPLETE_CHOICES)
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

/// The buttons and the topic menu of roadmap messages.
async fn component(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    let stale =
        || CommandError::user("That button is out of date. Run `/roadmap` for a fresh view.");
    match RoadmapId::parse(click.custom_id).ok_or_else(stale)? {
        RoadmapId::Overview => Ok(views::overview(ctx.roadmap())),
        RoadmapId::Phase(number) => phase_reply(ctx, i64::from(number)).await,
        RoadmapId::Topic(topic) => topic_reply(ctx, &topic).await,
        RoadmapId::TopicMenu => topic_reply(ctx, click.values.first().ok_or_else(stale)?).await,
        RoadmapId::Nowhere(_) => Err(stale()),
    }
}
