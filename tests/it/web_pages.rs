//! The community pages over HTTP: found only by their slug, the same
//! 404 for a wrong slug and for pages turned off, security headers on every answer, names
//! escaped, the leaderboard's pages linking to each other.

use std::time::Duration;

use waypoint::db::web;

use crate::support::checkins;
use crate::support::db;
use crate::support::fake_discord::payloads::GUILD_ID;
use crate::support::fake_discord::FakeDiscord;
use crate::support::schedule::run_at;
use crate::support::schedule::{posting_bot_at, TestClock};
use crate::support::transport::RunningEndpoint;
use crate::support::TEST_NOW;
use crate::support::{json, run_as, text, Who};
use waypoint::clock::Clock;

const SLUG: &str = "0123456789abcdef0123456789abcdef";

fn guild() -> serenity::all::GuildId {
    serenity::all::GuildId::new(GUILD_ID)
}

/// The endpoint, serving the pages too, with the test server's pages on at [`SLUG`]; `fake`
/// must outlive it.
async fn pages_on(fake: &FakeDiscord) -> RunningEndpoint {
    let endpoint = RunningEndpoint::start(fake, Duration::from_secs(2)).await;
    web::turn_on(&endpoint.dispatcher.app.db, guild(), SLUG, None)
        .await
        .unwrap();
    endpoint
}

async fn get(endpoint: &RunningEndpoint, path: &str) -> reqwest::Response {
    endpoint
        .client
        .get(format!("{}{path}", endpoint.url))
        .send()
        .await
        .expect("the server answers")
}

#[tokio::test]
async fn pages_are_found_by_slug_only_and_carry_strict_headers() {
    let fake = FakeDiscord::start().await;
    let endpoint = pages_on(&fake).await;
    let db = &endpoint.dispatcher.app.db;

    let page = get(&endpoint, &format!("/c/{SLUG}")).await;
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let body = page.text().await.unwrap();
    assert!(body.contains("AI Engineer roadmap"), "{body}");
    assert!(
        body.contains("<main>") && body.contains("<nav"),
        "landmarks"
    );

    let wrong = get(&endpoint, "/c/ffffffffffffffffffffffffffffffff").await;
    assert_eq!(wrong.status(), 404);
    let wrong_body = wrong.text().await.unwrap();
    web::turn_off(db, guild()).await.unwrap();
    // Pages are shared for a 5-second slice: the next one no longer finds the server.
    endpoint.clock.advance(chrono::Duration::seconds(5));
    let off = get(&endpoint, &format!("/c/{SLUG}")).await;
    assert_eq!(off.status(), 404);
    assert_eq!(
        off.text().await.unwrap(),
        wrong_body,
        "the same 404 either way"
    );
    assert_eq!(
        get(&endpoint, "/c/not-a-slug/leaderboard").await.status(),
        404
    );

    let style = get(&endpoint, "/style.css").await;
    assert_eq!(style.status(), 200);
    assert!(style.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    assert_eq!(get(&endpoint, "/healthz").await.status(), 200);
}

#[tokio::test]
async fn the_leaderboard_escapes_names_and_its_pages_link_to_each_other() {
    let fake = FakeDiscord::start().await;
    let endpoint = pages_on(&fake).await;
    let bot = &endpoint.dispatcher;
    let db = &bot.app.db;
    for n in 0..12u64 {
        let who = Who::member(GUILD_ID, 9000 + n);
        run_as(bot, who, "/progress set topic:python state:done").await;
    }
    db::store_name(db, GUILD_ID, 9000, "<script>alert(1)</script>", None).await;
    waypoint::db::leaderboard::fold(db, waypoint::db::leaderboard::FOLD_BATCH)
        .await
        .unwrap();

    let first = get(&endpoint, &format!("/c/{SLUG}/leaderboard")).await;
    assert_eq!(first.status(), 200);
    let body = first.text().await.unwrap();
    assert!(!body.contains("<script>"), "{body}");
    assert!(body.contains("alert(1)"), "the name shows as text: {body}");
    assert!(
        body.contains("a member"),
        "members without a stored name: {body}"
    );
    assert!(body.contains("rel=\"next\""), "{body}");
    let second = get(
        &endpoint,
        &format!("/c/{SLUG}/leaderboard?board=all&page=2"),
    )
    .await;
    let body = second.text().await.unwrap();
    assert!(
        body.contains("rel=\"prev\"") && !body.contains("rel=\"next\""),
        "{body}"
    );
    assert!(body.contains("#1"), "twelve members tie: {body}");
    assert_eq!(
        get(&endpoint, &format!("/c/{SLUG}/leaderboard?board=phase-9"))
            .await
            .status(),
        404,
        "the roadmap has no phase 9"
    );
}

#[tokio::test]
async fn a_client_over_the_limit_gets_429_and_interactions_are_not_limited() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, Duration::from_secs(2)).await;
    let mut statuses = Vec::new();
    for _ in 0..60 {
        statuses.push(get(&endpoint, "/style.css").await.status().as_u16());
    }
    assert_eq!(statuses[0], 200);
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert!(limited > 0, "{statuses:?}");
    // The health check is not a page: never limited.
    assert_eq!(get(&endpoint, "/healthz").await.status(), 200);
}

