//! Running the `waypoint` binary against the fake Discord: start it, wait for it, stop it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use super::fake_discord::payloads::APPLICATION_ID;
use super::fake_discord::sign::TestKey;
use super::fake_discord::FakeDiscord;
use super::repo_path;

/// `waypoint ARGS` talking to the fake Discord and to `database`, logging warnings.
pub fn waypoint_on(fake: &FakeDiscord, database: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waypoint"));
    command
        .current_dir(repo_path(""))
        .args(args)
        .env("DISCORD_TOKEN", "fake-bot-token")
        .env("DISCORD_API_BASE", &fake.rest.base)
        .env("DISCORD_APPLICATION_ID", APPLICATION_ID.to_string())
        .env("DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits (at most 30 s) for `waypoint serve` on `bind` to answer its health check.
pub async fn wait_healthy(bind: &str) {
    let client = reqwest::Client::new();
    let mut healthy = false;
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("http://{bind}/healthz")).send().await {
            healthy = response.status() == 200;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(healthy, "waypoint serve came up healthy");
}

/// A free loopback address to bind a server to.
pub fn free_bind() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// Waits for the child to exit (at most 30 s) and returns its output.
pub async fn finish(child: Child) -> std::process::Output {
    tokio::time::timeout(
        Duration::from_secs(30),
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await
    .expect("the process exits in time")
    .unwrap()
    .unwrap()
}

pub fn terminate(child: &Child) {
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
}

/// Signs `interaction` as Discord would and posts it to `waypoint serve` on `bind`: the HTTP
/// status and the JSON answer (`Null` when the body is not JSON).
pub async fn post_signed(
    bind: &str,
    key: &TestKey,
    interaction: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let body = serde_json::to_vec(interaction).unwrap();
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let response = reqwest::Client::new()
        .post(format!("http://{bind}/interactions"))
        .header("X-Signature-Ed25519", key.sign(&timestamp, &body))
        .header("X-Signature-Timestamp", &timestamp)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}
