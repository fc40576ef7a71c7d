//! Progress as members see it: bars per phase, what they are learning, what to do next.

use std::fmt::Write;

use serenity::all::UserId;

use super::reply::{Embed, Reply};
use crate::db::progress::Stored;
use crate::progress::TopicState;
use crate::roadmap::Roadmap;
use crate::words;

const BAR_WIDTH: usize = 10;

/// `▰▰▰▱▱▱▱▱▱▱`: `done` of `total`, rounded down so a bar is only full when all is done.
pub fn bar(done: usize, total: usize) -> String {
    let filled = (done * BAR_WIDTH)
        .checked_div(total)
        .unwrap_or(0)
        .min(BAR_WIDTH);
    format!("{}{}", "▰".repeat(filled), "▱".repeat(BAR_WIDTH - filled))
}

/// Whose progress `/progress show` shows, which decides how it speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// The caller's own: hints say what to run.
    Own,
    /// Another member's, who allowed it: no hints addressed to them.
    Other,
}

/// `/progress show`. A phase is marked complete as recorded (with its bonus), so the view and
/// the points always agree.
pub fn overview(roadmap: &Roadmap, member: UserId, whose: Whose, stored: &Stored) -> Reply {
    let (progress, count_skipped, points) = (&stored.progress, stored.count_skipped, stored.points);
    let mut phases = String::new();
    for phase in &roadmap.phases {
        let summary = progress.phase(phase, count_skipped);
        let complete = stored.completed.contains(&phase.number);
        let _ = writeln!(
            phases,
            "**Phase {} · {}**{}\n`{}` {}/{} done{}",
            phase.number,
            phase.title,
            if complete { " ✅" } else { "" },
            bar(summary.done, summary.total),
            summary.done,
            summary.total,
            if summary.skipped > 0 {
                format!(", {} skipped", summary.skipped)
            } else {
                String::new()
            }
        );
    }
    let learning = progress.learning(roadmap);
    let learning = if learning.is_empty() {
        match whose {
            Whose::Own => {
                "Nothing right now: `/progress set topic:<id> state:learning` marks what you \
                 study."
            }
            Whose::Other => "Nothing right now.",
        }
        .to_string()
    } else {
        learning
            .iter()
            .map(|t| format!("📖 **{}** · `{}`", t.topic.title, t.topic.id))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let next = match progress.next_suggestion(roadmap, count_skipped) {
        Some(t) => format!(
            "**{}** (phase {}) · `/roadmap topic topic:{}`",
            t.topic.title, t.phase.number, t.topic.id
        ),
        None if stored.completed.len() == roadmap.phases.len() => {
            "Every phase is complete. Time to help someone else along!".to_string()
        }
        None => "Nothing new: finish what is under way.".to_string(),
    };
    let embed = Embed::new(format!("{} roadmap progress", roadmap.title))
        .description(format!("<@{member}>\n\n{phases}"))
        .field("Learning now", learning)
        .field("Suggested next", next)
        .field(
            "Totals",
            format!(
                "{} done · {} learning · {} skipped · {} of {} · {}",
                progress.count(TopicState::Done),
                progress.count(TopicState::Learning),
                progress.count(TopicState::Skipped),
                progress.count(TopicState::Done),
                words::count(roadmap.topic_count(), "topic", "topics"),
                words::count(points, "point", "points")
            ),
        );
    Reply::embed(embed)
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_fill_in_tenths_and_only_fill_up_when_done() {
        assert_eq!(bar(0, 8), "▱▱▱▱▱▱▱▱▱▱");
        assert_eq!(bar(4, 8), "▰▰▰▰▰▱▱▱▱▱");
        assert_eq!(bar(7, 8), "▰▰▰▰▰▰▰▰▱▱");
        assert_eq!(bar(8, 8), "▰▰▰▰▰▰▰▰▰▰");
        assert_eq!(bar(0, 0), "▱▱▱▱▱▱▱▱▱▱");
    }
}
