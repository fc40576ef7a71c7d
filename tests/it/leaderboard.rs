//! `/leaderboard`: periods in the server's time zone, competition ranks, hidden members left
//! out, the caller's own place, and pages that only ever show the clicker's server.

use waypoint::commands::{Action, Dispatcher};

use crate::support::checkins::at;
use crate::support::schedule::run_at;
use crate::support::{self, json, press_mine, text, Who};

const GUILD: u64 = 940_000_000_000_000_001;
const OTHER_GUILD: u64 = 940_000_000_000_000_002;

fn who(n: u64) -> Who {
    Who::member(GUILD, 600 + n)
}

/// Gives `who` `points` at `when` through the ledger (its trigger keeps the totals).
async fn award(bot: &Dispatcher, who: Who, points: i32, when: &str, key: &str) {
    let pool = &bot.app.db;
    sqlx::query("INSERT INTO servers (guild_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(who.guild as i64)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(who.guild as i64)
    .bind(who.user as i64)
    .bind(at(when))
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at)
         VALUES ($1, $2, 'test', $3, $4, $3, $5)",
    )
    .bind(who.guild as i64)
    .bind(who.user as i64)
    .bind(key)
    .bind(points)
    .bind(at(when))
    .execute(pool)
    .await
    .unwrap();
}

/// The histogram ranks are read from (with its changes not folded yet) must agree with the
/// totals it summarises, before and after folding.
async fn assert_histogram_matches_totals(bot: &Dispatcher) {
    let drift = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM (
                 SELECT guild_id, scope, points, SUM(n) AS n FROM (
                     SELECT guild_id, scope, points, members::bigint AS n FROM points_histogram
                     UNION ALL
                     SELECT guild_id, scope, points, change FROM points_histogram_changes
                     UNION ALL
                     SELECT guild_id, scope, points, -count(*) FROM points_totals
                     WHERE NOT hidden AND points > 0 GROUP BY guild_id, scope, points
                 ) AS all_counts
                 GROUP BY guild_id, scope, points HAVING SUM(n) <> 0
             ) AS drifted",
        )
        .fetch_one(&bot.app.db)
        .await
        .unwrap()
    };
    assert_eq!(drift().await, 0, "the histogram drifted from the totals");
    fold(bot).await;
    assert_eq!(drift().await, 0, "folding changed what the histogram says");
    let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM points_histogram_changes")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert_eq!(pending, 0, "a fold moves every change");
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM points_pending")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert_eq!(queued, 0, "a fold moves every queued award");
}

/// Folds queued awards into the totals boards read, as the background fold does every two
/// seconds.
async fn fold(bot: &Dispatcher) {
    waypoint::db::leaderboard::fold(&bot.app.db, waypoint::db::leaderboard::FOLD_BATCH)
        .await
        .unwrap();
}

/// The board as `caller` sees it privately (with their place): the public answer's "My place",
/// once the awards so far are folded.
async fn board(bot: &Dispatcher, caller: Who, line: &str, when: &str) -> String {
    fold(bot).await;
    let outcome = run_at(bot, caller, line, at(when)).await;
    assert!(!outcome.failed, "{line}: {:?}", outcome.response);
    let public = json(&outcome);
    assert!(
        !text(&public).contains("Your place"),
        "the public board has no one's own place: {}",
        text(&public)
    );
    text(&json(&press_mine(bot, caller, &public, at(when)).await))
}

#[tokio::test]
async fn periods_follow_the_servers_time_zone() {
    let bot = support::bot().await;
    run_at(
        &bot,
        Who::staff(GUILD, 1),
        "/settings prompts channel:#5 day:Monday time:09:00 timezone:America/New_York",
        at("2026-11-20T12:00:00Z"),
    )
    .await;
    // Sunday 29 November, 23:30 in New York is Monday 04:30 UTC: still week 48 and November.
    award(&bot, who(1), 10, "2026-11-30T04:30:00Z", "late-sunday").await;
    // Monday 00:30 in New York: week 49, still November.
    award(&bot, who(2), 7, "2026-11-30T05:30:00Z", "early-monday").await;
    // Monday 30 November, 23:30 in New York is 1 December in UTC: still November there.
    award(&bot, who(3), 3, "2026-12-01T04:30:00Z", "last-of-november").await;

    let sunday = board(
        &bot,
        who(9),
        "/leaderboard period:week",
        "2026-11-30T04:45:00Z",
    )
    .await;
    assert!(
        sunday.contains("(23 Nov – 29 Nov)") && sunday.contains("<@601>"),
        "{sunday}"
    );
    assert!(!sunday.contains("<@602>"), "{sunday}");
    let monday = board(
        &bot,
        who(9),
        "/leaderboard period:week",
        "2026-12-01T06:00:00Z",
    )
    .await;
    assert!(monday.contains("(30 Nov – 6 Dec)"), "{monday}");
    assert!(
        monday.contains("<@602>") && monday.contains("<@603>") && !monday.contains("<@601>"),
        "{monday}"
    );
    let november = board(
        &bot,
        who(9),
        "/leaderboard period:month",
        "2026-12-01T04:45:00Z",
    )
    .await;
    assert!(november.contains("(November 2026)"), "{november}");
    for user in ["<@601>", "<@602>", "<@603>"] {
        assert!(november.contains(user), "{november}");
    }
}

