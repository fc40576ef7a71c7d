//! `/challenge`: the window in the server's time zone, ranking and the tie rule, joining late
//! and leaving, ending early and cancelling, the announcements (each exactly once, whatever
//! the number of schedulers), finishers' points and role, and every refusal changing nothing.

use waypoint::challenges::Goal;
use waypoint::commands::Dispatcher;
use waypoint::render::challenge::bar;

use crate::support::checkins::{at, check_in, enable};
use crate::support::fake_discord::{Failure, FakeDiscord};
use crate::support::schedule::{pass, posting_bot, run_at, TestClock};
use crate::support::{bot, db, json, press_mine, text, Who};

const GUILD: u64 = 950_000_000_000_000_001;
const OTHER_GUILD: u64 = 950_000_000_000_000_002;
const CHANNEL: u64 = 960_000_000_000_000_001;
const ROLE: u64 = 970_000_000_000_000_001;

/// Tuesday 1 December 2026; the server runs on Berlin time (UTC+1 in December).
const CREATED: &str = "2026-12-01T12:00:00Z";
/// 7 to 13 December in Berlin: from 6 Dec 23:00 UTC to 13 Dec 23:00 UTC.
const OPENS: &str = "2026-12-06T23:00:00Z";
const HALFWAY: &str = "2026-12-10T11:00:00Z";
const CLOSES: &str = "2026-12-13T23:00:00Z";
const SPRINT: &str = "name:\"Winter sprint\" goal:topics target:2 start:2026-12-07 end:2026-12-13";

fn member(n: u64) -> Who {
    Who::member(GUILD, 500 + n)
}

fn staff() -> Who {
    Who::staff(GUILD, 1)
}

/// Runs `line` as `who` at `now`; it must succeed. Returns the response JSON.
async fn ok(bot: &Dispatcher, who: Who, line: &str, now: &str) -> serde_json::Value {
    let outcome = run_at(bot, who, line, at(now)).await;
    let body = json(&outcome);
    assert!(!outcome.failed, "{line} failed: {}", text(&body));
    body
}

/// Runs `line`; it must be refused privately with a message containing `needle`.
async fn refused(bot: &Dispatcher, who: Who, line: &str, now: &str, needle: &str) {
    let outcome = run_at(bot, who, line, at(now)).await;
    let body = json(&outcome);
    assert!(outcome.failed, "{line} was accepted: {}", text(&body));
    assert_eq!(body["data"]["flags"], 64, "{line}: the refusal is private");
    let shown = text(&body);
    assert!(
        shown.contains(needle),
        "{line}: expected {needle:?} in {shown}"
    );
}

/// A server on Berlin time (check-ins turned on set its zone).
async fn berlin(bot: &Dispatcher) {
    enable(bot, GUILD, "", at(CREATED)).await;
}

async fn create(bot: &Dispatcher, options: &str) -> serde_json::Value {
    let line = format!("/challenge create {options} channel:#{CHANNEL}");
    ok(bot, staff(), &line, CREATED).await
}

async fn done(bot: &Dispatcher, who: Who, topic: &str, when: &str) {
    let line = format!("/progress set topic:{topic} state:done");
    ok(bot, who, &line, when).await;
}

/// `/challenge status` as `who` sees it privately: the public standing's "My progress".
async fn status(bot: &Dispatcher, who: Who, now: &str) -> String {
    mine(bot, who, "/challenge status name:\"winter sprint\"", now).await
}

/// Runs `line` (a public answer) and presses its "My …" button: the text of `who`'s own copy.
async fn mine(bot: &Dispatcher, who: Who, line: &str, now: &str) -> String {
    let public = ok(bot, who, line, now).await;
    let own = json(&press_mine(bot, who, &public, at(now)).await);
    assert_eq!(
        own["data"]["flags"], 64,
        "{line}: the caller's copy is private"
    );
    text(&own)
}

/// A standing line as `/challenge status` shows it.
fn line(rank: i64, who: Who, count: i64, target: i64) -> String {
    format!(
        "**{rank}.** <@{}> {}",
        who.user,
        bar(Goal::Topics, count, target)
    )
}

