//! What the partner match posts in each group's thread: the intro, the mid-week nudge and the
//! end-of-week "did you meet?" question, and the ids of that question's buttons.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::reply::{ActionRow, Button, Component, Reply};
use crate::db::partner_groups::Partner;
use crate::partners::{describe_offset, phase_of, utc_offset};
use crate::roadmap::Roadmap;
use crate::words;

const MET_PREFIX: &str = "partners:met:";

/// A member's answer to "did you meet?", for group `group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetAnswer {
    pub group: i64,
    pub met: bool,
}

impl MetAnswer {
    pub fn custom_id(self) -> String {
        format!(
            "{MET_PREFIX}{}:{}",
            self.group,
            if self.met { "yes" } else { "no" }
        )
    }

    /// `None` for ids this version never builds.
    pub fn parse(custom_id: &str) -> Option<Self> {
        let (group, answer) = custom_id.strip_prefix(MET_PREFIX)?.split_once(':')?;
        let met = match answer {
            "yes" => true,
            "no" => false,
            _ => return None,
        };
        Some(Self {
            group: group.parse().ok()?,
            met,
        })
    }
}

/// The thread's name: the week and the group's number, which also find the thread again
/// after a crash. At most 100 characters, as Discord requires.
pub fn thread_name(week: &str, number: i32) -> String {
    format!("Partners {} · group {number}", words::week_range(week))
}

/// Who is missing from the thread, for the intro to say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Missing {
    /// Matched but no longer in the server.
    pub left_server: usize,
    /// Hidden members left out of a public thread.
    pub kept_private: usize,
}

/// The intro: who is in the group (phase, offset from UTC, note), a topic they share, and
/// what happens during the week.
pub fn intro(
    roadmap: &Roadmap,
    week: &str,
    present: &[&Partner],
    topic: Option<&str>,
    missing: Missing,
    now: DateTime<Utc>,
) -> Reply {
    let phases = u8::try_from(roadmap.phases.len()).unwrap_or(u8::MAX);
    let mut text = format!(
        "🤝 **Accountability partners · {}**\n",
        words::week_range(week)
    );
    for partner in present {
        let phase = phase_of(&partner.completed, phases);
        let title = roadmap.phase(phase).map_or("", |p| p.title.as_str());
        let _ = write!(
            text,
            "\n• <@{}>: phase {phase}{} · {}",
            partner.user,
            if title.is_empty() {
                String::new()
            } else {
                format!(" ({title})")
            },
            describe_offset(utc_offset(partner.zone, now))
        );
        if !partner.note.is_empty() {
            let _ = write!(text, " · “{}”", partner.note);
        }
    }
    if missing.kept_private > 0 {
        let (who, keep) = if missing.kept_private == 1 {
            ("One member", "keeps")
        } else {
            ("Some members", "keep")
        };
        let _ = write!(
            text,
            "\n\n{who} of this group {keep} their progress private, so this public thread \
             leaves them out; `/partners show` names them to you."
        );
    }
    if missing.left_server > 0 {
        let _ = write!(
            text,
            "\n\n{} left the server after the match.",
            words::count(missing.left_server, "partner", "partners")
        );
    }
    if present.len() < 2 {
        text.push_str(
            "\n\nThere is nobody else in this group this week, sorry. You're in next week's \
             match as long as you stay in it.",
        );
        return Reply::text(text);
    }
    if let Some(found) = topic.and_then(|id| roadmap.topic(id)) {
        let _ = write!(
            text,
            "\n\nA topic you share: **{}** (phase {}).",
            found.topic.title, found.phase.number
        );
    }
    text.push_str(
        "\n\nSay hello and agree on a time to meet this week. Midweek I'll check in here, and at \
         the end of the week each of you can tell me whether you met.",
    );
    Reply::text(text)
}

/// The mid-week nudge.
pub fn nudge(present: &[&Partner]) -> Reply {
    Reply::text(format!(
        "⏰ Halfway through the week, {}: have you found a time to meet? Even twenty minutes \
         comparing notes on what you're learning counts.",
        mentions(present)
    ))
}

/// The end-of-week question, with a yes and a no button that each member answers for
/// themselves.
pub fn question(group: i64, present: &[&Partner]) -> Reply {
    Reply::text(format!(
        "📅 The week is nearly over, {}. Did you meet? Each of you can answer for yourself; \
         only you see your answer, and staff see only how many groups met.",
        mentions(present)
    ))
    .with_row(ActionRow(vec![
        Component::Button(Button::new(
            MetAnswer { group, met: true }.custom_id(),
            "Yes, we met",
        )),
        Component::Button(Button::new(
            MetAnswer { group, met: false }.custom_id(),
            "Not this week",
        )),
    ]))
}

fn mentions(present: &[&Partner]) -> String {
    let names: Vec<String> = present.iter().map(|p| format!("<@{}>", p.user)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_refuse_anything_else() {
        for answer in [
            MetAnswer {
                group: 7,
                met: true,
            },
            MetAnswer {
                group: i64::MAX,
                met: false,
            },
        ] {
            assert_eq!(MetAnswer::parse(&answer.custom_id()), Some(answer));
        }
        for bad in [
            "partners:met:7",
            "partners:met:x:yes",
            "partners:met:7:maybe",
            "x:met:7:yes",
        ] {
            assert_eq!(MetAnswer::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn thread_names_stay_within_discords_limit() {
        let name = thread_name("2026-W01", i32::MAX);
        assert_eq!(name, "Partners 29 Dec 2025 – 4 Jan 2026 · group 2147483647");
        assert!(name.chars().count() <= 100);
    }
}
