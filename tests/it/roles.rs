//! Phase roles: given and taken through Discord's REST API (the fake), with an audit-log
//! reason; a refusal keeps the progress and is explained to the member and to staff.

use waypoint::commands::Dispatcher;

use crate::support::fake_discord::{Failure, FakeDiscord};
use crate::support::{self, json, run_as, text, Who};

const GUILD: u64 = 8_000;
const ANA: Who = Who::member(GUILD, 81);
const STAFF: Who = Who::staff(GUILD, 80);
const ROLE: u64 = 555_000;

/// Marks every topic of phase 4 done but the last; returns the last.
async fn nearly_finish_phase_4(bot: &Dispatcher) -> String {
    let phase = bot.app.content.default_roadmap().phase(4).unwrap().clone();
    let topics: Vec<_> = phase.topics().map(|t| t.id.clone()).collect();
    let (last, rest) = topics.split_last().unwrap();
    for topic in rest {
        let outcome = run_as(bot, ANA, &format!("/progress set topic:{topic} state:done")).await;
        assert!(!outcome.failed);
    }
    last.clone()
}

fn role_route() -> String {
    format!("/guilds/{GUILD}/members/{}/roles/{ROLE}", ANA.user)
}

#[tokio::test]
async fn completing_a_phase_gives_its_role_and_undoing_takes_it() {
    let fake = FakeDiscord::start().await;
    let bot = support::bot_with_discord(&fake).await;
    let set = run_as(
        &bot,
        STAFF,
        &format!("/settings phase-role phase:4 role:{ROLE}"),
    )
    .await;
    assert!(!set.failed, "{}", json(&set));
    assert!(text(&json(&set)).contains(&format!("<@&{ROLE}>")));

    let last = nearly_finish_phase_4(&bot).await;
    assert!(
        fake.rest.api_requests().is_empty(),
        "no role before the phase is complete"
    );
    let done = run_as(&bot, ANA, &format!("/progress set topic:{last} state:done")).await;
    let said = text(&json(&done));
    assert!(
        said.contains(&format!("You now have the <@&{ROLE}> role")),
        "{said}"
    );
    let grant = fake
        .rest
        .wait_for(true, |r| r.method == "PUT" && r.path == role_route())
        .await;
    assert_eq!(
        grant.reason.as_deref(),
        Some("Waypoint: completed phase 4 of the roadmap")
    );

    let undone = run_as(
        &bot,
        ANA,
        &format!("/progress set topic:{last} state:learning"),
    )
    .await;
    assert!(text(&json(&undone)).contains("role is removed"));
    let revoke = fake
        .rest
        .wait_for(true, |r| r.method == "DELETE" && r.path == role_route())
        .await;
    assert_eq!(
        revoke.reason.as_deref(),
        Some("Waypoint: phase 4 of the roadmap is no longer complete")
    );
    fake.rest.assert_spec_clean();
}

#[tokio::test]
async fn a_refused_role_keeps_the_progress_and_is_explained() {
    let fake = FakeDiscord::start().await;
    let bot = support::bot_with_discord(&fake).await;
    run_as(
        &bot,
        STAFF,
        &format!("/settings phase-role phase:4 role:{ROLE}"),
    )
    .await;
    let last = nearly_finish_phase_4(&bot).await;
    fake.rest.fail_next(Failure::missing_permissions("/roles/"));
    let done = run_as(&bot, ANA, &format!("/progress set topic:{last} state:done")).await;
    assert!(!done.failed, "the progress itself succeeded");
    let said = text(&json(&done));
    assert!(said.contains("is complete: +50 points"), "{said}");
    assert!(
        said.contains("couldn't change your") && said.contains("Manage Roles"),
        "{said}"
    );
    let bonus: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM points_ledger WHERE kind = 'phase_complete' AND user_id = $1",
    )
    .bind(ANA.user as i64)
    .fetch_one(&bot.app.db)
    .await
    .unwrap();
    assert_eq!(bonus, 1, "the progress and its bonus are saved");

    let settings = text(&json(&run_as(&bot, STAFF, "/settings show").await));
    assert!(
        settings.contains("The last role change failed"),
        "{settings}"
    );
    assert!(settings.contains("missing permission"), "{settings}");
    assert!(settings.contains("Phase 4 · ") && settings.contains(&format!("<@&{ROLE}>")));
}

#[tokio::test]
async fn a_phase_role_can_be_removed_and_bad_phases_are_refused() {
    let bot = support::bot().await;
    run_as(
        &bot,
        STAFF,
        &format!("/settings phase-role phase:2 role:{ROLE}"),
    )
    .await;
    let removed = run_as(&bot, STAFF, "/settings phase-role phase:2").await;
    assert!(text(&json(&removed)).contains("no longer gives a role"));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM phase_roles")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert_eq!(count, 0);

    let refused = run_as(
        &bot,
        STAFF,
        &format!("/settings phase-role phase:99 role:{ROLE}"),
    )
    .await;
    assert!(refused.failed);
    let everyone = run_as(
        &bot,
        STAFF,
        &format!("/settings phase-role phase:1 role:{GUILD}"),
    )
    .await;
    assert!(text(&json(&everyone)).contains("@everyone can't be a phase role"));
    let member = run_as(
        &bot,
        ANA,
        &format!("/settings phase-role phase:1 role:{ROLE}"),
    )
    .await;
    assert!(text(&json(&member)).contains("for server staff"));
}
