//! Roles on Discord: a phase role given when a member completes a phase and taken back when it
//! is no longer complete, and a challenge's role given to its finishers. Progress and points
//! are saved first; a role that cannot be changed is reported and recorded for `/settings
//! show`, never a reason to lose them.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, Http, RoleId, UserId};
use serenity::http::HttpError;
use sqlx::PgPool;
use tracing::warn;

use crate::db::servers;
use crate::telemetry::metrics;

/// What role changes use, and nothing more: the store (the server's role mappings, and where
/// a failure is recorded) and Discord.
#[derive(Clone, Copy)]
pub struct Roles<'a> {
    pub db: &'a PgPool,
    /// `None` on the console, where nothing is changed on Discord.
    pub discord: Option<&'a Http>,
}

/// What happened to the phase role after a phase changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleChange {
    /// The server maps no role to this phase.
    NoRole,
    Given(RoleId),
    Taken(RoleId),
    /// Discord refused or could not be reached; `reason` is for people.
    Failed {
        role: RoleId,
        reason: String,
        /// The problem is the server's (permission, missing role), not this member's: trying
        /// other members would fail the same way.
        server_wide: bool,
    },
    /// Not running on Discord (the console): nothing to change.
    Offline(RoleId),
}

pub async fn sync_phase_role(
    roles: Roles<'_>,
    guild: GuildId,
    user: UserId,
    phase: u8,
    complete: bool,
    now: DateTime<Utc>,
) -> RoleChange {
    let role = match servers::phase_role(roles.db, guild, phase).await {
        Ok(Some(role)) => role,
        Ok(None) => return RoleChange::NoRole,
        Err(e) => {
            warn!(error = %e, phase, "could not read the phase role");
            return RoleChange::NoRole;
        }
    };
    let reason = if complete {
        format!("Waypoint: completed phase {phase} of the roadmap")
    } else {
        format!("Waypoint: phase {phase} of the roadmap is no longer complete")
    };
    change_role(roles, guild, user, role, complete, &reason, now).await
}

/// Gives (`add`) or takes a role, and records the outcome for `/settings show`: a failure
/// replaces the server's role problem, a success clears it.
pub async fn change_role(
    roles: Roles<'_>,
    guild: GuildId,
    user: UserId,
    role: RoleId,
    add: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> RoleChange {
    let Some(http) = roles.discord else {
        return RoleChange::Offline(role);
    };
    let result = if add {
        http.add_member_role(guild, user, role, Some(reason)).await
    } else {
        http.remove_member_role(guild, user, role, Some(reason))
            .await
    };
    metrics::discord_result("member_role", &result);
    let (change, problem) = match result {
        Ok(()) if add => (RoleChange::Given(role), None),
        Ok(()) => (RoleChange::Taken(role), None),
        Err(e) => {
            let why = explain(&e, role);
            let server_wide = matches!(code(&e), Some(50013 | 50001 | 10011));
            warn!(guild = guild.get(), user = user.get(), error = %e, role = role.get(), "could not change a role");
            (
                RoleChange::Failed {
                    role,
                    reason: why.clone(),
                    server_wide,
                },
                Some(why),
            )
        }
    };
    if let Err(e) = servers::set_role_problem(roles.db, guild, problem.as_deref(), now).await {
        warn!(error = %e, "could not record the role outcome");
    }
    change
}

/// Discord's JSON error code, when it answered with one.
fn code(error: &serenity::Error) -> Option<isize> {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            Some(response.error.code)
        }
        _ => None,
    }
}

/// Why Discord refused, in words staff can act on.
fn explain(error: &serenity::Error, role: RoleId) -> String {
    let serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) = error else {
        return "Discord could not be reached; it will be tried again on the next change"
            .to_string();
    };
    match response.error.code {
        50013 => format!(
            "missing permission: Waypoint needs Manage Roles, and its highest role must sit \
             above <@&{role}> in Server Settings → Roles"
        ),
        10011 => format!(
            "the role <@&{role}> no longer exists: pick another (`/settings phase-role` for a phase role)"
        ),
        10007 => "the member is no longer in the server".to_string(),
        code => format!(
            "Discord refused the change ({} {code}: {})",
            response.status_code.as_u16(),
            response.error.message
        ),
    }
}
