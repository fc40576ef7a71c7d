//! The dispatcher's shared rules: server only, failures reported with a reference.

use waypoint::commands::{dispatch, Access, Action, CommandCall, Value};
use waypoint::console::parse_line;

use crate::support::{self, invocation, json, member_permissions, text};

#[tokio::test]
async fn commands_record_the_member_once_per_server() {
    let app = support::app().await;
    for _ in 0..3 {
        assert!(!support::run(&app, "/roadmap").await.failed);
    }
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT guild_id, user_id FROM members")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, [(support::GUILD as i64, support::USER as i64)]);
}

#[tokio::test]
async fn outside_a_server_commands_explain_where_they_work() {
    let app = support::app().await;
    let call = parse_line(&app.registry, "/roadmap").unwrap();
    let mut direct = invocation(Action::Command(call));
    direct.guild_id = None;
    let outcome = dispatch(&app, &direct).await;
    assert!(outcome.failed);
    assert!(text(&json(&outcome)).contains("inside a server"));
}

#[tokio::test]
async fn an_internal_failure_shows_only_a_reference() {
    let app = support::app().await;
    // Losing the database mid-flight is the internal failure we can cause for real.
    app.db.close().await;
    let call = parse_line(&app.registry, "/settings show").unwrap();
    let mut staff = invocation(Action::Command(call));
    staff.permissions |= serenity::all::Permissions::MANAGE_GUILD;
    let outcome = dispatch(&app, &staff).await;
    assert!(outcome.failed);
    let body = json(&outcome);
    let shown = text(&body);
    assert!(
        shown.contains("Something went wrong on our side (ref `"),
        "{shown}"
    );
    assert!(
        !shown.to_lowercase().contains("pool"),
        "no internal detail leaks: {shown}"
    );
    assert_eq!(body["data"]["flags"], 64);

    // Browsing content needs no database, so it keeps working through the outage.
    let browsing = support::run(&app, "/roadmap phase:1").await;
    assert!(!browsing.failed);
}

#[tokio::test]
async fn options_of_the_wrong_type_from_a_transport_are_refused() {
    let app = support::app().await;
    let call = CommandCall {
        name: "roadmap".into(),
        path: vec![],
        options: vec![("phase".into(), Value::String("2".into()))],
    };
    let outcome = dispatch(&app, &invocation(Action::Command(call))).await;
    assert!(outcome.failed);
    assert!(text(&json(&outcome)).contains("`phase` takes a whole number, not text"));
}

#[test]
fn staff_access_needs_manage_server() {
    use serenity::all::Permissions;
    assert!(!Access::Staff.allows(member_permissions()));
    assert!(Access::Staff.allows(member_permissions() | Permissions::MANAGE_GUILD));
    assert!(Access::Staff.allows(Permissions::ADMINISTRATOR));
    assert!(Access::Everyone.allows(Permissions::empty()));
}