async fn count(bot: &Dispatcher, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&bot.app.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn only_activity_inside_the_window_in_the_servers_time_zone_counts() {
    let bot = bot().await;
    berlin(&bot).await;
    create(&bot, SPRINT).await;
    let (early, late) = (member(1), member(2));
    for who in [early, late] {
        ok(&bot, who, "/challenge join name:\"Winter sprint\"", CREATED).await;
    }
    // 6 Dec 23:59 in Berlin is outside; 7 Dec 00:00 is inside.
    done(&bot, early, "python", "2026-12-06T22:59:00Z").await;
    done(&bot, early, "dsa", "2026-12-06T23:00:00Z").await;
    // 13 Dec 23:59 in Berlin is inside; 14 Dec 00:00 is outside.
    done(&bot, late, "python", "2026-12-13T22:59:00Z").await;
    done(&bot, late, "dsa", "2026-12-13T23:00:00Z").await;

    let shown = status(&bot, member(3), "2026-12-14T08:00:00Z").await;
    assert!(shown.contains(&line(1, early, 1, 2)), "{shown}");
    assert!(shown.contains(&line(1, late, 1, 2)), "{shown}");
    assert!(
        shown.contains("You haven't joined") || shown.contains("You were not in"),
        "{shown}"
    );

    // Check-ins count the same way: the window, not the member's week label.
    let checkins = "name:Steady goal:checkins target:1 start:2026-12-07 end:2026-12-13";
    create(&bot, checkins).await;
    ok(&bot, early, "/challenge join name:steady", CREATED).await;
    check_in(&bot, early, at("2026-12-06T22:30:00Z"), "Before the window").await;
    let before = mine(
        &bot,
        early,
        "/challenge status name:Steady",
        "2026-12-07T10:00:00Z",
    )
    .await;
    assert!(before.contains(&bar(Goal::Checkins, 0, 1)), "{before}");
    check_in(&bot, early, at("2026-12-13T22:30:00Z"), "Last evening").await;
    let after = mine(
        &bot,
        early,
        "/challenge status name:Steady",
        "2026-12-14T10:00:00Z",
    )
    .await;
    assert!(
        after.contains(&format!("**#1** · {}", bar(Goal::Checkins, 1, 1))),
        "{after}"
    );
}

#[tokio::test]
async fn equal_progress_goes_to_who_reached_the_target_first_and_late_joiners_count_from_the_start()
{
    let bot = bot().await;
    berlin(&bot).await;
    create(&bot, SPRINT).await;
    let join = "/challenge join name:\"Winter sprint\"";
    let (first, second, most, late, also, quitter) = (
        member(1),
        member(2),
        member(3),
        member(4),
        member(5),
        member(6),
    );
    for who in [first, second, most, also, quitter] {
        ok(&bot, who, join, "2026-12-07T08:00:00Z").await;
    }
    // `second` reaches 2 at 10:30, `first` at 11:00: same progress, `second` ranks higher.
    done(&bot, first, "python", "2026-12-08T09:00:00Z").await;
    done(&bot, second, "python", "2026-12-08T09:30:00Z").await;
    done(&bot, second, "dsa", "2026-12-08T10:30:00Z").await;
    done(&bot, first, "dsa", "2026-12-08T11:00:00Z").await;
    // More progress beats reaching the target earlier.
    for topic in ["python", "dsa", "sql"] {
        done(&bot, most, topic, "2026-12-09T12:00:00Z").await;
    }
    // Activity before joining counts: `late` joins after marking a topic.
    done(&bot, late, "calculus", "2026-12-08T12:00:00Z").await;
    ok(&bot, late, join, "2026-12-10T12:00:00Z").await;
    done(&bot, also, "sql", "2026-12-09T12:00:00Z").await;
    // Whoever leaves drops out of the standing.
    for topic in ["python", "dsa", "sql", "calculus"] {
        done(&bot, quitter, topic, "2026-12-08T12:00:00Z").await;
    }
    ok(
        &bot,
        quitter,
        "/challenge leave name:\"Winter sprint\"",
        "2026-12-10T12:00:00Z",
    )
    .await;
    refused(
        &bot,
        quitter,
        "/challenge leave name:\"Winter sprint\"",
        "2026-12-10T12:05:00Z",
        "You're not in",
    )
    .await;

    let shown = status(&bot, first, "2026-12-11T12:00:00Z").await;
    for expected in [
        line(1, most, 3, 2),
        line(2, second, 2, 2),
        line(3, first, 2, 2),
        line(4, late, 1, 2),
        line(4, also, 1, 2),
    ] {
        assert!(shown.contains(&expected), "missing {expected:?} in {shown}");
    }
    assert!(!shown.contains(&format!("<@{}>", quitter.user)), "{shown}");
    assert!(shown.contains("**#3**"), "the caller's own line: {shown}");
    assert!(
        shown.contains("whoever reached the target first"),
        "{shown}"
    );

    // The same standing on the leaderboard, with equal progress sharing a rank.
    let board = mine(
        &bot,
        also,
        "/leaderboard challenge:\"winter sprint\"",
        "2026-12-11T12:00:00Z",
    )
    .await;
    assert!(
        board.contains(&format!("**4.** <@{}> · 1/2 topics\n", late.user)),
        "{board}"
    );
    assert!(
        board.contains(&format!("**4.** <@{}> · 1/2 topics ← you", also.user)),
        "{board}"
    );
    assert!(
        board.contains(&format!("**1.** <@{}> · 2/2 ✅ (3 topics)", most.user)),
        "{board}"
    );

    // Standings are shared between requests for a few seconds, but a member's own line is
    // counted afresh: `also` reaches the target last of the four who did, so ranks fourth,
    // even while the shared standing still shows the count from before.
    let before = status(&bot, also, "2026-12-11T12:01:00Z").await;
    assert!(before.contains(&line(4, also, 1, 2)), "{before}");
    done(&bot, also, "calculus", "2026-12-11T12:01:01Z").await;
    let mine = status(&bot, also, "2026-12-11T12:01:02Z").await;
    assert!(
        mine.contains(&format!("**#4** · {}", bar(Goal::Topics, 2, 2))),
        "{mine}"
    );
    assert!(
        mine.contains(&line(4, also, 1, 2)),
        "shared for a few seconds: {mine}"
    );
}

#[tokio::test]
async fn bad_challenges_and_bad_joins_are_refused_and_change_nothing() {
    let bot = bot().await;
    berlin(&bot).await;
    let base = |name: &str, rest: &str| {
        format!("/challenge create name:\"{name}\" {rest} channel:#{CHANNEL}")
    };
    let cases = [
        (
            base("A", "goal:topics target:2 start:2026-12-13 end:2026-12-07"),
            "is before the start",
        ),
        (
            base("A", "goal:topics target:2 start:2026-11-29 end:2026-12-07"),
            "more than a day in the past",
        ),
        (
            base(
                "   ",
                "goal:topics target:2 start:2026-12-07 end:2026-12-13",
            ),
            "Give the challenge a name",
        ),
        (
            base("A", "goal:topics target:0 start:2026-12-07 end:2026-12-13"),
            "target",
        ),
        (
            base(
                "A",
                "goal:topics target:99 phase:1 start:2026-12-07 end:2026-12-13",
            ),
            "can't be reached",
        ),
        (
            base(
                "A",
                "goal:checkins target:5 start:2026-12-07 end:2026-12-13",
            ),
            // Review item 9: "1 check-in weeks" before.
            "touches 1 check-in week (",
        ),
        (
            base(
                "A",
                "goal:phase target:2 phase:2 start:2026-12-07 end:2026-12-13",
            ),
            "can't be reached",
        ),
        (
            base(
                "A",
                "goal:topics target:2 phase:9 start:2026-12-07 end:2026-12-13",
            ),
            "phase",
        ),
        (
            base(
                "A",
                "goal:checkins target:1 phase:2 start:2026-12-07 end:2026-12-13",
            ),
            "leave out `phase`",
        ),
        (
            base("A", "goal:topics target:2 start:07/12/2026 end:2026-12-13"),
            "YYYY-MM-DD",
        ),
        // Review item 7: the right shape, but no such day.
        (
            base("A", "goal:topics target:2 start:2026-12-07 end:2027-02-30"),
            "`2027-02-30` has no such day: February 2027 has 28 days",
        ),
        (
            base("A", "goal:topics target:2 start:2026-12-07 end:2028-12-13"),
            "at most 366 days",
        ),
    ];
    for (line, needle) in &cases {
        refused(&bot, staff(), line, CREATED, needle).await;
    }
    refused(
        &bot,
        member(1),
        &base("A", "goal:topics target:2 start:2026-12-07 end:2026-12-13"),
        CREATED,
        "for server staff",
    )
    .await;
    assert_eq!(count(&bot, "SELECT count(*) FROM challenges").await, 0);
    assert_eq!(
        count(
            &bot,
            "SELECT count(*) FROM scheduled_posts WHERE kind LIKE 'challenge%'"
        )
        .await,
        0
    );

    create(&bot, SPRINT).await;
    let duplicate = base(
        "WINTER SPRINT",
        "goal:checkins target:1 start:2026-12-07 end:2026-12-13",
    );
    refused(&bot, staff(), &duplicate, CREATED, "already called").await;
    refused(
        &bot,
        member(1),
        "/challenge join name:nope",
        CREATED,
        "no challenge called",
    )
    .await;
    refused(
        &bot,
        member(1),
        "/challenge leave name:\"Winter sprint\"",
        CREATED,
        "You're not in",
    )
    .await;
    ok(
        &bot,
        member(1),
        "/challenge join name:\"Winter sprint\"",
        CREATED,
    )
    .await;
    refused(
        &bot,
        member(1),
        "/challenge join name:\"Winter sprint\"",
        CREATED,
        "already in",
    )
    .await;
    refused(
        &bot,
        member(1),
        "/challenge end name:\"Winter sprint\"",
        "2026-12-08T12:00:00Z",
        "for server staff",
    )
    .await;
    refused(
        &bot,
        staff(),
        "/challenge end name:\"Winter sprint\"",
        CREATED,
        "hasn't started",
    )
    .await;
    // After its last day nobody joins, and nobody leaves a finished challenge.
    refused(
        &bot,
        member(2),
        "/challenge join name:\"Winter sprint\"",
        "2026-12-14T08:00:00Z",
        "has ended",
    )
    .await;
    assert_eq!(count(&bot, "SELECT count(*) FROM challenges").await, 1);
    assert_eq!(
        count(&bot, "SELECT count(*) FROM challenge_members").await,
        1
    );
    // Another server sees none of it.
    let elsewhere = Who::member(OTHER_GUILD, 501);
    refused(
        &bot,
        elsewhere,
        "/challenge join name:\"Winter sprint\"",
        CREATED,
        "no challenge called",
    )
    .await;
}

#[tokio::test]
async fn start_halfway_and_results_are_announced_once_each_with_two_schedulers_and_a_restart() {
    let fake = FakeDiscord::start().await;
    let pool = db::fresh_pool().await;
    let one = posting_bot(pool.clone(), &fake);
    let two = posting_bot(pool.clone(), &fake);
    berlin(&one).await;
    create(&one, &format!("{SPRINT} role:@&{ROLE}")).await;
    let (winner, runner_up, trying) = (member(1), member(2), member(3));
    for who in [winner, runner_up, trying] {
        ok(&one, who, "/challenge join name:\"Winter sprint\"", CREATED).await;
    }
    done(&one, winner, "python", "2026-12-07T09:00:00Z").await;
    done(&one, winner, "dsa", "2026-12-07T10:00:00Z").await;
    done(&one, runner_up, "python", "2026-12-08T09:00:00Z").await;
    done(&one, runner_up, "dsa", "2026-12-08T10:00:00Z").await;
    done(&one, trying, "python", "2026-12-08T09:00:00Z").await;

    let clock = TestClock::at(CREATED);
    for moment in [OPENS, HALFWAY, CLOSES] {
        clock.set(moment);
        tokio::join!(pass(&one, &clock), pass(&two, &clock));
        clock.advance(chrono::Duration::minutes(1));
        tokio::join!(pass(&one, &clock), pass(&two, &clock));
    }
    // A restarted process goes over the same ground and finds nothing left to post.
    let restarted = posting_bot(pool.clone(), &fake);
    for moment in [OPENS, HALFWAY, CLOSES, "2026-12-14T12:00:00Z"] {
        clock.set(moment);
        pass(&restarted, &clock).await;
    }

    let posts: Vec<String> = fake
        .rest
        .created()
        .iter()
        .filter(|c| c.channel == CHANNEL.to_string())
        .map(|c| {
            assert_eq!(c.body["allowed_mentions"]["parse"], serde_json::json!([]));
            text(&c.body)
        })
        .collect();
    assert_eq!(posts.len(), 3, "{posts:#?}");
    assert!(
        posts[0].contains("Challenge started: Winter sprint"),
        "{}",
        posts[0]
    );
    assert!(posts[1].contains("Halfway: Winter sprint"), "{}", posts[1]);
    assert!(posts[1].contains(&line(1, winner, 2, 2)), "{}", posts[1]);
    let results = &posts[2];
    assert!(results.contains("Winter sprint has ended"), "{results}");
    assert!(
        results.contains(&format!("🥇 <@{}>", winner.user)),
        "{results}"
    );
    assert!(
        results.contains(&format!("🥈 <@{}>", runner_up.user)),
        "{results}"
    );
    assert!(
        !results.contains(&format!("<@{}>", trying.user)),
        "{results}"
    );
    assert!(results.contains("Tie rule"), "{results}");
    fake.rest.assert_spec_clean();

    // Finishers got the points once and the role; the one who fell short got neither.
    let awarded = count(
        &one,
        "SELECT count(*) FROM points_ledger WHERE kind = 'challenge' AND points = 25",
    )
    .await;
    assert_eq!(awarded, 2);
    let role_puts: Vec<String> = fake
        .rest
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with(&format!("/roles/{ROLE}")))
        .map(|r| r.path)
        .collect();
    assert_eq!(role_puts.len(), 2, "{role_puts:?}");
    assert!(role_puts
        .iter()
        .all(|p| !p.contains(&trying.user.to_string())));
    let list = text(&ok(&one, trying, "/challenge list", "2026-12-14T12:00:00Z").await);
    assert!(list.contains("Ended"), "{list}");
}

