//! Image cards as members get them: `/progress card` over the HTTP endpoint (a deferral, then
//! an edit carrying the PNG, its embed and alt text) and the gateway (the callback carries
//! it), the avatar from the fake CDN or initials when it fails or is slow, the privacy refusal,
//! the board, challenge and check-in cards, and the cache. Every PNG is decoded and looked at.

use std::time::Duration;

use resvg::tiny_skia::{Color, Pixmap};
use serde_json::{json, Value};
use waypoint::commands::{Dispatcher, Outcome};
use waypoint::render::card::{self, checkins as checkins_card, palette, progress, standings};
use waypoint::render::Response;

use crate::support::checkins::{at, check_in, enable};
use crate::support::fake_discord::payloads::{
    command, subcommand_with, GUILD_ID, MEMBER_PERMISSIONS, USER_ID,
};
use crate::support::fake_discord::FakeDiscord;
use crate::support::transport::{RunningEndpoint, RunningGateway};
use crate::support::{json, run_as, shipped_library, text, Who};

const AVATAR_HASH: &str = "0123456789abcdef0123456789abcdef";
const ME: Who = Who::member(GUILD_ID, USER_ID);
const OTHER: u64 = 555_555_555_555_555_556;
const THIRD: u64 = 555_555_555_555_555_557;

/// A solid red square, as the CDN would serve an avatar.
fn red_avatar() -> Vec<u8> {
    let mut avatar = Pixmap::new(64, 64).unwrap();
    avatar.fill(Color::from_rgba8(220, 20, 20, 255));
    avatar.encode_png().unwrap()
}

fn avatar_path() -> String {
    format!("guilds/{GUILD_ID}/users/{USER_ID}/avatars/{AVATAR_HASH}.png")
}

/// The caller shows as "Ada" with a server avatar.
fn as_ada(mut interaction: Value) -> Value {
    interaction["member"]["nick"] = json!("Ada");
    interaction["member"]["avatar"] = json!(AVATAR_HASH);
    interaction
}

fn progress_card(id: u64) -> Value {
    as_ada(subcommand_with(
        id,
        "progress",
        "card",
        &[],
        json!({}),
        MEMBER_PERMISSIONS,
    ))
}

pub fn decode(png: &[u8]) -> Pixmap {
    Pixmap::decode_png(png).expect("the card is a PNG")
}

pub fn rgb(image: &Pixmap, x: f32, y: f32) -> [u8; 3] {
    let p = image
        .pixel(x.round() as u32, y.round() as u32)
        .expect("inside the card")
        .demultiply();
    [p.red(), p.green(), p.blue()]
}

pub fn hex(colour: &str) -> [u8; 3] {
    let n = u32::from_str_radix(colour.trim_start_matches('#'), 16).unwrap();
    [(n >> 16) as u8, (n >> 8) as u8, n as u8]
}

pub fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 12)
}

/// Whether anything is drawn in the rectangle: some pixel differs from the background.
pub fn drawn_in(image: &Pixmap, x: (u32, u32), y: (u32, u32)) -> bool {
    let background = hex(palette::BACKGROUND);
    (y.0..y.1).any(|py| (x.0..x.1).any(|px| !near(rgb(image, px as f32, py as f32), background)))
}

/// Marks the first half of phase 1's topics done as `who`; returns phase 1's size.
async fn half_of_phase_one(bot: &Dispatcher, who: Who) -> usize {
    let library = shipped_library();
    let phase = &library.roadmaps[0].phases[0];
    let ids: Vec<String> = phase.topics().map(|t| t.id.clone()).collect();
    for id in &ids[..ids.len() / 2] {
        let outcome = run_as(bot, who, &format!("/progress set topic:{id} state:done")).await;
        assert!(!outcome.failed, "{}", text(&json(&outcome)));
    }
    ids.len()
}

