//! Answers shared for a few seconds (`/progress show`, `/checkins`, a challenge found by name
//! for `/challenge status`): whoever changes something sees it at once, a member who hides is
//! hidden at once, and a change made by another replica shows once the few seconds pass.

use chrono::Duration;
use waypoint::commands::Dispatcher;

use crate::support::checkins::{at, check_in, enable};
use crate::support::schedule::run_at;
use crate::support::{bot_on, db, json, text, Who};

const GUILD: u64 = 930_000_000_000_000_001;
const ANA: Who = Who::member(GUILD, 931);
const BEN: Who = Who::member(GUILD, 932);
const STAFF: Who = Who::staff(GUILD, 1);
const CHANNEL: u64 = 930_000_000_000_000_009;
/// Every request of a test is stamped with this one time unless it says otherwise, so
/// nothing held expires between them.
const NOW: &str = "2026-12-01T12:00:00Z";

async fn shown(bot: &Dispatcher, who: Who, line: &str, now: &str) -> (bool, String) {
    let outcome = run_at(bot, who, line, at(now)).await;
    (outcome.failed, text(&json(&outcome)))
}

async fn ok(bot: &Dispatcher, who: Who, line: &str, now: &str) -> String {
    let (failed, shown) = shown(bot, who, line, now).await;
    assert!(!failed, "{line}: {shown}");
    shown
}

#[tokio::test]
async fn a_members_own_changes_show_at_once() {
    let bot = bot_on(db::fresh_pool().await, None);
    enable(&bot, GUILD, "", at(NOW)).await;

    let before = ok(&bot, ANA, "/progress show", NOW).await;
    assert!(before.contains("0 points"), "{before}");
    ok(&bot, ANA, "/progress set topic:python state:done", NOW).await;
    let after = ok(&bot, ANA, "/progress show", NOW).await;
    assert!(after.contains("10 points"), "{after}");

    let before = ok(&bot, ANA, "/checkins", NOW).await;
    assert!(!before.contains("✅ checked in"), "{before}");
    check_in(&bot, ANA, at(NOW), "Read the NumPy docs").await;
    let after = ok(&bot, ANA, "/checkins", NOW).await;
    assert!(after.contains("✅ checked in"), "{after}");
    let points = ok(&bot, ANA, "/progress show", NOW).await;
    assert!(
        !points.contains("10 points"),
        "the check-in's award counts at once: {points}"
    );
}

#[tokio::test]
async fn a_member_who_hides_is_hidden_from_others_at_once() {
    let bot = bot_on(db::fresh_pool().await, None);
    enable(&bot, GUILD, "", at(NOW)).await;
    ok(&bot, ANA, "/progress set topic:python state:done", NOW).await;
    check_in(&bot, ANA, at(NOW), "Read the NumPy docs").await;
    let ana = format!("member:<@{}>", ANA.user);
    ok(&bot, BEN, &format!("/progress show {ana}"), NOW).await;
    ok(&bot, BEN, &format!("/checkins {ana}"), NOW).await;

    ok(&bot, ANA, "/privacy hide", NOW).await;
    for line in [format!("/progress show {ana}"), format!("/checkins {ana}")] {
        let (failed, shown) = shown(&bot, BEN, &line, NOW).await;
        assert!(failed, "{line} still shows a hidden member: {shown}");
        assert!(shown.contains("private"), "{shown}");
    }
}

#[tokio::test]
async fn a_challenge_is_found_as_soon_as_it_exists_and_counts_who_joins() {
    let bot = bot_on(db::fresh_pool().await, None);
    let status = "/challenge status name:\"Winter sprint\"";
    let (failed, missing) = shown(&bot, ANA, status, NOW).await;
    assert!(
        failed && missing.contains("no challenge called"),
        "{missing}"
    );

    let create = format!(
        "/challenge create name:\"Winter sprint\" goal:topics target:2 start:2026-12-07 \
         end:2026-12-13 channel:#{CHANNEL}"
    );
    ok(&bot, STAFF, &create, NOW).await;
    let found = ok(&bot, ANA, status, NOW).await;
    assert!(found.contains("0 joined"), "{found}");
    ok(&bot, ANA, "/challenge join name:\"Winter sprint\"", NOW).await;
    let joined = ok(&bot, ANA, status, NOW).await;
    assert!(joined.contains("1 joined"), "{joined}");
}

#[tokio::test]
async fn another_replicas_change_shows_within_a_few_seconds() {
    let pool = db::fresh_pool().await;
    let (here, there) = (bot_on(pool.clone(), None), bot_on(pool, None));
    let later = (at(NOW) + Duration::seconds(5)).to_rfc3339();

    let before = ok(&here, ANA, "/progress show", NOW).await;
    assert!(before.contains("0 points"), "{before}");
    ok(&there, ANA, "/progress set topic:python state:done", NOW).await;
    let held = ok(&here, ANA, "/progress show", NOW).await;
    assert_eq!(held, before, "shared for a few seconds");
    let after = ok(&here, ANA, "/progress show", &later).await;
    assert!(after.contains("10 points"), "{after}");
}

/// In an answer's last second the first request still gets it at once and starts a read in the
/// background, so a member asked about steadily never waits on the database.
#[tokio::test]
async fn an_answer_in_its_last_second_is_read_again_in_the_background() {
    let pool = db::fresh_pool().await;
    let (here, there) = (bot_on(pool.clone(), None), bot_on(pool, None));
    let last_second = (at(NOW) + Duration::seconds(4)).to_rfc3339();

    let before = ok(&here, ANA, "/progress show", NOW).await;
    ok(&there, ANA, "/progress set topic:python state:done", NOW).await;
    let held = ok(&here, ANA, "/progress show", &last_second).await;
    assert_eq!(held, before, "the caller is not kept waiting");
    // Still second 4: only the background read can bring the change in.
    let mut renewed = held;
    for _ in 0..250 {
        renewed = ok(&here, ANA, "/progress show", &last_second).await;
        if renewed != before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(renewed.contains("10 points"), "{renewed}");
}
