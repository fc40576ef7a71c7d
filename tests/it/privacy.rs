//! `/privacy`: hiding, exporting and deleting a member's own data, and that no command lets
//! one server see or change another's.

use serde_json::{json as j, Value};
use waypoint::commands::Dispatcher;
use waypoint::render::Response;

use crate::support::fake_discord::payloads::{self, subcommand};
use crate::support::fake_discord::{FakeDiscord, Recorded};
use crate::support::transport::{RunningEndpoint, RunningGateway};
use crate::support::{self, click_as, json, run_as, text, Who};

const GUILD: u64 = 9_000;
const OTHER_GUILD: u64 = 9_100;
const ANA: Who = Who::member(GUILD, 91);
const BEN: Who = Who::member(GUILD, 92);

async fn set(bot: &Dispatcher, who: Who, topic: &str, state: &str) {
    let outcome = run_as(
        bot,
        who,
        &format!("/progress set topic:{topic} state:{state}"),
    )
    .await;
    assert!(!outcome.failed, "{}", json(&outcome));
}

/// Rows of the member in every member table: (topics, phases, ledger, member).
async fn rows_of(bot: &Dispatcher, who: Who) -> (i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM topic_progress WHERE guild_id = $1 AND user_id = $2),
                (SELECT count(*) FROM phase_status WHERE guild_id = $1 AND user_id = $2),
                (SELECT count(*) FROM points_ledger WHERE guild_id = $1 AND user_id = $2),
                (SELECT count(*) FROM members WHERE guild_id = $1 AND user_id = $2)",
    )
    .bind(who.guild as i64)
    .bind(who.user as i64)
    .fetch_one(&bot.app.db)
    .await
    .unwrap()
}

/// Gives the member of the fake's payloads something to export.
async fn seed_payload_member(db: &sqlx::PgPool) {
    let pool = db.clone();
    let bot = support::bot_on(pool, None);
    let who = Who::member(payloads::GUILD_ID, payloads::USER_ID);
    set(&bot, who, "python", "done").await;
}

/// The exported file of a reply, parsed.
fn exported(outcome: &waypoint::commands::Outcome) -> Value {
    let Response::Message(reply) = &outcome.response else {
        panic!("expected a message")
    };
    let file = reply.files.first().expect("the export is a file");
    assert!(file.name.ends_with(".json"));
    serde_json::from_slice(&file.bytes).expect("the export is JSON")
}

