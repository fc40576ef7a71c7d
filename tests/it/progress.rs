//! `/progress`: topic states, the points ledger, phase completion, and what bad input gets.

use waypoint::commands::Dispatcher;

use crate::support::{self, json, run_as, text, Who};

const GUILD: u64 = 7_000;
const ANA: Who = Who::member(GUILD, 71);
const BEN: Who = Who::member(GUILD, 72);

/// (kind, reference, points) of a member's ledger rows, oldest first.
async fn ledger(bot: &Dispatcher, who: Who) -> Vec<(String, String, i32)> {
    sqlx::query_as(
        "SELECT kind, reference, points FROM points_ledger
         WHERE guild_id = $1 AND user_id = $2 ORDER BY id",
    )
    .bind(who.guild as i64)
    .bind(who.user as i64)
    .fetch_all(&bot.app.db)
    .await
    .unwrap()
}

async fn state_of(bot: &Dispatcher, who: Who, topic: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT state FROM topic_progress WHERE guild_id = $1 AND user_id = $2 AND topic_id = $3",
    )
    .bind(who.guild as i64)
    .bind(who.user as i64)
    .bind(topic)
    .fetch_optional(&bot.app.db)
    .await
    .unwrap()
}

/// Sets a state and returns what the member was told.
async fn set(bot: &Dispatcher, who: Who, topic: &str, state: &str) -> String {
    let outcome = run_as(
        bot,
        who,
        &format!("/progress set topic:{topic} state:{state}"),
    )
    .await;
    let body = json(&outcome);
    assert!(!outcome.failed, "{body}");
    assert_eq!(body["data"]["flags"], 64, "progress replies are private");
    text(&body)
}

fn title_of(bot: &Dispatcher, topic: &str) -> String {
    let roadmap = bot.app.content.default_roadmap();
    roadmap.topic(topic).unwrap().topic.title.clone()
}

fn row(kind: &str, reference: &str, points: i32) -> (String, String, i32) {
    (kind.to_string(), reference.to_string(), points)
}

