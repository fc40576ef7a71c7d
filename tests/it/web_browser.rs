//! The community pages in a real browser: Debian's Chromium driven through chromedriver
//! (WebDriver, with fantoccini). For a seeded server it opens every page at 360 and 1440 pixels
//! wide, in light and dark, and checks what a reader gets: the text, no console errors, no
//! sideways scrolling, text contrast of at least 4.5:1, leaderboard pages that link to each
//! other, and the heatmap's counts against the database. Screenshots go to
//! `target/web-pages/` for review.
//!
//! Without `chromium` and `chromedriver` the test says it is skipped; with
//! `WAYPOINT_BROWSER_TESTS=required` (CI sets it) it fails instead.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use waypoint::db::web;

use crate::support::db;
use crate::support::fake_discord::payloads::GUILD_ID;
use crate::support::fake_discord::FakeDiscord;
use crate::support::transport::RunningEndpoint;
use crate::support::{run_as, Who};

const SLUG: &str = "5e1ec7ed5e1ec7ed5e1ec7ed5e1ec7ed";
const CHROMIUM: &str = "/usr/bin/chromium";
/// Members on the board: three pages of ten.
const MEMBERS: u64 = 23;

#[tokio::test]
async fn every_page_reads_well_in_a_real_browser() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, Duration::from_secs(2)).await;
    seed(&endpoint).await;
    let browser = driver.session().await;
    let base = format!("{}/c/{SLUG}", endpoint.url);

    let challenge_link = {
        browser.goto(&base).await.expect("open the overview");
        let link = browser
            .find(Locator::Css("a[href*='/challenges/']"))
            .await
            .expect("the overview links to the challenge");
        link.attr("href").await.unwrap().expect("an address")
    };
    let pages = [
        (
            "overview",
            base.clone(),
            vec!["This week", "Phases", "Spring sprint"],
        ),
        (
            "leaderboard",
            format!("{base}/leaderboard"),
            vec!["All time", "Member <b>2</b>", "a member"],
        ),
        (
            "leaderboard-phase-1",
            format!("{base}/leaderboard?board=phase-1"),
            vec!["Phase 1"],
        ),
        (
            "roadmap",
            format!("{base}/roadmap"),
            vec!["Phase 4", "learning", "done"],
        ),
        (
            "challenge",
            format!("{}{challenge_link}", endpoint.url),
            vec!["Spring sprint", "1 member who keeps their progress private"],
        ),
    ];
    for scheme in ["light", "dark"] {
        prefer(&browser, scheme).await;
        for width in [360, 1440] {
            browser.set_window_size(width, 900).await.unwrap();
            for (name, url, expected) in &pages {
                browser.goto(url).await.expect("open the page");
                let main = browser
                    .find(Locator::Css("main"))
                    .await
                    .expect("a main landmark")
                    .text()
                    .await
                    .unwrap();
                for text in expected {
                    assert!(main.contains(text), "{name}: {text:?} in {main}");
                }
                let wide: Value = browser
                    .execute(
                        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert!(
                    wide[0].as_i64() <= wide[1].as_i64(),
                    "{name} at {width} px scrolls sideways: {wide}"
                );
                assert_contrast(&browser, &format!("{name} ({scheme}, {width} px)")).await;
                assert_accessible_outline(&browser, name).await;
                save_screenshot(&browser, &format!("{name}-{width}-{scheme}")).await;
            }
        }
    }
    let errors = console_errors(&browser).await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");

    pager_links_walk_the_board(&browser, &base).await;
    heatmap_matches_the_database(&browser, &endpoint, &base).await;
    browser.close().await.unwrap();
}

/// Twenty-three members with points (one named `<b>0</b>` to show escaping), one hidden, a
/// few learning topics, and a challenge.
async fn seed(endpoint: &RunningEndpoint) {
    let bot = &endpoint.dispatcher;
    let pool = &bot.app.db;
    web::turn_on(
        pool,
        serenity::all::GuildId::new(GUILD_ID),
        SLUG,
        Some("Browser Test Guild"),
    )
    .await
    .unwrap();
    let created = run_as(
        bot,
        Who::staff(GUILD_ID, 1),
        "/challenge create name:\"Spring sprint\" goal:topics target:3 start:2026-11-27 \
         end:2026-12-20 channel:#960000000000000001",
    )
    .await;
    assert!(!created.failed);
    let topics = ["python", "dsa", "linear-algebra", "calculus"];
    for n in 0..MEMBERS {
        let user = 9300 + n;
        let who = Who::member(GUILD_ID, user);
        run_as(bot, who, "/challenge join name:\"Spring sprint\"").await;
        for topic in topics.iter().take(1 + (n as usize % topics.len())) {
            run_as(bot, who, &format!("/progress set topic:{topic} state:done")).await;
        }
        if n % 3 == 0 {
            run_as(bot, who, "/progress set topic:git state:learning").await;
        }
        if n % 2 == 0 {
            db::store_name(pool, GUILD_ID, user, &format!("Member <b>{n}</b>"), None).await;
        }
    }
    run_as(
        bot,
        Who::member(GUILD_ID, 9300 + MEMBERS - 1),
        "/privacy hide",
    )
    .await;
    waypoint::db::leaderboard::fold(pool, waypoint::db::leaderboard::FOLD_BATCH)
        .await
        .unwrap();
    // Standings are shared for a slice: read them in the next one.
    endpoint.clock.advance(chrono::Duration::seconds(5));
}