/// Where a bar `share` of the way along phase `index`'s row is.
fn along_phase(index: usize, share: f32) -> (f32, f32) {
    let (middle, _) = progress::phase_row(index, shipped_library().roadmaps[0].phases.len());
    (progress::BAR_X + progress::BAR_WIDTH * share, middle)
}

fn reply_of(outcome: &Outcome) -> &waypoint::render::Reply {
    match &outcome.response {
        Response::Message(reply) => reply,
        other => panic!("expected a message, got {other:?}"),
    }
}

#[tokio::test]
async fn a_progress_card_over_http_is_a_deferral_then_an_edit_with_the_png() {
    let fake = FakeDiscord::start().await;
    fake.rest.serve_file(&avatar_path(), &red_avatar());
    let endpoint = RunningEndpoint::start(&fake, Duration::from_secs(2)).await;
    let phase_size = half_of_phase_one(&endpoint.dispatcher, ME).await;
    assert_eq!(phase_size % 2, 0, "phase 1 halves exactly");

    let (first, edit) = endpoint
        .deferred_edit(&fake, &progress_card(7001), 7001)
        .await;
    // Private, as `/progress show` is: the card holds the caller's own progress.
    assert_eq!(
        (first["type"].as_u64(), first["data"]["flags"].as_u64()),
        (Some(5), Some(64))
    );
    let (name, png) = edit
        .files
        .first()
        .cloned()
        .expect("the edit carries the card");
    assert_eq!(name, "progress.png");
    assert_eq!(
        edit.body["embeds"][0]["image"]["url"],
        "attachment://progress.png"
    );
    let alt = edit.body["attachments"][0]["description"]
        .as_str()
        .expect("the card has alt text")
        .to_string();
    let half = phase_size / 2;
    assert!(
        alt.starts_with("Progress card for Ada on the AI Engineer roadmap"),
        "{alt}"
    );
    assert!(
        alt.contains(&format!("{half} of {phase_size} done")),
        "{alt}"
    );
    assert!(png.len() <= 200 * 1024, "{} bytes", png.len());
    fake.rest.assert_spec_clean();

    let image = decode(&png);
    assert_eq!(
        (image.width(), image.height()),
        (progress::WIDTH, progress::HEIGHT)
    );
    // The avatar arrived and fills its circle.
    assert!(near(rgb(&image, 100.0, 50.0), [220, 20, 20]));
    // Phase 1 is half done: its bar is coloured up to the middle and not past it.
    let (x, y) = along_phase(0, 0.45);
    assert!(
        near(rgb(&image, x, y), hex(palette::BAR)),
        "{:?}",
        rgb(&image, x, y)
    );
    let (x, y) = along_phase(0, 0.55);
    assert!(
        near(rgb(&image, x, y), hex(palette::TRACK)),
        "{:?}",
        rgb(&image, x, y)
    );
    // Phase 2 is not started: its bar is empty from the start.
    let (x, y) = along_phase(1, 0.05);
    assert!(near(rgb(&image, x, y), hex(palette::TRACK)));
    // The name and the phase labels are drawn.
    assert!(drawn_in(&image, (190, 500), (45, 85)));
    assert!(drawn_in(&image, (40, 400), (190, 350)));
}

#[tokio::test]
async fn an_avatar_that_fails_or_is_slow_gives_initials() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, Duration::from_secs(2)).await;
    run_as(&endpoint.dispatcher, ME, "/me show").await;
    let initials = hex(card::initials_colour(USER_ID));

    // Nothing is served at the avatar's address: a 404.
    let (_, edit) = endpoint
        .deferred_edit(&fake, &progress_card(7101), 7101)
        .await;
    let image = decode(&edit.files[0].1);
    assert!(near(rgb(&image, 100.0, 50.0), initials));
    assert!(
        drawn_in(&image, (60, 140), (80, 112)),
        "the initials are drawn"
    );

    // Served, but later than the card waits for.
    fake.rest.serve_file(&avatar_path(), &red_avatar());
    fake.rest.delay("avatars", Duration::from_secs(2));
    let (_, edit) = endpoint
        .deferred_edit(&fake, &progress_card(7102), 7102)
        .await;
    let image = decode(&edit.files[0].1);
    assert!(near(rgb(&image, 100.0, 50.0), initials));
    assert_eq!(
        fake.rest.fetched(),
        vec![format!("/{}", avatar_path())],
        "the slow avatar was asked for"
    );
}

