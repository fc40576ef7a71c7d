//! Time zone options (`timezone:` in settings, `zone:` in `/me`): suggestions while typing,
//! and one clear error for a name Waypoint does not know.

use chrono_tz::Tz;

use super::error::{CommandError, CommandResult};
use crate::render::{limits, Choice};
use crate::weekly::{matching_zones, parse_zone};

/// Offered before the member types anything: zones covering most communities.
const COMMON_ZONES: [&str; 12] = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
];

/// IANA zone names matching what was typed.
pub fn complete(partial: &str) -> Vec<Choice> {
    let names: Vec<&str> = if partial.trim().is_empty() {
        COMMON_ZONES.to_vec()
    } else {
        matching_zones(partial, limits::AUTOCOMPLETE_CHOICES)
    };
    names
        .into_iter()
        .map(|name| Choice {
            name: name.to_string(),
            value: name.to_string(),
        })
        .collect()
}

/// The zone named `name`, given as option `option`.
pub fn parse(name: &str, option: &str) -> CommandResult<Tz> {
    parse_zone(name).ok_or_else(|| {
        CommandError::user(format!(
            "`{}` is not a time zone Waypoint knows. Use an IANA name, like \
             `{option}:Europe/Berlin` or `{option}:America/New_York`; start typing and pick one \
             from the list.",
            limits::truncate(name, 40)
        ))
    })
}
