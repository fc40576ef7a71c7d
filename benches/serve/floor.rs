//! The yardstick for writes: pgbench running the very statements a write command runs
//! (`benches/floor/*.sql`, checked against the code by `tests/it/floor.rs`) on the bench's own
//! database, with the same concurrency and members. What the command reaches of that rate is
//! what serving it costs on top of the database's own work.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use chrono::Utc;
use tokio::process::Command;
use waypoint::progress::plan::{plan, Amount, Current, Plan, Request, Rules};
use waypoint::progress::TopicState;

use crate::payloads::{self, FIRST_MEMBER, GUILD_ID};

/// What pgbench measured for one script.
pub struct Floor {
    /// The scenario it is the floor of.
    pub scenario: &'static str,
    pub script: &'static str,
    pub tps: f64,
    pub latency_ms: f64,
    pub clients: usize,
    pub seconds: u64,
    /// Ledger rows written per transaction: each of the command's requests writes one (or
    /// none, for a check-in after the week's first), and the leaderboard's fold of them is a
    /// large part of the database's work, so a floor that wrote fewer would measure less work.
    pub ledger_rows_per_tx: f64,
}

/// The scenarios that have a floor, and its script.
pub const FLOORS: &[(&str, &str)] = &[
    ("progress-set", "progress_set.sql"),
    ("checkin-submit", "checkin_submit.sql"),
];

/// The fewest ledger rows per transaction a floor must write to run what its command runs:
/// every `/progress set` request of the bench writes one.
fn ledger_rows_expected(script: &str) -> f64 {
    match script {
        "progress_set.sql" => 0.95,
        _ => 0.0,
    }
}

/// The values a script takes as constants (`-D`): what the command would send for the same
/// request, worked out by the same code (the topic change's plan, the check-in's grant).
fn defines(script: &str, members: u64) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = vec![
        ("first_member".to_string(), FIRST_MEMBER.to_string()),
        (
            "last_member".to_string(),
            (FIRST_MEMBER + members.max(1) - 1).to_string(),
        ),
    ];
    let now = Utc::now();
    let mut set = |name: &str, value: String| out.push((name.to_string(), value));
    // The statements take arrays, one entry per request: pgbench sends one request each.
    let one = |value: String| format!("{{{value}}}");
    match script {
        "progress_set.sql" => {
            let library = payloads::library();
            let roadmap = library.roadmaps.first().context("the shipped roadmap")?;
            let topic = roadmap.topics().next().context("a topic")?;
            let request = Request {
                topic,
                state: TopicState::Done,
                proof: None,
            };
            let Plan::Change(change) =
                plan(roadmap, &Current::default(), request, Rules::default())
            else {
                bail!("marking a topic done for a new member changes nothing");
            };
            // The script makes each request's key from this one (`progress_set.sql`), so the
            // plan must award exactly one row.
            let [award] = change.awards.as_slice() else {
                bail!(
                    "the floor's change awards {} rows, not one",
                    change.awards.len()
                );
            };
            let phase = topic.phase.number.to_string();
            set("r1", one(GUILD_ID.to_string()));
            set("r3", one(phase.clone()));
            set("r4", one(topic.roadmap.id.clone()));
            set("w1", one(GUILD_ID.to_string()));
            set("w4", one(change.topic_id.clone()));
            set("w5", one(change.state.as_str().to_string()));
            set("w6", one("NULL".to_string()));
            set("w7", one(change.done_count.to_string()));
            set("w8", one(phase));
            set(
                "w9",
                one(change.phase.is_some_and(|p| p.complete).to_string()),
            );
            set(
                "w10",
                one(change.phase.map_or(0, |p| p.completions).to_string()),
            );
            set("w11", one(change.phase.is_some().to_string()));
            set("w12", one("NULL".to_string()));
            set("w13", one(now.to_rfc3339()));
            set("w14", waypoint::achievements::PHASE.to_string());
            set("w15", one("1".to_string()));
            set("w16", one(award.kind.to_string()));
            set("w17", one(award.reference.clone()));
            let Amount::Points(points) = award.amount else {
                bail!("the floor's change takes an award back");
            };
            set("w18", one(points.to_string()));
            set("award_key", award.key.clone());
            set("w20", one("NULL".to_string()));
            set("w21", one(topic.roadmap.id.clone()));
        }
        "checkin_submit.sql" => {
            let week = waypoint::weekly::week_key(now, chrono_tz::UTC);
            let grant = waypoint::points::checkin(&week);
            // A text array's one entry, quoted: the form's text has spaces and commas.
            let text = |value: &str| {
                format!(
                    "{{\"{}\"}}",
                    value.replace('\\', "\\\\").replace('"', "\\\"")
                )
            };
            set("s1", one(GUILD_ID.to_string()));
            set("c1", one(GUILD_ID.to_string()));
            set("c3", text(&week));
            set("c4", text(payloads::CHECKIN_DID));
            // No blockers, no link, no answer about last week's goal, as the bench's form.
            set("c5", text(""));
            set("c6", text(payloads::CHECKIN_GOAL));
            set("c7", one("NULL".to_string()));
            set("c8", one("NULL".to_string()));
            set("c9", one(now.to_rfc3339()));
            set("c10", text(grant.kind));
            set("c11", text(&grant.reference));
            set("c12", one(grant.points.to_string()));
            set("c13", text(&grant.key));
        }
        other => bail!("no constants for floor script {other}"),
    }
    Ok(out)
}

