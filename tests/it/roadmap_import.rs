//! `/settings roadmap import` and `choose`: a server runs on its own roadmap end to end, files
//! come from the fake Discord's CDN, a bad file changes nothing, and a second server on the
//! shipped roadmap is unaffected.

use waypoint::commands::{Action, CommandCall, Dispatcher, FileRef, Outcome, Value as OptValue};

use crate::support::fake_discord::{payloads, FakeDiscord};
use crate::support::schedule::run_at;
use crate::support::transport::RunningEndpoint;
use crate::support::{bot_on, db, json, repo_path, run_as, text, Who};

const GUILD: u64 = 77_000;
const STAFF: Who = Who::staff(GUILD, 1);
const ANA: Who = Who::member(GUILD, 2);
/// A member of a second server, which stays on the shipped roadmap.
const BEA: Who = Who::member(78_000, 3);

fn fixture() -> Vec<u8> {
    std::fs::read(repo_path("tests/fixtures/web-basics.toml")).unwrap()
}

/// `/settings roadmap import` with a file served by the fake Discord, as `size` says it is.
async fn import(
    bot: &Dispatcher,
    fake: &FakeDiscord,
    who: Who,
    bytes: &[u8],
    size: u64,
) -> Outcome {
    let url = fake.rest.attach("roadmap.toml", bytes);
    import_from(bot, who, url, size).await
}

async fn import_from(bot: &Dispatcher, who: Who, url: String, size: u64) -> Outcome {
    let call = CommandCall {
        name: "settings".into(),
        path: vec!["roadmap".into(), "import".into()],
        options: vec![(
            "file".into(),
            OptValue::File(FileRef {
                url,
                filename: "roadmap.toml".into(),
                size,
            }),
        )],
    };
    bot.dispatch(&who.invocation(Action::Command(call))).await
}

async fn ok(bot: &Dispatcher, who: Who, line: &str) -> String {
    let outcome = run_as(bot, who, line).await;
    assert!(!outcome.failed, "{line}: {}", json(&outcome));
    text(&json(&outcome))
}

fn private(outcome: &Outcome) -> bool {
    json(outcome)["data"]["flags"] == 64
}

async fn started() -> (FakeDiscord, Dispatcher, sqlx::PgPool) {
    let fake = FakeDiscord::start().await;
    let pool = db::fresh_pool().await;
    let bot = bot_on(pool.clone(), Some(&fake));
    (fake, bot, pool)
}

#[tokio::test]
async fn a_server_runs_on_its_imported_roadmap_and_keeps_each_roadmaps_progress() {
    let (fake, bot, pool) = started().await;
    ok(&bot, ANA, "/progress set topic:docker state:done").await;

    let bytes = fixture();
    let imported = import(&bot, &fake, STAFF, &bytes, bytes.len() as u64).await;
    assert!(!imported.failed, "{}", json(&imported));
    assert!(private(&imported), "staff settings answer privately");
    let said = text(&json(&imported));
    assert!(
        said.contains("Imported **Web Basics** (2 phases, 4 topics)"),
        "{said}"
    );
    assert!(said.contains("Progress on AI Engineer"), "{said}");

    // Browsing, progress and the phase board follow the server's roadmap.
    assert!(ok(&bot, ANA, "/roadmap overview")
        .await
        .contains("Web Basics"));
    assert!(!ok(&bot, BEA, "/roadmap overview")
        .await
        .contains("Web Basics"));
    ok(&bot, BEA, "/progress set topic:docker state:done").await;
    ok(
        &bot,
        STAFF,
        "/challenge create name:Sprint goal:topics target:2 start:2026-11-27 end:2026-12-20 \
         channel:#5",
    )
    .await;
    ok(&bot, ANA, "/challenge join name:Sprint").await;
    ok(&bot, ANA, "/progress set topic:html state:done").await;
    ok(&bot, ANA, "/progress set topic:css state:done").await;
    let shown = ok(&bot, ANA, "/progress show").await;
    assert!(shown.contains("2/4") || shown.contains("2 of 4"), "{shown}");
    waypoint::db::leaderboard::fold(&pool, waypoint::db::leaderboard::FOLD_BATCH)
        .await
        .unwrap();
    let board = ok(&bot, ANA, "/leaderboard phase:1").await;
    assert!(
        board.contains("Pages"),
        "the board is Web Basics' phase 1: {board}"
    );
    assert!(board.contains(&ANA.user.to_string()), "{board}");
    let shipped_board = ok(&bot, BEA, "/leaderboard phase:1").await;
    assert!(
        !shipped_board.contains(&ANA.user.to_string()),
        "{shipped_board}"
    );

    // A prompt comes from the server's roadmap.
    ok(
        &bot,
        STAFF,
        "/settings prompts channel:#5 day:Monday time:09:00",
    )
    .await;
    let preview = ok(&bot, STAFF, "/prompt preview").await;
    let web = waypoint::content::load(&repo_path("tests/fixtures/web-basics.toml")).unwrap();
    assert!(
        web.roadmaps[0]
            .prompts
            .iter()
            .any(|p| preview.contains(&p.title)),
        "{preview}"
    );

    // Switching back shows the shipped roadmap's progress again; the challenge keeps
    // counting on the roadmap it was created on.
    let chose = ok(&bot, STAFF, "/settings roadmap choose roadmap:ai-engineer").await;
    assert!(chose.contains("now follows **"), "{chose}");
    let shown = ok(&bot, ANA, "/progress show").await;
    assert!(!shown.contains("Web Basics"), "{shown}");
    let docker = ok(&bot, ANA, "/roadmap topic topic:docker").await;
    assert!(!docker.is_empty());
    // Counted up to the moment asked, so an hour after the topics were done.
    let later = "2026-11-27T13:00:00Z".parse().unwrap();
    let status = run_at(&bot, ANA, "/challenge status name:Sprint", later).await;
    let status = text(&json(&status));
    assert!(
        status.contains("2/2") || status.contains("2 of 2"),
        "{status}"
    );
    let back = ok(&bot, STAFF, "/settings roadmap choose roadmap:web-basics").await;
    assert!(back.contains("Web Basics"), "{back}");
    let shown = ok(&bot, ANA, "/progress show").await;
    assert!(shown.contains("2/4") || shown.contains("2 of 4"), "{shown}");
}

