//! `/checkin`, `/checkins` and `/me` against a real database: weeks in members' own zones,
//! editing, last week's goal, streaks and freezes, and mistakes that lose nothing.

use serde_json::json;
use waypoint::commands::{Action, Dispatcher};
use waypoint::render::Response;

use crate::support::checkins::{at, check_in, enable, open, submit};
use crate::support::schedule::run_at;
use crate::support::{self, json, text, Who};

const GUILD: u64 = 920_000_000_000_000_001;
const ANA: Who = Who::member(GUILD, 101);
const BEN: Who = Who::member(GUILD, 102);
/// Friday 27 November 2026 (ISO week 48).
const FRIDAY: &str = "2026-11-27T12:00:00Z";

async fn bot_with_checkins(extra: &str) -> Dispatcher {
    let bot = support::bot().await;
    enable(&bot, GUILD, extra, at(FRIDAY)).await;
    bot
}

async fn weeks(bot: &Dispatcher, user: u64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT week FROM checkins WHERE guild_id = $1 AND user_id = $2 ORDER BY week",
    )
    .bind(GUILD as i64)
    .bind(user as i64)
    .fetch_all(&bot.app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn weeks_end_at_midnight_on_sunday_in_the_members_own_zone() {
    let bot = bot_with_checkins("").await;
    // Ana follows the server (Berlin): Sunday 23:30 there is 22:30 UTC, Monday 00:30 is 23:30.
    check_in(&bot, ANA, at("2026-11-29T22:30:00Z"), "Sunday night").await;
    check_in(
        &bot,
        ANA,
        at("2026-11-29T23:30:00Z"),
        "Monday, just after midnight",
    )
    .await;
    assert_eq!(weeks(&bot, ANA.user).await, ["2026-W48", "2026-W49"]);

    // Ben lives in New York: Sunday 23:30 there is Monday 04:30 UTC, still his week 48.
    let zone = run_at(&bot, BEN, "/me timezone zone:america/new_york", at(FRIDAY)).await;
    assert!(text(&json(&zone)).contains("America/New_York"));
    check_in(
        &bot,
        BEN,
        at("2026-11-30T04:30:00Z"),
        "Sunday night in New York",
    )
    .await;
    check_in(&bot, BEN, at("2026-11-30T05:30:00Z"), "Monday in New York").await;
    assert_eq!(weeks(&bot, BEN.user).await, ["2026-W48", "2026-W49"]);

    // And in Tokyo, Monday 00:30 is Sunday 15:30 UTC: already week 49 there.
    let kim = Who::member(GUILD, 103);
    run_at(&bot, kim, "/me timezone zone:Asia/Tokyo", at(FRIDAY)).await;
    check_in(
        &bot,
        kim,
        at("2026-11-29T14:30:00Z"),
        "Sunday 23:30 in Tokyo",
    )
    .await;
    check_in(
        &bot,
        kim,
        at("2026-11-29T15:30:00Z"),
        "Monday 00:30 in Tokyo",
    )
    .await;
    assert_eq!(weeks(&bot, kim.user).await, ["2026-W48", "2026-W49"]);
}

#[tokio::test]
async fn checking_in_again_the_same_week_edits_that_check_in() {
    let bot = bot_with_checkins("").await;
    let first = check_in(&bot, ANA, at(FRIDAY), "Read two chapters").await;
    assert!(text(&json(&first)).contains("Weekly check-in"));

    let form = open(&bot, ANA, at("2026-11-28T09:00:00Z")).await;
    assert_eq!(form.title, "Edit this week's check-in");
    assert_eq!(form.fields[0].value.as_deref(), Some("Read two chapters"));

    let edited = submit(
        &bot,
        ANA,
        at("2026-11-28T09:00:00Z"),
        &[("did", "Read three chapters"), ("goal", "Finish the book")],
    )
    .await;
    assert!(text(&json(&edited)).contains("Check-in updated"));
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT did, next_goal FROM checkins WHERE guild_id = $1")
            .bind(GUILD as i64)
            .fetch_all(&bot.app.db)
            .await
            .unwrap();
    assert_eq!(
        rows,
        [("Read three chapters".into(), "Finish the book".into())]
    );
    let points: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(points), 0)::bigint FROM points_ledger WHERE kind = 'checkin'",
    )
    .fetch_one(&bot.app.db)
    .await
    .unwrap();
    assert_eq!(points, 5, "an edit earns nothing more");
}

