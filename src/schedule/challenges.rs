//! A challenge's start, mid-point and end announcements as scheduled posts. The end also
//! closes the challenge: finishers get its points (once, by the award's key) and its role.

use serenity::all::{RoleId, UserId};

use super::deliver::{self, Ran};
use crate::app::App;
use crate::challenges::standing::{rank, Progress};
use crate::clock::Clock;
use crate::db::challenges::{self as store, Challenge, Find, Status, END, MID, START};
use crate::db::scheduled::Job;
use crate::render::challenge::{self as view, RoleOutcome};
use crate::render::discord::channel_message;
use crate::render::Reply;
use crate::roles::{change_role, RoleChange};

/// Posts a claimed announcement and records how it went.
pub async fn run(app: &App, clock: &dyn Clock, job: &Job) -> sqlx::Result<Ran> {
    let challenge = match job.period.parse::<i64>() {
        Ok(id) => store::one(&app.db, job.guild, Find::Id(id)).await?,
        Err(_) => None,
    };
    let ran = match challenge {
        None => Ran::Skipped("the challenge no longer exists".into()),
        Some(challenge) => announce(app, clock, job, &challenge).await?,
    };
    deliver::record(app, job, clock.now(), &ran).await?;
    Ok(ran)
}

async fn announce(
    app: &App,
    clock: &dyn Clock,
    job: &Job,
    challenge: &Challenge,
) -> sqlx::Result<Ran> {
    let now = clock.now();
    if challenge.status == Status::Cancelled {
        return Ok(Ran::Skipped("the challenge was cancelled".into()));
    }
    // Announcements that were due while Waypoint was down still go out, as long as they are
    // not overtaken: a start or mid-point after the end would only confuse.
    let over = challenge.status != Status::Open || now >= challenge.ends_at;
    let reply = match job.kind.as_str() {
        START | MID if over => return Ok(Ran::Skipped("the challenge is already over".into())),
        START => view::started(challenge),
        MID => {
            let (ranked, hidden) = rank(progress(app, challenge, now).await?);
            view::halfway(challenge, &ranked, hidden)
        }
        END => match close(app, clock, challenge).await? {
            Some(reply) => reply,
            None => return Ok(Ran::Skipped("the challenge was cancelled".into())),
        },
        other => return Ok(Ran::Failed(format!("not a challenge post: {other}"))),
    };
    if let Some(why) = deliver::reason_to_skip(app, job, now, true, None) {
        return Ok(Ran::Skipped(why));
    }
    let what = format!("{} · {}", job.kind, challenge.name);
    deliver::send(
        app,
        clock,
        job,
        challenge.channel.into(),
        &what,
        vec![channel_message(&reply)],
    )
    .await
}

async fn progress(
    app: &App,
    challenge: &Challenge,
    until: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<Vec<Progress>> {
    let topics = app.challenge_topics(challenge);
    store::progress(&app.db, challenge, topics.as_deref(), until, None).await
}

/// Closes the challenge: its final standing, points and role for finishers, and the end
/// announcement. `None` when it was cancelled meanwhile.
async fn close(app: &App, clock: &dyn Clock, challenge: &Challenge) -> sqlx::Result<Option<Reply>> {
    let entries = progress(app, challenge, challenge.ends_at).await?;
    let finishers: Vec<UserId> = entries
        .iter()
        .filter(|p| p.reached_at.is_some())
        .map(|p| p.user.into())
        .collect();
    let grant = crate::points::challenge(challenge.id, challenge.points);
    if !store::close(&app.db, challenge, &finishers, &grant).await? {
        return Ok(None);
    }
    let roles = match challenge.role {
        Some(role) => give_role(app, clock, challenge, role.into(), &finishers).await,
        None => RoleOutcome::default(),
    };
    let hidden_finishers = entries
        .iter()
        .filter(|p| p.hidden && p.reached_at.is_some())
        .count();
    let (ranked, _) = rank(entries);
    Ok(Some(view::ended(
        challenge,
        &ranked,
        hidden_finishers,
        &roles,
    )))
}

/// Gives the challenge's role to each finisher (giving it again is harmless, so a retried
/// end does no harm). Stops at a refusal that would refuse everyone, so a missing permission
/// costs one failed request rather than one per finisher.
async fn give_role(
    app: &App,
    clock: &dyn Clock,
    challenge: &Challenge,
    role: RoleId,
    finishers: &[UserId],
) -> RoleOutcome {
    let reason = format!("Waypoint: finished the challenge {}", challenge.name);
    let mut outcome = RoleOutcome::default();
    for user in finishers {
        match change_role(
            app,
            challenge.guild.into(),
            *user,
            role,
            true,
            &reason,
            clock.now(),
        )
        .await
        {
            RoleChange::Given(_) => outcome.given += 1,
            RoleChange::Failed {
                reason,
                server_wide: true,
                ..
            } => {
                outcome.problem = Some(reason);
                break;
            }
            _ => {}
        }
    }
    outcome
}
