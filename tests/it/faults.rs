//! Faults across real processes: PostgreSQL restarted under mixed traffic through `serve` and
//! the gateway, Discord answering with storms of 5xx and 429, a gateway that drops the
//! connection, and SIGTERM while replies are in flight. Every test counts what it can: posts,
//! requests, connections, acknowledged writes.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::fake_discord::payloads::{roadmap_phase, subcommand_with, MEMBER_PERMISSIONS};
use crate::support::fake_discord::sign::TestKey;
use crate::support::fake_discord::{Failure, FakeDiscord};
use crate::support::outage::RestartableDb;
use crate::support::process::{
    finish, free_bind, post_signed, terminate, wait_healthy, waypoint_on,
};
use crate::support::schedule::{pass, posting_bot, schedule_prompts, TestClock};
use crate::support::{db, shipped_library, text};

fn mark(id: u64, topic: &str, state: &str) -> Value {
    subcommand_with(
        id,
        "progress",
        "set",
        &[("topic", 3, json!(topic)), ("state", 3, json!(state))],
        json!({}),
        MEMBER_PERMISSIONS,
    )
}

fn mark_done(id: u64, topic: &str) -> Value {
    mark(id, topic, "done")
}

fn roadmap(id: u64) -> Value {
    roadmap_phase(id, 2)
}

/// What a member was told about one write.
#[derive(Debug, PartialEq)]
enum Told {
    Saved,
    TryAgain,
}

fn told(answer: &Value) -> Told {
    let shown = text(answer);
    if shown.contains("You finished") || shown.contains("You're learning") {
        Told::Saved
    } else {
        assert!(
            shown.contains("try again"),
            "only a friendly retry: {shown}"
        );
        Told::TryAgain
    }
}

