//! Challenges as messages: the list, a challenge's standing, and the start, mid-point and end
//! announcements the scheduler posts. Names are mentions, and the bot's channel posts allow
//! none, so naming members never pings them.

use std::fmt::Write;

use crate::ids::UserId;
use chrono::{DateTime, Utc};

use super::challenge_id::ChallengeId;
use super::limits;
use super::reply::{ActionRow, Button, Component, Embed, Reply};
use crate::challenges::challenge::{Challenge, Status};
use crate::challenges::standing::{place, winners, Progress, Ranked};
use crate::challenges::{Goal, WINNERS};
use crate::words;

/// Lines of standing a status or mid-point post shows.
pub const SHOWN: usize = 10;
/// Cells of a progress bar.
const BAR: i64 = 10;

pub const TIE_RULE: &str =
    "More progress ranks higher; on equal progress, whoever reached the target first.";

/// `▰▰▰▱▱▱▱▱▱▱ 3/10 topics`; the bar stops at the target (see [`progress_amount`]).
pub fn bar(goal: Goal, count: i64, target: i64) -> String {
    let filled = (count.clamp(0, target) * BAR)
        .checked_div(target)
        .unwrap_or(0);
    let cells: String = (0..BAR)
        .map(|i| if i < filled { '▰' } else { '▱' })
        .collect();
    format!("{cells} {}", progress_amount(goal, count, target))
}

/// Progress toward a target: "3/5 topics" on the way, "5/5 ✅" there, and "5/5 ✅ (9 topics)"
/// past it, so a count above the target never reads as "9/5".
pub fn progress_amount(goal: Goal, count: i64, target: i64) -> String {
    if count < target {
        format!("{count}/{target} {}", goal.unit(target))
    } else if count == target {
        format!("{target}/{target} ✅")
    } else {
        format!("{target}/{target} ✅ ({})", goal.count(count))
    }
}

fn when(at: DateTime<Utc>, style: char) -> String {
    format!("<t:{}:{style}>", at.timestamp())
}

/// Where the challenge is in its life, for people.
pub fn state(challenge: &Challenge, now: DateTime<Utc>) -> String {
    match challenge.status {
        Status::Cancelled => "Cancelled".to_string(),
        Status::Ended => format!("Ended {}", when(challenge.ends_at, 'f')),
        Status::Open if now < challenge.starts_at => {
            format!("Starts {}", when(challenge.starts_at, 'R'))
        }
        Status::Open if now < challenge.ends_at => {
            format!("Running · ends {}", when(challenge.ends_at, 'R'))
        }
        Status::Open => "Ended · results are on their way".to_string(),
    }
}

/// Goal, window and reward in one paragraph.
pub fn summary(challenge: &Challenge) -> String {
    let mut text = format!(
        "**Goal:** {}\n**When:** {} to {} ({}), both days included\n**Finishers earn:** {} points",
        challenge.goal.describe(challenge.target, challenge.phase),
        challenge.first_day.format("%a %-d %b %Y"),
        challenge.last_day.format("%a %-d %b %Y"),
        challenge.zone.name(),
        challenge.points
    );
    if let Some(role) = challenge.role {
        let _ = write!(text, " and <@&{role}>");
    }
    text
}

fn line(ranked: &Ranked, goal: Goal, target: i64) -> String {
    format!(
        "**{}.** <@{}> {}",
        ranked.rank,
        ranked.progress.user,
        bar(goal, ranked.progress.count, target)
    )
}

/// The top of the standing, with how many more and how many hidden.
fn standing_lines(ranked: &[Ranked], hidden: usize, challenge: &Challenge) -> String {
    let mut text = String::new();
    for r in ranked.iter().take(SHOWN) {
        let _ = writeln!(text, "{}", line(r, challenge.goal, challenge.target));
    }
    if ranked.len() > SHOWN {
        let _ = writeln!(text, "… and {} more", ranked.len() - SHOWN);
    }
    if hidden > 0 {
        let _ = writeln!(text, "+ {hidden} who keep their progress private");
    }
    if text.is_empty() {
        text = "Nobody has joined yet.".to_string();
    }
    text
}

