//! The embedded default database: starts, keeps data across restarts, stops cleanly.

use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use sqlx::{Connection, Executor, PgConnection};
use waypoint::db::embedded::{Cluster, ClusterOptions, EmbeddedError};

/// A temp folder the server account can reach.
fn reachable_tempdir() -> tempfile::TempDir {
    crate::support::temp_dir("waypoint-embedded.", 0o755)
}

fn options(dir: &Path) -> ClusterOptions {
    ClusterOptions {
        data_dir: dir.join("data"),
        throwaway: false,
        settings: Vec::new(),
    }
}

fn accepts_connections(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

#[tokio::test]
async fn keeps_data_across_a_restart_and_stops_cleanly() {
    let dir = reachable_tempdir();
    let first = Cluster::start(&options(dir.path()))
        .await
        .expect("first start");
    let mut conn = PgConnection::connect(first.url().expose()).await.unwrap();
    conn.execute("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept')")
        .await
        .unwrap();
    conn.close().await.unwrap();
    let (port, data) = (first.port(), first.data_dir().to_path_buf());
    first.stop().await.unwrap();
    assert!(!accepts_connections(port), "the server is gone after stop");
    assert!(
        !data.join("pgdata/postmaster.pid").exists(),
        "a clean shutdown removes its pid file"
    );

    let second = Cluster::start(&options(dir.path())).await.expect("restart");
    let mut conn = PgConnection::connect(second.url().expose()).await.unwrap();
    let body: String = sqlx::query_scalar("SELECT body FROM notes")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(body, "kept");
    conn.close().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server_too() {
    let dir = reachable_tempdir();
    let cluster = Cluster::start(&options(dir.path())).await.unwrap();
    let (port, pid_file) = (
        cluster.port(),
        cluster.data_dir().join("pgdata/postmaster.pid"),
    );
    assert!(accepts_connections(port));
    drop(cluster);
    for _ in 0..200 {
        if !pid_file.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        !pid_file.exists(),
        "closing the supervisor's pipe shuts the server down"
    );
    assert!(!accepts_connections(port));
}

#[tokio::test]
async fn an_unreachable_data_folder_is_explained() {
    let dir = reachable_tempdir();
    let private = dir.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let result = Cluster::start(&options(&private)).await;
    if nix::unistd::Uid::effective().is_root() {
        // As root the server runs as `postgres`, which cannot pass through a 0700 folder.
        let error = result.expect_err("the postgres user cannot reach a 0700 folder");
        assert!(
            matches!(error, EmbeddedError::Unreachable { .. }),
            "{error}"
        );
        let message = error.to_string();
        assert!(
            message.contains("WAYPOINT_DATA_DIR") && message.contains("DATABASE_URL"),
            "{message}"
        );
    } else {
        // As an ordinary user the server runs as us, and the folder is ours.
        result
            .expect("our own private folder is fine")
            .stop()
            .await
            .unwrap();
    }
}
