//! A weekly prompt as the post members see in the server's channel.

use std::fmt::Write;

use super::limits;
use super::reply::{Embed, Reply};
use crate::roadmap::{ContentError, Library, Prompt, Roadmap};

/// The post for `prompt` in the week `period` (`2026-W49`), labelled by its days.
pub fn post(roadmap: &Roadmap, prompt: &Prompt, period: &str) -> Reply {
    let mut topics = String::new();
    for id in &prompt.topics {
        let (title, id) = roadmap.topic(id).map_or((id.as_str(), id.as_str()), |t| {
            (t.topic.title.as_str(), t.topic.id.as_str())
        });
        let _ = writeln!(topics, "• **{title}** · `/roadmap topic topic:{id}`");
    }
    let scope = match prompt.phase.and_then(|n| roadmap.phase(n)) {
        Some(phase) => format!("Phase {} · {}", phase.number, phase.title),
        None => format!("The whole {} roadmap", roadmap.title),
    };
    let embed = Embed::new(format!("{} · {}", prompt.kind.label(), prompt.title))
        .description(prompt.text.trim().to_string())
        .field("Topics", topics)
        .field(
            "How to answer",
            "Start a thread on this post and share what you tried, built or think. When you \
             finish a topic, mark it with `/progress set topic:<id> state:done`.",
        )
        .footer(format!(
            "Prompt for {} · {scope}",
            crate::words::week_range(period)
        ));
    Reply::embed(embed)
}

/// Renders every prompt and reports any post Discord would refuse or cut.
pub fn check_prompts(library: &Library) -> Vec<ContentError> {
    let mut errors = Vec::new();
    for roadmap in &library.roadmaps {
        for prompt in &roadmap.prompts {
            let reply = post(roadmap, prompt, "2026-W53");
            for problem in limits::violations(&reply) {
                errors.push(ContentError::new(
                    &prompt.file,
                    format!("prompt `{}`", prompt.id),
                    format!("too long for Discord: {problem}"),
                ));
            }
        }
    }
    errors
}
