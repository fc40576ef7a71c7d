//! The weekly partner match through the scheduler, against the fake Discord: one private
//! thread per group with its members and an intro that pings exactly them, the public
//! fallback (which leaves hidden members out), members who left, failures that stop one group
//! and not the others, the mid-week nudge, "did you meet?" and the staff digest's count.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;
use waypoint::commands::Dispatcher;

use crate::support::checkins::{at, enable, STAFF_CHANNEL};
use crate::support::fake_discord::{Failure, FakeDiscord};
use crate::support::schedule::{pass, posting_bot_at, run_at, TestClock};
use crate::support::{click_as, db, json, text, Who, GUILD};

const CHANNEL: u64 = 821_000_000_000_000_001;
/// Friday 27 November 2026: members join.
const FRIDAY: &str = "2026-11-27T12:00:00Z";
/// Monday 30 November, 09:00 UTC: the match of week 49.
const MATCH: &str = "2026-11-30T09:00:00Z";
const WEEK: &str = "2026-W49";

async fn setup(size: u8) -> (FakeDiscord, Dispatcher, Arc<TestClock>) {
    let fake = FakeDiscord::start().await;
    let clock = TestClock::at(FRIDAY);
    let bot = posting_bot_at(db::fresh_pool().await, &fake, clock.clone());
    said(
        &bot,
        Who::staff(GUILD, 1),
        &format!(
            "/settings partners channel:#{CHANNEL} day:Monday time:09:00 size:{size} \
             timezone:UTC"
        ),
        FRIDAY,
    )
    .await;
    (fake, bot, clock)
}

async fn said(bot: &Dispatcher, who: Who, line: &str, when: &str) -> String {
    let outcome = run_at(bot, who, line, at(when)).await;
    let body = json(&outcome);
    assert!(!outcome.failed, "{line}: {}", text(&body));
    text(&body)
}

async fn join(bot: &Dispatcher, users: &[u64]) {
    for &user in users {
        said(
            bot,
            Who::member(GUILD, user),
            &format!("/partners join note:\"Notes of {user}\""),
            FRIDAY,
        )
        .await;
    }
}

