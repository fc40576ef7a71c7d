//! The plan of every statement on a scenario's path, as PostgreSQL ran it: after the
//! measurements, `auto_explain` is switched on for a few requests of each scenario, and the
//! plans it writes to the server's log (triggers' statements included) are read back, one per
//! distinct statement. A cost is then visible at a glance: a sequential scan, a sort, a
//! statement that should not be there.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use serde_json::Value;
use sqlx::PgPool;

use crate::batch::{self, Ids};
use crate::load::{Load, Until};
use crate::payloads::Key;
use crate::scenarios::Scenario;

/// Requests sent per scenario with plans logged.
const REQUESTS: usize = 50;

/// One statement and its plan, drawn as an indented tree.
#[derive(Debug, Clone)]
pub struct Plan {
    pub query: String,
    pub tree: String,
}

/// The settings the bench's PostgreSQL starts with for this. Plans are logged only while
/// `auto_explain.log_min_duration` is switched on with `ALTER SYSTEM`, which a setting given
/// at start would override, so that one is left at its default (off).
pub const SETTINGS: [&str; 2] = [
    "auto_explain.log_format=json",
    "auto_explain.log_nested_statements=on",
];

/// Sends a few requests of `scenario` with every plan logged, and returns the plans.
pub async fn of(
    pool: &PgPool,
    log: &Path,
    (load, ids, key): (&mut Load, &mut Ids, &Key),
    scenario: &'static Scenario,
) -> anyhow::Result<Vec<Plan>> {
    let from = std::fs::metadata(log).map_or(0, |m| m.len());
    switch(pool, "0").await?;
    let batch = Arc::new(batch::sign(scenario, key, ids, REQUESTS)?);
    load.run(batch, Until::Sent(REQUESTS)).await;
    switch(pool, "-1").await?;
    let text = std::fs::read(log).with_context(|| format!("reading {}", log.display()))?;
    let chunk = String::from_utf8_lossy(&text[usize::try_from(from).unwrap_or(0)..]);
    Ok(parse(&chunk))
}

async fn switch(pool: &PgPool, min_duration: &str) -> anyhow::Result<()> {
    sqlx::query(&format!(
        "ALTER SYSTEM SET auto_explain.log_min_duration = {min_duration}"
    ))
    .execute(pool)
    .await?;
    sqlx::query("SELECT pg_reload_conf()").execute(pool).await?;
    // Backends read the new setting at their next command; give the signal time to land.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    Ok(())
}

/// The plans in a stretch of the server's log, first of each statement, in order.
pub fn parse(log: &str) -> Vec<Plan> {
    let mut plans: Vec<Plan> = Vec::new();
    let mut lines = log.lines().peekable();
    while let Some(line) = lines.next() {
        if !(line.contains("LOG:  duration:") && line.trim_end().ends_with("plan:")) {
            continue;
        }
        let mut json = String::new();
        while let Some(next) = lines.peek().filter(|l| l.starts_with('\t')) {
            json.push_str(&next[1..]);
            json.push('\n');
            lines.next();
        }
        let Ok(entry) = serde_json::from_str::<Value>(&json) else {
            continue;
        };
        let query = entry["Query Text"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if query.is_empty()
            || query.contains("auto_explain")
            || query.contains("pg_reload_conf")
            || plans.iter().any(|p| p.query == query)
        {
            continue;
        }
        let mut tree = String::new();
        draw(&entry["Plan"], 0, &mut tree);
        plans.push(Plan { query, tree });
    }
    plans
}

/// One node per line: its type, what it reads, and the conditions that decide its cost.
fn draw(node: &Value, depth: usize, out: &mut String) {
    let text = |key: &str| node[key].as_str().map(str::to_string);
    let mut line = format!(
        "{}{}",
        "  ".repeat(depth),
        text("Node Type").unwrap_or_default()
    );
    if let Some(relation) = text("Relation Name") {
        line.push_str(&format!(" on {relation}"));
    }
    if let Some(index) = text("Index Name") {
        line.push_str(&format!(" using {index}"));
    }
    for key in [
        "Index Cond",
        "Filter",
        "Hash Cond",
        "Join Filter",
        "Sort Key",
        "Conflict Resolution",
    ] {
        match &node[key] {
            Value::String(s) => line.push_str(&format!(" [{key}: {s}]")),
            Value::Array(items) => {
                let items: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect();
                line.push_str(&format!(" [{key}: {}]", items.join(", ")));
            }
            _ => {}
        }
    }
    out.push_str(&line);
    out.push('\n');
    if let Some(children) = node["Plans"].as_array() {
        for child in children {
            draw(child, depth + 1, out);
        }
    }
}
