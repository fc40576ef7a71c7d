//! Phase roles on Discord: given when a member completes a phase, taken back when it is no
//! longer complete. Progress is saved first; a role that cannot be changed is reported to the
//! member and recorded for `/settings show`, never a reason to lose the progress.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, RoleId, UserId};
use serenity::http::HttpError;
use tracing::warn;

use crate::app::App;
use crate::db::servers;

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
    },
    /// Not running on Discord (the console): nothing to change.
    Offline(RoleId),
}

pub async fn sync_phase_role(
    app: &App,
    guild: GuildId,
    user: UserId,
    phase: u8,
    complete: bool,
    now: DateTime<Utc>,
) -> RoleChange {
    let role = match servers::phase_role(&app.db, guild, phase).await {
        Ok(Some(role)) => role,
        Ok(None) => return RoleChange::NoRole,
        Err(e) => {
            warn!(error = %e, phase, "could not read the phase role");
            return RoleChange::NoRole;
        }
    };
    let Some(http) = &app.discord else {
        return RoleChange::Offline(role);
    };
    let result = if complete {
        let reason = format!("Waypoint: completed phase {phase} of the roadmap");
        http.add_member_role(guild, user, role, Some(&reason)).await
    } else {
        let reason = format!("Waypoint: phase {phase} of the roadmap is no longer complete");
        http.remove_member_role(guild, user, role, Some(&reason))
            .await
    };
    let (change, problem) = match result {
        Ok(()) if complete => (RoleChange::Given(role), None),
        Ok(()) => (RoleChange::Taken(role), None),
        Err(e) => {
            let reason = explain(&e, role);
            warn!(error = %e, phase, role = role.get(), "could not change a phase role");
            (
                RoleChange::Failed {
                    role,
                    reason: reason.clone(),
                },
                Some(reason),
            )
        }
    };
    if let Err(e) = servers::set_role_problem(&app.db, guild, problem.as_deref(), now).await {
        warn!(error = %e, "could not record the phase role outcome");
    }
    change
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
            "the role <@&{role}> no longer exists: choose another with /settings phase-role"
        ),
        10007 => "the member is no longer in the server".to_string(),
        code => format!(
            "Discord refused the change ({} {code}: {})",
            response.status_code.as_u16(),
            response.error.message
        ),
    }
}
