//! The dispatcher's shared rules: server only, failures reported with a reference.

use waypoint::commands::{Access, Action, CommandCall, Dispatcher, Value};
use waypoint::console::parse_line;

use crate::support::{self, invocation, json, member_permissions, text};

#[tokio::test]
async fn commands_record_the_member_once_per_server_when_activity_is_flushed() {
    let bot = support::bot().await;
    for _ in 0..3 {
        assert!(!support::run(&bot, "/roadmap overview").await.failed);
    }
    let members = || async {
        sqlx::query_as::<_, (i64, i64)>("SELECT guild_id, user_id FROM members")
            .fetch_all(&bot.app.db)
            .await
            .unwrap()
    };
    assert!(members().await.is_empty(), "commands do not write it");
    let written = bot.app.activity.flush(&bot.app.db).await.unwrap();
    assert_eq!(written, 1, "three commands by one member are one row");
    assert_eq!(
        members().await,
        [(support::GUILD as i64, support::USER as i64)]
    );
}

#[tokio::test]
async fn content_answers_while_the_members_table_is_locked() {
    let bot = support::bot().await;
    let blocker = support::db::block_commands(&bot.app.db).await;
    // Without a database round trip on the content path, this cannot wait for the lock.
    let outcome = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        support::run(&bot, "/roadmap phase number:2"),
    )
    .await
    .expect("content answers at once despite the lock");
    assert!(!outcome.failed);
    assert!(text(&json(&outcome)).contains("Phase 2 ·"));
    blocker.rollback().await.unwrap();
}

#[tokio::test]
async fn a_stuck_lock_gets_a_friendly_try_again_within_the_bound() {
    let bot = support::bot_with_db_timeout(std::time::Duration::from_millis(300)).await;
    let blocker = support::db::block_commands(&bot.app.db).await;
    let started = std::time::Instant::now();
    let outcome = staff_settings(&bot).await;
    let waited = started.elapsed();
    blocker.rollback().await.unwrap();
    assert!(outcome.failed);
    let body = json(&outcome);
    assert_eq!(body["data"]["flags"], 64, "only the member sees it");
    let shown = text(&body);
    assert!(shown.contains("try again"), "{shown}");
    assert!(!shown.contains("ref `"), "not reported as our bug: {shown}");
    assert!(
        waited < std::time::Duration::from_secs(5),
        "bounded by the lock timeout, not by the lock: {waited:?}"
    );
}

async fn staff_settings(bot: &Dispatcher) -> waypoint::commands::Outcome {
    let call = parse_line(&bot.registry, "/settings show").unwrap();
    let mut staff = invocation(Action::Command(call));
    staff.permissions |= serenity::all::Permissions::MANAGE_GUILD;
    bot.dispatch(&staff).await
}

#[tokio::test]
async fn an_unreachable_database_gets_a_try_again_and_content_keeps_working() {
    let bot = support::bot().await;
    bot.app.db.close().await;
    let outcome = staff_settings(&bot).await;
    assert!(outcome.failed);
    let shown = text(&json(&outcome));
    assert!(shown.contains("can't reach its database"), "{shown}");
    assert!(
        !shown.to_lowercase().contains("pool"),
        "no internal detail leaks: {shown}"
    );
    // Browsing content needs no database, so it keeps working through the outage.
    let browsing = support::run(&bot, "/roadmap phase number:1").await;
    assert!(!browsing.failed);
}

#[tokio::test]
async fn outside_a_server_commands_explain_where_they_work() {
    let bot = support::bot().await;
    let call = parse_line(&bot.registry, "/roadmap overview").unwrap();
    let mut direct = invocation(Action::Command(call));
    direct.guild_id = None;
    let outcome = bot.dispatch(&direct).await;
    assert!(outcome.failed);
    assert!(text(&json(&outcome)).contains("inside a server"));
}

#[tokio::test]
async fn an_internal_failure_shows_only_a_reference() {
    let bot = support::bot().await;
    // A schema that does not match the code is a real internal failure we can cause.
    sqlx::query("DROP TABLE members CASCADE")
        .execute(&bot.app.db)
        .await
        .unwrap();
    let outcome = staff_settings(&bot).await;
    assert!(outcome.failed);
    let body = json(&outcome);
    let shown = text(&body);
    assert!(
        shown.contains("Something went wrong on our side (ref `"),
        "{shown}"
    );
    assert!(
        !shown.contains("members"),
        "no internal detail leaks: {shown}"
    );
    assert_eq!(body["data"]["flags"], 64);
}

