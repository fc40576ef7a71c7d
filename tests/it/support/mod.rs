//! Shared test helpers: a real database, the shipped content, invocations, and an
//! independent check of Discord's limits on response JSON.

pub mod checkins;
pub mod db;
pub mod discord_limits;
pub mod fake_discord;
pub mod outage;
pub mod process;
pub mod schedule;
pub mod transport;

use std::path::PathBuf;

use serenity::all::{GuildId, Permissions, UserId};
use waypoint::app::App;
use waypoint::commands::{self, Action, Dispatcher, Invocation, Outcome};
use waypoint::roadmap::Library;

pub const GUILD: u64 = 111_111_111_111_111_111;
/// The time every test bot and invocation starts at, unless a test sets its own: a Friday, so
/// a check-in made "now" falls in the week a Monday digest reports on. No test reads the real
/// date.
pub const TEST_NOW: &str = "2026-11-27T12:00:00Z";
/// The public address of test bots that talk to the fake Discord.
pub const PUBLIC_URL: &str = "https://waypoint.example.org";
pub const USER: u64 = 222_222_222_222_222_222;

/// A temp folder with the given mode (tempdir makes 0700 folders, which the `postgres`
/// account cannot pass through when the tests run as root).
pub fn temp_dir(prefix: &str, mode: u32) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(std::env::temp_dir())
        .expect("create a temp dir");
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(mode),
    )
    .expect("set the temp dir's mode");
    dir
}

/// Copies a folder and everything in it (roadmap folders have sub-folders).
pub fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_folder(&path, &target);
        } else {
            std::fs::copy(&path, target).unwrap();
        }
    }
}

pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn shipped_library() -> Library {
    waypoint::content::load(&repo_path("roadmap")).expect("the shipped content is valid")
}

/// Routes the bot's logs into the test output (filtered by RUST_LOG, silent by default).
pub fn logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// The dispatcher over the shipped content and a fresh database.
pub async fn bot() -> Dispatcher {
    bot_with_db_timeout(db::TIMEOUT).await
}

/// The same with another bound on database waits.
pub async fn bot_with_db_timeout(timeout: std::time::Duration) -> Dispatcher {
    let pool = db::fresh_pool_with_timeout(timeout).await;
    bot_on(pool, None)
}

/// The dispatcher on `pool`, changing things on Discord through `discord` when given.
pub fn bot_on(pool: sqlx::PgPool, discord: Option<&fake_discord::FakeDiscord>) -> Dispatcher {
    bot_at(pool, discord, schedule::TestClock::at(TEST_NOW))
}

/// The same, stamping what transports receive with `clock`'s time.
pub fn bot_at(
    pool: sqlx::PgPool,
    discord: Option<&fake_discord::FakeDiscord>,
    clock: std::sync::Arc<schedule::TestClock>,
) -> Dispatcher {
    bot_fetching_from(pool, discord, discord.map(|f| f.rest.base.as_str()), clock)
}

/// The same, fetching attachments from `cdn` (the fake Discord's) even when role changes
/// and posts do not go to it.
pub fn bot_fetching_from(
    pool: sqlx::PgPool,
    discord: Option<&fake_discord::FakeDiscord>,
    cdn: Option<&str>,
    clock: std::sync::Arc<schedule::TestClock>,
) -> Dispatcher {
    logs();
    let mut app = App::new(shipped_library(), pool, None)
        .expect("build the app")
        .with_clock(clock);
    if let Some(fake) = discord {
        // A bot that talks to Discord is one people reach: it has a public address.
        app = app
            .with_discord(std::sync::Arc::new(transport::http(fake)))
            .with_public_url(url::Url::parse(PUBLIC_URL).expect("a valid address"));
    }
    if let Some(cdn) = cdn {
        app = app.with_cdn(cdn);
    }
    waypoint::commands::dispatcher(app).expect("the command definitions are valid")
}

/// A dispatcher whose role changes go to the fake Discord.
pub async fn bot_with_discord(fake: &fake_discord::FakeDiscord) -> Dispatcher {
    bot_on(db::fresh_pool().await, Some(fake))
}

/// Who runs a command: a server, a member, and whether they are staff.
#[derive(Debug, Clone, Copy)]
pub struct Who {
    pub guild: u64,
    pub user: u64,
    pub staff: bool,
}