/// Submissions of many members at once share statements (`db::batch`), and one member's
/// two submissions at once never share one: each member gets their own check-in, its award
/// once, and their own confirmation.
#[tokio::test]
async fn many_members_checking_in_at_once_each_get_their_own() {
    // Sixty submissions at once on two cores can queue past production's 1.5 s bound on a
    // busy machine; this test is about who gets which check-in, not about that bound (which
    // `dispatch` tests), so its waits are bounded more loosely.
    let bot = support::bot_with_db_timeout(std::time::Duration::from_secs(10)).await;
    enable(&bot, GUILD, "", at(FRIDAY)).await;
    let bot = std::sync::Arc::new(bot);
    let members: Vec<Who> = (1..=30).map(|n| Who::member(GUILD, 5_000 + n)).collect();
    // Each member twice at once: the second is an edit.
    let tasks: Vec<_> = members
        .iter()
        .chain(members.iter())
        .map(|&who| {
            let bot = bot.clone();
            tokio::spawn(async move {
                let did = format!("Notes of member {}", who.user);
                check_in(&bot, who, at(FRIDAY), &did).await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let said = text(&json(&task.await.unwrap()));
        if !said.contains("Check-in updated") {
            created += 1;
        }
    }
    assert_eq!(created, members.len(), "one new check-in per member");
    for who in &members {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT c.did, (SELECT SUM(points) FROM points_ledger l
                            WHERE l.guild_id = c.guild_id AND l.user_id = c.user_id)::bigint
             FROM checkins c WHERE c.guild_id = $1 AND c.user_id = $2",
        )
        .bind(GUILD as i64)
        .bind(who.user as i64)
        .fetch_all(&bot.app.db)
        .await
        .unwrap();
        assert_eq!(rows, [(format!("Notes of member {}", who.user), 5)]);
    }
}

#[tokio::test]
async fn the_form_shows_last_weeks_goal_and_records_whether_it_was_met() {
    let bot = bot_with_checkins("").await;
    let form = open(&bot, ANA, at(FRIDAY)).await;
    assert_eq!(form.fields.len(), 4, "no earlier goal to ask about");
    submit(
        &bot,
        ANA,
        at(FRIDAY),
        &[
            ("did", "Set up PyTorch"),
            ("goal", "Train a CNN on CIFAR-10"),
        ],
    )
    .await;

    let next_week = at("2026-12-02T12:00:00Z");
    let form = open(&bot, ANA, next_week).await;
    assert_eq!(form.title, "Weekly check-in");
    let met = &form.fields[4];
    assert!(met.label.contains("yes, partly or no"));
    assert!(met
        .placeholder
        .as_deref()
        .unwrap()
        .contains("Train a CNN on CIFAR-10"));
    submit(
        &bot,
        ANA,
        next_week,
        &[
            ("did", "Trained it"),
            ("goal", "Tune it"),
            ("met", "Partly"),
        ],
    )
    .await;
    let met: Option<String> =
        sqlx::query_scalar("SELECT met_last_goal FROM checkins WHERE week = '2026-W49'")
            .fetch_one(&bot.app.db)
            .await
            .unwrap();
    assert_eq!(met.as_deref(), Some("partly"));
}

/// Checks Ana in on each of these weeks after week 40 of 2026 (Fridays, noon UTC).
async fn check_in_weeks(bot: &Dispatcher, weeks: &[i64]) {
    let week_40 = at("2026-10-02T12:00:00Z");
    for week in weeks {
        check_in(
            bot,
            ANA,
            week_40 + chrono::Duration::weeks(*week),
            "Studied",
        )
        .await;
    }
}

async fn history_at(bot: &Dispatcher, week: i64) -> String {
    let when = at("2026-10-02T12:00:00Z") + chrono::Duration::weeks(week);
    text(&json(&run_at(bot, ANA, "/checkins", when).await))
}

#[tokio::test]
async fn a_freeze_keeps_a_streak_over_a_missed_week() {
    let bot = bot_with_checkins("").await;
    // Four weeks earn a freeze; week 4 is missed; week 5 goes on.
    check_in_weeks(&bot, &[0, 1, 2, 3, 5]).await;
    let shown = history_at(&bot, 5).await;
    assert!(shown.contains("🔥 5 weeks · ❄️ 0 freezes held"), "{shown}");
    assert!(
        shown.contains("**26 Oct – 1 Nov** ❄️ missed, kept by a freeze"),
        "{shown}"
    );
}

#[tokio::test]
async fn without_a_freeze_a_missed_week_breaks_the_streak() {
    let bot = bot_with_checkins("").await;
    check_in_weeks(&bot, &[0, 1, 2, 4]).await;
    let shown = history_at(&bot, 4).await;
    assert!(shown.contains("🔥 1 week · ❄️ 0 freezes held"), "{shown}");
    assert!(shown.contains("**19 Oct – 25 Oct** ❌ missed"), "{shown}");
    // Nothing this week yet and no freeze: at risk.
    let next = history_at(&bot, 5).await;
    assert!(
        next.contains("At risk") && next.contains("⏳ not yet this week"),
        "{next}"
    );
}

#[tokio::test]
async fn freezes_are_earned_at_the_servers_pace_and_capped_at_two() {
    let bot = bot_with_checkins("freeze-every:2").await;
    check_in_weeks(&bot, &[0, 1]).await;
    assert!(history_at(&bot, 1).await.contains("❄️ 1 freeze held"));
    check_in_weeks(&bot, &[2, 3, 4, 5, 6, 7]).await;
    assert!(history_at(&bot, 7)
        .await
        .contains("🔥 8 weeks · ❄️ 2 freezes held"));
}

#[tokio::test]
async fn mistakes_are_explained_nothing_is_saved_and_the_form_reopens_as_typed() {
    let bot = bot_with_checkins("").await;
    let long = "x".repeat(1001);
    for (fields, expected) in [
        (
            vec![("did", ""), ("goal", "Ship it")],
            "What you did** is empty",
        ),
        (
            vec![("did", long.as_str()), ("goal", "Ship it")],
            "keep it to 1000",
        ),
        (
            vec![
                ("did", "Built a demo"),
                ("goal", "Ship it"),
                ("link", "ftp://example.com/demo"),
            ],
            "https://",
        ),
    ] {
        let outcome = submit(&bot, ANA, at(FRIDAY), &fields).await;
        let body = json(&outcome);
        assert_eq!(body["data"]["flags"], json!(64), "private");
        assert!(text(&body).contains(expected), "{body}");
        assert_eq!(
            body["data"]["components"][0]["components"][0]["custom_id"],
            "checkin:retry"
        );
    }
    assert!(weeks(&bot, ANA.user).await.is_empty(), "nothing saved");

    // The button opens the form again with what was typed last.
    let action = Action::Component {
        custom_id: "checkin:retry".into(),
        values: Vec::new(),
        on_ephemeral: true,
    };
    let mut click = ANA.invocation(action);
    click.now = at(FRIDAY);
    let Response::Modal(form) = bot.dispatch(&click).await.response else {
        panic!("expected the form again");
    };
    assert_eq!(form.fields[0].value.as_deref(), Some("Built a demo"));
    assert_eq!(
        form.fields[3].value.as_deref(),
        Some("ftp://example.com/demo")
    );

    // Fixed and sent: saved, and the draft is gone.
    check_in(&bot, ANA, at(FRIDAY), "Built a demo").await;
    let drafts: i64 = sqlx::query_scalar("SELECT count(*) FROM checkin_drafts")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert_eq!(drafts, 0);
}

#[tokio::test]
async fn check_in_text_never_pings_anyone() {
    let bot = bot_with_checkins("").await;
    let sneaky = "@everyone @here <@&555> <@777> look at this";
    let outcome = submit(&bot, ANA, at(FRIDAY), &[("did", sneaky), ("goal", sneaky)]).await;
    let body = json(&outcome);
    assert!(text(&body).contains(sneaky), "echoed as typed");
    assert_ne!(body["data"]["flags"], json!(64), "public by default");
    crate::checkin_posts::assert_no_mentions(&body["data"]["allowed_mentions"]);
}

#[tokio::test]
async fn confirmations_are_private_when_the_server_says_so() {
    let bot = bot_with_checkins("public:false").await;
    let outcome = check_in(&bot, ANA, at(FRIDAY), "Quiet week").await;
    assert_eq!(json(&outcome)["data"]["flags"], json!(64));
}

/// Review item 1: a hidden member's check-in was confirmed publicly, text and all.
#[tokio::test]
async fn a_hidden_members_confirmation_is_private_in_a_public_server() {
    let bot = bot_with_checkins("").await;
    let shown = check_in(&bot, BEN, at(FRIDAY), "Out loud").await;
    assert_ne!(
        json(&shown)["data"]["flags"],
        json!(64),
        "public by default"
    );
    run_at(&bot, ANA, "/privacy hide", at(FRIDAY)).await;
    let outcome = check_in(&bot, ANA, at(FRIDAY), "Quietly").await;
    assert_eq!(
        json(&outcome)["data"]["flags"],
        json!(64),
        "{}",
        json(&outcome)
    );
    assert!(
        text(&json(&outcome)).contains("Quietly"),
        "the member still sees it"
    );
}

#[tokio::test]
async fn another_members_history_is_shown_only_if_they_do_not_hide() {
    let bot = bot_with_checkins("").await;
    check_in(&bot, BEN, at(FRIDAY), "Studied").await;
    let line = format!("/checkins member:@{}", BEN.user);
    assert!(text(&json(&run_at(&bot, ANA, &line, at(FRIDAY)).await)).contains("🔥 1 week"));
    run_at(&bot, BEN, "/privacy hide", at(FRIDAY)).await;
    let hidden = run_at(&bot, ANA, &line, at(FRIDAY)).await;
    assert!(hidden.failed);
    assert!(text(&json(&hidden)).contains("keeps their progress private"));
}

#[tokio::test]
async fn checkin_is_closed_while_check_ins_are_off_and_me_shows_what_is_stored() {
    let bot = support::bot().await;
    let closed = run_at(&bot, ANA, "/checkin", at(FRIDAY)).await;
    assert!(closed.failed);
    assert!(text(&json(&closed)).contains("/settings checkins"));

    enable(&bot, GUILD, "", at(FRIDAY)).await;
    check_in(&bot, ANA, at(FRIDAY), "Studied").await;
    run_at(&bot, ANA, "/me reminders state:on", at(FRIDAY)).await;
    let me = text(&json(&run_at(&bot, ANA, "/me show", at(FRIDAY)).await));
    assert!(me.contains("Europe/Berlin (the server's"), "{me}");
    assert!(me.contains("On: the weekly reminder names you"), "{me}");
    // Review item 9: real plurals ("1 topics done · 1 check-ins" before).
    assert!(me.contains("0 topics done · 1 check-in · 5 points"), "{me}");
    let bad = run_at(&bot, ANA, "/me timezone zone:Mars/Olympus", at(FRIDAY)).await;
    assert!(bad.failed && text(&json(&bad)).contains("zone:Europe/Berlin"));
}

/// Review item 11: a new member saw seven rows of "`2026-W42` · before the first check-in".
#[tokio::test]
async fn weeks_read_as_dates_and_those_before_the_first_check_in_are_one_line() {
    let bot = bot_with_checkins("").await;
    check_in_weeks(&bot, &[5]).await;
    let shown = history_at(&bot, 6).await;
    assert!(!shown.contains("-W"), "no week codes: {shown}");
    assert_eq!(
        shown.matches("before the first check-in").count(),
        1,
        "{shown}"
    );
    // Of the eight weeks shown (ISO weeks 39 to 46), 39 to 44 came before the check-in of
    // week 45; week 46 is this one.
    assert!(
        shown.contains("**21 Sep – 1 Nov** · 6 weeks before the first check-in"),
        "{shown}"
    );
    assert!(shown.contains("**2 Nov – 8 Nov** ✅ checked in"), "{shown}");
    assert!(
        shown.contains("**9 Nov – 15 Nov** ⏳ not yet this week"),
        "{shown}"
    );
}

/// Review item 3: the digest, which quotes blockers, was accepted into the members' channel.
#[tokio::test]
async fn the_staff_digest_never_goes_to_a_members_channel() {
    let fake = crate::support::fake_discord::FakeDiscord::start().await;
    let bot = support::bot_with_discord(&fake).await;
    let staff = Who::staff(GUILD, 1);
    let line = |channel: u64, staff_channel: u64| {
        format!(
            "/settings checkins channel:#{channel} staff-channel:#{staff_channel} \
             reminder-day:Friday reminder-time:18:00"
        )
    };
    let refused = |outcome: waypoint::commands::Outcome| {
        let body = json(&outcome);
        assert!(outcome.failed, "{body}");
        assert_eq!(body["data"]["flags"], 64, "{body}");
        text(&body)
    };
    let said = refused(run_at(&bot, staff, &line(42, 42), at(FRIDAY)).await);
    assert!(said.contains("Pick a staff-only channel"), "{said}");

    let prompts = "/settings prompts channel:#43 day:Monday time:09:00";
    assert!(!run_at(&bot, staff, prompts, at(FRIDAY)).await.failed);
    let said = refused(run_at(&bot, staff, &line(42, 43), at(FRIDAY)).await);
    assert!(said.contains("the weekly prompts"), "{said}");
    let settings: i64 = sqlx::query_scalar("SELECT count(*) FROM checkin_settings")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert_eq!(settings, 0, "a refusal saves nothing");

    // A staff channel everyone can read is accepted with a warning; a hidden one without.
    fake.rest.add_channel(44, GUILD, true);
    fake.rest.add_channel(45, GUILD, false);
    let open = run_at(&bot, staff, &line(42, 44), at(FRIDAY)).await;
    assert!(!open.failed);
    assert!(
        text(&json(&open)).contains("looks open to everyone"),
        "{}",
        json(&open)
    );
    let hidden = run_at(&bot, staff, &line(42, 45), at(FRIDAY)).await;
    assert!(!hidden.failed);
    assert!(
        !text(&json(&hidden)).contains("looks open"),
        "{}",
        json(&hidden)
    );

    // Nor can the prompts move into the staff channel afterwards.
    let moved = "/settings prompts channel:#45 day:Monday time:09:00";
    let said = refused(run_at(&bot, staff, moved, at(FRIDAY)).await);
    assert!(said.contains("staff digest"), "{said}");
}