#[tokio::test]
async fn the_gateway_answers_with_the_card_in_the_callback() {
    let fake = FakeDiscord::start().await;
    let gateway = RunningGateway::start(&fake, Duration::from_secs(2)).await;
    // No avatar, so nothing is fetched (the gateway bot's CDN is Discord's).
    let mut interaction = progress_card(7201);
    interaction["member"]["avatar"] = Value::Null;
    fake.gateway.push_interaction(interaction).await;
    let callback = fake
        .rest
        .wait_for(true, |r| {
            r.method == "POST" && r.path == "/interactions/7201/token-7201/callback"
        })
        .await;
    assert_eq!(callback.body["type"], 4);
    assert_eq!(callback.body["data"]["flags"], 64);
    assert_eq!(
        callback.body["data"]["embeds"][0]["image"]["url"],
        "attachment://progress.png"
    );
    let (name, png) = callback
        .files
        .first()
        .cloned()
        .expect("the callback carries the card");
    assert_eq!(name, "progress.png");
    let image = decode(&png);
    assert_eq!(image.width(), progress::WIDTH);
    fake.rest.assert_spec_clean();
    gateway.stop().await;
}

#[tokio::test]
async fn a_hidden_members_card_is_refused_and_nothing_is_drawn() {
    let bot = crate::support::bot().await;
    let other = Who::member(GUILD_ID, OTHER);
    run_as(&bot, other, "/progress set topic:python state:learning").await;
    run_as(&bot, other, "/privacy hide").await;
    for line in [
        format!("/progress card member:<@{OTHER}>"),
        format!("/checkins member:<@{OTHER}> card:true"),
    ] {
        let outcome = run_as(&bot, ME, &line).await;
        let body = json(&outcome);
        assert!(outcome.failed, "{line}");
        assert_eq!(body["data"]["flags"], 64);
        assert!(
            text(&body).contains("keeps their progress private"),
            "{}",
            text(&body)
        );
        assert!(reply_of(&outcome).files.is_empty());
    }
    assert_eq!(bot.app.cards.draws(), 0);
    // Their own card is theirs to see.
    let own = run_as(&bot, other, "/progress card").await;
    assert!(!own.failed);
    assert_eq!(reply_of(&own).files.len(), 1);
}

#[tokio::test]
async fn a_card_whose_inputs_did_not_change_is_not_drawn_again() {
    let bot = crate::support::bot().await;
    run_as(&bot, ME, "/progress set topic:python state:learning").await;
    let first = run_as(&bot, ME, "/progress card").await;
    let again = run_as(&bot, ME, "/progress card").await;
    assert_eq!(reply_of(&first).files, reply_of(&again).files);
    assert_eq!(bot.app.cards.draws(), 1);
    run_as(&bot, ME, "/progress set topic:python state:done").await;
    let changed = run_as(&bot, ME, "/progress card").await;
    assert_ne!(reply_of(&first).files, reply_of(&changed).files);
    assert_eq!(bot.app.cards.draws(), 2);
}