#[tokio::test]
async fn ending_early_posts_results_at_once_and_a_refused_role_keeps_the_points() {
    let fake = FakeDiscord::start().await;
    let bot = posting_bot(db::fresh_pool().await, &fake);
    berlin(&bot).await;
    create(&bot, &format!("{SPRINT} role:@&{ROLE}")).await;
    let finisher = member(1);
    ok(
        &bot,
        finisher,
        "/challenge join name:\"Winter sprint\"",
        CREATED,
    )
    .await;
    done(&bot, finisher, "python", "2026-12-07T09:00:00Z").await;
    done(&bot, finisher, "dsa", "2026-12-07T10:00:00Z").await;
    let clock = TestClock::at(OPENS);
    pass(&bot, &clock).await;

    ok(
        &bot,
        staff(),
        "/challenge end name:\"Winter sprint\"",
        "2026-12-08T12:00:00Z",
    )
    .await;
    fake.rest.fail_next(Failure::missing_permissions("/roles/"));
    clock.set("2026-12-08T12:00:30Z");
    pass(&bot, &clock).await;
    // Nothing more: the halfway post was dropped and the end has been posted.
    for moment in [HALFWAY, CLOSES] {
        clock.set(moment);
        pass(&bot, &clock).await;
    }
    let posts: Vec<String> = fake
        .rest
        .created()
        .iter()
        .filter(|c| c.channel == CHANNEL.to_string())
        .map(|c| text(&c.body))
        .collect();
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert!(
        posts[1].contains("was ended early by staff"),
        "{}",
        posts[1]
    );
    assert!(
        posts[1].contains("Manage Roles"),
        "the refusal is reported: {}",
        posts[1]
    );
    let points = count(
        &bot,
        "SELECT COALESCE(SUM(points), 0) FROM points_ledger WHERE kind = 'challenge'",
    )
    .await;
    assert_eq!(points, 25, "the refused role does not cost the points");
    let settings = text(&ok(&bot, staff(), "/settings show", "2026-12-08T13:00:00Z").await);
    assert!(settings.contains("Manage Roles"), "{settings}");
    refused(
        &bot,
        staff(),
        "/challenge end name:\"Winter sprint\"",
        "2026-12-08T13:00:00Z",
        "has ended",
    )
    .await;
    refused(
        &bot,
        finisher,
        "/challenge leave name:\"Winter sprint\"",
        "2026-12-08T13:00:00Z",
        "has ended",
    )
    .await;
}