#[tokio::test]
async fn every_transition_keeps_the_ledger_exact() {
    let bot = support::bot().await;
    let docker = title_of(&bot, "docker");
    let said = set(&bot, ANA, "docker", "learning").await;
    assert!(
        said.contains(&format!("📖 You're learning **{docker}**.")),
        "{said}"
    );
    assert!(ledger(&bot, ANA).await.is_empty(), "learning earns nothing");

    let said = set(&bot, ANA, "docker", "done").await;
    assert!(
        said.contains(&format!("You finished **{docker}**: +10 points.")),
        "{said}"
    );
    let said = set(&bot, ANA, "docker", "done").await;
    assert!(
        said.contains("already marked done: nothing changed"),
        "{said}"
    );
    assert_eq!(ledger(&bot, ANA).await, [row("topic_done", "docker", 10)]);

    // Undo: exactly the award comes back off, once.
    let said = set(&bot, ANA, "docker", "skipped").await;
    assert!(
        said.contains(&format!("You skipped **{docker}**: −10 points.")),
        "{said}"
    );
    let said = set(&bot, ANA, "docker", "done").await;
    assert!(said.contains("+10 points"), "{said}");
    // Review item 10: a state that reads naturally, and a true minus sign.
    let said = set(&bot, ANA, "docker", "not-started").await;
    assert!(
        said.contains(&format!("**{docker}** is back to not started: −10 points.")),
        "{said}"
    );
    assert_eq!(
        ledger(&bot, ANA).await,
        [
            row("topic_done", "docker", 10),
            row("topic_undone", "docker", -10),
            row("topic_done", "docker", 10),
            row("topic_undone", "docker", -10)
        ]
    );
    assert_eq!(
        state_of(&bot, ANA, "docker").await.as_deref(),
        Some("not-started")
    );

    // Done again is a new completion, with its own award.
    set(&bot, ANA, "docker", "done").await;
    let rows = ledger(&bot, ANA).await;
    assert_eq!(rows.len(), 5);
    assert_eq!(rows.iter().map(|r| r.2).sum::<i32>(), 10);

    // Timestamps are kept.
    let (started, completed): (Option<chrono::DateTime<chrono::Utc>>, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as(
            "SELECT started_at, completed_at FROM topic_progress WHERE user_id = $1 AND topic_id = 'docker'",
        )
        .bind(ANA.user as i64)
        .fetch_one(&bot.app.db)
        .await
        .unwrap();
    assert!(started.is_some() && completed.is_some());
}

#[tokio::test]
async fn completing_a_phase_earns_a_bonus_and_undoing_takes_it_back() {
    let bot = support::bot().await;
    let phase = bot.app.content.default_roadmap().phase(4).unwrap().clone();
    let topics: Vec<_> = phase.topics().map(|t| t.id.clone()).collect();
    let (last, rest) = topics.split_last().unwrap();
    for topic in rest {
        let said = set(&bot, ANA, topic, "done").await;
        assert!(!said.contains("complete:"), "{said}");
    }
    let said = set(&bot, ANA, last, "done").await;
    assert!(
        said.contains(&format!(
            "Phase 4 · {} is complete: +50 points",
            phase.title
        )),
        "{said}"
    );
    let total: i32 = ledger(&bot, ANA).await.iter().map(|r| r.2).sum();
    assert_eq!(total, 10 * topics.len() as i32 + 50);

    let said = set(&bot, ANA, last, "learning").await;
    assert!(
        said.contains("Phase 4 is no longer complete: −50 points."),
        "{said}"
    );
    let total: i32 = ledger(&bot, ANA).await.iter().map(|r| r.2).sum();
    assert_eq!(total, 10 * (topics.len() as i32 - 1));
}

#[tokio::test]
async fn skipped_topics_complete_a_phase_only_when_the_server_says_so() {
    let bot = support::bot().await;
    let phase = bot.app.content.default_roadmap().phase(4).unwrap().clone();
    let topics: Vec<_> = phase.topics().map(|t| t.id.clone()).collect();
    let (last, rest) = topics.split_last().unwrap();
    for topic in rest {
        set(&bot, ANA, topic, "done").await;
    }
    let said = set(&bot, ANA, last, "skipped").await;
    assert!(
        !said.contains("complete:"),
        "skipped does not count by default: {said}"
    );

    let staff = Who::staff(GUILD, 1);
    let outcome = run_as(&bot, staff, "/settings phase-completion count-skipped:true").await;
    assert!(!outcome.failed, "{}", json(&outcome));
    // Review item 6: the rule applies from the member's next change, and until then the view
    // agrees with the points: the phase is not shown complete without its bonus.
    let shown = text(&json(&run_as(&bot, ANA, "/progress show").await));
    assert!(!shown.contains(&format!("{}** ✅", phase.title)), "{shown}");
    assert!(
        shown.contains("· 50 points"),
        "five topics, no bonus yet: {shown}"
    );
    set(&bot, ANA, last, "learning").await;
    let said = set(&bot, ANA, last, "skipped").await;
    assert!(said.contains("is complete: +50 points"), "{said}");
    let shown = text(&json(&run_as(&bot, ANA, "/progress show").await));
    assert!(shown.contains(&format!("{}** ✅", phase.title)), "{shown}");
    assert!(shown.contains("· 100 points"), "{shown}");
}

/// Review item 4: everything of phase 1 done but a skipped topic that the default rule does not
/// count was answered "Every phase is complete".
#[tokio::test]
async fn the_suggestion_is_the_next_open_topic_even_a_skipped_one() {
    let bot = support::bot().await;
    let phase = bot.app.content.default_roadmap().phase(1).unwrap().clone();
    let topics: Vec<_> = phase.topics().map(|t| t.id.clone()).collect();
    let (last, rest) = topics.split_last().unwrap();
    for topic in rest {
        set(&bot, ANA, topic, "done").await;
    }
    set(&bot, ANA, last, "skipped").await;
    let shown = text(&json(&run_as(&bot, ANA, "/progress show").await));
    assert!(!shown.contains("Every phase is complete"), "{shown}");
    assert!(
        shown.contains(&format!("(phase 1) · `/roadmap topic topic:{last}`")),
        "{shown}"
    );
}

/// Review items 8 and 10: another member's empty progress is not addressed to them, and a
/// new proof link on a done topic says the link changed.
#[tokio::test]
async fn words_fit_whose_progress_it_is_and_what_changed() {
    let bot = support::bot().await;
    set(&bot, BEN, "python", "done").await;
    let line = format!("/progress show member:{}", BEN.user);
    let bens = text(&json(&run_as(&bot, ANA, &line).await));
    assert!(bens.contains("Nothing right now."), "{bens}");
    assert!(!bens.contains("marks what you study"), "{bens}");
    let own = text(&json(&run_as(&bot, BEN, "/progress show").await));
    assert!(own.contains("marks what you study"), "{own}");

    let python = title_of(&bot, "python");
    let outcome = run_as(
        &bot,
        BEN,
        "/progress set topic:python state:done proof:https://github.com/ben/numpy-notes",
    )
    .await;
    let said = text(&json(&outcome));
    assert!(
        said.contains(&format!("The proof link for **{python}** is updated.")),
        "{said}"
    );
    assert!(!said.contains("points"), "no points change: {said}");
    assert_eq!(ledger(&bot, BEN).await.len(), 1, "still one award");
}

#[tokio::test]
async fn fifty_concurrent_updates_lose_nothing_and_count_nothing_twice() {
    let bot = std::sync::Arc::new(support::bot().await);
    let roadmap = bot.app.content.default_roadmap();
    let topics: Vec<String> = roadmap.topics().map(|t| t.topic.id.clone()).collect();
    // Every topic done, plus the same topic sent many times over, all at once.
    let mut work = Vec::new();
    for i in 0..50 {
        let topic = if i < topics.len() {
            topics[i].clone()
        } else {
            topics[0].clone()
        };
        let bot = bot.clone();
        work.push(tokio::spawn(async move {
            run_as(
                &bot,
                ANA,
                &format!("/progress set topic:{topic} state:done"),
            )
            .await
        }));
    }
    for task in work {
        let outcome = task.await.unwrap();
        assert!(!outcome.failed, "{}", json(&outcome));
    }
    let rows = ledger(&bot, ANA).await;
    let topic_awards = rows.iter().filter(|r| r.0 == "topic_done").count();
    let phase_awards = rows.iter().filter(|r| r.0 == "phase_complete").count();
    assert_eq!(topic_awards, topics.len(), "one award per topic");
    assert_eq!(
        phase_awards,
        roadmap.phases.len(),
        "every phase completed once"
    );
    let done: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM topic_progress WHERE user_id = $1 AND state = 'done'",
    )
    .bind(ANA.user as i64)
    .fetch_one(&bot.app.db)
    .await
    .unwrap();
    assert_eq!(done as usize, topics.len());
}