#[tokio::test]
async fn export_holds_exactly_the_members_own_rows() {
    let bot = support::bot().await;
    set(&bot, ANA, "python", "done").await;
    set(&bot, ANA, "sql", "learning").await;
    set(&bot, BEN, "python", "done").await;
    set(&bot, Who::member(OTHER_GUILD, ANA.user), "git", "done").await;

    let outcome = run_as(&bot, ANA, "/privacy export").await;
    assert!(!outcome.failed);
    assert_eq!(json(&outcome)["data"]["flags"], 64);
    let data = exported(&outcome);
    let topics: Vec<_> = data["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["topic"].clone(), t["state"].clone()))
        .collect();
    assert_eq!(
        topics,
        [(j!("python"), j!("done")), (j!("sql"), j!("learning"))]
    );
    assert_eq!(data["points"].as_array().unwrap().len(), 1);
    assert_eq!(data["user_id"], ANA.user.to_string());
    let raw = serde_json::to_string(&data).unwrap();
    assert!(
        !raw.contains(&BEN.user.to_string()),
        "nobody else's id: {raw}"
    );
    assert!(!raw.contains("git"), "nothing from another server: {raw}");

    let nobody = run_as(&bot, Who::member(GUILD, 99), "/privacy export").await;
    assert!(text(&json(&nobody)).contains("stores nothing about you"));
}

/// A member table added later (here one the test makes, as a new command's migration would)
/// is in the member's copy and gone with their deletion, with no change to the export.
#[tokio::test]
async fn a_new_member_table_is_exported_and_deleted_without_a_change_to_privacy() {
    let bot = support::bot().await;
    set(&bot, ANA, "python", "done").await;
    set(&bot, BEN, "python", "done").await;
    let db = &bot.app.db;
    sqlx::query(
        "CREATE TABLE study_notes (
             guild_id BIGINT NOT NULL,
             user_id  BIGINT NOT NULL,
             note     TEXT NOT NULL,
             FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE)",
    )
    .execute(db)
    .await
    .unwrap();
    for (who, note) in [(ANA, "Ana's note"), (BEN, "Ben's note")] {
        sqlx::query("INSERT INTO study_notes VALUES ($1, $2, $3)")
            .bind(who.guild as i64)
            .bind(who.user as i64)
            .bind(note)
            .execute(db)
            .await
            .unwrap();
    }

    let data = exported(&run_as(&bot, ANA, "/privacy export").await);
    assert_eq!(
        data["other_tables"],
        j!({ "study_notes": [{ "note": "Ana's note" }] })
    );

    let asked = run_as(&bot, ANA, "/privacy delete").await;
    let confirm = json(&asked)["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    click_as(&bot, ANA, &confirm, &[]).await;
    let notes: Vec<String> = sqlx::query_scalar("SELECT note FROM study_notes")
        .fetch_all(db)
        .await
        .unwrap();
    assert_eq!(notes, ["Ben's note"]);
}

#[tokio::test]
async fn delete_asks_first_then_removes_every_row_and_only_those() {
    let bot = support::bot().await;
    let phase = bot.app.content.default_roadmap().phase(4).unwrap().clone();
    for topic in phase.topics() {
        set(&bot, ANA, &topic.id, "done").await;
    }
    set(&bot, BEN, "python", "done").await;
    let other = Who::member(OTHER_GUILD, ANA.user);
    set(&bot, other, "git", "done").await;
    let (bens, others) = (rows_of(&bot, BEN).await, rows_of(&bot, other).await);

    let asked = run_as(&bot, ANA, "/privacy delete").await;
    assert_ne!(
        rows_of(&bot, ANA).await,
        (0, 0, 0, 0),
        "asking deletes nothing"
    );
    let body = json(&asked);
    let confirm = body["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Review item 15: the destructive button is red (danger, style 4), the other grey.
    assert_eq!(body["data"]["components"][0]["components"][0]["style"], 4);
    assert_eq!(body["data"]["components"][0]["components"][1]["style"], 2);
    let kept = click_as(&bot, ANA, "privacy:delete:cancel", &[]).await;
    assert!(text(&json(&kept)).contains("Nothing was deleted"));
    assert_ne!(rows_of(&bot, ANA).await, (0, 0, 0, 0));

    let done = click_as(&bot, ANA, &confirm, &[]).await;
    let said = text(&json(&done));
    let topics = phase.topic_count();
    assert!(
        said.contains(&format!("{topics} topic states, 1 phase record, {} points records, 0 check-ins and your member record", topics + 1)),
        "{said}"
    );
    bot.app.activity.flush(&bot.app.db).await.unwrap();
    assert_eq!(rows_of(&bot, ANA).await, (0, 0, 0, 0), "and stays gone");
    assert_eq!(rows_of(&bot, BEN).await, bens, "others untouched");
    assert_eq!(
        rows_of(&bot, other).await,
        others,
        "other servers untouched"
    );
}

#[tokio::test]
async fn hidden_members_are_private_to_others_but_not_to_themselves() {
    let bot = support::bot().await;
    set(&bot, BEN, "python", "done").await;
    let line = format!("/progress show member:{}", BEN.user);
    assert!(!run_as(&bot, ANA, &line).await.failed, "visible by default");
    run_as(&bot, BEN, "/privacy hide").await;
    let refused = run_as(&bot, ANA, &line).await;
    assert!(refused.failed);
    assert!(text(&json(&refused)).contains("keeps their progress private"));
    assert!(
        !run_as(&bot, BEN, "/progress show").await.failed,
        "own progress still shows"
    );
    run_as(&bot, BEN, "/privacy show").await;
    assert!(!run_as(&bot, ANA, &line).await.failed);
}

/// Sends `/privacy export` through the fake gateway; returns the answered callback.
async fn export_through_gateway(fake: &FakeDiscord, id: u64) -> Recorded {
    fake.gateway
        .push_interaction(subcommand(
            id,
            "privacy",
            "export",
            payloads::MEMBER_PERMISSIONS,
        ))
        .await;
    let path = format!("/interactions/{id}/token-{id}/callback");
    let callback = fake.rest.wait_for(true, |r| r.path == path).await;
    assert_eq!(callback.body["type"], 4);
    callback
}

#[tokio::test]
async fn the_export_file_goes_out_through_the_gateway() {
    let fake = FakeDiscord::start().await;
    let bot = RunningGateway::start(&fake, std::time::Duration::from_secs(2)).await;
    let callback = export_through_gateway(&fake, 6001).await;
    // The member has no data yet: the reply says so, without a file.
    assert!(callback.files.is_empty());

    // Now with data: the callback itself carries the file.
    seed_payload_member(&bot.dispatcher.app.db).await;
    let callback = export_through_gateway(&fake, 6002).await;
    assert_eq!(callback.body["data"]["flags"], 64);
    let (name, bytes) = callback.files.first().expect("a file on the callback");
    assert!(name.ends_with(".json"));
    let data: Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(data["user_id"], payloads::USER_ID.to_string());
    fake.rest.assert_spec_clean();
    bot.stop().await;
}

#[tokio::test]
async fn over_http_the_export_is_deferred_then_sent_as_an_edit() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, std::time::Duration::from_secs(2)).await;
    seed_payload_member(&endpoint.dispatcher.app.db).await;
    let interaction = subcommand(6101, "privacy", "export", payloads::MEMBER_PERMISSIONS);
    let (name, bytes) = endpoint.file_reply(&fake, &interaction, 6101).await;
    assert!(name.ends_with(".json"));
    let data: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(data["user_id"], payloads::USER_ID.to_string());
    fake.rest.assert_spec_clean();
}