#[tokio::test]
async fn a_cancelled_challenge_posts_nothing_more_and_awards_nothing() {
    let fake = FakeDiscord::start().await;
    let bot = posting_bot(db::fresh_pool().await, &fake);
    berlin(&bot).await;
    create(&bot, SPRINT).await;
    let finisher = member(1);
    ok(
        &bot,
        finisher,
        "/challenge join name:\"Winter sprint\"",
        CREATED,
    )
    .await;
    done(&bot, finisher, "python", "2026-12-07T09:00:00Z").await;
    done(&bot, finisher, "dsa", "2026-12-07T10:00:00Z").await;
    ok(
        &bot,
        staff(),
        "/challenge cancel name:\"Winter sprint\"",
        "2026-12-07T12:00:00Z",
    )
    .await;

    let clock = TestClock::at(OPENS);
    for moment in [OPENS, HALFWAY, CLOSES] {
        clock.set(moment);
        pass(&bot, &clock).await;
    }
    assert_eq!(
        fake.rest.created_per_channel().get(&CHANNEL.to_string()),
        None
    );
    assert_eq!(
        count(
            &bot,
            "SELECT count(*) FROM points_ledger WHERE kind = 'challenge'"
        )
        .await,
        0
    );
    let shown = status(&bot, finisher, "2026-12-08T12:00:00Z").await;
    assert!(shown.contains("Cancelled"), "{shown}");
    refused(
        &bot,
        member(2),
        "/challenge join name:\"Winter sprint\"",
        "2026-12-08T12:00:00Z",
        "was cancelled",
    )
    .await;
    refused(
        &bot,
        staff(),
        "/challenge cancel name:\"Winter sprint\"",
        "2026-12-08T12:00:00Z",
        "was cancelled",
    )
    .await;
    // The name is free again.
    create(&bot, SPRINT).await;
}

