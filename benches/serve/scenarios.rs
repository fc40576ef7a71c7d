//! What the benchmark sends. Adding a scenario is one more entry in `SCENARIOS`.

use serde_json::{json, Value};

use crate::payloads::{self, Sender};

/// A correct answer: its `type` (1 PONG, 4 message, 8 autocomplete choices) and text only a
/// success contains (an error reply has the same type).
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    pub kind: u64,
    pub text: Option<&'static str>,
}

pub struct Scenario {
    /// Row name in the results table.
    pub name: &'static str,
    /// Short id for `--only`.
    pub id: &'static str,
    /// The interaction body for one request.
    pub body: fn(Sender) -> Value,
    /// What a correct answer looks like.
    pub expect: Expect,
    /// What bounds its rate, for the report.
    pub limited_by: &'static str,
    /// The answer is a deferral and the reply an upload (a file over HTTP): the request is
    /// timed to the upload's arrival.
    pub uploads: bool,
    /// Not an interaction: a community page, `GET /c/<the bench server's slug><page>` (the
    /// body is unused). Its answer is HTML: `expect.kind` is [`HTML`].
    pub page: Option<&'static str>,
}

/// `Expect::kind` of a page: a 200 with HTML, not an interaction response.
pub const HTML: u64 = 0;

/// The baseline: PING is signature check plus JSON, so `× PING` shows what a command adds.
pub const BASELINE: &str = "ping";

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "PING",
        id: BASELINE,
        body: payloads::ping,
        expect: Expect {
            kind: 1,
            text: None,
        },
        limited_by: "the ed25519 signature check (about a third of the server's CPU), HTTP and \
                     parsing the interaction",
        uploads: false,
        page: None,
    },
    Scenario {
        name: "/roadmap phase 2",
        id: "roadmap-phase",
        body: |who| {
            payloads::command(
                who,
                "roadmap",
                json!([{ "name": "phase", "type": 1, "options": [
                    { "name": "number", "type": 4, "value": 2 }
                ]}]),
            )
        },
        expect: Expect {
            kind: 4,
            text: Some("Phase 2 ·"),
        },
        limited_by: "PING's work plus rendering the phase and serializing a ~5 KB embed; the \
                     member's marks come from memory",
        uploads: false,
        page: None,
    },
    Scenario {
        name: "/roadmap autocomplete",
        id: "roadmap-autocomplete",
        body: |who| payloads::autocomplete(who, "roadmap", "topic", "topic", "py"),
        expect: Expect {
            kind: 8,
            text: None,
        },
        limited_by: "PING's work plus ranking the topics in memory",
        uploads: false,
        page: None,
    },
    // A write, every time: each pass over the members marks the next topic done for each
    // (a topic no pass has touched yet), and once every topic has had its turn the next
    // round marks them learning again, and so on; so no request finds its change made
    // already, except on the few topics the seed marked done. Compared with the floor:
    // pgbench running the same two statements on the same database (see `floor.rs`).
    Scenario {
        name: "/progress set",
        id: "progress-set",
        body: |who| {
            let topics = payloads::topic_ids();
            let topic = &topics[((who.member + who.pass / 2) % topics.len() as u64) as usize];
            let state = if who.pass % 2 == 0 {
                "done"
            } else {
                "learning"
            };
            payloads::command(
                who,
                "progress",
                json!([{ "name": "set", "type": 1, "options": [
                    { "name": "topic", "type": 3, "value": topic },
                    { "name": "state", "type": 3, "value": state }
                ]}]),
            )
        },
        expect: Expect {
            kind: 4,
            // "… is already marked …" only on a topic the seed marked done; "** is now" is how
            // builds before the domain core said it (for --compare).
            text: Some("You finished **|You're learning **|is already marked|** is now"),
        },
        limited_by: "PostgreSQL's CPU, mostly rows: two statements per group of requests that \
                     arrive together (reading the members' rows; writing the topic, phase and \
                     ledger rows of those whose version is unchanged), each ledger row \
                     queueing itself for the leaderboard's fold",
        uploads: false,
        page: None,
    },
    // A write: the check-in form sent (a member's first check-in of the week is an insert
    // with a ledger award; later ones in the run are edits).
    Scenario {
        name: "/checkin submission",
        id: "checkin-submit",
        body: |who| {
            payloads::modal_submit(
                who,
                "checkin:submit",
                &[
                    ("did", payloads::CHECKIN_DID),
                    ("blockers", ""),
                    ("goal", payloads::CHECKIN_GOAL),
                ],
            )
        },
        expect: Expect {
            kind: 4,
            text: Some("checked in."),
        },
        limited_by: "the two cores shared by the server (signature, HTTP, the form) and \
                     PostgreSQL: two statements per group of submissions that arrive together \
                     (the members' weeks with their server's settings and zones; saving the \
                     check-ins with their ledger awards and removing the drafts)",
        uploads: false,
        page: None,
    },
    Scenario {
        name: "/challenge status",
        id: "challenge-status",
        body: |who| {
            payloads::command(
                who,
                "challenge",
                json!([{ "name": "status", "type": 1, "options": [
                    { "name": "name", "type": 3, "value": payloads::CHALLENGE }
                ]}]),
            )
        },
        expect: Expect {
            kind: 4,
            text: Some("Standing"),
        },
        limited_by: "PING's work plus rendering the standing: the challenge found by name and \
                     its standing (2,000 participants, 6,000 done topics by default) are each \
                     read once per 5 s and shared (the public answer has no caller's line)",
        uploads: false,
        page: None,
    },
    Scenario {
        name: "/leaderboard",
        id: "leaderboard",
        body: |who| payloads::command(who, "leaderboard", json!([])),
        expect: Expect {
            kind: 4,
            text: Some("Leaderboard ·"),
        },
        limited_by: "PING's work plus rendering a page that every caller shares for 5 s (read \
                     from PostgreSQL once per slice: the page of the totals and the rank of its \
                     first line)",
        uploads: false,
        page: None,
    },
    Scenario {
        name: "/progress show",
        id: "progress-show",
        body: |who| {
            payloads::command(
                who,
                "progress",
                json!([{ "name": "show", "type": 1, "options": [] }]),
            )
        },
        expect: Expect {
            kind: 4,
            text: Some("roadmap progress"),
        },
        limited_by: "PING's work plus rendering: a member's rows, hidden flag, points and \
                     completed phases are read once per 5 s (their own changes drop them)",
        uploads: false,
        page: None,
    },
    Scenario {
        name: "/checkins",
        id: "checkins",
        body: |who| payloads::command(who, "checkins", json!([])),
        expect: Expect {
            kind: 4,
            text: Some("Check-ins"),
        },
        limited_by: "PING's work plus rendering: the server's check-in settings, the member's \
                     zone and weeks are one statement, read once per 5 s per member (their own \
                     check-in drops it)",
        uploads: false,
        page: None,
    },
    Scenario {
        name: "/progress card",
        id: "progress-card",
        body: |who| {
            payloads::command(
                who,
                "progress",
                json!([{ "name": "card", "type": 1, "options": [] }]),
            )
        },
        // Over HTTP a file goes out as a deferral and an edit; timed to the edit's arrival.
        expect: Expect {
            kind: 5,
            text: None,
        },
        limited_by: "drawing the PNG (on the blocking pool, at most one per core at a time) \
                     for a member's first card; a member whose progress, place and streak did \
                     not change gets the drawn card from memory; then the upload to the fake \
                     Discord. Reads as `/progress show`, plus the member's place",
        uploads: true,
        page: None,
    },
    Scenario {
        name: "leaderboard page (web)",
        id: "web-leaderboard",
        body: |_| serde_json::Value::Null,
        expect: Expect {
            kind: HTML,
            text: Some("Leaderboard · all time"),
        },
        limited_by: "HTTP, the per-reader rate limit (set far above the load: one address sends \
                     everything) and the page cache: the page is rendered once per 5-second \
                     slice (the board's first ten and their stored names) and served from \
                     memory with its ETag in between",
        uploads: false,
        page: Some("/leaderboard"),
    },
];

/// The scenarios `--only` selects (all when it is empty), in table order.
pub fn selected(only: &[String]) -> anyhow::Result<Vec<&'static Scenario>> {
    if let Some(unknown) = only
        .iter()
        .find(|id| !SCENARIOS.iter().any(|s| s.id == id.as_str()))
    {
        let known: Vec<&str> = SCENARIOS.iter().map(|s| s.id).collect();
        anyhow::bail!(
            "unknown scenario `{unknown}` in --only; known: {}",
            known.join(", ")
        );
    }
    Ok(SCENARIOS
        .iter()
        .filter(|s| only.is_empty() || only.iter().any(|id| id == s.id))
        .collect())
}