/// The users a message may ping.
fn pinged(message: &Value) -> BTreeSet<String> {
    message["allowed_mentions"]["users"]
        .as_array()
        .map(|users| {
            users
                .iter()
                .map(|u| u.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn ids(users: &[u64]) -> BTreeSet<String> {
    users.iter().map(u64::to_string).collect()
}

/// Each thread's id and the set of its members, as the fake saw them.
fn threads(fake: &FakeDiscord) -> Vec<(String, BTreeSet<String>)> {
    fake.rest
        .threads()
        .iter()
        .map(|t| {
            let id = t["id"].as_str().unwrap().to_string();
            let members = fake.rest.thread_members(&id).into_iter().collect();
            (id, members)
        })
        .collect()
}

/// `user` answers "Yes, we met" for the week's only group.
async fn said_we_met(bot: &Dispatcher, user: u64) {
    let group: i64 = sqlx::query_scalar("SELECT id FROM partner_groups")
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    let yes = waypoint::render::partners::MetAnswer { group, met: true }.custom_id();
    let answered = click_as(bot, Who::member(GUILD, user), &yes, &[]).await;
    assert!(!answered.failed, "{:?}", answered.response);
}

async fn status(bot: &Dispatcher, kind: &str) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT period, status, detail FROM scheduled_posts WHERE kind = $1 ORDER BY period",
    )
    .bind(kind)
    .fetch_all(&bot.app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_group_gets_one_private_thread_an_intro_a_nudge_and_a_question() {
    let (fake, bot, clock) = setup(2).await;
    join(&bot, &[21, 22, 23, 24]).await;
    // 21 and 22 finished phase 1, so they are paired, as are 23 and 24.
    for user in [21_i64, 22] {
        sqlx::query(
            "INSERT INTO phase_status (guild_id, user_id, roadmap_id, phase, complete,
                                       completions, changed_at)
             VALUES ($1, $2, 'ai-engineer', 1, true, 1, now())",
        )
        .bind(i64::try_from(GUILD).unwrap())
        .bind(user)
        .execute(&bot.app.db)
        .await
        .unwrap();
    }

    clock.set("2026-11-30T08:59:00Z");
    pass(&bot, &clock).await;
    assert!(fake.rest.threads().is_empty(), "nothing before the time");
    clock.set(MATCH);
    pass(&bot, &clock).await;
    fake.rest.assert_spec_clean();

    let opened = fake.rest.threads();
    assert_eq!(opened.len(), 2, "{opened:?}");
    let mut names: Vec<&str> = opened.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Partners 30 Nov – 6 Dec · group 1",
            "Partners 30 Nov – 6 Dec · group 2"
        ]
    );
    for thread in &opened {
        assert_eq!(thread["type"], 12, "private");
        assert_eq!(thread["parent_id"], CHANNEL.to_string());
    }
    let created = fake.rest.requests();
    for request in created.iter().filter(|r| r.path.ends_with("/threads")) {
        assert_eq!(
            request.body["invitable"], false,
            "members cannot invite others"
        );
        assert_eq!(request.body["type"], 12);
    }
    let groups: BTreeSet<BTreeSet<String>> = threads(&fake).into_iter().map(|(_, m)| m).collect();
    assert_eq!(groups, BTreeSet::from([ids(&[21, 22]), ids(&[23, 24])]));

    for (thread, members) in threads(&fake) {
        let posts = fake.rest.posts_to(thread.parse().unwrap());
        assert_eq!(posts.len(), 1, "one intro per thread");
        let intro = &posts[0];
        assert_eq!(pinged(intro), members, "pings exactly the group");
        assert_eq!(intro["allowed_mentions"]["parse"], serde_json::json!([]));
        let content = intro["content"].as_str().unwrap();
        for member in &members {
            assert!(
                content.contains(&format!("<@{member}>: phase ")),
                "{content}"
            );
            assert!(
                content.contains(&format!("“Notes of {member}”")),
                "{content}"
            );
        }
        assert!(
            content.contains("Accountability partners · 30 Nov – 6 Dec"),
            "{content}"
        );
        assert!(content.contains("A topic you share: **"), "{content}");
        if members.contains("21") {
            assert!(content.contains("phase 2 (Machine"), "{content}");
        } else {
            assert!(content.contains("phase 1 (Core"), "{content}");
        }
    }

    // Running again opens nothing more: the week was matched, each thread made.
    clock.set("2026-11-30T09:05:00Z");
    pass(&bot, &clock).await;
    assert_eq!(fake.rest.threads().len(), 2);

    // Members see their partner; the week's groups are in their /partners show.
    let shown = said(&bot, Who::member(GUILD, 21), "/partners show", MATCH).await;
    assert!(shown.contains("<@22>: phase 2"), "{shown}");
    let (thread, _) = threads(&fake)
        .into_iter()
        .find(|(_, m)| m.contains("21"))
        .unwrap();
    assert!(
        shown.contains(&format!("Your group's thread: <#{thread}>")),
        "{shown}"
    );

    // Thursday: the nudge, in each thread, naming its members.
    clock.set("2026-12-03T09:00:00Z");
    pass(&bot, &clock).await;
    for (thread, members) in threads(&fake) {
        let posts = fake.rest.posts_to(thread.parse().unwrap());
        assert_eq!(posts.len(), 2);
        assert!(posts[1]["content"]
            .as_str()
            .unwrap()
            .contains("Halfway through the week"));
        assert_eq!(pinged(&posts[1]), members);
    }

    // Sunday: "did you meet?", with a button each member answers for themselves.
    clock.set("2026-12-06T09:00:00Z");
    pass(&bot, &clock).await;
    let (first, members) = threads(&fake)
        .into_iter()
        .find(|(_, m)| m.contains("21"))
        .unwrap();
    let posts = fake.rest.posts_to(first.parse().unwrap());
    assert_eq!(posts.len(), 3);
    let question = &posts[2];
    assert_eq!(pinged(question), members);
    let yes = question["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(question["content"]
        .as_str()
        .unwrap()
        .contains("Did you meet?"));

    let stranger = click_as(&bot, Who::member(GUILD, 23), &yes, &[]).await;
    assert!(stranger.failed, "only the group answers");
    assert!(text(&json(&stranger)).contains("for the members of this group"));
    let answered = click_as(&bot, Who::member(GUILD, 21), &yes, &[]).await;
    assert!(!answered.failed);
    let body = json(&answered);
    assert_eq!(body["data"]["flags"], 64, "the answer is private");
    assert!(text(&body).contains("Noted: you met this week"));
    let met: Vec<(i64, Option<bool>)> =
        sqlx::query_as("SELECT user_id, met FROM partner_group_members ORDER BY user_id")
            .fetch_all(&bot.app.db)
            .await
            .unwrap();
    assert_eq!(
        met,
        [(21, Some(true)), (22, None), (23, None), (24, None)],
        "only the clicker's own answer"
    );

    let tally =
        waypoint::db::partner_groups::tally(&bot.app.db, serenity::all::GuildId::new(GUILD), WEEK)
            .await
            .unwrap();
    assert_eq!((tally.met, tally.groups, tally.threads), (1, 2, 2));
}

#[tokio::test]
async fn the_staff_digest_counts_the_groups_that_met() {
    let (fake, bot, clock) = setup(2).await;
    enable(&bot, GUILD, "", at(FRIDAY)).await;
    join(&bot, &[21, 22]).await;
    clock.set(MATCH);
    pass(&bot, &clock).await;
    said_we_met(&bot, 22).await;
    // The digest of week 49 goes out on Monday 7 December.
    clock.set("2026-12-07T08:00:00Z");
    pass(&bot, &clock).await;
    let digest: String = fake
        .rest
        .posts_to(STAFF_CHANNEL)
        .iter()
        .filter_map(|p| p["content"].as_str().map(str::to_string))
        .collect();
    assert!(
        digest.contains("Check-in digest · 30 Nov – 6 Dec"),
        "{digest}"
    );
    assert!(
        digest.contains("**Accountability partners:** 1 of 1 group met."),
        "{digest}"
    );
}

#[tokio::test]
async fn without_private_threads_a_public_one_leaves_hidden_members_out() {
    let (fake, bot, clock) = setup(3).await;
    fake.rest.refuse_private_threads();
    join(&bot, &[31, 32, 33]).await;
    said(&bot, Who::member(GUILD, 31), "/privacy hide", FRIDAY).await;
    clock.set(MATCH);
    pass(&bot, &clock).await;

    let opened = fake.rest.threads();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0]["type"], 11, "public");
    let (thread, members) = threads(&fake).remove(0);
    assert_eq!(members, ids(&[32, 33]), "the hidden member is not added");
    let intro = &fake.rest.posts_to(thread.parse().unwrap())[0];
    assert_eq!(pinged(intro), ids(&[32, 33]));
    let content = intro["content"].as_str().unwrap();
    assert!(
        content.contains("One member of this group keeps their progress private"),
        "{content}"
    );
    // A hidden member is named to nobody but their partners: no public request names them.
    for request in fake.rest.requests() {
        assert!(
            !request.body.to_string().contains("<@31>") && !request.path.ends_with("/31"),
            "{} {} names the hidden member",
            request.method,
            request.path
        );
    }
    let partners = said(&bot, Who::member(GUILD, 32), "/partners show", MATCH).await;
    assert!(
        partners.contains("<@31>"),
        "their own partner sees them: {partners}"
    );

    let show = said(&bot, Who::staff(GUILD, 1), "/settings show", MATCH).await;
    assert!(show.contains("Threads are public because"), "{show}");
    assert!(show.contains("Create Private Threads"), "{show}");
}