#[tokio::test]
async fn a_bad_file_gets_each_problem_with_its_line_and_nothing_is_stored() {
    let (fake, bot, pool) = started().await;
    let text_of = String::from_utf8(fixture()).unwrap();
    let broken = text_of
        .replacen("id = \"css\"", "id = \"html\"", 1)
        .replacen("title = \"Pages\"", "title = \"\"", 1);
    let outcome = import(&bot, &fake, STAFF, broken.as_bytes(), broken.len() as u64).await;
    assert!(outcome.failed);
    assert!(private(&outcome));
    let said = text(&json(&outcome));
    // The renamed topic also leaves the prompts that named it pointing nowhere.
    assert!(
        said.contains("roadmap.toml was not imported: 5 problems"),
        "{said}"
    );
    assert!(
        said.contains("roadmap.toml:8: phase 1: missing or empty field `title`"),
        "{said}"
    );
    assert!(
        said.contains("roadmap.toml:30: topic `html`: duplicate id"),
        "{said}"
    );
    assert!(said.contains("roadmap.toml:47: prompt `w1-2`"), "{said}");
    assert!(said.contains("Nothing changed"), "{said}");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM server_roadmaps")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    assert!(!ok(&bot, ANA, "/roadmap overview")
        .await
        .contains("Web Basics"));
}