#[tokio::test]
async fn names_autocomplete_per_subcommand_and_pages_stay_in_the_clickers_server() {
    let bot = bot().await;
    berlin(&bot).await;
    create(&bot, SPRINT).await;
    create(
        &bot,
        "name:\"Spring cleaning\" goal:phase target:1 start:2026-12-07 end:2026-12-13",
    )
    .await;
    ok(
        &bot,
        member(1),
        "/challenge join name:\"Spring cleaning\"",
        CREATED,
    )
    .await;
    ok(
        &bot,
        staff(),
        "/challenge cancel name:\"Winter sprint\"",
        CREATED,
    )
    .await;

    let choices = |subcommand: &'static str, focused: &'static str, typed: &'static str| {
        let bot = &bot;
        async move {
            let call = waypoint::commands::CommandCall {
                name: "challenge".into(),
                path: vec![subcommand.into()],
                options: Vec::new(),
            };
            let action = waypoint::commands::Action::Autocomplete {
                call,
                focused: focused.into(),
                partial: typed.into(),
            };
            let mut invocation = member(1).invocation(action);
            invocation.now = at(CREATED);
            text(&json(&bot.dispatch(&invocation).await))
        }
    };
    let joinable = choices("join", "name", "").await;
    assert!(
        joinable.contains("Spring cleaning") && !joinable.contains("Winter sprint"),
        "{joinable}"
    );
    let leavable = choices("leave", "name", "spr").await;
    assert!(leavable.contains("Spring cleaning"), "{leavable}");
    let none = choices("leave", "name", "winter").await;
    assert!(!none.contains("Winter"), "{none}");

    // A page button carries a challenge id; from another server it shows nothing of it.
    let id: i64 = sqlx::query_scalar("SELECT id FROM challenges WHERE name = 'Spring cleaning'")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    let custom_id = format!("leaderboard:challenge-{id}:0");
    let own = crate::support::click_as(&bot, member(1), &custom_id, &[]).await;
    assert!(text(&json(&own)).contains("Spring cleaning"));
    let other =
        crate::support::click_as(&bot, Who::member(OTHER_GUILD, 501), &custom_id, &[]).await;
    let shown = text(&json(&other));
    assert!(
        other.failed && !shown.contains("Spring cleaning"),
        "{shown}"
    );
    assert!(shown.contains("not in this server"), "{shown}");
}

