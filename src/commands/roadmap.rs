//! `/roadmap`: browse the server's roadmap — overview, one phase, one topic — and search it.
//!
//! Content comes from memory; the member's own marks come from the progress cache, with a
//! short bounded wait the first time (see `progress::own_progress`), and only into answers the
//! member alone sees: clicks. A `/roadmap` answer is public and shows no one's marks; search
//! results hold none either, so they are public too, and a topic opened from their menu is
//! the clicker's own copy.

use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx, Typing};
use super::invocation::CommandCall;
use super::marks::own_progress;
use super::options::Opt;
use super::spec::CommandSpec;
use super::subcommand::{subcommands, Subcommand};
use crate::render::roadmap_id::RoadmapId;
use crate::render::{limits, roadmap as views, roadmap_search, Choice, Reply};
use crate::roadmap::full_text::{self, Refusal};
use crate::roadmap::MAX_PHASES;
use crate::roadmap::{search, Roadmap, TopicRef};

pub const NAME: &str = "roadmap";

subcommands! {
    enum Sub {
        Overview = "overview",
        Phase = "phase",
        Topic = "topic",
        Search = "search",
    }
}

const NUMBER: Opt<i64> = Opt::new("number");
/// A topic of the roadmap, autocompleted; `/progress` takes the same option.
pub(super) const TOPIC: Opt<String> = Opt::new("topic");
const QUERY: Opt<String> = Opt::new("query");

/// Results a search shows: enough to find the one meant, few enough to read at a glance.
const SEARCH_RESULTS: usize = 8;

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "Browse the learning roadmap: every phase, section and topic",
        run,
    )
    .option(Sub::Overview.option(
        "Every phase in one line, with buttons to open each",
        Vec::new(),
    ))
    .option(Sub::Phase.option(
        "One phase's sections and topics",
        vec![NUMBER
            .integer("Which phase", 1, u32::from(MAX_PHASES))
            .required()],
    ))
    .option(Sub::Topic.option(
        "One topic in full: why, what to learn, what to try, resources",
        vec![TOPIC
            .text("The topic (start typing to search)", 100)
            .required()
            .autocomplete()],
    ))
    .option(Sub::Search.option(
        "Find topics by any word: a concept, a tool, a resource (typos are fine)",
        vec![QUERY
            .text("What to look for, like: gradient descent, or pytorch tensors", 100)
            .required()
            .autocomplete()],
    ))
    .autocomplete(suggest)
    .component(component)
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.sub::<Sub>()? {
        Sub::Overview => Ok(views::overview(ctx.roadmap())),
        Sub::Phase => phase_reply(ctx, call.required(NUMBER)?).await,
        Sub::Topic => topic_reply(ctx, &call.required(TOPIC)?).await,
        Sub::Search => search_reply(ctx, &call.required(QUERY)?).await,
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
            "The {} roadmap has phases 1 to {}. Try `/roadmap phase number:1`, or `/roadmap overview` for the overview.",
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

/// The best matches for `query`. A suggestion picked while typing arrives as a topic's id (or
/// an old id), and opens that topic at once.
async fn search_reply(ctx: &Ctx<'_>, query: &str) -> CommandResult<Reply> {
    let roadmap = ctx.roadmap();
    if roadmap.topic(query.trim()).is_some() {
        return topic_reply(ctx, query.trim()).await;
    }
    match full_text::search(roadmap, query, SEARCH_RESULTS) {
        Ok(hits) => Ok(roadmap_search::results(roadmap, query, &hits)),
        Err(Refusal::NoWords) => Err(CommandError::user(
            "Type what to look for: a concept, a tool or a resource, like `/roadmap search query:gradient descent`. Words like \"the\" or \"how\" alone find nothing.",
        )),
        Err(Refusal::NoMatch) => Err(CommandError::user(format!(
            "Nothing in the {} roadmap matches `{}`, even allowing for typos. Try another word for it (a tool, a concept), fewer words, or browse with `/roadmap overview`.",
            roadmap.title,
            limits::truncate(query.trim(), 40)
        ))),
    }
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
        "Start typing in the `topic` option to see matching topics, or look for a word with `/roadmap search`.".to_string()
    } else {
        format!("Did you mean {}?", suggestions.join(", or "))
    };
    Err(CommandError::user(format!(
        "There is no topic `{}` in the {} roadmap. {hint}",
        limits::truncate(input, 40),
        roadmap.title
    )))
}

/// Suggestions for `/roadmap`'s options: topics for `topic`, matches for `query`.
async fn suggest(ctx: &Ctx<'_>, typing: Typing<'_>) -> CommandResult<Vec<Choice>> {
    if typing.option != QUERY.name() {
        return complete(ctx, typing).await;
    }
    let typed = typing.partial.trim();
    match full_text::search(ctx.roadmap(), typed, limits::AUTOCOMPLETE_CHOICES - 1) {
        // First what was typed, so that Enter searches for it rather than for the first match.
        Ok(hits) => Ok(std::iter::once(Choice {
            name: limits::truncate(&format!("🔎 {typed}"), limits::CHOICE_TEXT),
            value: typed.to_string(),
        })
        .chain(hits.iter().map(roadmap_search::choice))
        .collect()),
        // Nothing typed yet: the topics in order, so the menu doubles as a browser.
        Err(Refusal::NoWords) if typed.is_empty() => complete(ctx, typing).await,
        Err(_) => Ok(Vec::new()),
    }
}

/// Suggestions for the `topic` option, shared with `/progress`.
pub(super) async fn complete(ctx: &Ctx<'_>, typing: Typing<'_>) -> CommandResult<Vec<Choice>> {
    if typing.option != TOPIC.name() && typing.option != QUERY.name() {
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

/// The buttons and the topic menu of roadmap messages (search results use the same menu).
async fn component(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    let stale = || {
        CommandError::user("That button is out of date. Run `/roadmap overview` for a fresh view.")
    };
    match RoadmapId::parse(click.custom_id).ok_or_else(stale)? {
        RoadmapId::Overview => Ok(views::overview(ctx.roadmap())),
        RoadmapId::Phase(number) => phase_reply(ctx, i64::from(number)).await,
        RoadmapId::Topic(topic) => topic_reply(ctx, &topic).await,
        RoadmapId::TopicMenu => topic_reply(ctx, click.values.first().ok_or_else(stale)?).await,
        RoadmapId::Nowhere(_) => Err(stale()),
    }
}
