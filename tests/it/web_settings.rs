//! `/settings web on|off|rotate`: a server's community page is off until staff turn it on; its
//! address is a random slug that `rotate` replaces and `off` removes with the names stored for
//! it; without a public address configured, nothing can be turned on.

use waypoint::app::App;
use waypoint::commands::Dispatcher;
use waypoint::db::web;
use waypoint::ids::GuildId;

use crate::support::{db, json, run_as, shipped_library, text, Who, GUILD};

const PUBLIC: &str = "https://waypoint.example.org";

fn staff() -> Who {
    Who::staff(GUILD, 1)
}

async fn bot_with_pages() -> Dispatcher {
    let app = App::new(shipped_library(), db::fresh_pool().await, None)
        .expect("build the app")
        .with_public_url(url::Url::parse(PUBLIC).unwrap());
    waypoint::commands::dispatcher(app).expect("the command definitions are valid")
}

/// Runs `line` as staff; it must succeed. Returns what it said.
async fn ok(bot: &Dispatcher, line: &str) -> String {
    let outcome = run_as(bot, staff(), line).await;
    let said = text(&json(&outcome));
    assert!(!outcome.failed, "{line}: {said}");
    said
}

/// The slug in a reply's link.
fn slug_in(said: &str) -> String {
    let at = said.find("/c/").expect("a page link") + 3;
    said[at..at + 32].to_string()
}

fn guild() -> serenity::all::GuildId {
    GuildId::new(GUILD).into()
}

#[tokio::test]
async fn pages_go_on_keep_their_link_rotate_and_go_off() {
    let bot = bot_with_pages().await;
    let pool = &bot.app.db;
    assert_eq!(
        web::slug_of(pool, guild()).await.unwrap(),
        None,
        "off by default"
    );

    let said = ok(&bot, "/settings web on").await;
    assert!(said.contains(&format!("{PUBLIC}/c/")), "{said}");
    let first = slug_in(&said);
    assert!(first.chars().all(|c| c.is_ascii_hexdigit()), "{first}");
    assert_eq!(
        web::server_of(pool, &first).await.unwrap().map(|p| p.guild),
        Some(guild())
    );
    // On again: the link already shared keeps working.
    assert_eq!(slug_in(&ok(&bot, "/settings web on").await), first);

    let said = ok(&bot, "/settings web rotate").await;
    let second = slug_in(&said);
    assert_ne!(second, first);
    assert!(said.contains("old link no longer works"), "{said}");
    assert_eq!(
        web::server_of(pool, &first).await.unwrap().map(|p| p.guild),
        None
    );
    assert_eq!(
        web::server_of(pool, &second)
            .await
            .unwrap()
            .map(|p| p.guild),
        Some(guild())
    );

    // A name stored while the pages are on goes with them.
    run_as(
        &bot,
        Who::member(GUILD, 7),
        "/progress set topic:python state:learning",
    )
    .await;
    db::store_name(pool, GUILD, 7, "Ada", None).await;
    let said = ok(&bot, "/settings web off").await;
    assert!(
        said.contains("1 member name stored for it was removed"),
        "{said}"
    );
    assert_eq!(
        web::server_of(pool, &second)
            .await
            .unwrap()
            .map(|p| p.guild),
        None
    );
    let names: i64 = sqlx::query_scalar("SELECT count(*) FROM member_names")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(names, 0);
    assert!(ok(&bot, "/settings web off").await.contains("already off"));
}