/// Review item 18: joining needs no typed command. The start post and the public standing
/// carry a Join button; pressing it joins the presser, privately, once.
#[tokio::test]
async fn a_join_button_on_the_start_post_and_the_standing_joins_whoever_presses_it() {
    let fake = FakeDiscord::start().await;
    let bot = posting_bot(db::fresh_pool().await, &fake);
    berlin(&bot).await;
    create(&bot, SPRINT).await;
    let clock = TestClock::at(OPENS);
    pass(&bot, &clock).await;
    let start = fake
        .rest
        .created()
        .into_iter()
        .find(|c| c.channel == CHANNEL.to_string())
        .expect("the start post");
    let join = crate::support::button_id(&serde_json::json!({ "data": start.body }), "Join")
        .expect("the start post has a Join button");

    let press = |who: Who, id: String| {
        let bot = &bot;
        async move {
            let mut invocation = who.invocation(waypoint::commands::Action::Component {
                custom_id: id,
                values: Vec::new(),
                on_ephemeral: false,
            });
            invocation.now = at(OPENS);
            json(&bot.dispatch(&invocation).await)
        }
    };
    let joined = press(member(1), join.clone()).await;
    assert_eq!(joined["data"]["flags"], 64, "{joined}");
    assert!(
        text(&joined).contains("You joined **Winter sprint**"),
        "{joined}"
    );
    let again = press(member(1), join.clone()).await;
    assert!(text(&again).contains("already in"), "{again}");
    assert_eq!(
        count(&bot, "SELECT count(*) FROM challenge_members").await,
        1
    );

    // The public standing offers the same button, and no one's own line.
    let public = ok(
        &bot,
        member(2),
        "/challenge status name:\"winter sprint\"",
        OPENS,
    )
    .await;
    assert_ne!(public["data"]["flags"], 64, "{public}");
    assert!(!text(&public).contains("You haven't joined"), "{public}");
    let from_status = crate::support::button_id(&public, "Join").expect("a Join button");
    assert_eq!(from_status, join);
    press(member(2), from_status).await;
    assert_eq!(
        count(&bot, "SELECT count(*) FROM challenge_members").await,
        2
    );
}