async fn pager_links_walk_the_board(browser: &Client, base: &str) {
    browser.goto(&format!("{base}/leaderboard")).await.unwrap();
    assert!(
        browser.find(Locator::Css("a[rel=prev]")).await.is_err(),
        "no previous page before the first"
    );
    for page in [2, 3] {
        browser
            .find(Locator::Css("a[rel=next]"))
            .await
            .expect("a next page")
            .click()
            .await
            .unwrap();
        let url = browser.current_url().await.unwrap();
        assert!(url.as_str().ends_with(&format!("page={page}")), "{url}");
        browser
            .find(Locator::Css("a[rel=prev]"))
            .await
            .expect("a way back");
    }
    assert!(
        browser.find(Locator::Css("a[rel=next]")).await.is_err(),
        "the third page is the last"
    );
    browser
        .find(Locator::Css("a[rel=prev]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = browser.current_url().await.unwrap();
    assert!(url.as_str().ends_with("page=2"), "{url}");
}

/// Every topic's cell shows the members learning it and done with it, as the database counts
/// them (members who are not hidden).
async fn heatmap_matches_the_database(browser: &Client, endpoint: &RunningEndpoint, base: &str) {
    let counted: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT p.topic_id,
                count(*) FILTER (WHERE p.state = 'learning'),
                count(*) FILTER (WHERE p.state = 'done')
         FROM topic_progress p JOIN members m USING (guild_id, user_id)
         WHERE p.guild_id = $1 AND NOT m.hidden GROUP BY p.topic_id",
    )
    .bind(GUILD_ID as i64)
    .fetch_all(&endpoint.dispatcher.app.db)
    .await
    .unwrap();
    assert!(counted.len() >= 5, "{counted:?}");
    browser.goto(&format!("{base}/roadmap")).await.unwrap();
    // And a topic nobody marked: a cell of zeros.
    let roadmap = endpoint.dispatcher.app.content.default_roadmap();
    let untouched = roadmap
        .phases
        .iter()
        .flat_map(|p| &p.sections)
        .flat_map(|s| &s.topics)
        .map(|t| t.id.clone())
        .find(|id| !counted.iter().any(|(topic, ..)| topic == id))
        .expect("a topic nobody marked");
    let mut checked = counted.clone();
    checked.push((untouched, 0, 0));
    for (topic, learning, done) in checked {
        let cell = browser
            .find(Locator::Id(&format!("topic-{topic}")))
            .await
            .unwrap_or_else(|_| panic!("a cell for {topic}"));
        let shown = cell.text().await.unwrap();
        assert!(
            shown.contains(&format!("{learning} learning"))
                && shown.contains(&format!("{done} done")),
            "{topic}: {shown}, the database has {learning} learning and {done} done"
        );
    }
}

/// One `h1`, headings that never skip a level on the way down, the landmarks, and alt text on
/// every image.
async fn assert_accessible_outline(browser: &Client, page: &str) {
    let outline: Value = browser
        .execute(
            r#"return {
              levels: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]),
              landmarks: ['header', 'nav', 'main', 'footer'].filter(t => document.querySelector(t)),
              bareImages: [...document.querySelectorAll('img')].filter(i => !i.hasAttribute('alt')).length,
              lang: document.documentElement.lang,
            };"#,
            vec![],
        )
        .await
        .unwrap();
    let levels: Vec<i64> = outline["levels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    assert_eq!(
        levels.first(),
        Some(&1),
        "{page} starts with its h1: {levels:?}"
    );
    assert_eq!(
        levels.iter().filter(|&&l| l == 1).count(),
        1,
        "{page}: {levels:?}"
    );
    for pair in levels.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "{page} skips a heading level: {levels:?}"
        );
    }
    assert_eq!(
        outline["landmarks"],
        json!(["header", "nav", "main", "footer"]),
        "{page}"
    );
    assert_eq!(outline["bareImages"], 0, "{page}: images without alt text");
    assert_eq!(outline["lang"], "en", "{page}");
}

