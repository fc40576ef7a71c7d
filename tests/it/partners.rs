//! Accountability partners: staff set where and when the weekly match runs;
//! members join with a note, see where they stand and leave; every answer is private, a bad
//! note changes nothing, and a member's partner data is in their export and goes with
//! `/privacy delete`.

use serenity::all::{GuildId, UserId};
use waypoint::commands::Dispatcher;

use crate::support::{bot, json, run_as, text, Who, GUILD, TEST_NOW};

const CHANNEL: u64 = 820_000_000_000_000_001;

async fn said(bot: &Dispatcher, who: Who, line: &str) -> String {
    let outcome = run_as(bot, who, line).await;
    let body = json(&outcome);
    assert!(!outcome.failed, "{line}: {}", text(&body));
    assert_eq!(body["data"]["flags"], 64, "{line}: answered privately");
    text(&body)
}

async fn joined(bot: &Dispatcher) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT user_id, note FROM partner_members ORDER BY user_id")
        .fetch_all(&bot.app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_set_the_weekly_match_and_settings_show_it() {
    let bot = bot().await;
    let staff = Who::staff(GUILD, 1);
    let show = said(&bot, staff, "/settings show").await;
    assert!(
        show.contains("Off. Turn them on with `/settings partners`"),
        "{show}"
    );

    let on = said(
        &bot,
        staff,
        &format!(
            "/settings partners channel:#{CHANNEL} day:Monday time:18:00 timezone:Europe/Berlin"
        ),
    )
    .await;
    assert!(on.contains("every Monday at 18:00 (Europe/Berlin)"), "{on}");
    assert!(on.contains("pairs (a trio for an odd one out)"), "{on}");
    assert!(on.contains("0 members have joined"), "{on}");
    // TEST_NOW is Friday 2026-11-27: the next match is Monday the 30th at 18:00 Berlin time.
    let monday: chrono::DateTime<chrono::Utc> = "2026-11-30T17:00:00Z".parse().unwrap();
    assert!(
        on.contains(&format!("<t:{}:F>", monday.timestamp())),
        "{on}"
    );

    said(
        &bot,
        Who::member(GUILD, 7),
        "/partners join note:Transformers",
    )
    .await;
    let trios = said(
        &bot,
        staff,
        &format!("/settings partners channel:#{CHANNEL} day:Tuesday time:07:30 size:3"),
    )
    .await;
    assert!(
        trios.contains("trios (pairs for what is left over)"),
        "{trios}"
    );
    assert!(trios.contains("1 member has joined"), "{trios}");
    let show = said(&bot, staff, "/settings show").await;
    assert!(
        show.contains(&format!(
            "Every Tuesday at 07:30 (Europe/Berlin), trios, threads in <#{CHANNEL}> · 1 member joined"
        )),
        "{show}"
    );

    assert!(said(&bot, staff, "/settings partners-off")
        .await
        .contains("are off"));
    assert!(said(&bot, staff, "/settings partners-off")
        .await
        .contains("already off"));
    assert_eq!(joined(&bot).await.len(), 1, "members who joined stay in");
    // Members cannot change it.
    let outcome = run_as(
        &bot,
        Who::member(GUILD, 7),
        &format!("/settings partners channel:#{CHANNEL} day:Monday time:18:00"),
    )
    .await;
    assert!(outcome.failed);
    let off = said(&bot, staff, "/settings show").await;
    assert!(
        off.contains("Off. Turn them on with `/settings partners`"),
        "{off}"
    );
}

#[tokio::test]
async fn members_join_change_their_note_see_it_and_leave() {
    let bot = bot().await;
    let ada = Who::member(GUILD, 7);
    let before = said(&bot, ada, "/partners show").await;
    assert!(before.contains("You haven't joined"), "{before}");
    assert!(
        before.contains("Staff haven't turned the weekly match on yet"),
        "{before}"
    );

    let joined_reply = said(&bot, ada, "/partners join note:\"Finish linear algebra\"").await;
    assert!(
        joined_reply.contains("You're in the weekly partner match"),
        "{joined_reply}"
    );
    assert!(
        joined_reply.contains("“Finish linear algebra”"),
        "{joined_reply}"
    );
    assert!(
        joined_reply.contains("even if you chose `/privacy hide`"),
        "{joined_reply}"
    );
    assert_eq!(
        joined(&bot).await,
        [(7, "Finish linear algebra".to_string())]
    );

    let again = said(&bot, ada, "/partners join note:\"Start on PyTorch\"").await;
    assert!(
        again.contains("already in") && again.contains("“Start on PyTorch”"),
        "{again}"
    );
    let shown = said(&bot, ada, "/partners show").await;
    assert!(shown.contains("your note: “Start on PyTorch”"), "{shown}");
    let since: chrono::DateTime<chrono::Utc> = TEST_NOW.parse().unwrap();
    assert!(
        shown.contains(&format!("<t:{}:D>", since.timestamp())),
        "{shown}"
    );

    assert!(said(&bot, ada, "/partners leave")
        .await
        .contains("You've left"));
    assert!(joined(&bot).await.is_empty());
    assert!(said(&bot, ada, "/partners leave")
        .await
        .contains("weren't in"));
}

#[tokio::test]
async fn a_note_over_200_characters_is_refused_and_changes_nothing() {
    let bot = bot().await;
    let ada = Who::member(GUILD, 7);
    said(&bot, ada, "/partners join note:Short").await;
    let long = "a".repeat(201);
    let outcome = run_as(&bot, ada, &format!("/partners join note:{long}")).await;
    let body = json(&outcome);
    assert!(outcome.failed);
    assert_eq!(body["data"]["flags"], 64);
    assert!(
        text(&body).contains("at most 200 characters"),
        "{}",
        text(&body)
    );
    assert_eq!(joined(&bot).await, [(7, "Short".to_string())]);
}

#[tokio::test]
async fn partner_data_is_exported_and_deleted_with_the_member() {
    let bot = bot().await;
    let ada = Who::member(GUILD, 7);
    said(&bot, ada, "/partners join note:\"Vector databases\"").await;
    let export = waypoint::db::privacy::export(
        &bot.app.db,
        GuildId::new(GUILD),
        UserId::new(7),
        TEST_NOW.parse().unwrap(),
    )
    .await
    .unwrap()
    .expect("a member to export");
    let exported = serde_json::to_string(&export).unwrap();
    assert_eq!(
        export["accountability_partners"]["joined"]["note"], "Vector databases",
        "{exported}"
    );
    let asked = json(&run_as(&bot, ada, "/privacy delete").await);
    let confirm = asked["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .expect("a confirm button")
        .to_string();
    crate::support::click_as(&bot, ada, &confirm, &[]).await;
    assert!(joined(&bot).await.is_empty());
}

/// Inserts a row as the database holds it (no command makes these states quickly).
async fn exec(bot: &Dispatcher, sql: &str) {
    sqlx::query(sql).execute(&bot.app.db).await.unwrap();
}

#[tokio::test]
async fn the_weekly_match_groups_active_members_once_and_show_names_partners() {
    let bot = bot().await;
    let staff = Who::staff(GUILD, 1);
    said(
        &bot,
        staff,
        &format!(
            "/settings partners channel:#{CHANNEL} day:Monday time:18:00 timezone:Europe/Berlin"
        ),
    )
    .await;
    for user in 11..=16 {
        let line = format!("/partners join note:\"Goal of {user}\"");
        said(&bot, Who::member(GUILD, user), &line).await;
    }
    said(
        &bot,
        Who::member(GUILD, 11),
        "/me timezone zone:Asia/Kolkata",
    )
    .await;
    said(&bot, Who::member(GUILD, 15), "/privacy hide").await;
    // 13, 14 and 15 finished phase 1; 16 has not been seen for three weeks.
    for user in [13, 14, 15] {
        exec(
            &bot,
            &format!(
                "INSERT INTO phase_status (guild_id, user_id, roadmap_id, phase, complete,
                                           completions, changed_at)
                 VALUES ({GUILD}, {user}, 'ai-engineer', 1, true, 1, '{TEST_NOW}')"
            ),
        )
        .await;
    }
    exec(
        &bot,
        &format!(
            "UPDATE members SET last_seen_at = '2026-11-06T12:00:00Z'
             WHERE guild_id = {GUILD} AND user_id = 16"
        ),
    )
    .await;
    for user in [12, 15] {
        exec(
            &bot,
            &format!(
                "INSERT INTO checkins (guild_id, user_id, week, did, next_goal, created_at,
                                       updated_at)
                 VALUES ({GUILD}, {user}, '2026-W47', 'Read', 'Goal line of {user}',
                         '2026-11-20T12:00:00Z', '2026-11-20T12:00:00Z')"
            ),
        )
        .await;
    }

    let jobs = waypoint::schedule::Jobs::of(&bot.app);
    let guild = GuildId::new(GUILD);
    let settings = waypoint::db::partners::settings(&bot.app.db, guild)
        .await
        .unwrap()
        .unwrap();
    let now: chrono::DateTime<chrono::Utc> = TEST_NOW.parse().unwrap();
    let week = "2026-W48";
    let made = waypoint::schedule::partners::make_groups(&jobs, guild, &settings, week, now).await;
    assert_eq!(made.unwrap(), 2, "five active members: a pair and a trio");
    let again = waypoint::schedule::partners::make_groups(&jobs, guild, &settings, week, now).await;
    assert_eq!(again.unwrap(), 0, "one match per server and week");
    let grouped: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT g.number::bigint, m.user_id FROM partner_groups g
         JOIN partner_group_members m ON m.group_id = g.id ORDER BY 1, 2",
    )
    .fetch_all(&bot.app.db)
    .await
    .unwrap();
    let mut groups: Vec<Vec<i64>> = Vec::new();
    for (number, user) in grouped {
        let at = usize::try_from(number - 1).unwrap();
        groups.resize(groups.len().max(at + 1), Vec::new());
        groups[at].push(user);
    }
    groups.sort();
    // Same phase together: 11 and 12 in phase 1, 13 to 15 in phase 2; 16 was not active.
    assert_eq!(groups, [vec![11, 12], vec![13, 14, 15]]);

    let eleven = said(&bot, Who::member(GUILD, 11), "/partners show").await;
    assert!(
        eleven.contains("**This week (23 Nov – 29 Nov)**, your partner:"),
        "{eleven}"
    );
    assert!(
        eleven.contains(
            "<@12>: phase 1 · UTC+1 · “Goal of 12” · last week's goal: “Goal line of 12”"
        ),
        "{eleven}"
    );
    let twelve = said(&bot, Who::member(GUILD, 12), "/partners show").await;
    assert!(twelve.contains("<@11>: phase 1 · UTC+5:30"), "{twelve}");
    let thirteen = said(&bot, Who::member(GUILD, 13), "/partners show").await;
    assert!(thirteen.contains("your partners:"), "{thirteen}");
    assert!(
        thirteen.contains("<@14>: phase 2") && thirteen.contains("<@15>: phase 2"),
        "{thirteen}"
    );
    assert!(
        !thirteen.contains("Goal line of 15"),
        "a hidden member's goal stays theirs: {thirteen}"
    );
    let sixteen = said(&bot, Who::member(GUILD, 16), "/partners show").await;
    assert!(
        sixteen.contains("You have no partners this week yet"),
        "{sixteen}"
    );
}