/// Changes of many members at once share statements (`db::batch`): each member still gets
/// exactly their own row, award and undo.
#[tokio::test]
async fn many_members_at_once_each_get_their_own_change() {
    let bot = std::sync::Arc::new(support::bot().await);
    let members: Vec<Who> = (1..=40).map(|n| Who::member(GUILD, 1_000 + n)).collect();
    let at_once = |state: &'static str| {
        let tasks: Vec<_> = members
            .iter()
            .map(|&who| {
                let bot = bot.clone();
                tokio::spawn(async move {
                    run_as(
                        &bot,
                        who,
                        &format!("/progress set topic:python state:{state}"),
                    )
                    .await
                })
            })
            .collect();
        async move {
            for task in tasks {
                let outcome = task.await.unwrap();
                assert!(!outcome.failed, "{}", json(&outcome));
            }
        }
    };
    at_once("done").await;
    at_once("learning").await;
    for &who in &members {
        let rows = ledger(&bot, who).await;
        assert_eq!(rows.len(), 2, "an award and its undo: {rows:?}");
        assert_eq!(
            rows[0].2, -rows[1].2,
            "the undo takes back the award: {rows:?}"
        );
        assert!(rows[0].2 > 0, "{rows:?}");
    }
    let learning: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM topic_progress WHERE guild_id = $1 AND topic_id = 'python'
           AND state = 'learning' AND done_count = 1",
    )
    .bind(GUILD as i64)
    .fetch_one(&bot.app.db)
    .await
    .unwrap();
    assert_eq!(learning, 40);
}

#[tokio::test]
async fn progress_show_has_bars_learning_next_and_totals() {
    let bot = support::bot().await;
    set(&bot, ANA, "python", "done").await;
    set(&bot, ANA, "dsa", "skipped").await;
    set(&bot, ANA, "sql", "learning").await;
    let outcome = run_as(&bot, ANA, "/progress show").await;
    let shown = text(&json(&outcome));
    let phase1 = bot.app.content.default_roadmap().phase(1).unwrap();
    assert!(
        shown.contains(&format!("1/{} done, 1 skipped", phase1.topic_count())),
        "{shown}"
    );
    assert!(shown.contains("▰"), "{shown}");
    assert!(
        shown.contains(&format!("📖 **{}**", title_of(&bot, "sql"))),
        "{shown}"
    );
    // The first not-started topic of the earliest unfinished phase.
    assert!(
        shown.contains("/roadmap topic topic:linear-algebra"),
        "{shown}"
    );
    assert!(shown.contains("10 points"), "{shown}");
}

