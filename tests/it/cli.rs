//! The `waypoint` binary as a person runs it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use crate::support::{db::empty_database, repo_path, temp_dir};

fn waypoint() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waypoint"));
    command
        .current_dir(repo_path(""))
        .env_remove("DISCORD_TOKEN")
        .env_remove("ROADMAP_DIR")
        .env_remove("WAYPOINT_ROADMAP")
        .env("RUST_LOG", "warn");
    command
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_content_passes_on_shipped_content() {
    let output = waypoint().arg("check-content").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let library = crate::support::shipped_library();
    assert_eq!(library.roadmaps.len(), 1);
    let summary = format!(
        "content OK: 1 roadmap, {} phases, {} topics",
        library.phase_count(),
        library.topic_count()
    );
    assert!(stdout(&output).contains(&summary), "{}", stdout(&output));
}

#[test]
fn check_content_fails_with_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let roadmap = dir.path().join("broken");
    std::fs::create_dir(&roadmap).unwrap();
    std::fs::write(
        roadmap.join("roadmap.toml"),
        "id = \"broken\"\ntitle = \"\"\n",
    )
    .unwrap();
    std::fs::write(roadmap.join("phase-1.toml"), "number = 1\ntitle = [oops\n").unwrap();
    let output = waypoint()
        .arg("check-content")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors.contains("roadmap.toml: roadmap `broken`: missing or empty field `title`"),
        "{errors}"
    );
    assert!(
        errors.contains("missing or empty field `summary`"),
        "{errors}"
    );
    assert!(
        errors.contains("phase-1.toml: line 2: invalid TOML"),
        "{errors}"
    );
}

#[test]
fn broken_content_stops_start_up_with_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let roadmap = dir.path().join("broken");
    std::fs::create_dir(&roadmap).unwrap();
    std::fs::write(roadmap.join("roadmap.toml"), "id = \"Broken Id\"\n").unwrap();
    let output = waypoint()
        .env("ROADMAP_DIR", dir.path())
        .env("DATABASE_URL", "postgres://unused@127.0.0.1:1/never")
        .args(["console", "/help"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("roadmap content is invalid"), "{errors}");
    for expected in [
        "lower-case letters",
        "`title`",
        "`summary`",
        "`closing`",
        "has no phases",
    ] {
        assert!(errors.contains(expected), "missing {expected} in {errors}");
    }
    assert!(
        !errors.contains("cannot connect"),
        "content is checked before the database is touched"
    );
}