#[tokio::test]
async fn equal_points_share_a_rank_hidden_members_are_left_out_and_the_caller_always_sees_their_place(
) {
    let bot = support::bot().await;
    // 1: 50, 2: 40, 3 and 4: 30 (tied), 5: 20 (hidden), 6..=13: 19 down to 12.
    for (n, points) in [(1, 50), (2, 40), (3, 30), (4, 30), (5, 20)] {
        award(
            &bot,
            who(n),
            points,
            "2026-11-20T12:00:00Z",
            &format!("k{n}"),
        )
        .await;
    }
    for n in 6..=13u64 {
        award(
            &bot,
            who(n),
            25 - n as i32,
            "2026-11-20T12:00:00Z",
            &format!("k{n}"),
        )
        .await;
    }
    run_at(&bot, who(5), "/privacy hide", at("2026-11-21T12:00:00Z")).await;

    let top = board(&bot, who(13), "/leaderboard", "2026-11-22T12:00:00Z").await;
    assert!(top.contains("**1.** <@601> · 50 points"), "{top}");
    assert!(
        top.contains("**3.** <@603> · 30 points") && top.contains("**3.** <@604> · 30 points"),
        "{top}"
    );
    assert!(top.contains("**5.** <@606> · 19 points"), "{top}");
    assert!(!top.contains("<@605>"), "hidden: {top}");
    // The caller is 12th of the 12 visible members: not on the page, but told their place.
    assert!(top.contains("You are **#12** with 12 points."), "{top}");

    let hidden = board(&bot, who(5), "/leaderboard", "2026-11-22T12:00:00Z").await;
    assert!(hidden.contains("You are hidden"), "{hidden}");
    assert_histogram_matches_totals(&bot).await;

    // Showing again, more points, and a deletion all keep ranks right.
    run_at(&bot, who(5), "/privacy show", at("2026-11-23T12:00:00Z")).await;
    award(&bot, who(13), 40, "2026-11-23T12:00:00Z", "more").await;
    let action = Action::Component {
        custom_id: "privacy:delete:confirm".into(),
        values: Vec::new(),
        on_ephemeral: true,
    };
    bot.dispatch(&who(1).invocation(action)).await;
    assert_histogram_matches_totals(&bot).await;
    let after = board(&bot, who(13), "/leaderboard", "2026-11-24T12:00:00Z").await;
    assert!(after.contains("**1.** <@613> · 52 points"), "{after}");
    assert!(after.contains("**5.** <@605> · 20 points"), "{after}");
}

/// Others see an award on the board once it is folded; the member who earned it sees it in
/// their own place at once, and in their rank, up or down.
#[tokio::test]
async fn a_members_own_place_counts_awards_not_folded_yet() {
    let bot = support::bot().await;
    award(&bot, who(1), 30, "2026-11-20T12:00:00Z", "a").await;
    award(&bot, who(2), 20, "2026-11-20T12:00:00Z", "b").await;
    fold(&bot).await;
    award(&bot, who(2), 15, "2026-11-21T12:00:00Z", "c").await;

    let place = |caller: Who| {
        let bot = &bot;
        async move {
            let outcome = run_at(bot, caller, "/leaderboard", at("2026-11-21T12:05:00Z")).await;
            let public = text(&json(&outcome));
            let own = text(&json(
                &press_mine(bot, caller, &json(&outcome), at("2026-11-21T12:05:00Z")).await,
            ));
            (public, own)
        }
    };
    let (public, own) = place(who(2)).await;
    assert!(
        public.contains("<@602> · 20 points"),
        "not folded yet: {public}"
    );
    assert!(own.contains("You are **#1** with 35 points."), "{own}");

    // An undo (a negative award) moves the member down at once, not counting their old total.
    award(&bot, who(2), -15, "2026-11-21T12:01:00Z", "c-undo").await;
    fold(&bot).await;
    award(&bot, who(2), -10, "2026-11-21T12:02:00Z", "b-undo").await;
    let (_, own) = place(who(2)).await;
    assert!(own.contains("You are **#2** with 10 points."), "{own}");
    fold(&bot).await;
    // Others see the fold in the next page counted: pages are shared for a few seconds.
    let outcome = run_at(&bot, who(1), "/leaderboard", at("2026-11-21T12:06:00Z")).await;
    let public = text(&json(&outcome));
    assert!(public.contains("<@602> · 10 points"), "{public}");
    assert_histogram_matches_totals(&bot).await;
}