#[tokio::test]
async fn the_roadmap_heatmap_shows_the_counts_the_database_holds() {
    let fake = FakeDiscord::start().await;
    let endpoint = pages_on(&fake).await;
    let bot = &endpoint.dispatcher;
    for (n, state) in [(1, "done"), (2, "done"), (3, "learning"), (4, "done")] {
        let who = Who::member(GUILD_ID, 9100 + n);
        run_as(
            bot,
            who,
            &format!("/progress set topic:python state:{state}"),
        )
        .await;
    }
    // A hidden member is not counted.
    run_as(bot, Who::member(GUILD_ID, 9104), "/privacy hide").await;
    let page = get(&endpoint, &format!("/c/{SLUG}/roadmap")).await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    let python = body
        .split("id=\"topic-python\"")
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .expect("the python topic's cell");
    assert!(
        python.contains("1 learning") && python.contains("2 done"),
        "{python}"
    );
    assert!(
        body.contains("id=\"topic-dsa\""),
        "every topic is on the page"
    );
    let dsa = body.split("id=\"topic-dsa\"").nth(1).unwrap_or_default();
    assert!(
        dsa.contains("0 learning · ") || dsa.contains("0 learning</span>"),
        "{dsa}"
    );
}

#[tokio::test]
async fn a_reader_with_the_current_etag_gets_304() {
    let fake = FakeDiscord::start().await;
    let endpoint = pages_on(&fake).await;
    let path = format!("/c/{SLUG}/leaderboard");
    let first = get(&endpoint, &path).await;
    assert_eq!(first.status(), 200);
    let tag = first.headers()["etag"].clone();
    let again = endpoint
        .client
        .get(format!("{}{path}", endpoint.url))
        .header("if-none-match", tag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], tag);
    assert!(again.text().await.unwrap().is_empty());
    let stale = endpoint
        .client
        .get(format!("{}{path}", endpoint.url))
        .header("if-none-match", "\"0000000000000000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn a_challenge_has_a_page_linked_from_the_overview_with_its_standing() {
    let fake = FakeDiscord::start().await;
    let endpoint = pages_on(&fake).await;
    let bot = &endpoint.dispatcher;
    let created = run_as(
        bot,
        Who::staff(GUILD_ID, 1),
        "/challenge create name:\"Web <sprint>\" goal:topics target:2 start:2026-11-27 \
         end:2026-11-30 channel:#960000000000000001",
    )
    .await;
    assert!(!created.failed);
    let (ada, grace) = (Who::member(GUILD_ID, 9201), Who::member(GUILD_ID, 9202));
    for who in [ada, grace] {
        run_as(bot, who, "/challenge join name:\"Web <sprint>\"").await;
        run_as(bot, who, "/progress set topic:python state:done").await;
    }
    run_as(bot, grace, "/privacy hide").await;
    let overview = get(&endpoint, &format!("/c/{SLUG}"))
        .await
        .text()
        .await
        .unwrap();
    let link = overview
        .split(&format!("href=\"/c/{SLUG}/challenges/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the challenge")
        .to_string();
    assert!(overview.contains("Web &#60;sprint&#62;"), "{overview}");
    // Standings are shared for a slice: read it in the next one.
    endpoint.clock.advance(chrono::Duration::seconds(5));
    let page = get(&endpoint, &format!("/c/{SLUG}/challenges/{link}")).await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("complete 2 topics"), "{body}");
    assert!(body.contains("1 of 2 topics"), "{body}");
    assert!(
        body.contains("And 1 member who keeps their progress private."),
        "{body}"
    );
    assert_eq!(
        get(&endpoint, &format!("/c/{SLUG}/challenges/999999"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn the_overview_shows_the_servers_name_its_week_and_its_prompt() {
    let fake = FakeDiscord::start().await;
    fake.rest.add_guild(GUILD_ID, "Learning <Lab> & Co");
    fake.rest.add_channel(42, GUILD_ID, true);
    let clock = TestClock::at(TEST_NOW);
    let bot = posting_bot_at(db::fresh_pool().await, &fake, clock.clone());
    let pages = serve_pages(&bot).await;
    let now = clock.now();
    let staff = Who::staff(GUILD_ID, 1);
    let said = text(&json(&run_at(&bot, staff, "/settings web on", now).await));
    let slug = &said[said.find("/c/").expect("a link") + 3..][..32];
    let found = web::server_of(&bot.app.db, slug).await.unwrap().unwrap();
    assert_eq!(
        found.name.as_deref(),
        Some("Learning <Lab> & Co"),
        "the name Discord gave"
    );

    checkins::enable(&bot, GUILD_ID, "", now).await;
    for user in [9201, 9202, 9203] {
        let outcome =
            checkins::check_in(&bot, Who::member(GUILD_ID, user), now, "read a paper").await;
        assert!(!outcome.failed, "{:?}", outcome.response);
    }
    run_at(&bot, Who::member(GUILD_ID, 9204), "/roadmap overview", now).await;
    // A hidden member's activity and check-in are not counted.
    run_at(&bot, Who::member(GUILD_ID, 9203), "/privacy hide", now).await;
    bot.app.activity.flush(&bot.app.db).await.unwrap();

    let overview = format!("{pages}/c/{slug}");
    let before = reqwest::get(&overview).await.unwrap().text().await.unwrap();
    assert!(
        before.contains("No prompt has been posted this week yet"),
        "{before}"
    );

    run_at(
        &bot,
        staff,
        "/settings prompts channel:#42 day:Monday time:09:00",
        now,
    )
    .await;
    let posted = run_at(&bot, staff, "/prompt now", now).await;
    assert!(!posted.failed, "{}", text(&json(&posted)));
    let prompt_id: String = sqlx::query_scalar(
        "SELECT item FROM scheduled_posts WHERE kind = 'prompt' AND status = 'posted'",
    )
    .fetch_one(&bot.app.db)
    .await
    .unwrap();
    let prompt = bot
        .app
        .content
        .default_roadmap()
        .prompt(&prompt_id)
        .unwrap()
        .title
        .clone();
    // Pages are shared for a 5-second slice.
    clock.advance(chrono::Duration::seconds(5));

    let body = reqwest::get(&overview).await.unwrap().text().await.unwrap();
    assert!(
        body.contains("<h1>Learning &#60;Lab&#62; &#38; Co</h1>"),
        "{body}"
    );
    // The staff member, 9201, 9202 and 9204 were active; 9203 is hidden.
    let numbers = body.split("class=\"numbers\"").nth(1).unwrap_or_default();
    assert!(numbers.contains("4 members active"), "{numbers}");
    assert!(numbers.contains("2 check-ins"), "{numbers}");
    let shown = body.split("id=\"prompt\"").nth(1).unwrap_or_default();
    assert!(
        shown.contains(&askama_escaped(&prompt)),
        "{prompt}: {shown}"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_reader_has_their_own_allowance() {
    let bot = crate::support::bot().await;
    let access = waypoint::web::Access {
        per_second: std::num::NonZeroU32::new(1).unwrap(),
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
    };
    let base = serve_pages_with(&bot, &access).await;
    let client = reqwest::Client::new();
    let load = |reader: &'static str| {
        let request = client
            .get(format!("{base}/style.css"))
            .header("x-forwarded-for", reader);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // A burst of three seconds' worth, then 429.
    let mut first = Vec::new();
    for _ in 0..4 {
        first.push(load("203.0.113.7").await);
    }
    assert_eq!(first, [200, 200, 200, 429]);
    assert_eq!(
        load("198.51.100.4").await,
        200,
        "another reader is not held back"
    );
}

/// Serves `bot`'s community pages on a loopback port; returns their base address.
async fn serve_pages(bot: &waypoint::commands::Dispatcher) -> String {
    serve_pages_with(bot, &Default::default()).await
}

async fn serve_pages_with(
    bot: &waypoint::commands::Dispatcher,
    access: &waypoint::web::Access,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let pages = waypoint::web::router(bot.app.clone(), access);
    tokio::spawn(async move {
        axum::serve(
            listener,
            pages.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    base
}

/// `text` as askama writes it into HTML.
fn askama_escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