/// Text against its background everywhere on the page, as the browser computed them.
async fn assert_contrast(browser: &Client, page: &str) {
    let pairs: Value = browser
        .execute(
            r#"
            const background = (el) => {
              for (; el; el = el.parentElement) {
                const c = getComputedStyle(el).backgroundColor;
                if (c && c !== 'transparent' && !/rgba\(.*, 0\)$/.test(c)) return c;
              }
              return getComputedStyle(document.documentElement).backgroundColor;
            };
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
              const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
              if (!own || el.offsetParent === null && el.tagName !== 'BODY') continue;
              out.push([el.tagName + '.' + el.className, getComputedStyle(el).color, background(el)]);
            }
            return out;"#,
            vec![],
        )
        .await
        .unwrap();
    let pairs = pairs.as_array().expect("pairs");
    assert!(pairs.len() > 5, "{page}: text found: {pairs:?}");
    for pair in pairs {
        let (what, fg, bg) = (&pair[0], color(&pair[1]), color(&pair[2]));
        let ratio = contrast(fg, bg);
        assert!(
            ratio >= 4.5,
            "{page}: {what} has contrast {ratio:.2} ({} on {})",
            pair[1],
            pair[2]
        );
    }
}

/// A computed CSS colour (`rgb(…)`, `rgba(…)` or `color(srgb …)`) as sRGB from 0 to 1.
fn color(value: &Value) -> [f64; 3] {
    let text = value.as_str().expect("a colour");
    let inner = text
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("a colour: {text}"));
    let numbers: Vec<f64> = inner
        .replace(['/', ','], " ")
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let scale = if text.starts_with("color(") {
        1.0
    } else {
        255.0
    };
    [numbers[0] / scale, numbers[1] / scale, numbers[2] / scale]
}

/// WCAG 2's contrast ratio.
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let luminance = |c: [f64; 3]| {
        let lin = |v: f64| {
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn contrast_is_computed_as_wcag_defines_it() {
    let black = color(&json!("rgb(0, 0, 0)"));
    let white = color(&json!("color(srgb 1 1 1)"));
    assert!((contrast(black, white) - 21.0).abs() < 0.01);
    // #767676 on white is the classic 4.54:1.
    let grey = color(&json!("rgb(118, 118, 118)"));
    assert!((contrast(grey, white) - 4.54).abs() < 0.01);
}

async fn save_screenshot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.expect("a screenshot");
    let dir = target_dir().join("web-pages");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Asks Chromium to render as a reader who prefers `scheme` ("light" or "dark").
async fn prefer(browser: &Client, scheme: &str) {
    browser
        .issue_cmd(ChromeCommand::cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        ))
        .await
        .expect("emulate the colour scheme");
}

/// The console's warnings and errors so far (chromedriver hands each entry over once).
async fn console_errors(browser: &Client) -> Vec<String> {
    let logs = browser
        .issue_cmd(ChromeCommand::browser_log())
        .await
        .expect("read the console");
    logs.as_array()
        .into_iter()
        .flatten()
        .filter(|entry| matches!(entry["level"].as_str(), Some("SEVERE" | "WARNING")))
        .map(|entry| entry["message"].to_string())
        .collect()
}

/// Chromedriver's own endpoints, beside the W3C ones fantoccini has.
#[derive(Debug)]
struct ChromeCommand {
    path: &'static str,
    body: Value,
}

impl ChromeCommand {
    fn cdp(cmd: &str, params: Value) -> Self {
        Self {
            path: "goog/cdp/execute",
            body: json!({ "cmd": cmd, "params": params }),
        }
    }

    fn browser_log() -> Self {
        Self {
            path: "se/log",
            body: json!({ "type": "browser" }),
        }
    }
}

impl WebDriverCompatibleCommand for ChromeCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.body.to_string()))
    }
}

/// chromedriver on a free port, stopped with the test.
struct Driver {
    child: Child,
    url: String,
    /// Chromium's profile, empty at the start.
    profile: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver, or says why the test is skipped (and fails when it is required).
    fn start() -> Option<Self> {
        let required = std::env::var("WAYPOINT_BROWSER_TESTS").as_deref() == Ok("required");
        let missing = which("chromedriver").is_none() || !std::path::Path::new(CHROMIUM).exists();
        if missing {
            assert!(
                !required,
                "WAYPOINT_BROWSER_TESTS=required, but chromium or chromedriver is missing: \
                 install Debian's chromium and chromium-driver"
            );
            eprintln!(
                "SKIPPED every_page_reads_well_in_a_real_browser: no {CHROMIUM} or chromedriver \
                 (install Debian's chromium and chromium-driver to run it)"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        // Its own process group, so that stopping it stops the Chromium it started too, even
        // when the test fails before closing the session.
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile: tempfile::tempdir().expect("a profile folder"),
        })
    }

    async fn session(&self) -> Client {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                // Headless, as root too, and without the background traffic that this
                // machine's closed network refuses.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--no-first-run",
                    "--hide-scrollbars",
                    format!("--user-data-dir={}", self.profile.path().display()),
                ]
            }),
        );
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        // chromedriver is on loopback: plain HTTP, no TLS.
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| PathBuf::from(dir).join(program))
        .find(|path| path.is_file())
}