#[tokio::test]
async fn the_leaderboard_card_names_the_top_members_with_bars_against_the_leader() {
    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start_with_discord(&fake, Duration::from_secs(2)).await;
    let bot = &endpoint.dispatcher;
    // Ada (the caller) finishes two topics, Grace one, and a third member who left the server
    // one as well.
    for topic in ["python", "dsa"] {
        run_as(bot, ME, &format!("/progress set topic:{topic} state:done")).await;
    }
    run_as(
        bot,
        Who::member(GUILD_ID, OTHER),
        "/progress set topic:python state:done",
    )
    .await;
    run_as(
        bot,
        Who::member(GUILD_ID, THIRD),
        "/progress set topic:dsa state:done",
    )
    .await;
    fake.rest.add_member(GUILD_ID, OTHER, Some("Grace <3"));
    // Boards read folded totals, as the background fold leaves them.
    waypoint::db::leaderboard::fold(&bot.app.db, waypoint::db::leaderboard::FOLD_BATCH)
        .await
        .unwrap();
    let leaderboard = as_ada(command(7301, "leaderboard", &[("card", 5, json!(true))]));
    let (first, edit) = endpoint.deferred_edit(&fake, &leaderboard, 7301).await;
    // Public, as the board is: no private flag on the "thinking…".
    assert_eq!(first["type"], 5);
    assert_eq!(first["data"]["flags"], Value::Null);
    assert_eq!(
        edit.body["embeds"][0]["image"]["url"],
        "attachment://standing.png"
    );
    let alt = edit.body["attachments"][0]["description"].as_str().unwrap();
    assert!(alt.contains("#1 Ada"), "{alt}");
    assert!(alt.contains("#2 Grace <3"), "{alt}");
    assert!(alt.contains("#2 A member"), "{alt}");
    let image = decode(&edit.files[0].1);
    assert_eq!(image.height(), standings::height(3));
    let bar = |row: usize, share: f32| {
        let y = standings::bar_top(row) + 8.0;
        rgb(&image, standings::BAR_X + standings::BAR_WIDTH * share, y)
    };
    // The leader's bar is full; the others' are half of it.
    assert!(near(bar(0, 0.95), hex(palette::BAR)));
    assert!(near(bar(1, 0.45), hex(palette::BAR)));
    assert!(near(bar(1, 0.55), hex(palette::TRACK)));
    fake.rest.assert_spec_clean();
}

#[tokio::test]
async fn the_challenge_card_shows_bars_toward_the_target_and_the_days_left() {
    let bot = crate::support::bot().await;
    let staff = Who::staff(GUILD_ID, 1);
    let created = run_as(
        &bot,
        staff,
        "/challenge create name:\"Card sprint\" goal:topics target:2 start:2026-11-27 \
         end:2026-11-30 channel:#960000000000000001",
    )
    .await;
    assert!(!created.failed, "{}", text(&json(&created)));
    let other = Who::member(GUILD_ID, OTHER);
    for who in [ME, other] {
        run_as(&bot, who, "/challenge join name:\"Card sprint\"").await;
    }
    for topic in ["python", "dsa"] {
        run_as(&bot, ME, &format!("/progress set topic:{topic} state:done")).await;
    }
    run_as(&bot, other, "/progress set topic:python state:done").await;
    // A minute later: standings are shared for a few seconds.
    let later = at(crate::support::TEST_NOW) + chrono::Duration::minutes(1);
    let line = "/challenge status name:\"Card sprint\" card:true";
    let outcome = crate::support::schedule::run_at(&bot, ME, line, later).await;
    let reply = reply_of(&outcome);
    assert!(!outcome.failed, "{}", text(&json(&outcome)));
    let file = &reply.files[0];
    let alt = file.description.as_deref().unwrap();
    // 27 November at noon, the window ending on the 30th in the server's zone (UTC).
    assert!(alt.contains("complete 2 topics, 4 days left"), "{alt}");
    let image = decode(&file.bytes);
    let bar = |row: usize, share: f32| {
        let y = standings::bar_top(row) + 8.0;
        rgb(&image, standings::BAR_X + standings::BAR_WIDTH * share, y)
    };
    // The target reached: a full bar in the finishing colour; halfway for the other.
    assert!(near(bar(0, 0.95), hex(palette::COMPLETE)));
    assert!(near(bar(1, 0.45), hex(palette::BAR)));
    assert!(near(bar(1, 0.55), hex(palette::TRACK)));
}

