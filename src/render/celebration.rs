//! Celebration posts. The member is named by a mention, and channel posts allow no mentions,
//! so nobody is pinged.

use serenity::all::RoleId;

use crate::ids::UserId;

use super::reply::{Embed, Reply};
use crate::challenges::challenge::Challenge;
use crate::roadmap::Phase;

/// A member completed a phase (and earned its role, if it has one).
pub fn phase(user: UserId, phase: &Phase, role: Option<RoleId>) -> Reply {
    let earned = role.map_or(String::new(), |role| format!(" and earned <@&{role}>"));
    Reply::embed(
        Embed::new("🎉 Phase complete")
            .description(format!(
                "<@{user}> completed **Phase {} · {}**{earned}. Congratulations!",
                phase.number, phase.title
            ))
            .footer("Celebrations can be changed with /settings celebrations"),
    )
}

/// A member reached a challenge's target (its points and role come when it ends).
pub fn challenge(user: UserId, challenge: &Challenge) -> Reply {
    let role = challenge
        .role
        .map_or(String::new(), |role| format!(" and <@&{role}>"));
    Reply::embed(
        Embed::new("🏁 Challenge target reached")
            .description(format!(
                "<@{user}> reached the target of **{}**: {}. Finishers earn {} points{role} \
                 when it ends.",
                challenge.name,
                challenge.goal.describe(challenge.target, challenge.phase),
                challenge.points
            ))
            .footer("Celebrations can be changed with /settings celebrations"),
    )
}