#[tokio::test]
async fn pages_turn_and_never_show_another_servers_members() {
    let bot = support::bot().await;
    for n in 1..=12u64 {
        award(
            &bot,
            who(n),
            100 - n as i32,
            "2026-11-20T12:00:00Z",
            &format!("k{n}"),
        )
        .await;
    }
    let outsider = Who::member(OTHER_GUILD, 700);
    award(&bot, outsider, 5, "2026-11-20T12:00:00Z", "outsider").await;
    fold(&bot).await;

    let click = |who: Who, custom_id: &str| {
        let mut invocation = who.invocation(Action::Component {
            custom_id: custom_id.into(),
            values: Vec::new(),
            on_ephemeral: false,
        });
        invocation.now = at("2026-11-22T12:00:00Z");
        invocation
    };
    let second = json(&bot.dispatch(&click(who(1), "leaderboard:all:1")).await);
    let shown = text(&second);
    assert!(
        shown.contains("**11.** <@611>") && shown.contains("**12.** <@612>"),
        "{shown}"
    );
    assert_eq!(
        second["data"]["flags"],
        serde_json::json!(64),
        "each clicker gets a private copy"
    );
    let next = &second["data"]["components"][0]["components"][1];
    assert_eq!(next["disabled"], true, "no page after the last");

    // The same button pressed in another server shows that server's board.
    let elsewhere = text(&json(
        &bot.dispatch(&click(outsider, "leaderboard:all:0")).await,
    ));
    assert!(elsewhere.contains("<@700>"), "{elsewhere}");
    assert!(!elsewhere.contains("<@601>"), "{elsewhere}");
}

#[tokio::test]
async fn a_phase_board_counts_only_that_phases_points() {
    let bot = support::bot().await;
    let when = "2026-11-20T12:00:00Z";
    run_at(
        &bot,
        who(1),
        "/progress set topic:pytorch state:done",
        at(when),
    )
    .await;
    run_at(
        &bot,
        who(2),
        "/progress set topic:python state:done",
        at(when),
    )
    .await;
    let phase_two = board(&bot, who(9), "/leaderboard phase:2", "2026-11-21T12:00:00Z").await;
    assert!(
        phase_two.contains("Phase 2 ·") && phase_two.contains("<@601> · 10 points"),
        "{phase_two}"
    );
    assert!(!phase_two.contains("<@602>"), "{phase_two}");
}

#[tokio::test]
async fn changing_the_servers_time_zone_recounts_weeks_and_months() {
    let bot = support::bot().await;
    // Sunday 29 November 23:30 UTC: week 48 in UTC, but Monday (week 49) in Berlin.
    award(&bot, who(1), 10, "2026-11-29T23:30:00Z", "edge").await;
    let utc = board(
        &bot,
        who(9),
        "/leaderboard period:week",
        "2026-11-29T23:45:00Z",
    )
    .await;
    assert!(utc.contains("<@601>"), "{utc}");
    run_at(
        &bot,
        Who::staff(GUILD, 1),
        "/settings prompts channel:#5 day:Monday time:09:00 timezone:Europe/Berlin",
        at("2026-11-29T23:40:00Z"),
    )
    .await;
    let berlin = board(
        &bot,
        who(9),
        "/leaderboard period:week",
        "2026-11-29T23:45:00Z",
    )
    .await;
    assert!(
        berlin.contains("(30 Nov – 6 Dec)") && berlin.contains("<@601>"),
        "{berlin}"
    );
    let before = board(
        &bot,
        who(9),
        "/leaderboard period:week",
        "2026-11-29T22:00:00Z",
    )
    .await;
    assert!(
        before.contains("(23 Nov – 29 Nov)") && !before.contains("<@601>"),
        "{before}"
    );
}

/// Review item 5: `phase:1 period:week` showed all-time numbers under "Phase 1", and
/// `challenge:… period:week` dropped the period. Every such combination is refused privately.
#[tokio::test]
async fn options_that_do_not_combine_are_refused_not_dropped() {
    let bot = support::bot().await;
    for line in [
        "/leaderboard phase:1 period:week",
        "/leaderboard phase:2 period:month",
        "/leaderboard challenge:Sprint period:week",
        "/leaderboard challenge:Sprint phase:1",
    ] {
        let outcome = run_at(&bot, who(1), line, at("2026-11-27T12:00:00Z")).await;
        let body = json(&outcome);
        assert!(outcome.failed, "{line}: {body}");
        assert_eq!(body["data"]["flags"], 64, "{line}");
        assert!(
            text(&body).contains("`/leaderboard"),
            "{line}: says what to run instead"
        );
    }
    // What does combine still works: a phase board is all time.
    let outcome = run_at(
        &bot,
        who(1),
        "/leaderboard phase:1 period:all",
        at("2026-11-27T12:00:00Z"),
    )
    .await;
    assert!(!outcome.failed, "{}", json(&outcome));
}