#[tokio::test]
async fn the_checkins_card_marks_each_of_the_last_26_weeks() {
    let bot = crate::support::bot().await;
    let week_0 = at("2026-10-02T12:00:00Z");
    enable(&bot, GUILD_ID, "", week_0).await;
    // Four weeks earn a freeze, week 4 is missed and kept by it, week 6 is missed.
    for week in [0, 1, 2, 3, 5, 7] {
        check_in(&bot, ME, week_0 + chrono::Duration::weeks(week), "Studied").await;
    }
    let now = week_0 + chrono::Duration::weeks(7);
    let outcome = crate::support::schedule::run_at(&bot, ME, "/checkins card:true", now).await;
    assert!(!outcome.failed, "{}", text(&json(&outcome)));
    let file = &reply_of(&outcome).files[0];
    let image = decode(&file.bytes);
    assert_eq!(
        (image.width(), image.height()),
        (checkins_card::WIDTH, checkins_card::HEIGHT)
    );
    let cell = |weeks_ago: usize| {
        let x =
            checkins_card::cell_x(checkins_card::WEEKS - 1 - weeks_ago) + checkins_card::CELL / 2.0;
        rgb(
            &image,
            x,
            checkins_card::CELLS_Y + checkins_card::CELL / 2.0,
        )
    };
    assert!(
        near(cell(0), hex(palette::COMPLETE)),
        "this week is checked in"
    );
    assert!(near(cell(1), hex(palette::TRACK)), "week 6 was missed");
    assert!(
        near(cell(3), hex(palette::FROZEN)),
        "week 4 was kept by a freeze"
    );
    assert!(
        near(cell(7), hex(palette::COMPLETE)),
        "week 0 was the first"
    );
    assert!(
        !near(cell(8), hex(palette::COMPLETE)),
        "nothing before the first"
    );
    let alt = file.description.as_deref().unwrap();
    assert!(
        alt.contains("6 weeks checked in, 1 week kept by a freeze, 1 week missed"),
        "{alt}"
    );
}

#[tokio::test]
async fn another_members_card_takes_their_name_and_avatar_from_the_resolved_data() {
    let fake = FakeDiscord::start().await;
    let hash = "fedcba9876543210fedcba9876543210";
    fake.rest
        .serve_file(&format!("avatars/{OTHER}/{hash}.png"), &red_avatar());
    let endpoint = RunningEndpoint::start(&fake, Duration::from_secs(2)).await;
    let other = Who::member(GUILD_ID, OTHER);
    run_as(
        &endpoint.dispatcher,
        other,
        "/progress set topic:python state:learning",
    )
    .await;
    let resolved = json!({
        "users": { OTHER.to_string(): {
            "id": OTHER.to_string(), "username": "grace", "discriminator": "0",
            "global_name": "Grace", "avatar": hash, "public_flags": 0
        } },
        "members": { OTHER.to_string(): {
            "nick": "Gracie", "roles": [], "joined_at": "2026-01-01T00:00:00.000000+00:00",
            "flags": 0, "pending": false, "permissions": MEMBER_PERMISSIONS
        } }
    });
    let interaction = as_ada(subcommand_with(
        7401,
        "progress",
        "card",
        &[("member", 6, json!(OTHER.to_string()))],
        resolved,
        MEMBER_PERMISSIONS,
    ));
    let (_, edit) = endpoint.deferred_edit(&fake, &interaction, 7401).await;
    let alt = edit.body["attachments"][0]["description"].as_str().unwrap();
    // The server nickname, and the user's own avatar (they have none for this server).
    assert!(alt.starts_with("Progress card for Gracie"), "{alt}");
    assert!(alt.contains("learning Python"), "{alt}");
    assert_eq!(
        fake.rest.fetched(),
        vec![format!("/avatars/{OTHER}/{hash}.png")]
    );
    let image = decode(&edit.files[0].1);
    assert!(near(rgb(&image, 100.0, 50.0), [220, 20, 20]));
}
