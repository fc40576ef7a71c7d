//! What the benchmark sends. Adding a scenario is one more entry in `SCENARIOS`.

use serde_json::{json, Value};

use crate::payloads::{self, Sender};

pub struct Scenario {
    /// Row name in the results table.
    pub name: &'static str,
    /// Short id for `--only`.
    pub id: &'static str,
    /// The interaction body for one request.
    pub body: fn(Sender) -> Value,
    /// The `type` the response must carry (1 PONG, 4 message, 8 autocomplete choices).
    pub expect_type: u64,
}

/// The baseline: PING is signature check plus JSON, so `× PING` shows what a command adds.
pub const BASELINE: &str = "ping";

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "PING",
        id: BASELINE,
        body: payloads::ping,
        expect_type: 1,
    },
    Scenario {
        name: "/roadmap phase:2",
        id: "roadmap-phase",
        body: |who| {
            payloads::command(
                who,
                "roadmap",
                json!([{ "name": "phase", "type": 4, "value": 2 }]),
            )
        },
        expect_type: 4,
    },
    Scenario {
        name: "/roadmap autocomplete",
        id: "roadmap-autocomplete",
        body: |who| payloads::autocomplete(who, "roadmap", "topic", "py"),
        expect_type: 8,
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