#[tokio::test]
async fn files_too_big_from_elsewhere_or_named_like_a_shipped_roadmap_are_refused() {
    let (fake, bot, pool) = started().await;
    let bytes = fixture();
    let cases = [
        // Discord says it is too big: not even fetched.
        (
            import(&bot, &fake, STAFF, &bytes, 600 * 1024).await,
            "at most 512 KiB",
        ),
        // Discord said it was small; the body is not.
        (
            import(&bot, &fake, STAFF, &vec![b'#'; 513 * 1024], 10).await,
            "at most 512 KiB",
        ),
        (
            import_from(&bot, STAFF, "https://files.invalid/x.toml".into(), 10).await,
            "attached to the command on Discord",
        ),
        (
            import(
                &bot,
                &fake,
                STAFF,
                String::from_utf8(bytes.clone())
                    .unwrap()
                    .replacen("id = \"web-basics\"", "id = \"ai-engineer\"", 1)
                    .as_bytes(),
                bytes.len() as u64,
            )
            .await,
            "change `id` at the top of roadmap.toml",
        ),
        (
            import(&bot, &fake, ANA, &bytes, bytes.len() as u64).await,
            "Manage Server",
        ),
    ];
    for (outcome, expected) in cases {
        assert!(outcome.failed);
        assert!(private(&outcome));
        let said = text(&json(&outcome));
        assert!(said.contains(expected), "{expected}: {said}");
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM server_roadmaps")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn another_replica_follows_an_import_and_export_gives_the_file_back() {
    let (fake, bot, pool) = started().await;
    let other = bot_on(pool.clone(), None);
    other.app.content.refresh(&pool).await.unwrap();
    let bytes = fixture();
    let outcome = import(&bot, &fake, STAFF, &bytes, bytes.len() as u64).await;
    assert!(!outcome.failed, "{}", json(&outcome));
    assert!(!ok(&other, ANA, "/roadmap overview")
        .await
        .contains("Web Basics"));
    // What the background task does every few seconds.
    let changed = other.app.content.refresh(&pool).await.unwrap();
    assert_eq!(changed.len(), 1);
    assert!(ok(&other, ANA, "/roadmap overview")
        .await
        .contains("Web Basics"));

    // A re-import is a new version of the same roadmap.
    let again = import(&bot, &fake, STAFF, &bytes, bytes.len() as u64).await;
    let said = text(&json(&again));
    assert!(
        said.contains("as version 2: it replaces version 1"),
        "{said}"
    );
    let versions: Vec<i32> = sqlx::query_scalar(
        "SELECT version FROM server_roadmaps WHERE roadmap_id = 'web-basics' ORDER BY version",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(versions, vec![1, 2]);

    let export = run_as(&bot, STAFF, "/settings roadmap export").await;
    let waypoint::render::Response::Message(reply) = &export.response else {
        panic!("an export is a message: {:?}", export.response);
    };
    let file = reply.files.first().expect("the export carries the file");
    assert_eq!(
        file.bytes, bytes,
        "staff get their own file back, comments and all"
    );
}

/// Over the signed HTTP endpoint, the file comes as Discord sends one: an option of type 11
/// naming an attachment that `resolved` describes.
#[tokio::test]
async fn an_import_over_http_reads_the_attachment_discord_resolved() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, std::time::Duration::from_secs(2)).await;
    let bytes = fixture();
    let url = fake.rest.attach("web-basics.toml", &bytes);
    let attachment = "1300000000000000001";
    let data = serde_json::json!({
        "id": "700000000000000003", "name": "settings", "type": 1,
        "options": [{ "name": "roadmap", "type": 2, "options": [
            { "name": "import", "type": 1, "options": [
                { "name": "file", "type": 11, "value": attachment }
            ] }
        ] }],
        "resolved": { "attachments": { attachment: {
            "id": attachment, "filename": "web-basics.toml", "size": bytes.len(),
            "url": url, "proxy_url": url, "content_type": "application/toml"
        } } }
    });
    let interaction = payloads::envelope(6301, 2, data, payloads::STAFF_PERMISSIONS);
    let body = serde_json::to_vec(&interaction).unwrap();
    let answer: serde_json::Value = endpoint.post_signed(&body, 0).await.json().await.unwrap();
    assert_eq!(answer["type"], 4, "{answer}");
    assert_eq!(answer["data"]["flags"], 64, "{answer}");
    let said = text(&answer);
    assert!(said.contains("Imported **Web Basics**"), "{said}");
    let roadmap = endpoint
        .dispatcher
        .app
        .content
        .roadmap_for(
            &endpoint.dispatcher.app.db,
            Some(serenity::all::GuildId::new(payloads::GUILD_ID)),
        )
        .await
        .unwrap();
    assert_eq!(roadmap.id, "web-basics");
}

/// A new version that renames a topic keeps members' progress through `aliases`; one that
/// drops a topic keeps its row stored, counting nowhere until a version brings it back.
#[tokio::test]
async fn a_new_version_keeps_progress_through_renames_and_removals() {
    let (fake, bot, pool) = started().await;
    let first = fixture();
    let outcome = import(&bot, &fake, STAFF, &first, first.len() as u64).await;
    assert!(!outcome.failed, "{}", json(&outcome));
    ok(&bot, ANA, "/progress set topic:css state:done").await;
    ok(&bot, ANA, "/progress set topic:html state:done").await;

    let text_of = String::from_utf8(first.clone()).unwrap();
    let renamed = text_of
        .replacen("id = \"css\"", "id = \"styles\"\naliases = [\"css\"]", 1)
        .replace("topics = [\"css\"]", "topics = [\"styles\"]");
    let outcome = import(&bot, &fake, STAFF, renamed.as_bytes(), renamed.len() as u64).await;
    assert!(!outcome.failed, "{}", json(&outcome));
    let styles = ok(&bot, ANA, "/roadmap topic topic:styles").await;
    assert!(styles.contains("CSS"), "{styles}");
    let shown = ok(&bot, ANA, "/progress show").await;
    assert!(shown.contains("2/4") || shown.contains("2 of 4"), "{shown}");

    // Version 3 drops `html`: its row stays, and counts nowhere.
    let start = renamed
        .find("[[phases.sections.topics]]\nid = \"html\"")
        .unwrap();
    let end = renamed
        .find("[[phases.sections.topics]]\nid = \"styles\"")
        .unwrap();
    let dropped = format!("{}{}", &renamed[..start], &renamed[end..])
        .replace("topics = [\"html\"]", "topics = [\"styles\"]");
    let outcome = import(&bot, &fake, STAFF, dropped.as_bytes(), dropped.len() as u64).await;
    assert!(!outcome.failed, "{}", json(&outcome));
    let shown = ok(&bot, ANA, "/progress show").await;
    assert!(shown.contains("1/3") || shown.contains("1 of 3"), "{shown}");
    let rows: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM topic_progress WHERE roadmap_id = 'web-basics' AND topic_id = 'html'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(rows, 1, "the dropped topic's row is kept");
}
