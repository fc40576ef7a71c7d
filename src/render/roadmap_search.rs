//! `/roadmap search` as a message: the best matches, each with where it sits and the piece of
//! its text that matched, and a menu that opens one; and the same matches as autocomplete
//! suggestions.

use std::fmt::Write;

use super::limits;
use super::reply::{ActionRow, Component, Embed, Reply, Select, SelectOption};
use super::response::Choice;
use super::roadmap_id::RoadmapId;
use crate::roadmap::full_text::{Field, Hit};
use crate::roadmap::Roadmap;

/// How much of a matched piece a result quotes.
const QUOTE: usize = 120;

/// The matches for `query`, best first, with a menu that opens one as `/roadmap topic` does.
pub fn results(roadmap: &Roadmap, query: &str, hits: &[Hit<'_>]) -> Reply {
    let mut description = String::new();
    for (rank, hit) in hits.iter().enumerate() {
        let t = hit.topic;
        let _ = write!(
            description,
            "{}**{}. {}** · Phase {} › {}\n╰ {}",
            if rank == 0 { "" } else { "\n\n" },
            rank + 1,
            t.topic.title,
            t.phase.number,
            t.section.title,
            reason(hit, QUOTE)
        );
    }
    let embed = Embed::new(limits::truncate(
        &format!("Search: “{}”", plain(query.trim())),
        limits::EMBED_TITLE,
    ))
    .description(description)
    .footer(format!(
        "{} in the {} roadmap, best first · pick one below to open it, or /roadmap topic topic:<id>",
        match hits.len() {
            1 => "The only match".to_string(),
            n => format!("{n} best matches"),
        },
        roadmap.title
    ));
    let menu = Select {
        custom_id: RoadmapId::TopicMenu.custom_id(),
        placeholder: "Open one of these topics".to_string(),
        options: hits
            .iter()
            .take(limits::SELECT_OPTIONS)
            .enumerate()
            .map(|(rank, hit)| SelectOption {
                label: limits::truncate(
                    &format!("{}. {}", rank + 1, hit.topic.topic.title),
                    limits::SELECT_OPTION_TEXT,
                ),
                value: hit.topic.topic.id.clone(),
                description: Some(limits::truncate(
                    &format!(
                        "Phase {} · {}",
                        hit.topic.phase.number, hit.topic.section.title
                    ),
                    limits::SELECT_OPTION_TEXT,
                )),
            })
            .collect(),
    };
    Reply::embed(embed).with_row(ActionRow(vec![Component::Select(menu)]))
}

/// A match as an autocomplete suggestion: its title, phase and why it matched; picking it
/// sends the topic's id.
pub fn choice(hit: &Hit<'_>) -> Choice {
    let t = hit.topic;
    let head = format!("{} · phase {} · ", t.topic.title, t.phase.number);
    let room = limits::CHOICE_TEXT.saturating_sub(limits::len(&head));
    Choice {
        name: limits::truncate(&format!("{head}{}", reason(hit, room)), limits::CHOICE_TEXT),
        value: t.topic.id.clone(),
    }
}

/// Why a topic matched, at most `max` characters: the field and the words of it that did. A
/// match in the title shows the first words of why the topic matters instead, since the
/// title is shown already.
fn reason(hit: &Hit<'_>, max: usize) -> String {
    let (label, text) = match hit.reason.field {
        Field::Title => ("", hit.topic.topic.why.as_str()),
        Field::Id => ("topic id: ", hit.reason.text),
        Field::Alias => ("old id: ", hit.reason.text),
        Field::Learn => ("what to learn: ", hit.reason.text),
        Field::Why => ("why it matters: ", hit.reason.text),
        Field::Action => ("try this: ", hit.reason.text),
        Field::Resource => ("resource: ", hit.reason.text),
        Field::Section => ("section: ", hit.reason.text),
    };
    let room = max.saturating_sub(limits::len(label));
    format!("{label}{}", limits::truncate(text, room))
}

/// Text a member typed, shown without Discord reading it as formatting.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(|c| if c.is_control() { ' ' } else { c }) {
        if matches!(
            c,
            '*' | '_' | '~' | '`' | '|' | '>' | '\\' | '[' | ']' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn typed_text_is_not_read_as_formatting() {
        assert_eq!(plain("**big** `x`"), "\\*\\*big\\*\\* \\`x\\`");
        assert_eq!(plain("a\nb"), "a b");
    }
}