#[tokio::test]
async fn a_member_who_left_the_server_is_left_out_of_the_thread() {
    let (fake, bot, clock) = setup(3).await;
    join(&bot, &[41, 42, 43]).await;
    fake.rest.left_server(43);
    clock.set(MATCH);
    pass(&bot, &clock).await;
    let (thread, members) = threads(&fake).remove(0);
    assert_eq!(members, ids(&[41, 42]));
    let intro = &fake.rest.posts_to(thread.parse().unwrap())[0];
    assert_eq!(pinged(intro), ids(&[41, 42]));
    let content = intro["content"].as_str().unwrap();
    assert!(
        content.contains("1 partner left the server after the match."),
        "{content}"
    );
    assert!(!content.contains("<@43>"), "{content}");
}

#[tokio::test]
async fn one_groups_failure_leaves_the_others_and_is_tried_once_more_then_recorded() {
    let (fake, bot, clock) = setup(2).await;
    join(&bot, &[51, 52, 53, 54, 55, 56]).await;
    let opening = format!("/channels/{CHANNEL}/threads");
    fake.rest.fail_next(Failure::server_error(&opening));
    clock.set(MATCH);
    pass(&bot, &clock).await;
    assert_eq!(fake.rest.threads().len(), 2, "the other groups got theirs");
    let failed: Vec<_> = status(&bot, "partner-thread")
        .await
        .into_iter()
        .filter(|(_, s, _)| s == "pending")
        .collect();
    assert_eq!(failed.len(), 1, "one group waits for its second try");

    // The second try first looks for a thread the first may have opened, then opens it.
    clock.set("2026-11-30T09:00:31Z");
    pass(&bot, &clock).await;
    assert_eq!(fake.rest.threads().len(), 3);
    let looked = fake
        .rest
        .requests()
        .iter()
        .filter(|r| r.path == format!("/guilds/{GUILD}/threads/active"))
        .count();
    assert_eq!(looked, 1);
    assert!(status(&bot, "partner-thread")
        .await
        .iter()
        .all(|(_, s, _)| s == "posted"));

    // Next week, Discord fails every opening: each group is tried twice, then recorded.
    fake.rest.storm(
        Failure::server_error(&opening),
        std::time::Duration::from_secs(600),
    );
    clock.set("2026-12-07T09:00:00Z");
    pass(&bot, &clock).await;
    clock.set("2026-12-07T09:00:31Z");
    pass(&bot, &clock).await;
    fake.rest.calm();
    let week_50: Vec<_> = status(&bot, "partner-thread")
        .await
        .into_iter()
        .filter(|(p, _, _)| p.starts_with("2026-W50/"))
        .collect();
    assert_eq!(week_50.len(), 3);
    for (_, state, detail) in &week_50 {
        assert_eq!(state, "failed");
        assert!(
            detail
                .as_deref()
                .unwrap_or("")
                .contains("could not open the thread after 2 tries"),
            "{detail:?}"
        );
    }
    assert_eq!(fake.rest.threads().len(), 3, "no thread for week 50");
    let show = said(
        &bot,
        Who::staff(GUILD, 1),
        "/settings show",
        "2026-12-07T10:00:00Z",
    )
    .await;
    assert!(show.contains("3 threads could not be opened"), "{show}");
}

