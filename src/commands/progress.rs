//! `/progress`: members mark topics as learning, done, skipped or not started, and see where
//! they (or others who allow it) stand. The topic view's state buttons land here too.

use std::fmt::Write;
use std::sync::Arc;
use std::time::Instant;

use serenity::all::UserId;

use super::card;
use super::checkin::streak_of;
use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx};
use super::invocation::CommandCall;
use super::options::Opt;
use super::roadmap::{complete, find_topic, TOPIC};
use super::spec::CommandSpec;
use super::subcommand::{subcommands, Subcommand};
use crate::changes;
use crate::db::leaderboard;
use crate::db::progress::{self as store, Saved, Stored};
use crate::progress::{TopicState, MAX_PROOF_LEN};
use crate::render::card::progress::{self as progress_card, ProgressCard};
use crate::render::progress_id::SetStateId;
use crate::render::{progress as views, roadmap as roadmap_views, Reply};
use crate::roadmap::TopicRef;
use crate::roles::{self, RoleChange};

subcommands! {
    enum Sub {
        Set = "set",
        Show = "show",
        Card = "card",
    }
}

pub const NAME: &str = "progress";
const STATE: Opt<String> = Opt::new("state");
const PROOF: Opt<String> = Opt::new("proof");
const MEMBER: Opt<UserId> = Opt::new("member");
/// The `state` choices, as `TopicState::as_str` spells them (a unit test keeps them in step).
const STATES: [&str; 4] = ["learning", "done", "skipped", "not-started"];
pub fn spec() -> CommandSpec {
    CommandSpec::new(NAME, "Track your progress through the roadmap", run)
        .private()
        .option(Sub::Set.option(
            "Mark a topic as learning, done, skipped or not started",
            vec![
                TOPIC
                    .text("The topic (start typing to search)", 100)
                    .autocomplete()
                    .required(),
                STATE.choice("Where you are with it", &STATES).required(),
                PROOF.text(
                    "With done: a link to your repo, notebook or demo",
                    MAX_PROOF_LEN as u16,
                ),
            ],
        ))
        .option(Sub::Show.option(
            "Your progress, phase by phase, or another member's",
            vec![MEMBER.member("Whose progress (default: yours)")],
        ))
        .option(Sub::Card.option(
            "Your progress as an image to share, or another member's",
            vec![MEMBER.member("Whose progress (default: yours)")],
        ))
        .autocomplete(complete)
        .component(component)
}

async fn run(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    match call.sub::<Sub>()? {
        Sub::Set => set(ctx, call).await,
        Sub::Show => show(ctx, call).await,
        Sub::Card => card(ctx, call).await,
    }
}

async fn set(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let topic = find_topic(ctx.roadmap(), &call.required(TOPIC)?)?;
    let state_text = call.required(STATE)?;
    let state = TopicState::parse(&state_text).ok_or_else(|| {
        CommandError::user(format!(
            "`state` is one of {}.",
            STATES.map(|s| format!("`{s}`")).join(", ")
        ))
    })?;
    let proof = call
        .get(PROOF)
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if let Some(proof) = &proof {
        check_proof(proof)?;
        if state != TopicState::Done {
            return Err(CommandError::user(
                "A proof link goes with `state:done`: mark the topic done and add the link then.",
            ));
        }
    }
    let (saved, role) = save(ctx, topic, state, proof.as_deref()).await?;
    Ok(Reply::text(confirmation(topic, &saved, &role)))
}

/// A link to show for a finished topic: http(s), with a host, and short.
fn check_proof(proof: &str) -> CommandResult<()> {
    if proof.chars().count() > MAX_PROOF_LEN {
        return Err(CommandError::user(format!(
            "That proof link is over {MAX_PROOF_LEN} characters. Share a shorter link (a repo \
             or a gist), or leave `proof` out."
        )));
    }
    match url::Url::parse(proof) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(CommandError::user(
            "`proof` must be a web link starting with https:// (or http://), like \
             `https://github.com/you/project`.",
        )),
    }
}

/// Saves the change, refreshes the cached progress, and follows up on the phase role.
async fn save(
    ctx: &Ctx<'_>,
    topic: TopicRef<'_>,
    state: TopicState,
    proof: Option<&str>,
) -> CommandResult<(Saved, Option<RoleChange>)> {
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    let now = ctx.invocation.now;
    let saved = changes::set_topic_state(ctx.app, topic, guild, user, state, proof, now).await?;
    let role = match saved.phase_completed {
        Some(complete) => Some(
            roles::sync_phase_role(
                ctx.app.roles(),
                guild,
                user,
                topic.phase.number,
                complete,
                now,
            )
            .await,
        ),
        None => None,
    };
    Ok((saved, role))
}