#[tokio::test]
async fn roadmap_phase_marks_the_callers_own_states() {
    let bot = support::bot().await;
    set(&bot, ANA, "python", "done").await;
    set(&bot, ANA, "sql", "learning").await;
    // The public view marks no one's states; its "My progress" button shows the clicker's.
    let public = text(&json(&run_as(&bot, ANA, "/roadmap phase number:1").await));
    assert!(!public.contains("✅") && !public.contains("📖"), "{public}");
    let mine = text(&json(
        &support::run_mine(&bot, ANA, "/roadmap phase number:1").await,
    ));
    let (python, sql) = (title_of(&bot, "python"), title_of(&bot, "sql"));
    assert!(mine.contains(&format!("✅ **{python}**")), "{mine}");
    assert!(mine.contains(&format!("📖 **{sql}**")), "{mine}");
    let bens = text(&json(
        &support::run_mine(&bot, BEN, "/roadmap phase number:1").await,
    ));
    assert!(
        !bens.contains("✅"),
        "Ben sees his own (empty) marks: {bens}"
    );
    assert!(bens.contains(&format!("▫️ **{python}**")), "{bens}");
}

#[tokio::test]
async fn topic_buttons_set_the_clickers_own_state() {
    let bot = support::bot().await;
    let view = json(&run_as(&bot, ANA, "/roadmap topic topic:git").await);
    let buttons = view["data"]["components"][1]["components"].clone();
    let done = buttons
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["label"].as_str().unwrap_or("").contains("Done"))
        .unwrap()["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Ben clicks the button on Ana's public message: it changes Ben's state, not Ana's.
    let outcome = support::click_as(&bot, BEN, &done, &[]).await;
    let body = json(&outcome);
    assert_eq!(body["data"]["flags"], 64, "{body}");
    let git = title_of(&bot, "git");
    assert!(
        text(&body).contains(&format!("✅ You finished **{git}**: +10 points.")),
        "{body}"
    );
    assert!(text(&body).contains("you: Done"), "{body}");
    assert_eq!(state_of(&bot, BEN, "git").await.as_deref(), Some("done"));
    assert_eq!(state_of(&bot, ANA, "git").await, None);
}

#[tokio::test]
async fn bad_input_is_explained_and_changes_nothing() {
    let bot = support::bot().await;
    set(&bot, BEN, "sql", "done").await;
    run_as(&bot, BEN, "/privacy hide").await;
    let long = format!("https://example.org/{}", "a".repeat(600));
    let cases = [
        (
            "/progress set topic:pytorh state:done".to_string(),
            "Did you mean `pytorch`",
        ),
        (
            "/progress set topic:sql state:finished".to_string(),
            "`state` is one of",
        ),
        (
            "/progress set topic:sql state:done proof:github.com/me".to_string(),
            "must be a web link starting with https://",
        ),
        (
            format!("/progress set topic:sql state:done proof:{long}"),
            "512",
        ),
        (
            "/progress set topic:sql state:learning proof:https://x.org/y".to_string(),
            "goes with `state:done`",
        ),
        (
            format!("/progress show member:{}", BEN.user),
            "keeps their progress private",
        ),
        (
            "/progress show member:99999".to_string(),
            "hasn't used Waypoint in this server",
        ),
    ];
    for (line, expected) in cases {
        let outcome = run_as(&bot, ANA, &line).await;
        let body = json(&outcome);
        assert!(outcome.failed, "{line}");
        assert_eq!(body["data"]["flags"], 64, "{line}");
        assert!(text(&body).contains(expected), "{line}: {}", text(&body));
    }
    let ana_rows: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM topic_progress WHERE user_id = $1)
              + (SELECT count(*) FROM points_ledger WHERE user_id = $1)",
    )
    .bind(ANA.user as i64)
    .fetch_one(&bot.app.db)
    .await
    .unwrap();
    assert_eq!(ana_rows, 0, "nothing was written for Ana");

    // In a DM there is no server to keep progress in.
    let call = waypoint::console::parse_line(&bot.registry, "/progress show").unwrap();
    let mut direct = ANA.invocation(waypoint::commands::Action::Command(call));
    direct.guild_id = None;
    let outcome = bot.dispatch(&direct).await;
    assert!(outcome.failed);
    assert!(text(&json(&outcome)).contains("inside a server"));
}

#[tokio::test]
async fn a_proof_link_is_kept_with_a_done_topic() {
    let bot = support::bot().await;
    let outcome = run_as(
        &bot,
        ANA,
        "/progress set topic:git state:done proof:https://github.com/ana/dotfiles",
    )
    .await;
    assert!(!outcome.failed, "{}", json(&outcome));
    let proof: Option<String> =
        sqlx::query_scalar("SELECT proof_url FROM topic_progress WHERE topic_id = 'git'")
            .fetch_one(&bot.app.db)
            .await
            .unwrap();
    assert_eq!(proof.as_deref(), Some("https://github.com/ana/dotfiles"));
}