/// Runs `script` with pgbench against `url` for `duration` with `clients`.
pub async fn measure(
    url: &str,
    (scenario, script): (&'static str, &'static str),
    members: u64,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Floor> {
    let pgbench = waypoint::db::pg_binaries::find_program("pgbench")
        .context("pgbench is not installed (Debian: the postgresql package has it)")?;
    let url = url::Url::parse(url).context("the database URL")?;
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "benches", "floor", script]
        .iter()
        .collect();
    let seconds = duration.as_secs().max(1);
    let mut command = Command::new(pgbench);
    command
        .args(["-n", "-M", "prepared", "-j", "2"])
        .arg(format!("--client={clients}"))
        .arg(format!("--time={seconds}"))
        .arg(format!("--file={}", path.display()))
        .arg(format!("--host={}", url.host_str().unwrap_or("127.0.0.1")))
        .arg(format!("--port={}", url.port().unwrap_or(5432)))
        .arg(format!("--username={}", url.username()))
        .env("PGPASSWORD", url.password().unwrap_or_default())
        // Planned as the server's pool plans them (`db::connect`), so the floor runs the same
        // work.
        .env("PGOPTIONS", "-c plan_cache_mode=force_generic_plan");
    for (name, value) in defines(script, members)? {
        command.arg(format!("--define={name}={value}"));
    }
    let pool = waypoint::db::connect(url.as_str(), Duration::from_secs(60)).await?;
    let ledger_rows = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM points_ledger")
            .fetch_one(&pool)
            .await
            .context("counting the ledger's rows")
    };
    let rows_before = ledger_rows().await?;
    let output = command
        .arg(url.path().trim_start_matches('/'))
        .output()
        .await
        .context("running pgbench")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed on {script}: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let number = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    let transactions = number("number of transactions actually processed: ")
        .context("pgbench printed no transaction count")?;
    let ledger_rows_per_tx = (ledger_rows().await? - rows_before) as f64 / transactions.max(1.0);
    pool.close().await;
    if ledger_rows_per_tx < ledger_rows_expected(script) {
        bail!(
            "{script} wrote {ledger_rows_per_tx:.2} ledger rows per transaction, fewer than the \
             command's requests write: it no longer runs the command's work"
        );
    }
    Ok(Floor {
        scenario,
        script,
        ledger_rows_per_tx,
        tps: number("tps = ").context("pgbench printed no tps")?,
        latency_ms: number("latency average = ").unwrap_or(f64::NAN),
        clients,
        seconds,
    })
}