/// Every table that holds a member's rows (any table with `guild_id` and `user_id`) is
/// emptied of them by `/privacy delete`, so a new member table cannot be forgotten there.
#[tokio::test]
async fn delete_leaves_no_row_of_the_member_in_any_table() {
    use crate::support::checkins::{at, check_in, enable};
    use crate::support::schedule::run_at;
    let bot = support::bot().await;
    let now = at(crate::support::TEST_NOW);
    enable(&bot, GUILD, "", now).await;
    let staff = Who::staff(GUILD, 1);
    let create = "/challenge create name:Sprint goal:topics target:2 start:2026-11-27 \
                  end:2026-12-20 channel:#5";
    assert!(!run_at(&bot, staff, create, now).await.failed);
    for line in [
        "/challenge join name:Sprint",
        "/me reminders state:on",
        "/me timezone zone:Europe/Paris",
    ] {
        assert!(!run_at(&bot, ANA, line, now).await.failed, "{line}");
    }
    for topic in bot.app.content.default_roadmap().phase(4).unwrap().topics() {
        set(&bot, ANA, &topic.id, "done").await;
    }
    check_in(&bot, ANA, now, "Studied").await;
    // A form with a mistake leaves a draft.
    let draft = crate::support::checkins::submit(&bot, ANA, now, &[("did", "")]).await;
    assert!(
        text(&json(&draft)).contains("not saved"),
        "{}",
        json(&draft)
    );

    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.table_name::text FROM information_schema.columns c
         JOIN information_schema.columns g ON g.table_name = c.table_name
              AND g.table_schema = c.table_schema AND g.column_name = 'guild_id'
         WHERE c.table_schema = 'public' AND c.column_name = 'user_id'
         ORDER BY 1",
    )
    .fetch_all(&bot.app.db)
    .await
    .unwrap();
    assert!(tables.len() >= 7, "{tables:?}");
    let rows = |table: String| {
        let bot = &bot;
        async move {
            let sql = format!("SELECT count(*) FROM {table} WHERE guild_id = $1 AND user_id = $2");
            let n: i64 = sqlx::query_scalar(&sql)
                .bind(GUILD as i64)
                .bind(ANA.user as i64)
                .fetch_one(&bot.app.db)
                .await
                .unwrap();
            (table, n)
        }
    };
    let mut before = Vec::new();
    for table in &tables {
        before.push(rows(table.clone()).await);
    }
    // Tables the leaderboard keeps for itself count too, but the member had rows in these.
    for needed in [
        "topic_progress",
        "points_ledger",
        "checkins",
        "checkin_drafts",
        "challenge_members",
        "members",
    ] {
        assert!(
            before.iter().any(|(t, n)| t == needed && *n > 0),
            "{needed} has the member's rows before: {before:?}"
        );
    }
    let confirm = click_as(&bot, ANA, "privacy:delete:confirm", &[]).await;
    assert!(!confirm.failed, "{}", json(&confirm));
    bot.app.activity.flush(&bot.app.db).await.unwrap();
    for table in tables {
        let (table, n) = rows(table).await;
        assert_eq!(n, 0, "{table} still holds the member's rows");
    }
}
