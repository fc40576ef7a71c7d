//! Check-ins as messages: the confirmation, a member's history, the weekly reminder and the
//! staff digest (the last two split across messages within Discord's limits).

use std::fmt::Write;

use serenity::all::UserId;

use super::checkin_form::RETRY_ID;
use super::limits;
use super::reply::{ActionRow, Button, Embed, Reply};
use crate::checkins::entry::CheckIn;
use crate::checkins::streak::{week_key, Streak, WeekMark};
use crate::db::checkins::DigestEntry;
use crate::db::partner_groups::WeekTally;
use crate::words;

/// Weeks `/checkins` shows.
pub const HISTORY_WEEKS: usize = 8;
/// Discord notifies at most this many users named in one message's `allowed_mentions`.
pub const MENTIONS_PER_MESSAGE: usize = 100;

fn streak_line(streak: &Streak) -> String {
    format!(
        "🔥 {} · ❄️ {} held",
        words::count(streak.weeks, "week", "weeks"),
        words::count(streak.freezes, "freeze", "freezes"),
    )
}

/// The answer to a check-in: public (a short embed for everyone) or only for the member.
pub fn confirmation(
    member: UserId,
    check_in: &CheckIn,
    streak: &Streak,
    edited: bool,
    public: bool,
) -> Reply {
    let title = if edited {
        "Check-in updated"
    } else {
        "Weekly check-in"
    };
    let mut embed = Embed::new(title)
        .description(format!("<@{member}> checked in."))
        .field("Did", limits::truncate(&check_in.did, limits::FIELD_VALUE))
        .field(
            "Next goal",
            limits::truncate(&check_in.goal, limits::FIELD_VALUE),
        )
        .field("Streak", streak_line(streak));
    if let Some(link) = &check_in.link {
        embed = embed.field("Link", link.clone());
    }
    let reply = Reply::embed(embed.footer("Check in with /checkin · your history: /checkins"));
    if public {
        reply
    } else {
        reply.ephemeral()
    }
}

/// A refused check-in: what to fix, and a button that opens the form again as it was typed.
pub fn refused(problems: &[String]) -> Reply {
    let text = format!(
        "Your check-in was not saved:\n{}\n\nWhat you typed is kept: press the button to fix it \
         and send it again.",
        problems
            .iter()
            .map(|p| format!("• {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    Reply::notice(text).with_row(ActionRow(vec![super::reply::Component::Button(
        Button::new(RETRY_ID, "Fix and send again").primary(),
    )]))
}

/// A member's last weeks, their streak and freezes. Weeks before the first check-in are one
/// line, not a row each.
pub fn history(member: UserId, streak: &Streak, current: i64) -> Reply {
    let mut lines = String::new();
    let first = current - HISTORY_WEEKS as i64 + 1;
    let mut before_first: Option<(i64, i64)> = None;
    for week in first..=current {
        let mark = streak
            .history
            .iter()
            .find(|(w, _)| *w == week)
            .map(|(_, m)| *m);
        let text = match mark {
            Some(WeekMark::CheckedIn) => "✅ checked in",
            Some(WeekMark::Frozen) => "❄️ missed, kept by a freeze",
            Some(WeekMark::Missed) => "❌ missed",
            Some(WeekMark::Open) | None if week == current => "⏳ not yet this week",
            Some(WeekMark::Open) | None => {
                before_first = Some(before_first.map_or((week, week), |(from, _)| (from, week)));
                continue;
            }
        };
        if let Some((from, to)) = before_first.take() {
            let _ = writeln!(lines, "{}", before_first_line(from, to));
        }
        let _ = writeln!(lines, "**{}** {text}", words::week_range(&week_key(week)));
    }
    if let Some((from, to)) = before_first {
        let _ = writeln!(lines, "{}", before_first_line(from, to));
    }
    let mut embed = Embed::new("Check-ins")
        .description(format!(
            "<@{member}>'s last {HISTORY_WEEKS} weeks\n\n{lines}"
        ))
        .field("Streak", streak_line(streak));
    if streak.at_risk {
        embed = embed.field(
            "At risk",
            "No check-in yet this week and no freeze left: `/checkin` keeps the streak.",
        );
    }
    Reply::embed(embed.footer("A freeze covers one missed week; they are earned by checking in."))
}

/// The weeks from `from` to `to` (week numbers) that came before any check-in, as one line.
fn before_first_line(from: i64, to: i64) -> String {
    let days = match (
        words::week_monday(&week_key(from)),
        words::week_monday(&week_key(to)),
    ) {
        (Some(first), Some(last)) => words::day_range(first, last + chrono::Days::new(6)),
        _ => week_key(from),
    };
    format!(
        "**{days}** · {} before the first check-in",
        words::count(to - from + 1, "week", "weeks")
    )
}

/// One member to remind, and what their streak stands at.
pub struct Remind {
    pub user: UserId,
    pub streak_weeks: u32,
    pub at_risk: bool,
}