#[tokio::test]
async fn what_cannot_be_done_is_refused_privately_and_changes_nothing() {
    // No public address configured: pages cannot go on.
    let bare = crate::support::bot().await;
    let outcome = run_as(&bare, staff(), "/settings web on").await;
    let body = json(&outcome);
    assert!(outcome.failed);
    assert_eq!(body["data"]["flags"], 64);
    assert!(
        text(&body).contains("WAYPOINT_PUBLIC_URL"),
        "{}",
        text(&body)
    );
    assert_eq!(web::slug_of(&bare.app.db, guild()).await.unwrap(), None);

    let bot = bot_with_pages().await;
    let outcome = run_as(&bot, staff(), "/settings web rotate").await;
    assert!(outcome.failed);
    assert!(text(&json(&outcome)).contains("`/settings web on`"));
    // Members cannot touch it.
    let outcome = run_as(&bot, Who::member(GUILD, 7), "/settings web on").await;
    assert!(outcome.failed);
    assert_eq!(web::slug_of(&bot.app.db, guild()).await.unwrap(), None);
}

#[tokio::test]
async fn a_stored_name_is_in_the_export_and_goes_with_privacy_delete() {
    let bot = bot_with_pages().await;
    ok(&bot, "/settings web on").await;
    let member = Who::member(GUILD, 7);
    run_as(&bot, member, "/progress set topic:python state:learning").await;
    db::store_name(&bot.app.db, GUILD, 7, "Ada Lovelace", Some("abc")).await;
    let user = serenity::all::UserId::new(7);
    let export = waypoint::db::privacy::export(
        &bot.app.db,
        guild(),
        user,
        crate::support::TEST_NOW.parse().unwrap(),
    )
    .await
    .unwrap();
    let exported = serde_json::to_string(&export).unwrap();
    assert!(exported.contains("Ada Lovelace"), "{exported}");
    waypoint::db::privacy::delete(&bot.app.db, guild(), user)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM member_names")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

/// Runs `line` as `who`, showing in the server as `name`.
async fn run_named(bot: &Dispatcher, who: Who, name: &str, line: &str) {
    let call = waypoint::console::parse_line(&bot.registry, line).expect("a command line");
    let mut invocation = who.invocation(waypoint::commands::Action::Command(call));
    invocation.profiles = vec![(
        invocation.user_id,
        waypoint::profiles::Profile {
            name: name.to_string(),
            avatar: None,
            avatar_hash: Some("abcdef".into()),
        },
    )];
    let outcome = bot.dispatch(&invocation).await;
    assert!(!outcome.failed, "{line}: {}", text(&json(&outcome)));
}

async fn stored_names(bot: &Dispatcher) -> Vec<(i64, String, Option<String>)> {
    sqlx::query_as("SELECT user_id, display_name, avatar FROM member_names ORDER BY user_id")
        .fetch_all(&bot.app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn names_are_stored_only_while_pages_are_on_and_never_for_hidden_members() {
    let bot = bot_with_pages().await;
    let (ada, grace) = (Who::member(GUILD, 7), Who::member(GUILD, 8));
    let flush = || async { bot.app.activity.flush(&bot.app.db).await.unwrap() };
    // Pages off: nothing is kept.
    run_named(
        &bot,
        ada,
        "Ada",
        "/progress set topic:python state:learning",
    )
    .await;
    flush().await;
    assert!(stored_names(&bot).await.is_empty());

    ok(&bot, "/settings web on").await;
    run_named(&bot, ada, "Ada Lovelace", "/me show").await;
    run_named(
        &bot,
        grace,
        "Grace",
        "/progress set topic:python state:learning",
    )
    .await;
    run_named(&bot, grace, "Grace", "/privacy hide").await;
    flush().await;
    assert_eq!(
        stored_names(&bot).await,
        vec![(7, "Ada Lovelace".to_string(), Some("abcdef".to_string()))],
        "the hidden member's name is not kept"
    );
    // Hiding later removes it; showing again stores it from the next use.
    run_named(&bot, ada, "Ada Lovelace", "/privacy hide").await;
    assert!(stored_names(&bot).await.is_empty());
    run_named(&bot, ada, "Ada L.", "/privacy show").await;
    flush().await;
    assert_eq!(stored_names(&bot).await[0].1, "Ada L.");
}