/// A challenge's member count is kept by a trigger (not counted per request): it follows
/// joins, a repeated join, leaves and a member deleting their data, and always equals the
/// rows it stands for.
#[tokio::test]
async fn the_member_count_follows_joins_leaves_and_deleted_data() {
    let bot = bot().await;
    berlin(&bot).await;
    create(&bot, SPRINT).await;
    let join = "/challenge join name:\"Winter sprint\"";
    for n in 1..=3 {
        ok(&bot, member(n), join, CREATED).await;
    }
    run_at(&bot, member(1), join, at(CREATED)).await;
    ok(
        &bot,
        member(2),
        "/challenge leave name:\"Winter sprint\"",
        CREATED,
    )
    .await;
    let asked = json(&run_at(&bot, member(3), "/privacy delete", at(CREATED)).await);
    let confirm = asked["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .expect("a confirm button")
        .to_string();
    crate::support::click_as(&bot, member(3), &confirm, &[]).await;

    let listed = text(&ok(&bot, member(4), "/challenge list", CREATED).await);
    assert!(listed.contains("· 1 joined"), "{listed}");
    let kept = count(&bot, "SELECT member_count::bigint FROM challenges").await;
    let rows = count(&bot, "SELECT count(*) FROM challenge_members").await;
    assert_eq!((kept, rows), (1, 1));
}
