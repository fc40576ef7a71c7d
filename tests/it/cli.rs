//! The `waypoint` binary as a person runs it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::support::{db::empty_database, repo_path};

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
    assert!(
        stdout(&output).contains("content OK: 1 roadmap(s), 4 phases, 31 topics"),
        "{}",
        stdout(&output)
    );
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
        .args(["console", "/roadmap phase:2"])
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
            "/roadmap topic:sql",
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
    for (line, expected) in [
        ("/roadmap phase:9", "between 1 and 4"),
        ("/nothing", "no command `/nothing`"),
        ("/roadmap topic:\"open", "unclosed quote"),
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
    let mut child = waypoint()
        .env("DATABASE_URL", &url)
        .arg("console")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"/roadmap phase:1\n/roadmap phase:7\nexit\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("waypoint> "), "{text}");
    assert!(text.contains("Phase 1 · Core foundations"), "{text}");
    assert!(text.contains("between 1 and 4"), "{text}");
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
    let dir = tempfile::Builder::new()
        .prefix("waypoint-cli.")
        .tempdir_in(std::env::temp_dir())
        .unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let data = dir.path().join("data");
    let output = waypoint()
        .env_remove("DATABASE_URL")
        .env("WAYPOINT_DATA_DIR", &data)
        .args(["console", "/roadmap"])
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
/// `nobody` to cover the second case on machines where the suite runs as root.
#[test]
fn the_embedded_default_also_works_for_an_ordinary_user() {
    use std::os::unix::process::CommandExt;
    if !nix::unistd::Uid::effective().is_root() {
        // Every other embedded test already runs as an ordinary user here.
        return;
    }
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
    let roadmap = dir.path().join("roadmap/ai-engineer");
    std::fs::create_dir_all(&roadmap).unwrap();
    for entry in std::fs::read_dir(repo_path("roadmap/ai-engineer")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, roadmap.join(path.file_name().unwrap())).unwrap();
    }
    let output = Command::new(&binary)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("DISCORD_TOKEN")
        .env("HOME", dir.path())
        .env("RUST_LOG", "warn")
        .env("ROADMAP_DIR", dir.path().join("roadmap"))
        .env("WAYPOINT_DATA_DIR", dir.path().join("data"))
        .args(["console", "/roadmap topic:sql"])
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