/// The reminder: one or more messages, each with the users it names.
pub fn reminder(members: &[Remind]) -> Vec<(Reply, Vec<UserId>)> {
    const HEADER: &str = "⏰ **Weekly check-in**: these members have not checked in this week.";
    const FOOTER: &str =
        "Run `/checkin` before the week ends. (`/me reminders state:off` stops these pings.)";
    let mut messages = Vec::new();
    let mut text = String::new();
    let mut users = Vec::new();
    for member in members {
        let line = if member.at_risk {
            format!(
                "• <@{}> — streak at risk ({}, no freeze left)\n",
                member.user,
                words::count(member.streak_weeks, "week", "weeks")
            )
        } else {
            format!("• <@{}>\n", member.user)
        };
        let full =
            limits::len(HEADER) + limits::len(&text) + limits::len(&line) + limits::len(FOOTER) + 4;
        if !users.is_empty() && (full > limits::CONTENT || users.len() == MENTIONS_PER_MESSAGE) {
            messages.push((
                Reply::text(format!("{HEADER}\n{text}\n{FOOTER}")),
                std::mem::take(&mut users),
            ));
            text.clear();
        }
        text.push_str(&line);
        users.push(member.user);
    }
    if !users.is_empty() {
        messages.push((Reply::text(format!("{HEADER}\n{text}\n{FOOTER}")), users));
    }
    messages
}

/// The staff digest of `week`, in as many messages as it takes.
/// `partners` is how the week's accountability partner groups went.
pub fn digest(
    week: &str,
    entries: &[DigestEntry],
    missing: &[UserId],
    hidden: i64,
    partners: WeekTally,
) -> Vec<Reply> {
    let mut lines = vec![format!(
        "📋 **Check-in digest · {}**",
        words::week_range(week)
    )];
    let names = |users: &mut dyn Iterator<Item = UserId>| {
        users
            .map(|u| format!("<@{u}>"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let hidden_note = if hidden > 0 {
        format!(" (and {hidden} who hide their progress)")
    } else {
        String::new()
    };
    lines.push(format!(
        "**Checked in ({}){hidden_note}:** {}",
        entries.len(),
        if entries.is_empty() {
            "nobody".to_string()
        } else {
            names(&mut entries.iter().map(|e| e.user))
        }
    ));
    lines.push(format!(
        "**Not checked in, active in the last 30 days ({}):** {}",
        missing.len(),
        if missing.is_empty() {
            "nobody".to_string()
        } else {
            names(&mut missing.iter().copied())
        }
    ));
    let answered: Vec<&str> = entries.iter().filter_map(|e| e.met.as_deref()).collect();
    let met = answered.iter().filter(|m| **m == "yes").count();
    let partly = answered.iter().filter(|m| **m == "partly").count();
    lines.push(format!(
        "**Last week's goal:** {met} of {} who answered met it, {partly} partly.",
        answered.len()
    ));
    if partners.groups > 0 {
        lines.push(format!(
            "**Accountability partners:** {} of {} met.",
            partners.met,
            words::count(partners.groups, "group", "groups")
        ));
    }
    let blockers: Vec<&DigestEntry> = entries
        .iter()
        .filter(|e| !e.blockers.trim().is_empty())
        .collect();
    if blockers.is_empty() {
        lines.push("**Blockers:** none reported.".into());
    } else {
        lines.push(format!("**Blockers ({}):**", blockers.len()));
        for entry in blockers {
            let quoted = entry.blockers.trim().replace('\n', "\n> ");
            lines.push(format!("> {quoted}\n— <@{}>", entry.user));
        }
    }
    split(&lines, limits::CONTENT)
        .into_iter()
        .map(Reply::text)
        .collect()
}

/// Joins `lines` into texts of at most `max` characters, breaking only between lines (a line
/// longer than `max` on its own is cut).
fn split(lines: &[String], max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for line in lines {
        let line = limits::truncate(line, max);
        if !current.is_empty() && limits::len(&current) + 1 + limits::len(&line) > max {
            parts.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_split_between_lines_within_the_limit() {
        let lines: Vec<String> = (0..50)
            .map(|i| format!("{i}: {}", "x".repeat(90)))
            .collect();
        let parts = split(&lines, 2000);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| limits::len(p) <= 2000));
        assert_eq!(
            parts.join("\n"),
            lines.join("\n"),
            "nothing lost or reordered"
        );
    }

    #[test]
    fn a_reminder_names_at_most_100_users_per_message() {
        let members: Vec<Remind> = (1..=150)
            .map(|n| Remind {
                user: UserId::new(n),
                streak_weeks: 0,
                at_risk: false,
            })
            .collect();
        let messages = reminder(&members);
        assert!(messages.len() >= 2);
        let named: usize = messages.iter().map(|(_, users)| users.len()).sum();
        assert_eq!(named, 150);
        for (reply, users) in &messages {
            assert!(users.len() <= MENTIONS_PER_MESSAGE);
            assert!(limits::violations(reply).is_empty());
        }
    }
}