#[tokio::test]
async fn a_members_partner_history_is_in_their_export_and_goes_with_their_data() {
    let (_fake, bot, clock) = setup(2).await;
    join(&bot, &[61, 62]).await;
    clock.set(MATCH);
    pass(&bot, &clock).await;
    said_we_met(&bot, 61).await;

    let guild = serenity::all::GuildId::new(GUILD);
    let export = waypoint::db::privacy::export(
        &bot.app.db,
        guild,
        serenity::all::UserId::new(61),
        at(MATCH),
    )
    .await
    .unwrap()
    .expect("a member to export");
    let partners = &export["accountability_partners"];
    assert_eq!(partners["joined"]["note"], "Notes of 61");
    let weeks = partners["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 1, "{partners}");
    assert_eq!(weeks[0]["week"], WEEK);
    assert_eq!(weeks[0]["partners"], serde_json::json!(["62"]));
    assert_eq!(weeks[0]["met"], true);
    assert_eq!(weeks[0]["added_to_thread"], true);
    assert!(weeks[0]["thread"].is_string());

    waypoint::db::privacy::delete(&bot.app.db, guild, serenity::all::UserId::new(61))
        .await
        .unwrap();
    let left: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM partner_group_members UNION ALL
         SELECT user_id FROM partner_members ORDER BY 1",
    )
    .fetch_all(&bot.app.db)
    .await
    .unwrap();
    assert_eq!(left, [62, 62], "61's history went, 62's stays");
    let shown = said(&bot, Who::member(GUILD, 62), "/partners show", MATCH).await;
    assert!(
        shown.contains("Your partners this week have left the server or deleted their data"),
        "{shown}"
    );
}

#[tokio::test]
async fn an_announcement_channel_is_refused_for_partner_threads() {
    use crate::support::fake_discord::payloads::{self, STAFF_PERMISSIONS};
    use crate::support::transport::RunningEndpoint;
    use serde_json::json;

    let fake = FakeDiscord::start().await;
    let endpoint = RunningEndpoint::start(&fake, std::time::Duration::from_secs(2)).await;
    let news = "460000000000000005";
    let payload = payloads::subcommand_with(
        20,
        "settings",
        "partners",
        &[
            ("channel", 7, json!(news)),
            ("day", 3, json!("Monday")),
            ("time", 3, json!("09:00")),
        ],
        json!({ "channels": { news: { "id": news, "name": "News", "type": 5, "permissions": "0" } } }),
        STAFF_PERMISSIONS,
    );
    let response = endpoint
        .post_signed(&serde_json::to_vec(&payload).unwrap(), 0)
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["flags"], json!(64), "privately");
    let shown = text(&body);
    assert!(
        shown.contains("cannot hold private threads") && shown.contains("channel:#partners"),
        "{shown}"
    );
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM partner_settings")
        .fetch_one(&endpoint.dispatcher.app.db)
        .await
        .unwrap();
    assert_eq!(saved, 0, "nothing changed");
}
