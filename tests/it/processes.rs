//! The `waypoint` binary's Discord modes against the fake Discord: gateway shutdown, the
//! endpoint server, registration.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::support::db::empty_database;
use crate::support::fake_discord::payloads::roadmap_phase;
use crate::support::fake_discord::sign::TestKey;
use crate::support::fake_discord::{Failure, FakeDiscord};
use crate::support::process::{
    finish, free_bind, post_signed, terminate, wait_healthy, waypoint_on,
};
use crate::support::transport::RunningGateway;

async fn waypoint(fake: &FakeDiscord, args: &[&str]) -> Command {
    waypoint_on(fake, &empty_database().await, args)
}

/// A database where server 42's weekly prompt (to channel 4242) was due a minute ago.
async fn prompt_due() -> String {
    let url = empty_database().await;
    waypoint::db::migrate(&url).await.unwrap();
    let pool = waypoint::db::connect(&url, Duration::from_secs(5))
        .await
        .unwrap();
    for statement in [
        "INSERT INTO servers (guild_id) VALUES (42)",
        "INSERT INTO prompt_schedules (guild_id, channel_id, weekday, minute_of_day) VALUES (42, 4242, 0, 540)",
        "INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
         VALUES (42, 'prompt', to_char(now(), 'IYYY-\"W\"IW'), now() - interval '1 minute')",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    url
}

fn is_prompt_post(request: &crate::support::fake_discord::Recorded) -> bool {
    request.method == "POST" && request.path == "/channels/4242/messages"
}

#[tokio::test]
async fn the_gateway_bot_runs_the_scheduler_and_posts_a_due_prompt() {
    let fake = FakeDiscord::start().await;
    let child = waypoint_on(&fake, &prompt_due().await, &["run"])
        .spawn()
        .unwrap();
    let post = fake.rest.wait_for(true, is_prompt_post).await;
    assert!(crate::support::text(&post.body).contains("/roadmap topic topic:"));
    terminate(&child);
    assert_eq!(finish(child).await.status.code(), Some(0));
    fake.rest.assert_spec_clean();
}

#[tokio::test]
async fn with_the_scheduler_switched_off_only_the_worker_posts() {
    let fake = FakeDiscord::start().await;
    let database = prompt_due().await;
    let bind = free_bind();
    let serve = waypoint_on(&fake, &database, &["serve", "--bind", &bind])
        .env("DISCORD_PUBLIC_KEY", TestKey::new().public_hex())
        .env("WAYPOINT_SCHEDULER", "false")
        .spawn()
        .unwrap();
    wait_healthy(&bind).await;
    // A scheduler passes at once when it starts; give one the time it would take.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !fake.rest.requests().iter().any(is_prompt_post),
        "serve posted"
    );

    let worker = waypoint_on(&fake, &database, &["worker"]).spawn().unwrap();
    fake.rest.wait_for(true, is_prompt_post).await;
    terminate(&worker);
    terminate(&serve);
    assert_eq!(finish(worker).await.status.code(), Some(0));
    assert_eq!(finish(serve).await.status.code(), Some(0));
    let posts = fake
        .rest
        .requests()
        .into_iter()
        .filter(is_prompt_post)
        .count();
    assert_eq!(posts, 1);
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_reply_go_out_and_exits_0() {
    let fake = FakeDiscord::start().await;
    // Discord is slow to accept this callback: the command is still in flight at SIGTERM.
    fake.rest
        .delay("/interactions/3001/", Duration::from_millis(1500));
    let child = waypoint(&fake, &["run"]).await.spawn().unwrap();
    tokio::time::timeout(Duration::from_secs(60), fake.gateway.wait_ready())
        .await
        .expect("the bot connects");

    fake.gateway.push_interaction(roadmap_phase(3001, 2)).await;
    fake.rest
        .wait_for(false, |r| r.path.starts_with("/interactions/3001/"))
        .await;
    terminate(&child);

    let callback = fake
        .rest
        .wait_for(true, |r| r.path.starts_with("/interactions/3001/"))
        .await;
    assert!(crate::support::text(&callback.body).contains("Phase 2 ·"));
    let output = finish(child).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    fake.rest.assert_spec_clean();
}

#[tokio::test]
async fn waypoint_serve_answers_like_the_gateway() {
    let fake = FakeDiscord::start().await;
    let key = TestKey::new();
    let bind = free_bind();
    let child = waypoint(&fake, &["serve", "--bind", &bind])
        .await
        .env("DISCORD_PUBLIC_KEY", key.public_hex())
        .spawn()
        .unwrap();
    wait_healthy(&bind).await;

    let phase_2 = roadmap_phase(4001, 2);
    let (status, from_endpoint) = post_signed(&bind, &key, &phase_2).await;
    assert_eq!(status, 200);

    let bot = RunningGateway::start(&fake, Duration::from_secs(2)).await;
    fake.gateway.push_interaction(roadmap_phase(4002, 2)).await;
    let from_gateway = fake
        .rest
        .wait_for(true, |r| r.path.starts_with("/interactions/4002/"))
        .await
        .body;
    assert_eq!(
        from_endpoint, from_gateway,
        "both transports send the same response"
    );
    bot.stop().await;

    terminate(&child);
    assert_eq!(finish(child).await.status.code(), Some(0));
}

#[tokio::test]
async fn waypoint_register_prints_what_it_registered_or_why_not() {
    let fake = FakeDiscord::start().await;
    // The fake runs on this test's runtime: wait for the process off that thread.
    let output = finish(
        waypoint(&fake, &["register", "--guild", "42"])
            .await
            .spawn()
            .unwrap(),
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let registry = waypoint::commands::registry().unwrap();
    assert!(
        stdout.contains(&format!(
            "registered {} commands in server 42",
            registry.iter().count()
        )),
        "{stdout}"
    );
    for spec in registry.iter() {
        assert!(stdout.contains(&format!("/{} — ", spec.name)), "{stdout}");
    }
    fake.rest.assert_spec_clean();

    fake.rest
        .fail_next(Failure::missing_permissions("/commands"));
    let output = finish(waypoint(&fake, &["register"]).await.spawn().unwrap()).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Missing Permissions"), "{stderr}");
    assert!(
        !stderr.contains("fake-bot-token"),
        "the token never reaches the output"
    );
}

/// The text `GET http://{bind}/metrics` answers.
async fn scrape(bind: &str) -> String {
    let response = reqwest::get(format!("http://{bind}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn serve_reports_commands_and_the_pool_at_metrics() {
    let fake = FakeDiscord::start().await;
    let key = TestKey::new();
    let bind = free_bind();
    let child = waypoint(&fake, &["serve", "--bind", &bind])
        .await
        .env("DISCORD_PUBLIC_KEY", key.public_hex())
        .spawn()
        .unwrap();
    wait_healthy(&bind).await;
    let before = scrape(&bind).await;
    assert!(!before.contains("waypoint_commands_total"), "{before}");

    let phase_2 = roadmap_phase(5001, 2);
    assert_eq!(post_signed(&bind, &key, &phase_2).await.0, 200);

    let after = scrape(&bind).await;
    for expected in [
        "waypoint_commands_total{command=\"roadmap phase\",outcome=\"ok\"} 1",
        "waypoint_command_duration_seconds_bucket{command=\"roadmap phase\",le=\"3\"} 1",
        "waypoint_db_pool_connections{state=\"idle\"}",
        "waypoint_db_pool_max_connections",
    ] {
        assert!(after.contains(expected), "missing {expected} in\n{after}");
    }
    terminate(&child);
    assert_eq!(finish(child).await.status.code(), Some(0));
}

#[tokio::test]
async fn run_serves_metrics_and_pages_on_their_own_binds_and_logs_json_lines() {
    let fake = FakeDiscord::start().await;
    let (bind, web) = (free_bind(), free_bind());
    let child = waypoint_on(&fake, &prompt_due().await, &["run"])
        .env("WAYPOINT_METRICS_ADDR", &bind)
        .env("WAYPOINT_WEB_ADDR", &web)
        .env("WAYPOINT_LOG_FORMAT", "json")
        .env("RUST_LOG", "waypoint=info,warn")
        .spawn()
        .unwrap();
    fake.rest.wait_for(true, is_prompt_post).await;
    let expected = [
        "waypoint_discord_responses_total{request=\"create_message\",status=\"200\"} 1",
        "waypoint_scheduler_lag_seconds_count{kind=\"prompt\"} 1",
    ];
    let mut metrics = String::new();
    // The lag is counted at the claim and the answer when the post returns, a moment apart.
    for _ in 0..100 {
        metrics = match reqwest::get(format!("http://{bind}/metrics")).await {
            Ok(response) => response.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if expected.iter().all(|e| metrics.contains(e)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for expected in expected {
        assert!(
            metrics.contains(expected),
            "missing {expected} in\n{metrics}"
        );
    }
    // The community pages on their own bind (no server turned them on: every page is 404).
    let style = reqwest::get(format!("http://{web}/style.css"))
        .await
        .unwrap();
    assert_eq!(style.status(), 200);
    let page = reqwest::get(format!("http://{web}/c/0123456789abcdef0123456789abcdef"))
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    terminate(&child);
    let output = finish(child).await;
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let posted = lines
        .iter()
        .find(|l| l["fields"]["message"] == "posted")
        .unwrap_or_else(|| panic!("no `posted` line in {stderr}"));
    assert_eq!(posted["fields"]["guild"], 42);
    assert!(!stderr.contains("fake-bot-token"), "no secret in the logs");
}