#[tokio::test]
async fn console_one_shot_prints_text_or_json() {
    let url = empty_database().await;
    let output = waypoint()
        .env("DATABASE_URL", &url)
        .args(["console", "/roadmap phase number:2"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("== Phase 2 · Machine learning and deep learning =="),
        "{text}"
    );
    assert!(text.contains("[Phase 3 ▶]"), "{text}");

    let output = waypoint()
        .env("DATABASE_URL", &url)
        .args([
            "console",
            "--json",
            "--guild",
            "5",
            "--user",
            "6",
            "/roadmap topic topic:sql",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let body: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    assert_eq!(body["type"], 4);
    assert!(body["data"]["embeds"][0]["footer"]["text"]
        .as_str()
        .unwrap()
        .contains("topic id: sql"));
}

#[tokio::test]
async fn console_bad_input_prints_the_member_message_and_exits_1() {
    let url = empty_database().await;
    let range = phase_range();
    for (line, expected) in [
        ("/roadmap phase number:99", range.as_str()),
        ("/nothing", "no command `/nothing`"),
        ("/roadmap topic topic:\"open", "unclosed quote"),
    ] {
        let output = waypoint()
            .env("DATABASE_URL", &url)
            .args(["console", line])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{line}");
        assert!(
            stdout(&output).contains(expected),
            "{line}: {}",
            stdout(&output)
        );
    }
}

#[tokio::test]
async fn console_without_a_line_is_an_interactive_prompt() {
    let url = empty_database().await;
    let mut console = waypoint();
    console.env("DATABASE_URL", &url).arg("console");
    let output = typed_into(
        console,
        "/roadmap phase number:1\n/roadmap phase number:99\nexit\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("waypoint> "), "{text}");
    assert!(text.contains("Phase 1 · Core foundations"), "{text}");
    assert!(text.contains(&phase_range()), "{text}");
}

#[test]
fn an_unreachable_database_url_is_a_clear_error_without_the_password() {
    let output = waypoint()
        .env(
            "DATABASE_URL",
            "postgres://bot:hunter2@127.0.0.1:1/waypoint",
        )
        .args(["console", "/help"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors
            .contains("cannot connect to the database at postgres://bot:***@127.0.0.1:1/waypoint"),
        "{errors}"
    );
    assert!(!errors.contains("hunter2"), "{errors}");
    assert!(!errors.contains("panicked"), "{errors}");
}

#[test]
fn without_database_url_the_embedded_default_is_used_and_stopped() {
    let dir = temp_dir("waypoint-cli.", 0o755);
    let data = dir.path().join("data");
    let output = waypoint()
        .env_remove("DATABASE_URL")
        .env("WAYPOINT_DATA_DIR", &data)
        .args(["console", "/roadmap overview"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("AI Engineer roadmap"));
    assert!(
        data.join("pgdata/PG_VERSION").is_file(),
        "the cluster lives in WAYPOINT_DATA_DIR"
    );
    assert!(
        !data.join("pgdata/postmaster.pid").exists(),
        "and is stopped when waypoint exits"
    );
}

/// As root the server runs as `postgres`; as anyone else it runs as that user. Run the binary as
/// `nobody` to cover the second case on machines where the suite runs as root. (Run as an
/// ordinary user, every other embedded test already covers it.)
#[test]
#[ignore = "needs root to run the binary as `nobody`; .ci/run runs it"]
fn the_embedded_default_also_works_for_an_ordinary_user() {
    use std::os::unix::process::CommandExt;
    assert_root();
    let nobody = nix::unistd::User::from_name("nobody")
        .unwrap()
        .expect("a `nobody` user");
    let dir = tempfile::Builder::new()
        .prefix("waypoint-nobody.")
        .tempdir_in(std::env::temp_dir())
        .unwrap();
    nix::unistd::chown(dir.path(), Some(nobody.uid), Some(nobody.gid)).unwrap();
    // The checkout may sit where `nobody` cannot go (under /root, say): run copies from /tmp.
    let binary = dir.path().join("waypoint");
    std::fs::copy(env!("CARGO_BIN_EXE_waypoint"), &binary).unwrap();
    crate::support::copy_folder(&repo_path("roadmap"), &dir.path().join("roadmap"));
    let output = Command::new(&binary)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("DISCORD_TOKEN")
        .env("HOME", dir.path())
        .env("RUST_LOG", "warn")
        .env("ROADMAP_DIR", dir.path().join("roadmap"))
        .env("WAYPOINT_DATA_DIR", dir.path().join("data"))
        .args(["console", "/roadmap topic topic:sql"])
        .uid(nobody.uid.as_raw())
        .gid(nobody.gid.as_raw())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("topic id: sql"));
    let pgdata = dir.path().join("data/pgdata");
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&pgdata).unwrap());
    assert_eq!(
        owner,
        nobody.uid.as_raw(),
        "the server ran as the invoking user"
    );
}

fn assert_root() {
    assert!(
        nix::unistd::Uid::effective().is_root(),
        "this test covers what happens for root: run it as root (CI does)"
    );
}

/// The quick start for root in a checkout the `postgres` account cannot reach (a clone under
/// `/root`): plain `waypoint` opens the console on an embedded database kept under
/// /var/lib/waypoint, says so, and finds the same data on the next start.
#[test]
#[ignore = "needs root: covers the embedded default when run as root; .ci/run runs it"]
fn as_root_in_an_unreachable_checkout_the_console_still_starts() {
    assert_root();
    let parent = temp_dir("waypoint-private.", 0o700);
    let checkout = parent.path().join("waypoint");
    std::fs::create_dir(&checkout).unwrap();
    let start = |input: &str| {
        let mut plain = waypoint();
        plain
            .current_dir(&checkout)
            .env_remove("DATABASE_URL")
            .env_remove("WAYPOINT_DATA_DIR")
            .env("ROADMAP_DIR", repo_path("roadmap"));
        typed_into(plain, input)
    };
    let first = start("/roadmap phase number:2\nexit\n");
    let errors = stderr(&first);
    assert!(first.status.success(), "{errors}");
    assert!(stdout(&first).contains("Phase 2 ·"), "{}", stdout(&first));
    let data = errors
        .split_whitespace()
        .find(|w| w.starts_with("data_dir=/var/lib/waypoint/"))
        .map(|w| PathBuf::from(w.trim_start_matches("data_dir=")))
        .unwrap_or_else(|| panic!("start-up says where the data went: {errors}"));
    let _cleanup = RemoveOnDrop(data.clone());
    assert!(data.join("pgdata/PG_VERSION").is_file(), "{errors}");
    let created = std::fs::metadata(data.join("password"))
        .unwrap()
        .modified()
        .unwrap();

    let second = start("exit\n");
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(stderr(&second).contains(&data.display().to_string()));
    let kept = std::fs::metadata(data.join("password"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(created, kept, "the second start reuses the same cluster");
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The originality check CI runs against the source text, on a source of our own here.
#[test]
fn check_content_with_a_source_fails_on_a_copied_run_of_words() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("roadmap");
    crate::support::copy_folder(&repo_path("roadmap"), &content);
    let source = dir.path().join("source.txt");
    std::fs::write(
        &source,
        "Tidy notebooks rarely survive contact with the production traffic of a busy service.",
    )
    .unwrap();
    let check = || {
        waypoint()
            .args(["check-content", "--source"])
            .arg(&source)
            .arg(&content)
            .output()
            .unwrap()
    };
    let clean = check();
    assert!(clean.status.success(), "{}", stderr(&clean));
    assert!(stdout(&clean).contains("originality OK"));

    let phase = content.join("ai-engineer/phase-3.toml");
    let mut text = std::fs::read_to_string(&phase).unwrap();
    text.push_str("\n# Tidy notebooks rarely survive contact with the production traffic.\n");
    std::fs::write(&phase, text).unwrap();
    let copied = check();
    assert_eq!(copied.status.code(), Some(1));
    assert!(
        stderr(&copied).contains("\"tidy notebooks rarely survive contact with the production\""),
        "{}",
        stderr(&copied)
    );
}

/// How the phase option's range is explained: the most phases any roadmap may have.
fn phase_range() -> String {
    let phases = waypoint::roadmap::MAX_PHASES;
    format!("between 1 and {phases}")
}

/// Runs `command` with `input` typed on its standard input, and waits for it.
fn typed_into(mut command: Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn the_console_asks_for_each_field_of_a_form() {
    let url = empty_database().await;
    let setup = waypoint()
        .env("DATABASE_URL", &url)
        .args([
            "console",
            "--admin",
            "/settings checkins channel:#10 staff-channel:#11 reminder-day:Friday reminder-time:18:00",
        ])
        .output()
        .unwrap();
    assert!(setup.status.success(), "{}", stdout(&setup));

    let mut child = waypoint()
        .env("DATABASE_URL", &url)
        .args(["console", "/checkin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        // did, blockers (empty), goal, link (empty)
        stdin
            .write_all(b"Finished the SQL module\n\nWindow functions next\n\n")
            .unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(
        text.contains("What did you do this week? (required)"),
        "{text}"
    );
    assert!(text.contains("== Weekly check-in =="), "{text}");
    assert!(text.contains("Window functions next"), "{text}");
}
