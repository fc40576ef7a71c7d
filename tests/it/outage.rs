//! PostgreSQL restarted while `/progress set` requests arrive: members get "try again" during
//! the outage, nothing panics, Waypoint recovers by itself, and every request answered as
//! saved is in the database afterwards.

use std::sync::Arc;
use std::time::Duration;

use crate::support::outage::RestartableDb;
use crate::support::{self, json, run_as, text, Who};

const GUILD: u64 = 11_000;

#[tokio::test]
async fn a_database_restart_loses_no_acknowledged_write() {
    let mut db = RestartableDb::start().await;
    let url = db.url();
    let pool = waypoint::db::connect(&url, Duration::from_millis(300))
        .await
        .unwrap();
    let bot = Arc::new(support::bot_on(pool, None));
    let topics: Vec<String> = bot
        .app
        .content
        .default_roadmap()
        .topics()
        .map(|t| t.topic.id.clone())
        .collect();

    // A steady stream of writes by distinct members, each remembered with what it was told.
    let writer = {
        let bot = bot.clone();
        let topics = topics.clone();
        tokio::spawn(async move {
            let mut saved = Vec::new();
            let mut refused = 0;
            for i in 0..120u64 {
                let who = Who::member(GUILD, 1_000 + i);
                let topic = &topics[i as usize % topics.len()];
                let outcome = run_as(
                    &bot,
                    who,
                    &format!("/progress set topic:{topic} state:done"),
                )
                .await;
                let said = text(&json(&outcome));
                if said.contains("You finished") {
                    saved.push((who.user, topic.clone()));
                } else {
                    assert!(said.contains("try again"), "only a friendly retry: {said}");
                    refused += 1;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            (saved, refused)
        })
    };

    tokio::time::sleep(Duration::from_millis(600)).await;
    db.outage(Duration::from_millis(800)).await;

    let (saved, refused) = writer.await.expect("no panic in the writer");
    assert!(refused > 0, "the outage was noticed");
    assert!(
        saved.len() > 20,
        "writes went through before and after: {}",
        saved.len()
    );
    let last_saved = saved.last().unwrap().0;
    assert!(
        last_saved > 1_000 + 60,
        "writes recovered after the restart without a restart of Waypoint"
    );

    for (user, topic) in &saved {
        let state: Option<String> = sqlx::query_scalar(
            "SELECT state FROM topic_progress WHERE guild_id = $1 AND user_id = $2 AND topic_id = $3",
        )
        .bind(GUILD as i64)
        .bind(*user as i64)
        .bind(topic)
        .fetch_optional(&bot.app.db)
        .await
        .unwrap();
        assert_eq!(
            state.as_deref(),
            Some("done"),
            "acknowledged write of {user} kept"
        );
    }
    bot.app.db.close().await;
    db.stop().await;
}
