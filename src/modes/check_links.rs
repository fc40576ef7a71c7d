//! `waypoint check-links`: asks every resource address in the content whether it still
//! answers, for operators. It needs the internet, so CI and `cargo test` never run it on the
//! shipped content (the tests point it at a local server).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use reqwest::{redirect, Client, StatusCode};

use crate::content;
use crate::roadmap::Library;
use crate::words;

/// How long one address may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// Addresses asked at once: enough to finish a roadmap in seconds, few enough not to look
/// like an attack to any one site.
const AT_ONCE: usize = 8;
/// No such host, or nothing listening there.
const CANNOT_CONNECT: &str = "cannot connect";

/// What asking one address found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A success status, after any redirects.
    Alive,
    /// Gone: 404 or 410, or no such host, or nothing listening there.
    Dead(String),
    /// The site answered but refused to say (403, 429, a bot wall, a timeout): worth a look by
    /// hand, not proof that the link is dead.
    Unsure(String),
}

/// Asks each address (a few at a time) and returns every answer, in the order given.
pub async fn ask_all(client: &Client, urls: Vec<String>) -> Vec<(String, Answer)> {
    let mut answers: Vec<(usize, String, Answer)> = stream::iter(urls.into_iter().enumerate())
        .map(|(i, url)| async move {
            let answer = ask(client, &url).await;
            (i, url, answer)
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    answers.sort_by_key(|(i, _, _)| *i);
    answers.into_iter().map(|(_, url, a)| (url, a)).collect()
}

/// The client `check-links` asks with: bounded in time, following a few redirects.
pub fn client() -> reqwest::Result<Client> {
    Client::builder()
        .timeout(TIMEOUT)
        .redirect(redirect::Policy::limited(10))
        .user_agent(concat!("waypoint-check-links/", env!("CARGO_PKG_VERSION")))
        .build()
}

async fn ask(client: &Client, url: &str) -> Answer {
    // HEAD costs the site least, but many refuse it (405, or 403/404 from some CDNs): only a
    // GET's answer counts against a link.
    if let Ok(head) = client.head(url).send().await {
        if head.status().is_success() {
            return Answer::Alive;
        }
    }
    match client.get(url).send().await {
        Ok(answer) if answer.status().is_success() => Answer::Alive,
        Ok(answer) => match answer.status() {
            StatusCode::NOT_FOUND | StatusCode::GONE => {
                Answer::Dead(format!("answered {}", answer.status()))
            }
            status => Answer::Unsure(format!("answered {status}")),
        },
        Err(e) if e.is_timeout() => Answer::Unsure(format!("no answer within {TIMEOUT:?}")),
        Err(e) if e.is_connect() => Answer::Dead(CANNOT_CONNECT.into()),
        Err(e) if e.is_redirect() => Answer::Dead("redirects in a loop".into()),
        // The report prints the address once already.
        Err(e) => Answer::Unsure(format!("failed: {}", e.without_url())),
    }
}

/// Every resource address in `library`, with the topics that cite it.
pub fn addresses(library: &Library) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for roadmap in &library.roadmaps {
        for found_topic in roadmap.topics() {
            for resource in &found_topic.topic.resources {
                if let Some(url) = &resource.url {
                    found
                        .entry(url.clone())
                        .or_default()
                        .push(format!("{}/{}", roadmap.id, found_topic.topic.id));
                }
            }
        }
    }
    found
}

/// Checks the content in `dir`; fails when an address is dead.
pub async fn check_links(dir: &Path) -> ExitCode {
    let library = match content::load(dir) {
        Ok(library) => library,
        Err(errors) => {
            eprint!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let cited = addresses(&library);
    let client = match client() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: cannot make an HTTP client: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "asking {} in {}…",
        words::count(cited.len(), "address", "addresses"),
        dir.display()
    );
    let answers = ask_all(&client, cited.keys().cloned().collect()).await;
    let (mut dead, mut unsure) = (0, 0);
    for (url, answer) in &answers {
        let (label, why) = match answer {
            Answer::Alive => continue,
            Answer::Dead(why) => {
                dead += 1;
                ("dead", why)
            }
            Answer::Unsure(why) => {
                unsure += 1;
                ("check by hand", why)
            }
        };
        let topics = cited.get(url).map(|t| t.join(", ")).unwrap_or_default();
        println!("{label}: {url} ({why}), cited by {topics}");
    }
    println!(
        "{} alive, {} dead, {} to check by hand",
        answers.len() - dead - unsure,
        dead,
        unsure
    );
    let unreachable = |(_, answer): &(String, Answer)| matches!(answer, Answer::Dead(why) if why == CANNOT_CONNECT);
    if !answers.is_empty() && answers.iter().all(unreachable) {
        println!("no address could be reached at all: is this machine online?");
    }
    if dead > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