fn confirmation(topic: TopicRef<'_>, saved: &Saved, role: &Option<RoleChange>) -> String {
    let title = &topic.topic.title;
    if !saved.changed {
        return format!(
            "**{title}** is already marked {}: nothing changed.",
            saved.state.label().to_lowercase()
        );
    }
    let mut text = match (saved.previous, saved.state) {
        (TopicState::Done, TopicState::Done) => {
            format!("🔗 The proof link for **{title}** is updated")
        }
        (_, TopicState::Learning) => format!("📖 You're learning **{title}**"),
        (_, TopicState::Done) => format!("✅ You finished **{title}**"),
        (_, TopicState::Skipped) => format!("⏭️ You skipped **{title}**"),
        (_, TopicState::NotStarted) => format!("↺ **{title}** is back to not started"),
    };
    match saved.topic_points {
        0 => text.push('.'),
        points => {
            let _ = write!(text, ": {}.", signed_points(points));
        }
    }
    let phase = topic.phase.number;
    match saved.phase_completed {
        Some(true) => {
            let _ = write!(
                text,
                "\n🎉 Phase {phase} · {} is complete: {}!",
                topic.phase.title,
                signed_points(saved.phase_points)
            );
        }
        Some(false) => {
            let _ = write!(
                text,
                "\nPhase {phase} is no longer complete: {}.",
                signed_points(saved.phase_points)
            );
        }
        None => {}
    }
    match role {
        Some(RoleChange::Given(role)) => {
            let _ = write!(text, "\nYou now have the <@&{role}> role.");
        }
        Some(RoleChange::Taken(role)) => {
            let _ = write!(
                text,
                "\nThe <@&{role}> role is removed until the phase is complete again."
            );
        }
        Some(RoleChange::Failed { role, reason, .. }) => {
            let _ = write!(
                text,
                "\nYour progress is saved, but I couldn't change your <@&{role}> role: \
                 {reason}. Server staff can see this in `/settings show`."
            );
        }
        Some(RoleChange::NoRole | RoleChange::Offline(_)) | None => {}
    }
    text
}

/// "+10 points", "−10 points" (a true minus sign), "+1 point".
fn signed_points(points: i32) -> String {
    let amount = crate::words::count(points.unsigned_abs(), "point", "points");
    if points < 0 {
        format!("−{amount}")
    } else {
        format!("+{amount}")
    }
}

async fn show(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let member = call.get(MEMBER).unwrap_or(ctx.invocation.user_id);
    let stored = progress_of(ctx, member).await?;
    let whose = if member == ctx.invocation.user_id {
        views::Whose::Own
    } else {
        views::Whose::Other
    };
    Ok(views::overview(ctx.roadmap(), member, whose, &stored))
}

/// `/progress show` as an image: the same progress, with the member's place on the all-time
/// board and their check-in streak.
async fn card(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let member = call.get(MEMBER).unwrap_or(ctx.invocation.user_id);
    let stored = progress_of(ctx, member).await?;
    let place = leaderboard::place(&ctx.app.db, guild, "all", member).await?;
    let streak = streak_of(ctx, guild, member).await?;
    let (name, avatar) = card::name_of(ctx, member);
    let roadmap = ctx.roadmap();
    let view = ProgressCard::new(roadmap, &stored, member.get(), name, place, &streak);
    let title = format!("{} roadmap progress", roadmap.title);
    card::reply(ctx, title, progress_card::card(&view), avatar).await
}

/// A member's progress as `/progress show` and `/progress card` read it, shared for a few
/// seconds (`App::members`; the member's own changes drop it). Another member's is refused
/// when they have not used Waypoint here or keep their progress private.
async fn progress_of(ctx: &Ctx<'_>, member: UserId) -> CommandResult<Arc<Stored>> {
    let guild = ctx.guild()?;
    let me = ctx.invocation.user_id;
    let (app, roadmap) = (ctx.app.clone(), ctx.roadmap.clone());
    let read = move || async move {
        let began = Instant::now();
        let stored = store::load(&app.db, &roadmap, guild, member).await?;
        if member == me {
            // What a read of their own found also marks their roadmap views.
            app.progress.read(guild, me, began, stored.progress.clone());
        }
        Ok::<_, sqlx::Error>(stored)
    };
    let answers = &ctx.app.members.progress;
    let mut stored = answers
        .get(guild, member, ctx.invocation.now, read.clone())
        .await?;
    if !stored.progress.fits(ctx.roadmap()) {
        // Read before the server switched roadmaps.
        answers.forget(guild, member);
        stored = answers.get(guild, member, ctx.invocation.now, read).await?;
    }
    if member != me {
        if !stored.known {
            return Err(CommandError::user(format!(
                "<@{member}> hasn't used Waypoint in this server yet, so there is no progress \
                 to show."
            )));
        }
        if stored.hidden {
            return Err(CommandError::user(format!(
                "<@{member}> keeps their progress private. Ask them to share it, or see your \
                 own with `/progress show`."
            )));
        }
    }
    Ok(stored)
}

/// The state buttons under a topic: they set the clicker's own state, never the author's.
async fn component(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    let stale = || {
        CommandError::user(
            "That button is out of date. Open the topic again with `/roadmap topic topic:<id>`.",
        )
    };
    let id = SetStateId::parse(click.custom_id).ok_or_else(stale)?;
    let topic = ctx.roadmap().topic(&id.topic).ok_or_else(stale)?;
    let (saved, role) = save(ctx, topic, id.state, None).await?;
    let mut reply = roadmap_views::topic(topic, Some(saved.state));
    reply.content = Some(confirmation(topic, &saved, &role));
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_choices_match_the_states() {
        let states: Vec<_> = TopicState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(states, STATES);
    }

    #[test]
    fn proofs_are_short_web_links() {
        assert!(check_proof("https://github.com/me/project").is_ok());
        assert!(check_proof("http://example.org/notebook.ipynb").is_ok());
        for bad in [
            "ftp://example.org/x",
            "github.com/me",
            "javascript:alert(1)",
            "https://",
        ] {
            assert!(check_proof(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_PROOF_LEN));
        assert!(check_proof(&long).is_err());
    }
}