#[tokio::test]
async fn options_of_the_wrong_type_from_a_transport_are_refused() {
    let bot = support::bot().await;
    let call = CommandCall {
        name: "roadmap".into(),
        path: vec!["phase".into()],
        options: vec![("number".into(), Value::String("2".into()))],
    };
    let outcome = bot.dispatch(&invocation(Action::Command(call))).await;
    assert!(outcome.failed);
    assert!(text(&json(&outcome)).contains("`number` takes a whole number, not text"));
}

#[test]
fn staff_access_needs_manage_server() {
    use serenity::all::Permissions;
    assert!(!Access::Staff.allows(member_permissions()));
    assert!(Access::Staff.allows(member_permissions() | Permissions::MANAGE_GUILD));
    assert!(Access::Staff.allows(Permissions::ADMINISTRATOR));
    assert!(Access::Everyone.allows(Permissions::empty()));
}

/// Review item 9: "Its options are `member`" for a single option, and "every 3 week(s)".
#[tokio::test]
async fn counts_and_lists_read_in_the_right_number() {
    let bot = support::bot().await;
    let call = CommandCall {
        name: "checkins".into(),
        path: Vec::new(),
        options: vec![("who".into(), Value::String("me".into()))],
    };
    let outcome = bot.dispatch(&invocation(Action::Command(call))).await;
    let said = text(&json(&outcome));
    assert!(said.contains("Its options are `member`, `card`."), "{said}");

    let staff = support::Who::staff(support::GUILD, 1);
    let line = "/settings checkins channel:#42 staff-channel:#43 reminder-day:Friday \
                reminder-time:18:00 freeze-every:3";
    let said = text(&json(&support::run_as(&bot, staff, line).await));
    assert!(said.contains("every 3 weeks checked in"), "{said}");
    let said = text(&json(&support::run_as(&bot, staff, "/settings show").await));
    assert!(said.contains("a freeze every 3 weeks"), "{said}");
    assert!(!said.contains("(s)"), "{said}");
}

/// Review item 14: `/help` listed the staff-only `/challenge create|end|cancel` with the
/// member commands; and a member who tries one is refused before anything runs.
#[tokio::test]
async fn staff_subcommands_are_grouped_and_guarded_with_the_staff_commands() {
    let bot = support::bot().await;
    let help = text(&json(&support::run(&bot, "/help").await));
    let (members, staff) = help
        .split_once("For server staff")
        .expect("a staff section");
    for sub in ["create", "end", "cancel"] {
        let usage = format!("`/challenge {sub}");
        assert!(
            !members.contains(&usage),
            "{sub} among members' commands: {help}"
        );
        assert!(staff.contains(&usage), "{sub} missing from staff's: {help}");
    }
    assert!(members.contains("`/challenge join"), "{help}");
    let member = support::Who::member(support::GUILD, 9);
    let outcome = support::run_as(&bot, member, "/challenge cancel name:Nope").await;
    assert!(outcome.failed);
    assert!(
        text(&json(&outcome)).contains("`/challenge cancel` is for server staff"),
        "{}",
        json(&outcome)
    );
}

/// A choice typed in the console matches whatever its case, as Discord's picker does.
#[tokio::test]
async fn typed_choices_match_without_regard_to_case() {
    let bot = support::bot().await;
    let staff = support::Who::staff(support::GUILD, 1);
    let line = "/settings prompts channel:#42 day:wednesday time:18:00";
    let outcome = support::run_as(&bot, staff, line).await;
    assert!(!outcome.failed, "{}", json(&outcome));
    assert!(
        text(&json(&outcome)).contains("every Wednesday at 18:00"),
        "{}",
        json(&outcome)
    );
    let call = parse_line(&bot.registry, "/leaderboard period:WEEK").unwrap();
    assert_eq!(call.value("period"), Some(&Value::String("week".into())));
}
