//! Check-ins in tests: turning them on, opening the form and sending it as a member would.

use chrono::{DateTime, Utc};
use waypoint::commands::{Action, Dispatcher, Outcome};
use waypoint::render::{Modal, Response};

use super::schedule::run_at;
use super::Who;

/// Channels the check-in settings use in tests.
pub const CHECKIN_CHANNEL: u64 = 810_000_000_000_000_001;
pub const STAFF_CHANNEL: u64 = 810_000_000_000_000_002;

/// Turns check-ins on in `guild`: reminders Fridays 18:00 Berlin time; `extra` adds options.
pub async fn enable(bot: &Dispatcher, guild: u64, extra: &str, now: DateTime<Utc>) {
    let line = format!(
        "/settings checkins channel:#{CHECKIN_CHANNEL} staff-channel:#{STAFF_CHANNEL} \
         reminder-day:Friday reminder-time:18:00 timezone:Europe/Berlin {extra}"
    );
    let outcome = run_at(bot, Who::staff(guild, 1), &line, now).await;
    assert!(!outcome.failed, "{line}: {:?}", outcome.response);
}

/// Runs `/checkin` and returns the form it opens.
pub async fn open(bot: &Dispatcher, who: Who, now: DateTime<Utc>) -> Modal {
    match run_at(bot, who, "/checkin", now).await.response {
        Response::Modal(modal) => modal,
        other => panic!("expected the check-in form, got {other:?}"),
    }
}

/// Sends the check-in form with these fields.
pub async fn submit(
    bot: &Dispatcher,
    who: Who,
    now: DateTime<Utc>,
    fields: &[(&str, &str)],
) -> Outcome {
    let action = Action::ModalSubmit {
        custom_id: "checkin:submit".into(),
        fields: fields
            .iter()
            .map(|(id, value)| (id.to_string(), value.to_string()))
            .collect(),
    };
    let mut invocation = who.invocation(action);
    invocation.now = now;
    bot.dispatch(&invocation).await
}

/// A check-in with just what is required.
pub async fn check_in(bot: &Dispatcher, who: Who, now: DateTime<Utc>, did: &str) -> Outcome {
    let outcome = submit(bot, who, now, &[("did", did), ("goal", "Keep going")]).await;
    assert!(!outcome.failed, "{:?}", outcome.response);
    outcome
}

pub fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 time")
}
