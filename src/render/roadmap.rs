//! Roadmap content as Discord messages: the overview, one phase, one topic.
//!
//! The validator renders every view through these same functions at start-up, so shipped
//! content is known to fit Discord's limits before any member asks for it.

use std::fmt::Write;
use std::path::Path;

use super::limits;
use super::progress_id::SetStateId;
use super::reply::{ActionRow, Button, Component, Embed, Reply, Select, SelectOption};
use super::roadmap_id::RoadmapId;
use crate::progress::{MemberProgress, TopicState};
use crate::roadmap::{ContentError, Library, Phase, Resource, Roadmap, TopicRef};

pub fn overview(roadmap: &Roadmap) -> Reply {
    let mut description = format!("{}\n", roadmap.summary);
    for phase in &roadmap.phases {
        let _ = write!(
            description,
            "\n**Phase {} · {}** — {} ({} topics)",
            phase.number,
            phase.title,
            phase.tagline,
            phase.topic_count()
        );
    }
    let _ = write!(description, "\n\n{}", roadmap.closing);
    let embed = Embed::new(format!("{} roadmap", roadmap.title))
        .description(description)
        .footer("Open a phase with /roadmap phase number:<n> or one topic with /roadmap topic topic:<id>, or find one by any word with /roadmap search query:<words>. /help lists every command.");

    let buttons: Vec<Component> = roadmap
        .phases
        .iter()
        .map(|p| {
            Component::Button(Button::new(
                RoadmapId::Phase(p.number).custom_id(),
                format!("Phase {}", p.number),
            ))
        })
        .collect();
    buttons
        .chunks(limits::BUTTONS_PER_ROW)
        .fold(Reply::embed(embed), |reply, chunk| {
            reply.with_row(ActionRow(chunk.to_vec()))
        })
}

/// One phase; with the member's progress, each topic is marked with their state (a reply only
/// they see), else a button that shows them their marks.
pub fn phase(roadmap: &Roadmap, phase: &Phase, marks: Option<&MemberProgress>) -> Reply {
    let mut embed = Embed::new(format!("Phase {} · {}", phase.number, phase.title))
        .description(phase.summary.clone())
        .footer(format!(
            "Phase {} of {} · {} roadmap · pick a topic below, or use /roadmap topic topic:<id>",
            phase.number,
            roadmap.phases.len(),
            roadmap.title
        ));
    for section in &phase.sections {
        let mut value = format!("{}\n", section.summary);
        for topic in &section.topics {
            let mark = match marks {
                Some(progress) => progress.state(topic).mark(),
                None => "•",
            };
            let _ = write!(value, "\n{mark} **{}** · `{}`", topic.title, topic.id);
        }
        let _ = write!(value, "\n\n*Practice:* {}", section.action);
        embed = embed.field(section.title.clone(), value);
    }

    let menu = Select {
        custom_id: RoadmapId::TopicMenu.custom_id(),
        placeholder: format!("Open a topic of phase {}", phase.number),
        options: phase
            .sections
            .iter()
            .flat_map(|s| s.topics.iter().map(move |t| (s, t)))
            .map(|(section, topic)| SelectOption {
                label: topic.title.clone(),
                value: topic.id.clone(),
                description: Some(section.title.clone()),
            })
            .collect(),
    };
    let position = roadmap.phases.iter().position(|p| p.number == phase.number);
    let previous = position
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| roadmap.phases.get(i));
    let next = position.and_then(|i| roadmap.phases.get(i + 1));
    let navigation = ActionRow(vec![
        nav_button(
            previous.map(|p| p.number),
            |n| format!("◀ Phase {n}"),
            "◀ Previous",
        ),
        Component::Button(Button::new(RoadmapId::Overview.custom_id(), "Overview")),
        nav_button(next.map(|p| p.number), |n| format!("Phase {n} ▶"), "Next ▶"),
    ]);
    // Without marks: this phase again, answered privately with the clicker's marks.
    let mine = marks.is_none().then(|| {
        Component::Button(Button::mine(
            RoadmapId::Phase(phase.number).custom_id(),
            "progress",
        ))
    });
    Reply::embed(embed)
        .with_row(ActionRow(vec![Component::Select(menu)]))
        .with_row(navigation)
        .with_row(ActionRow(mine.into_iter().collect()))
        .personal_if(marks.is_some())
}

/// A button to another phase, disabled where there is none (Discord needs a unique id anyway).
fn nav_button(target: Option<u8>, label: impl Fn(u8) -> String, fallback: &str) -> Component {
    match target {
        Some(n) => Component::Button(Button::new(RoadmapId::Phase(n).custom_id(), label(n))),
        None => Component::Button(
            Button::new(
                RoadmapId::Nowhere(fallback.to_string()).custom_id(),
                fallback,
            )
            .disabled(true),
        ),
    }
}