#[tokio::test]
async fn serve_and_the_gateway_ride_out_a_database_restart_and_lose_no_acknowledged_write() {
    let mut db = RestartableDb::start().await;
    let url = db.url();

    let fake = FakeDiscord::start().await;
    let key = TestKey::new();
    let bind = free_bind();
    let serve = waypoint_on(&fake, &url, &["serve", "--bind", &bind])
        .env("DISCORD_PUBLIC_KEY", key.public_hex())
        .env("WAYPOINT_DB_TIMEOUT_MS", "300")
        .env("WAYPOINT_SCHEDULER", "false")
        .spawn()
        .unwrap();
    let gateway = waypoint_on(&fake, &url, &["run"])
        .env("WAYPOINT_DB_TIMEOUT_MS", "300")
        .env("WAYPOINT_SCHEDULER", "false")
        .spawn()
        .unwrap();
    wait_healthy(&bind).await;
    tokio::time::timeout(Duration::from_secs(60), fake.gateway.wait_ready())
        .await
        .expect("the gateway bot connects");

    // Serve marks even-numbered topics, the gateway odd ones, one every 80 ms each; both also
    // browse the roadmap, which must keep answering through the outage.
    let topics: Vec<String> = shipped_library().roadmaps[0]
        .topics()
        .map(|t| t.topic.id.clone())
        .collect();
    let traffic = {
        let (fake, key, bind, topics) = (fake.clone(), key.clone(), bind.clone(), topics.clone());
        tokio::spawn(async move {
            let mut outcomes: Vec<(String, Told)> = Vec::new();
            for (i, pair) in topics.chunks(2).enumerate() {
                let id = 10_000 + i as u64 * 10;
                let (status, answer) = post_signed(&bind, &key, &mark_done(id, &pair[0])).await;
                assert_eq!(status, 200, "serve never answers 5xx: {answer}");
                outcomes.push((pair[0].clone(), told(&answer)));
                let (status, answer) = post_signed(&bind, &key, &roadmap(id + 1)).await;
                assert_eq!(status, 200);
                assert!(text(&answer).contains("Phase 2 ·"), "{answer}");
                if let Some(topic) = pair.get(1) {
                    fake.gateway
                        .push_interaction(mark_done(id + 2, topic))
                        .await;
                    let callback = fake
                        .rest
                        .wait_for(true, |r| {
                            r.path.starts_with(&format!("/interactions/{}/", id + 2))
                        })
                        .await;
                    outcomes.push((topic.clone(), told(&callback.body)));
                }
                fake.gateway.push_interaction(roadmap(id + 3)).await;
                let callback = fake
                    .rest
                    .wait_for(true, |r| {
                        r.path.starts_with(&format!("/interactions/{}/", id + 3))
                    })
                    .await;
                assert!(text(&callback.body).contains("Phase 2 ·"));
                tokio::time::sleep(Duration::from_millis(80)).await;
            }
            outcomes
        })
    };

    tokio::time::sleep(Duration::from_millis(500)).await;
    db.outage(Duration::from_millis(1200)).await;

    let outcomes = traffic.await.expect("the traffic ran to the end");
    let refused = outcomes
        .iter()
        .filter(|(_, t)| *t == Told::TryAgain)
        .count();
    eprintln!(
        "{} writes, {refused} refused during the outage",
        outcomes.len()
    );
    assert!(refused > 0, "the outage was noticed: {outcomes:?}");
    let pool = waypoint::db::connect(&url, Duration::from_secs(5))
        .await
        .unwrap();
    for (topic, told) in &outcomes {
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM topic_progress WHERE topic_id = $1")
                .bind(topic)
                .fetch_optional(&pool)
                .await
                .unwrap();
        if *told == Told::Saved {
            assert_eq!(
                state.as_deref(),
                Some("done"),
                "acknowledged write of {topic} kept"
            );
        }
    }
    // Both paths write again without a restart of Waypoint.
    let (status, answer) = post_signed(&bind, &key, &mark(19_000, &topics[0], "learning")).await;
    assert_eq!((status, told(&answer)), (200, Told::Saved), "{answer}");
    fake.gateway
        .push_interaction(mark(19_001, &topics[1], "learning"))
        .await;
    let callback = fake
        .rest
        .wait_for(true, |r| r.path.starts_with("/interactions/19001/"))
        .await;
    assert_eq!(told(&callback.body), Told::Saved, "{}", callback.body);
    let learning: i64 =
        sqlx::query_scalar("SELECT count(*) FROM topic_progress WHERE state = 'learning'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(learning, 2);
    pool.close().await;

    terminate(&serve);
    terminate(&gateway);
    for child in [serve, gateway] {
        let output = finish(child).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    db.stop().await;
}

const GUILD_BASE: u64 = 760_000_000_000_000_000;
const CHANNEL_BASE: u64 = 860_000_000_000_000_000;

/// Requests the fake received for channel messages.
fn message_requests(fake: &FakeDiscord) -> usize {
    fake.rest
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/messages"))
        .count()
}

#[tokio::test]
async fn storms_of_5xx_and_429_cost_a_bounded_number_of_requests_and_post_each_once_after() {
    let fake = FakeDiscord::start().await;
    let bot = posting_bot(db::fresh_pool().await, &fake);
    let clock = TestClock::at("2026-11-27T12:00:00Z");
    let servers = 10;
    for n in 0..servers {
        let when = "day:Monday time:09:00 timezone:Europe/Berlin";
        schedule_prompts(
            &bot,
            GUILD_BASE + n,
            CHANNEL_BASE + n,
            when,
            clock_now(&clock),
        )
        .await;
    }
    clock.set("2026-11-30T08:00:00Z");

    // A global 429 on every post for a while: each pass tries each post at most twice (once,
    // then once after the wait), and the pauses are Discord's, not ours.
    fake.rest.storm(
        Failure::globally_rate_limited("/messages", 0.05),
        Duration::from_secs(3600),
    );
    let passes = 5;
    for _ in 0..passes {
        pass(&bot, &clock).await;
        clock.advance(chrono::Duration::seconds(1));
    }
    let during = message_requests(&fake);
    assert!(during > 0, "the scheduler tried");
    assert!(
        during <= 2 * servers as usize * passes,
        "{during} requests for {servers} posts in {passes} passes"
    );
    assert!(fake.rest.created().is_empty());
    fake.rest.calm();

    // Then 503s: five tries per post on the backoff, however often passes run, then it gives
    // up for the week rather than hammer Discord.
    fake.rest.storm(
        Failure::server_error("/messages"),
        Duration::from_secs(3600),
    );
    let before = message_requests(&fake);
    for _ in 0..80 {
        pass(&bot, &clock).await;
        clock.advance(chrono::Duration::seconds(5));
    }
    let tries = message_requests(&fake) - before;
    // The 429s before gave their tries back: each post gets its full five.
    assert_eq!(
        tries,
        5 * servers as usize,
        "{tries} requests for {servers} posts: five tries each"
    );
    assert!(fake.rest.created().is_empty());
    eprintln!("429 storm: {during} requests; 503 storm: {tries} requests");

    // Once Discord is back, the next week's posts go out, one per server.
    fake.rest.calm();
    clock.set("2026-12-07T08:00:00Z");
    pass(&bot, &clock).await;
    let per_channel = fake.rest.created_per_channel();
    assert_eq!(per_channel.len(), servers as usize, "{per_channel:?}");
    assert!(per_channel.values().all(|n| *n == 1), "{per_channel:?}");
}

fn clock_now(clock: &Arc<TestClock>) -> chrono::DateTime<chrono::Utc> {
    use waypoint::clock::Clock;
    clock.now()
}

#[tokio::test]
async fn the_gateway_reconnects_after_drops_without_a_tight_loop_and_answers_again() {
    let fake = FakeDiscord::start().await;
    let child = waypoint_on(&fake, &db::empty_database().await, &["run"])
        .spawn()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(60), fake.gateway.wait_ready())
        .await
        .expect("the bot connects");
    let drops = 3;
    for _ in 0..drops {
        fake.gateway.drop_connection().await;
        tokio::time::timeout(Duration::from_secs(30), fake.gateway.wait_ready())
            .await
            .expect("the bot reconnects");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Quiet for a while: no connection churn without a reason.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let connections = fake.gateway.connections();
    eprintln!("{connections} connections for {drops} drops");
    assert!(
        (1 + drops..=1 + 2 * drops).contains(&connections),
        "{connections} connections for {drops} drops"
    );
    fake.gateway.push_interaction(roadmap(20_001)).await;
    let callback = fake
        .rest
        .wait_for(true, |r| r.path.starts_with("/interactions/20001/"))
        .await;
    assert!(text(&callback.body).contains("Phase 2 ·"));

    // Discord failing the callbacks: each interaction is answered at most a few times.
    fake.rest.storm(
        Failure::server_error("/callback"),
        Duration::from_secs(3600),
    );
    for id in 20_010..20_015 {
        fake.gateway.push_interaction(roadmap(id)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let callbacks = fake
        .rest
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/callback") && r.path.starts_with("/interactions/2001"))
        .count();
    eprintln!("{callbacks} callback requests for 5 interactions under a 500 storm");
    assert!(
        (5..=15).contains(&callbacks),
        "{callbacks} callback requests for 5 interactions"
    );
    terminate(&child);
    let output = finish(child).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn serve_finishes_every_reply_in_flight_on_sigterm() {
    let fake = FakeDiscord::start().await;
    let database = db::empty_database().await;
    waypoint::db::migrate(&database).await.unwrap();
    let key = TestKey::new();
    let bind = free_bind();
    let serve = waypoint_on(&fake, &database, &["serve", "--bind", &bind])
        .env("DISCORD_PUBLIC_KEY", key.public_hex())
        .env("WAYPOINT_DB_TIMEOUT_MS", "1500")
        .spawn()
        .unwrap();
    wait_healthy(&bind).await;
    // Commands that need the members table wait for this lock: they are in flight at SIGTERM.
    let pool = waypoint::db::connect(&database, Duration::from_secs(5))
        .await
        .unwrap();
    let blocker = db::block_commands(&pool).await;
    let topics: Vec<String> = shipped_library().roadmaps[0]
        .topics()
        .take(12)
        .map(|t| t.topic.id.clone())
        .collect();
    let requests: Vec<_> = topics
        .iter()
        .enumerate()
        .map(|(i, topic)| {
            let (bind, key, body) = (
                bind.clone(),
                key.clone(),
                mark_done(30_000 + i as u64, topic),
            );
            tokio::spawn(async move { post_signed(&bind, &key, &body).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    terminate(&serve);
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(blocker);
    for request in requests {
        let (status, answer) = request.await.unwrap();
        assert_eq!(status, 200, "{answer}");
        assert_eq!(told(&answer), Told::Saved, "{answer}");
    }
    let output = finish(serve).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let done: i64 = sqlx::query_scalar("SELECT count(*) FROM topic_progress WHERE state = 'done'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(done, topics.len() as i64);
}

#[tokio::test]
async fn the_gateway_finishes_every_reply_in_flight_on_sigterm() {
    let fake = FakeDiscord::start().await;
    // Discord is slow to take these callbacks: all are in flight at SIGTERM.
    fake.rest
        .delay("/interactions/4", Duration::from_millis(1500));
    let child = waypoint_on(&fake, &db::empty_database().await, &["run"])
        .spawn()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(60), fake.gateway.wait_ready())
        .await
        .expect("the bot connects");
    let ids: Vec<u64> = (40_001..=40_008).collect();
    for id in &ids {
        fake.gateway.push_interaction(roadmap(*id)).await;
    }
    for id in &ids {
        let prefix = format!("/interactions/{id}/");
        fake.rest
            .wait_for(false, |r| r.path.starts_with(&prefix))
            .await;
    }
    terminate(&child);
    for id in &ids {
        let prefix = format!("/interactions/{id}/");
        let callback = fake
            .rest
            .wait_for(true, |r| r.path.starts_with(&prefix))
            .await;
        assert!(text(&callback.body).contains("Phase 2 ·"));
    }
    let output = finish(child).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
