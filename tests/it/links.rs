//! Resources as links: a `url` is a whole https address, a topic's view links each name to
//! it, and `check-links` tells a dead address from a live one (asked of a local server here:
//! the shipped addresses need the internet, which tests do not have).

use std::time::Duration;

use axum::http::{header, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::Router;
use waypoint::modes::check_links::{addresses, ask_all, Answer};
use waypoint::render::roadmap::topic;
use waypoint::render::text::reply_text;
use waypoint::roadmap::load_library;

use crate::content::{assert_reported, copy_of_shipped, edit, errors_of};
use crate::support::shipped_library;

const TUTORIAL: &str = "url = \"https://docs.python.org/3/tutorial/\"";

#[test]
fn a_resource_address_must_be_a_whole_https_address() {
    for (url, reason) in [
        (
            "http://docs.python.org/3/tutorial/",
            "must start with https://",
        ),
        ("ftp://docs.python.org/tutorial", "must start with https://"),
        ("docs.python.org/3/tutorial/", "is not an address"),
        (
            "https://someone:secret@docs.python.org/",
            "user name or password",
        ),
        (
            "https://docs.python.org/a tutorial",
            "must not contain spaces",
        ),
    ] {
        let dir = copy_of_shipped();
        edit(
            dir.path(),
            "phase-1.toml",
            TUTORIAL,
            &format!("url = \"{url}\""),
        );
        let errors = errors_of(dir.path());
        assert_reported(&errors, "phase-1.toml", "topic `python`", reason);
        assert_eq!(errors.len(), 1, "{url}: {errors:#?}");
    }
}

#[test]
fn every_shipped_resource_is_linked_from_its_topic() {
    let library = shipped_library();
    let mut resources = 0;
    for found in library.roadmaps[0].topics() {
        let text = reply_text(&topic(found, None));
        for resource in &found.topic.resources {
            let url = resource.url.as_deref().unwrap_or_default();
            assert!(url.starts_with("https://"), "{}: {url:?}", resource.name);
            let link = format!("[{}]({url})", resource.name);
            assert!(text.contains(&link), "{link} in {text}");
            resources += 1;
        }
    }
    assert!(resources > 100, "{resources}");
    // An address cited by two topics is asked once, and names both.
    let cited = addresses(&library);
    let book = &cited["https://wesmckinney.com/book/"];
    assert_eq!(book.len(), 2, "{book:?}");
    assert!(
        book.iter().all(|t| t.starts_with("ai-engineer/")),
        "{book:?}"
    );
}

#[test]
fn brackets_and_parentheses_cannot_break_a_link() {
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "phase-1.toml",
        "name = \"Python.org: The Python Tutorial\", url = \"https://docs.python.org/3/tutorial/\"",
        "name = \"The [official] tutorial\", url = \"https://docs.python.org/3/(tutorial)\"",
    );
    let library = load_library(dir.path()).expect("still valid");
    let found = library.roadmaps[0]
        .topics()
        .find(|t| t.topic.id == "python")
        .expect("the python topic");
    let text = reply_text(&topic(found, None));
    assert!(
        text.contains(r"[The \[official\] tutorial](https://docs.python.org/3/%28tutorial%29)"),
        "{text}"
    );
}

/// A site that answers the ways real ones do.
async fn fake_sites() -> String {
    let app = Router::new()
        .route("/alive", get(|| async { "hello" }))
        .route("/gone", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/no-head",
            any(|method: Method| async move {
                if method == Method::HEAD {
                    StatusCode::METHOD_NOT_ALLOWED
                } else {
                    StatusCode::OK
                }
            }),
        )
        .route(
            "/moved",
            get(|| async {
                (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, "/alive")],
                )
            }),
        )
        .route(
            "/circle",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/circle")]) }),
        )
        .route("/bot-wall", get(|| async { StatusCode::FORBIDDEN }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late".into_response()
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn check_links_tells_a_dead_address_from_a_live_one() {
    let site = fake_sites().await;
    // A port nothing listens on: bound, then let go.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let urls = [
        "/alive",
        "/gone",
        "/no-head",
        "/moved",
        "/circle",
        "/bot-wall",
        "/slow",
    ]
    .iter()
    .map(|path| format!("{site}{path}"))
    .chain([nobody])
    .collect();
    let answers = ask_all(&client, urls).await;
    let kinds: Vec<&str> = answers
        .iter()
        .map(|(_, answer)| match answer {
            Answer::Alive => "alive",
            Answer::Dead(_) => "dead",
            Answer::Unsure(_) => "unsure",
        })
        .collect();
    assert_eq!(
        kinds,
        ["alive", "dead", "alive", "alive", "dead", "unsure", "unsure", "dead"],
        "{answers:#?}"
    );
    assert_eq!(answers[1].1, Answer::Dead("answered 404 Not Found".into()));
}
