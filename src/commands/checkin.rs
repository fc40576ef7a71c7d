//! `/checkin` (the weekly check-in form) and `/checkins` (a member's last weeks and streak).

use std::collections::BTreeSet;

use chrono_tz::Tz;
use serenity::all::{GuildId, UserId};

use super::error::{CommandError, CommandResult};
use super::handler::{Click, Ctx, Submit};
use super::invocation::CommandCall;
use super::options::Opt;
use super::spec::CommandSpec;
use crate::checkins::entry::Draft;
use crate::checkins::streak::{streak, week_number, Streak};
use crate::db::checkins::{self as store, CheckinSettings, Saved};
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
}

async fn settings(ctx: &Ctx<'_>, guild: GuildId) -> CommandResult<CheckinSettings> {
    store::settings(&ctx.app.db, guild).await?.ok_or_else(|| {
        CommandError::user(
            "Check-ins are off in this server. Staff turn them on with `/settings checkins`.",
        )
    })
}

/// The member's week right now, in their zone.
async fn this_week(ctx: &Ctx<'_>, guild: GuildId, user: UserId) -> CommandResult<(String, Tz)> {
    let zone = store::member_zone(&ctx.app.db, guild, user).await?;
    Ok((week_key(ctx.invocation.now, zone), zone))
}

/// Opens the form, holding this week's check-in when there is one (to edit it).
async fn open(ctx: &Ctx<'_>, _call: &CommandCall) -> CommandResult<Reply> {
    open_with(ctx, None).await
}

async fn open_with(ctx: &Ctx<'_>, draft: Option<Draft>) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    settings(ctx, guild).await?;
    let (week, _) = this_week(ctx, guild, user).await?;
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

async fn submit(ctx: &Ctx<'_>, submit: Submit<'_>) -> CommandResult<Reply> {
    if submit.custom_id != FORM_ID {
        return Err(CommandError::user(
            "That form is out of date. Run `/checkin` again.",
        ));
    }
    let guild = ctx.guild()?;
    let user = ctx.invocation.user_id;
    let now = ctx.invocation.now;
    let settings = settings(ctx, guild).await?;
    let draft = Draft::from_fields(|id| submit.field(id));
    let check_in = match draft.check() {
        Ok(check_in) => check_in,
        Err(problems) => {
            store::save_draft(&ctx.app.db, guild, user, &draft, now).await?;
            return Ok(view::refused(&problems));
        }
    };
    let (week, zone) = this_week(ctx, guild, user).await?;
    let grant = crate::points::checkin(&week);
    let outcome = store::save(&ctx.app.db, guild, user, &week, &check_in, &grant, now).await?;
    let streak = member_streak(ctx, guild, user, zone, settings.freeze_every).await?;
    // A member who hid their progress is never shown to others, whatever the server chose.
    Ok(view::confirmation(
        user,
        &check_in,
        &streak,
        outcome.saved == Saved::Edited,
        settings.public && !outcome.hidden,
    ))
}

async fn member_streak(
    ctx: &Ctx<'_>,
    guild: GuildId,
    user: UserId,
    zone: Tz,
    freeze_every: u32,
) -> CommandResult<Streak> {
    let weeks = store::weeks(&ctx.app.db, guild, user).await?;
    let checked: BTreeSet<i64> = weeks.iter().filter_map(|w| week_number(w)).collect();
    let current = week_number(&week_key(ctx.invocation.now, zone)).unwrap_or_default();
    Ok(streak(&checked, current, freeze_every))
}

async fn history(ctx: &Ctx<'_>, call: &CommandCall) -> CommandResult<Reply> {
    let guild = ctx.guild()?;
    let me = ctx.invocation.user_id;
    let member = call.get(MEMBER).unwrap_or(me);
    if member != me {
        let profile = store::profile(&ctx.app.db, guild, member).await?;
        if profile.hidden {
            return Err(CommandError::user(format!(
                "<@{member}> keeps their progress private, so their check-ins are not shown."
            )));
        }
    }
    let freeze_every = store::settings(&ctx.app.db, guild)
        .await?
        .map_or(DEFAULT_FREEZE_EVERY, |s| s.freeze_every);
    let zone = store::member_zone(&ctx.app.db, guild, member).await?;
    let streak = member_streak(ctx, guild, member, zone, freeze_every).await?;
    let current = week_number(&week_key(ctx.invocation.now, zone)).unwrap_or_default();
    Ok(view::history(member, &streak, current))
}