/// The caller's own line under a standing: `own` is their progress counted now, placed among
/// `ranked` (which may be a few seconds old).
pub fn your_line(
    challenge: &Challenge,
    ranked: &[Ranked],
    own: Option<&Progress>,
    now: DateTime<Utc>,
) -> String {
    let Some(own) = own else {
        return if challenge.joinable(now) {
            format!(
                "You haven't joined. `/challenge join name:{}` (activity since the start counts).",
                challenge.name
            )
        } else {
            "You were not in this challenge.".to_string()
        };
    };
    let reached = own
        .reached_at
        .map(|at| format!(" · target reached {}", when(at, 'f')))
        .unwrap_or_default();
    match place(ranked, own) {
        Some(rank) => format!(
            "**#{rank}** · {}{reached}",
            bar(challenge.goal, own.count, challenge.target)
        ),
        None => format!(
            "{}{reached} · you are hidden, so you are not ranked (`/privacy show`)",
            bar(challenge.goal, own.count, challenge.target)
        ),
    }
}

/// `/challenge status`: with `you` (the caller's own line) for the caller alone; without, for
/// the channel, with a button that shows each member their own line.
pub fn status(
    challenge: &Challenge,
    ranked: &[Ranked],
    hidden: usize,
    you: Option<String>,
    now: DateTime<Utc>,
) -> Reply {
    let mut embed = Embed::new(format!("🏁 {}", challenge.name))
        .description(format!(
            "{}\n**Status:** {} · {} joined",
            summary(challenge),
            state(challenge, now),
            challenge.members
        ))
        .field("Standing", standing_lines(ranked, hidden, challenge))
        .footer(TIE_RULE);
    let personal = you.is_some();
    let mut row = Vec::new();
    match you {
        Some(line) => embed = embed.field("You", line),
        None => row.push(Component::Button(Button::mine(
            ChallengeId::Mine(challenge.id).custom_id(),
            "progress",
        ))),
    }
    if challenge.joinable(now) {
        row.push(join_button(challenge));
    }
    Reply::embed(embed)
        .with_row(ActionRow(row))
        .personal_if(personal)
}

/// Joins the challenge for whoever presses it.
fn join_button(challenge: &Challenge) -> Component {
    Component::Button(Button::new(
        ChallengeId::Join(challenge.id).custom_id(),
        "Join",
    ))
}

/// `/challenge list`.
pub fn list(challenges: &[Challenge], now: DateTime<Utc>) -> Reply {
    if challenges.is_empty() {
        return Reply::text(
            "No challenges here yet. Staff can start one with `/challenge create`.",
        );
    }
    let mut embed = Embed::new("Challenges")
        .footer("Join with /challenge join · standings with /challenge status");
    for c in challenges.iter().take(limits::EMBED_FIELDS) {
        embed = embed.field(
            c.name.clone(),
            format!(
                "{} · {} to {} · {} joined\n{}",
                c.goal.describe(c.target, c.phase),
                c.first_day,
                c.last_day,
                c.members,
                state(c, now)
            ),
        );
    }
    Reply::embed(embed)
}

/// Posted when the window opens, with a button to join.
pub fn started(challenge: &Challenge) -> Reply {
    let join = ActionRow(vec![join_button(challenge)]);
    Reply::embed(
        Embed::new(format!("🏁 Challenge started: {}", challenge.name))
            .description(format!(
                "{}\n\n{} joined so far. Join with `/challenge join name:{}`; everything you do \
                 from the first day counts, even if you join late.",
                summary(challenge),
                challenge.members,
                challenge.name
            ))
            .footer(format!(
                "Standing: /challenge status name:{}",
                limits::truncate(&challenge.name, 100)
            )),
    )
    .with_row(join)
}

/// Posted halfway through.
pub fn halfway(challenge: &Challenge, ranked: &[Ranked], hidden: usize) -> Reply {
    Reply::embed(
        Embed::new(format!("⏱️ Halfway: {}", challenge.name))
            .description(format!(
                "{}\nEnds {}.",
                challenge.goal.describe(challenge.target, challenge.phase),
                when(challenge.ends_at, 'R')
            ))
            .field("Standing", standing_lines(ranked, hidden, challenge))
            .footer(TIE_RULE),
    )
}