impl Who {
    pub const fn member(guild: u64, user: u64) -> Self {
        Self {
            guild,
            user,
            staff: false,
        }
    }

    pub const fn staff(guild: u64, user: u64) -> Self {
        Self {
            guild,
            user,
            staff: true,
        }
    }

    pub fn invocation(self, action: Action) -> Invocation {
        let mut invocation = invocation(action);
        invocation.guild_id = Some(GuildId::new(self.guild));
        invocation.user_id = UserId::new(self.user);
        if self.staff {
            invocation.permissions |= Permissions::MANAGE_GUILD;
        }
        invocation
    }
}

/// Runs a command line as `who`.
pub async fn run_as(bot: &Dispatcher, who: Who, line: &str) -> Outcome {
    match waypoint::console::parse_line(&bot.registry, line) {
        Ok(call) => bot.dispatch(&who.invocation(Action::Command(call))).await,
        Err(e) => Outcome {
            response: commands::error_response(&e),
            failed: true,
        },
    }
}

/// Runs a command whose answer is public, then presses its "✓ My …" button as `who`: the
/// caller's own, private copy (with their marks, state or place).
pub async fn run_mine(bot: &Dispatcher, who: Who, line: &str) -> Outcome {
    let public = run_as(bot, who, line).await;
    assert!(!public.failed, "{line}: {:?}", public.response);
    let body = json(&public);
    assert_ne!(
        body["data"]["flags"], 64,
        "{line}: the shared answer is public"
    );
    press_mine(bot, who, &body, TEST_NOW.parse().expect("an RFC 3339 time")).await
}

/// Clicks a button (or picks `values` in a menu) as `who`, on a public message.
pub async fn click_as(bot: &Dispatcher, who: Who, custom_id: &str, values: &[&str]) -> Outcome {
    let action = Action::Component {
        custom_id: custom_id.to_string(),
        values: values.iter().map(|v| v.to_string()).collect(),
        on_ephemeral: false,
    };
    bot.dispatch(&who.invocation(action)).await
}

/// The custom id of the button on a public answer (its JSON) whose label starts with `label`.
pub fn button_id(body: &serde_json::Value, label: &str) -> Option<String> {
    body["data"]["components"]
        .as_array()?
        .iter()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|c| c["label"].as_str().is_some_and(|l| l.starts_with(label)))
        .and_then(|c| c["custom_id"].as_str().map(str::to_string))
}

/// Presses the "✓ My …" button of a public answer as `who` at `now`: the caller's own copy.
pub async fn press_mine(
    bot: &Dispatcher,
    who: Who,
    body: &serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Outcome {
    let id = button_id(body, "✓ My").expect("a public answer offers a \"✓ My …\" button");
    let mut invocation = who.invocation(Action::Component {
        custom_id: id,
        values: Vec::new(),
        on_ephemeral: false,
    });
    invocation.now = now;
    let outcome = bot.dispatch(&invocation).await;
    assert!(!outcome.failed, "{:?}", outcome.response);
    outcome
}

pub fn member_permissions() -> Permissions {
    Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES | Permissions::USE_APPLICATION_COMMANDS
}

pub fn invocation(action: Action) -> Invocation {
    Invocation {
        guild_id: Some(GuildId::new(GUILD)),
        channel_id: None,
        user_id: UserId::new(USER),
        permissions: member_permissions(),
        now: TEST_NOW.parse().expect("an RFC 3339 time"),
        action,
        profiles: Vec::new(),
    }
}

/// Runs a command line, as typed in Discord, through the dispatcher.
pub async fn run(bot: &Dispatcher, line: &str) -> Outcome {
    match waypoint::console::parse_line(&bot.registry, line) {
        Ok(call) => bot.dispatch(&invocation(Action::Command(call))).await,
        Err(e) => Outcome {
            response: commands::error_response(&e),
            failed: true,
        },
    }
}

/// The interaction-response JSON Discord would receive for an outcome.
pub fn json(outcome: &Outcome) -> serde_json::Value {
    serde_json::to_value(waypoint::render::discord::interaction_response(
        &outcome.response,
    ))
    .expect("responses serialize")
}

/// All text of a response JSON, for content assertions.
pub fn text(value: &serde_json::Value) -> String {
    let mut out = String::new();
    collect_text(value, &mut out);
    out
}

fn collect_text(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_text(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_text(v, out)),
        _ => {}
    }
}