/// One topic, with buttons that set the clicker's own state; `mine` is the viewer's state (a
/// reply only they see), else a button that shows it to them.
pub fn topic(found: TopicRef<'_>, mine: Option<TopicState>) -> Reply {
    let TopicRef {
        roadmap,
        phase,
        section,
        topic,
    } = found;
    let learn = topic
        .learn
        .iter()
        .map(|item| format!("• {item}"))
        .collect::<Vec<_>>()
        .join("\n");
    let resources = topic
        .resources
        .iter()
        .map(|r| format!("• *{}* — {}", r.kind.label(), resource_name(r)))
        .collect::<Vec<_>>()
        .join("\n");
    let embed = Embed::new(topic.title.clone())
        .description(topic.why.clone())
        .field("What to learn", learn)
        .field("Try this", topic.action.clone())
        .field("Resources", resources)
        .footer(format!(
            "Phase {} · {} › {} · topic id: {}{}",
            phase.number,
            phase.title,
            section.title,
            topic.id,
            mine.map(|s| format!(" · you: {}", s.label()))
                .unwrap_or_default()
        ));

    let topics: Vec<_> = roadmap.topics().collect();
    let index = topics.iter().position(|t| t.topic.id == topic.id);
    let previous = index
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| topics.get(i));
    let next = index.and_then(|i| topics.get(i + 1));
    let mut row = vec![Component::Button(Button::new(
        RoadmapId::Phase(phase.number).custom_id(),
        format!("Back to phase {}", phase.number),
    ))];
    if let Some(p) = previous {
        row.push(Component::Button(Button::new(
            RoadmapId::Topic(p.topic.id.clone()).custom_id(),
            "◀ Previous topic",
        )));
    }
    if let Some(n) = next {
        row.push(Component::Button(Button::new(
            RoadmapId::Topic(n.topic.id.clone()).custom_id(),
            "Next topic ▶",
        )));
    }
    let states = TopicState::ALL
        .into_iter()
        .map(|state| {
            let id = SetStateId {
                state,
                topic: topic.id.clone(),
            };
            Component::Button(Button::new(id.custom_id(), state_button_label(state)))
        })
        .collect();
    if mine.is_none() {
        // This topic again, answered privately with the clicker's state.
        row.push(Component::Button(Button::mine(
            RoadmapId::Topic(topic.id.clone()).custom_id(),
            "state",
        )));
    }
    Reply::embed(embed)
        .with_row(ActionRow(row))
        .with_row(ActionRow(states))
        .personal_if(mine.is_some())
}

fn state_button_label(state: TopicState) -> String {
    match state {
        TopicState::NotStarted => "↺ Not started".to_string(),
        other => format!("{} {}", other.mark(), other.label()),
    }
}

/// Renders every view of every roadmap and reports any that Discord would refuse or cut, so
/// shipped content is known to fit before a member asks for it.
pub fn check_views(library: &Library) -> Vec<ContentError> {
    let mut errors = Vec::new();
    for roadmap in &library.roadmaps {
        let meta = roadmap.source.meta_file();
        // The widest marks a member's progress can add to the phase views.
        let all_skipped = MemberProgress::from_rows(
            roadmap,
            roadmap
                .topics()
                .map(|t| (t.topic.id.as_str(), TopicState::Skipped)),
        );
        let item = format!("roadmap `{}` overview", roadmap.id);
        report(&mut errors, &meta, &item, &overview(roadmap));
        for phase in &roadmap.phases {
            let item = format!("phase {}", phase.number);
            if phase.topic_count() > limits::SELECT_OPTIONS {
                errors.push(ContentError::new(
                    &phase.file,
                    &item,
                    format!(
                        "has {} topics; the topic menu holds at most {}: split the phase",
                        phase.topic_count(),
                        limits::SELECT_OPTIONS
                    ),
                ));
            }
            report(
                &mut errors,
                &phase.file,
                &item,
                &self::phase(roadmap, phase, Some(&all_skipped)),
            );
        }
        for found in roadmap.topics() {
            let item = format!("topic `{}`", found.topic.id);
            let view = topic(found, Some(TopicState::NotStarted));
            report(&mut errors, &found.phase.file, &item, &view);
        }
    }
    errors
}

fn report(errors: &mut Vec<ContentError>, file: &Path, item: &str, reply: &Reply) {
    for problem in limits::violations(reply) {
        errors.push(ContentError::new(
            file,
            item,
            format!("too long for Discord: {problem}"),
        ));
    }
}

/// A resource's name, linked to its address when it has one. Brackets in the name would end
/// the link's text early and parentheses in the address its target, so both are escaped.
fn resource_name(resource: &Resource) -> String {
    let Some(url) = &resource.url else {
        return resource.name.clone();
    };
    let text = resource.name.replace('[', "\\[").replace(']', "\\]");
    let target = url.replace('(', "%28").replace(')', "%29");
    format!("[{text}]({target})")
}