/// What happened when the finishers' role was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleOutcome {
    pub given: usize,
    /// Why giving it stopped, if it did.
    pub problem: Option<String>,
}

/// Posted when the window closes (or staff end it): winners, finishers, the tie rule.
pub fn ended(
    challenge: &Challenge,
    ranked: &[Ranked],
    hidden_finishers: usize,
    roles: &RoleOutcome,
) -> Reply {
    let medals = ["🥇", "🥈", "🥉"];
    let top = winners(ranked, WINNERS);
    let finishers: Vec<UserId> = ranked
        .iter()
        .filter(|r| r.progress.reached_at.is_some())
        .map(|r| r.progress.user)
        .collect();
    let how = if challenge.ended_early_at.is_some() {
        "was ended early by staff"
    } else {
        "has ended"
    };
    let mut embed = Embed::new(format!("🏆 {} {how}", challenge.name)).description(format!(
        "Goal: {}. {} of {} reached it.",
        challenge.goal.describe(challenge.target, challenge.phase),
        finishers.len() + hidden_finishers,
        challenge.members
    ));
    if top.is_empty() {
        embed = embed.field("Winners", "Nobody reached the target this time.");
    } else {
        let mut text = String::new();
        for (medal, r) in medals.iter().zip(&top) {
            let reached = r
                .progress
                .reached_at
                .map(|at| when(at, 'f'))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "{medal} <@{}> · {} · reached the target {reached}",
                r.progress.user,
                challenge.goal.count(r.progress.count)
            );
        }
        embed = embed.field("Winners", text);
    }
    let mut all = names_within(&finishers, limits::FIELD_VALUE - 60);
    if hidden_finishers > 0 {
        let _ = write!(all, " + {hidden_finishers} who keep their progress private");
    }
    if !finishers.is_empty() || hidden_finishers > 0 {
        let mut reward = format!("{} points each", challenge.points);
        if let Some(role) = challenge.role {
            let _ = write!(reward, " and <@&{role}>");
        }
        embed = embed.field(format!("Finishers · {reward}"), all);
    }
    if let (Some(role), Some(problem)) = (challenge.role, &roles.problem) {
        embed = embed.field(
            "Role",
            format!(
                "⚠️ <@&{role}> was given to {}, then Discord refused: {problem}. \
                 Staff can see this in `/settings show`.",
                words::count(roles.given, "finisher", "finishers")
            ),
        );
    }
    Reply::embed(embed.footer(format!("Tie rule: {TIE_RULE}")))
}

/// Mentions of `users`, cut to about `max` characters with "and N more".
fn names_within(users: &[UserId], max: usize) -> String {
    let mut text = String::new();
    for (i, user) in users.iter().enumerate() {
        let name = format!("<@{user}>");
        if limits::len(&text) + name.len() + 2 > max {
            let _ = write!(text, " and {} more", users.len() - i);
            break;
        }
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(&name);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_proportion_and_never_overflow() {
        assert_eq!(bar(Goal::Topics, 0, 4), "▱▱▱▱▱▱▱▱▱▱ 0/4 topics");
        assert_eq!(bar(Goal::Topics, 2, 4), "▰▰▰▰▰▱▱▱▱▱ 2/4 topics");
        assert_eq!(bar(Goal::Checkins, 0, 1), "▱▱▱▱▱▱▱▱▱▱ 0/1 week");
        assert_eq!(bar(Goal::Topics, 5, 5), "▰▰▰▰▰▰▰▰▰▰ 5/5 ✅");
        // Review item 12: "9/5" with a full bar read as a mistake.
        assert_eq!(bar(Goal::Topics, 9, 5), "▰▰▰▰▰▰▰▰▰▰ 5/5 ✅ (9 topics)");
        assert_eq!(
            progress_amount(Goal::Checkins, 0, 3),
            "0/3 weeks",
            "not \"0 weeks/3\""
        );
    }

    #[test]
    fn long_name_lists_are_cut_with_a_count() {
        let users: Vec<UserId> = (1..=200)
            .map(|n| UserId::new(100_000_000_000_000_000 + n))
            .collect();
        let text = names_within(&users, 500);
        assert!(limits::len(&text) <= 520, "{}", limits::len(&text));
        assert!(text.ends_with(" more"), "{text}");
    }
}
