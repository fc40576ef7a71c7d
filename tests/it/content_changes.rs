//! Content changes after members recorded progress: a renamed topic keeps its progress through
//! `aliases`; a removed topic's rows stay stored but count nowhere.

use waypoint::commands::Dispatcher;

use crate::content::{copy_of_shipped, edit};
use crate::support::{self, db, json, run_as, run_mine, text, Who};

const ANA: Who = Who::member(10_000, 101);

/// A dispatcher on `pool` serving the content in `dir`.
fn bot_serving(dir: &std::path::Path, pool: sqlx::PgPool) -> Dispatcher {
    let library = waypoint::content::load(dir).expect("the edited content is valid");
    let app = waypoint::app::App::new(library, pool, None).unwrap();
    waypoint::commands::dispatcher(app).unwrap()
}

/// Ana finished `docker`; then the content renames it to `containers`, listing the old id
/// among its aliases or not. Returns the pool and a dispatcher serving the new content.
async fn docker_done_then_renamed(aliases: &str) -> (sqlx::PgPool, Dispatcher, tempfile::TempDir) {
    let pool = db::fresh_pool().await;
    let before = support::bot_on(pool.clone(), None);
    say(&before, "/progress set topic:docker state:done").await;
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "phase-3.toml",
        "id = \"docker\"\n",
        &format!("id = \"containers\"\n{aliases}"),
    );
    // Prompts name topics too; without an alias they must follow the new id.
    if aliases.is_empty() {
        let prompts = dir.path().join("ai-engineer/prompts");
        for entry in std::fs::read_dir(prompts).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("\"docker\"", "\"containers\"")).unwrap();
        }
    }
    let after = bot_serving(dir.path(), pool.clone());
    (pool, after, dir)
}

async fn say(bot: &Dispatcher, line: &str) -> String {
    let outcome = run_as(bot, ANA, line).await;
    assert!(!outcome.failed, "{line}: {}", json(&outcome));
    text(&json(&outcome))
}

#[tokio::test]
async fn progress_follows_a_renamed_topic() {
    let (pool, after, _dir) = docker_done_then_renamed(
        "aliases = [\"docker\"]
",
    )
    .await;
    let marks = text(&json(
        &run_mine(&after, ANA, "/roadmap phase number:3").await,
    ));
    assert!(
        marks.contains("✅ **Containers with Docker** · `containers`"),
        "{marks}"
    );
    // The old id still finds the topic.
    assert!(say(&after, "/roadmap topic topic:docker")
        .await
        .contains("topic id: containers"));

    // Undoing under the new id takes back exactly the award made under the old one.
    let said = say(&after, "/progress set topic:containers state:learning").await;
    assert!(said.contains(": −10 points."), "{said}");
    let total: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(points), 0) FROM points_ledger")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(total, 0);
    let ids: Vec<String> = sqlx::query_scalar("SELECT topic_id FROM topic_progress")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(ids, ["containers"], "the row moved to the new id");
}

#[tokio::test]
async fn a_removed_topic_keeps_its_row_but_counts_nowhere() {
    // `docker` is gone: a different topic stands in its place, with no alias.
    let (pool, after, _dir) = docker_done_then_renamed("").await;
    let shown = say(&after, "/progress show").await;
    assert!(shown.contains("0 done"), "{shown}");
    let phase3 = after
        .app
        .content
        .default_roadmap()
        .phase(3)
        .unwrap()
        .topic_count();
    assert!(shown.contains(&format!("0/{phase3} done")), "{shown}");
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM topic_progress WHERE topic_id = 'docker'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rows, 1, "the row is kept");
}
