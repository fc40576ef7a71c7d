//! `/checkin` (the weekly check-in form) and `/checkins` (a member's last weeks and streak).

use std::collections::BTreeSet;

use chrono_tz::Tz;
use serenity::all::{GuildId, UserId};

use super::card::{self, CARD};
use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx, Submit};
use super::invocation::CommandCall;
use super::options::Opt;
use super::spec::CommandSpec;
use crate::changes;
use crate::checkins::entry::Draft;
use crate::checkins::streak::{streak, week_number, Streak};
use crate::db::checkins::{self as store, CheckinSettings, MemberCheckins, Saved, Submission};
use crate::render::card::checkins as checkins_card;
use crate::render::checkin as view;
use crate::render::checkin_form::{form, FORM_ID, RETRY_ID};
use crate::render::Reply;
use crate::weekly::week_key;

pub const NAME: &str = "checkin";
pub const HISTORY: &str = "checkins";
const MEMBER: Opt<UserId> = Opt::new("member");
/// The streak rule when a server has check-ins off (history stays readable).
const DEFAULT_FREEZE_EVERY: u32 = 4;

pub fn spec() -> CommandSpec {
    CommandSpec::new(
        NAME,
        "Your weekly check-in: what you did, what blocks you, your next goal",
        open,
    )
    .component(reopen)
    .modal(submit)
}

pub fn history_spec() -> CommandSpec {
    CommandSpec::new(
        HISTORY,
        "Your last eight weeks of check-ins, your streak and freezes (or another member's)",
        history,
    )
    .private()
    .option(MEMBER.member("Whose check-ins (default: yours)"))
    .option(CARD.boolean("As an image: the last 26 weeks as squares"))
}

/// The server's check-in settings, the member's zone and weeks, read now (one statement).
async fn read(ctx: &Ctx<'_>, guild: GuildId, user: UserId) -> CommandResult<MemberCheckins> {
    Ok(ctx.app.checkins.member(guild, user).await?)
}

fn settings(member: &MemberCheckins) -> CommandResult<&CheckinSettings> {
    member.settings.as_ref().ok_or_else(|| {
        CommandError::user(
            "Check-ins are off in this server. Staff turn them on with `/settings checkins`.",
        )
    })
}

/// Opens the form, holding this week's check-in when there is one (to edit it).
async fn open(ctx: &Ctx<'_>, _call: &CommandCall) -> CommandResult<Reply> {
    open_with(ctx, None).await
}

async fn open_with(ctx: &Ctx<'_>, draft: Option<Draft>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    let member = read(ctx, guild, user).await?;
    settings(&member)?;
    let week = week_key(ctx.invocation.now, member.zone);
    let (saved, last_goal) = store::form_state(&ctx.app.db, guild, user, &week).await?;
    let editing = saved.is_some();
    let prefill = draft.or(saved).unwrap_or_default();
    Ok(Reply::form(form(&prefill, last_goal.as_deref(), editing)))
}

/// "Fix and send again": the form once more, as the member last typed it.
async fn reopen(ctx: &Ctx<'_>, click: Click<'_>) -> CommandResult<Reply> {
    if click.custom_id != RETRY_ID {
        return Err(CommandError::user(
            "That button is out of date. Run `/checkin` again.",
        ));
    }
    let guild = ctx.guild()?;
    let draft = store::draft(&ctx.app.db, guild, ctx.invocation.user_id).await?;
    open_with(ctx, draft).await
}

/// Two statements, each shared with the submissions that arrive together: the member's
/// check-ins as they stand, then the save.
async fn submit(ctx: &Ctx<'_>, submit: Submit<'_>) -> CommandResult<Reply> {
    if submit.custom_id != FORM_ID {
        return Err(CommandError::user(
            "That form is out of date. Run `/checkin` again.",
        ));
    }
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    let now = ctx.invocation.now;
    let member = read(ctx, guild, user).await?;
    let settings = settings(&member)?;
    let draft = Draft::from_fields(|id| submit.field(id));
    let check_in = match draft.check() {
        Ok(check_in) => check_in,
        Err(problems) => {
            store::save_draft(&ctx.app.db, guild, user, &draft, now).await?;
            return Ok(view::refused(&problems));
        }
    };
    let week = week_key(now, member.zone);
    let submission = Submission {
        guild,
        user,
        week: week.clone(),
        grant: crate::points::checkin(&week),
        check_in: check_in.clone(),
        at: now,
    };
    let outcome = changes::save_checkin(ctx.app, submission).await?;
    // The weeks read before the save, and this one.
    let weeks = member
        .weeks
        .iter()
        .map(String::as_str)
        .chain([week.as_str()]);
    let streak = member_streak(ctx, weeks, member.zone, settings.freeze_every);
    // A member who hid their progress is never shown to others, whatever the server chose.
    Ok(view::confirmation(
        user,
        &check_in,
        &streak,
        outcome.saved == Saved::Edited,
        settings.public && !outcome.hidden,
    ))
}

fn member_streak<'a>(
    ctx: &Ctx<'_>,
    weeks: impl IntoIterator<Item = &'a str>,
    zone: Tz,
    freeze_every: u32,
) -> Streak {
    let checked: BTreeSet<i64> = weeks.into_iter().filter_map(week_number).collect();
    let current = week_number(&week_key(ctx.invocation.now, zone)).unwrap_or_default();
    streak(&checked, current, freeze_every)
}

/// Shared for a few seconds (`App::members`); the member's own check-in drops it.
async fn history(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let me = ctx.invocation.user_id;
    let member = call.get(MEMBER).unwrap_or(me);
    let (streak, current) = weeks_of(ctx, guild, member).await?;
    if call.get(CARD).unwrap_or(false) {
        let (name, _) = card::name_of(ctx, member);
        let title = "Check-ins, the last 26 weeks";
        return card::reply(
            ctx,
            title,
            checkins_card::card(name, &streak, current),
            None,
        )
        .await;
    }
    Ok(view::history(member, &streak, current))
}

/// A member's streak now, as `/checkins` counts it (another member's is refused when they
/// keep their progress private).
pub(super) async fn streak_of(
    ctx: &Ctx<'_>,
    guild: GuildId,
    member: UserId,
) -> CommandResult<Streak> {
    Ok(weeks_of(ctx, guild, member).await?.0)
}

/// The streak and the current week's number in the member's zone.
async fn weeks_of(ctx: &Ctx<'_>, guild: GuildId, member: UserId) -> CommandResult<(Streak, i64)> {
    let app = ctx.app.clone();
    let read = move || async move { app.checkins.member(guild, member).await };
    let held = ctx
        .app
        .members
        .checkins
        .get(guild, member, ctx.invocation.now, read)
        .await?;
    if member != ctx.invocation.user_id && held.hidden {
        return Err(CommandError::user(format!(
            "<@{member}> keeps their progress private, so their check-ins are not shown."
        )));
    }
    let freeze_every = held
        .settings
        .as_ref()
        .map_or(DEFAULT_FREEZE_EVERY, |s| s.freeze_every);
    let weeks = held.weeks.iter().map(String::as_str);
    let streak = member_streak(ctx, weeks, held.zone, freeze_every);
    let current = week_number(&week_key(ctx.invocation.now, held.zone)).unwrap_or_default();
    Ok((streak, current))
}
