//! Driving the scheduler in tests: a clock the test moves, and bots that post to the fake
//! Discord.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio_util::sync::CancellationToken;
use waypoint::app::App;
use waypoint::clock::Clock;
use waypoint::commands::{Action, Dispatcher, Outcome};
use waypoint::posting::Poster;
use waypoint::schedule::{Pass, Scheduler};

use super::fake_discord::FakeDiscord;
use super::{logs, shipped_library, transport, Who};

/// A clock that stands still until the test moves it.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn at(start: &str) -> Arc<Self> {
        Arc::new(Self(Mutex::new(start.parse().expect("an RFC 3339 time"))))
    }

    pub fn set(&self, to: &str) {
        *self.0.lock().unwrap() = to.parse().expect("an RFC 3339 time");
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// A bot (one process, as far as leases go) whose posts go to the fake Discord.
pub fn posting_bot(pool: sqlx::PgPool, fake: &FakeDiscord) -> Dispatcher {
    posting_bot_at(pool, fake, TestClock::at(super::TEST_NOW))
}

/// The same on `clock`, with a public address for community pages.
pub fn posting_bot_at(pool: sqlx::PgPool, fake: &FakeDiscord, clock: Arc<TestClock>) -> Dispatcher {
    logs();
    let poster = Poster::new(
        "fake-bot-token",
        Some(&fake.rest.base),
        NonZeroU32::new(1000).unwrap(),
    );
    let app = App::new(shipped_library(), pool, None)
        .expect("build the app")
        .with_clock(clock)
        .with_discord(Arc::new(transport::http(fake)))
        .with_public_url(url::Url::parse(super::PUBLIC_URL).expect("a valid address"))
        .with_poster(Arc::new(poster));
    waypoint::commands::dispatcher(app).expect("the command definitions are valid")
}

/// One scheduler pass of `bot`'s process at the clock's time.
pub async fn pass(bot: &Dispatcher, clock: &Arc<TestClock>) -> Pass {
    Scheduler::new(bot.app.clone(), clock.clone())
        .pass(&CancellationToken::new())
        .await
        .expect("a scheduler pass")
}

/// The embed footer of a prompt post, which ends with the prompt's id.
pub fn prompt_id(body: &serde_json::Value) -> String {
    // Posts no longer show the internal id: the title ("Kind · Title") names the prompt.
    let title = body["embeds"][0]["title"]
        .as_str()
        .expect("a prompt post has a title");
    let library = shipped_library();
    let found: Vec<&str> = library.roadmaps[0]
        .prompts
        .iter()
        .filter(|p| title == format!("{} · {}", p.kind.label(), p.title))
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(found.len(), 1, "one prompt is titled {title:?}");
    found[0].to_string()
}

/// Runs a command line as `who` at `now`; a line the parser refuses is answered with its
/// error, as Discord's own option checks would.
pub async fn run_at(bot: &Dispatcher, who: Who, line: &str, now: DateTime<Utc>) -> Outcome {
    let call = match waypoint::console::parse_line(&bot.registry, line) {
        Ok(call) => call,
        Err(e) => {
            return Outcome {
                response: waypoint::commands::error_response(&e),
                failed: true,
            }
        }
    };
    let mut invocation = who.invocation(Action::Command(call));
    invocation.now = now;
    bot.dispatch(&invocation).await
}

/// Turns weekly prompts on in `guild`, posting in `channel`, as its staff at `now`.
pub async fn schedule_prompts(
    bot: &Dispatcher,
    guild: u64,
    channel: u64,
    when: &str,
    now: DateTime<Utc>,
) {
    let line = format!("/settings prompts channel:#{channel} {when}");
    let outcome = run_at(bot, Who::staff(guild, 1), &line, now).await;
    assert!(!outcome.failed, "{line} failed: {:?}", outcome.response);
}
