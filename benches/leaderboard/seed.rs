//! Seeding one large server, and reading PostgreSQL's plans for the leaderboard queries.

use sqlx::{PgPool, Row};

pub const GUILD: i64 = 950_000_000_000_000_001;

/// Seeds `members` members and `rows` ledger rows over the last 120 days (a few members earn
/// most points, as in a real server; one in fifty is hidden), then computes the totals and
/// their histogram in bulk, the way the migrations do for an existing ledger. Returns the boards to measure.
pub async fn seed(
    pool: &PgPool,
    members: i64,
    rows: i64,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let statements = [
        "INSERT INTO servers (guild_id, timezone) VALUES ($1, 'Europe/Berlin')",
        "INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at, hidden)
         SELECT $1, n, now() - interval '200 days', now(), n % 50 = 0
         FROM generate_series(1, $2) AS n",
        // Bulk loading: the totals are computed once afterwards instead of row by row.
        "ALTER TABLE points_ledger DISABLE TRIGGER points_totals_after_insert",
        "ALTER TABLE points_totals DISABLE TRIGGER USER",
        "INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at, phase, roadmap_id)
         SELECT $1, 1 + floor(power(random(), 2) * $2)::bigint, 'topic', 'seed',
                (ARRAY[5, 10, 10, 50])[1 + floor(random() * 4)::int], 'seed:' || n,
                now() - random() * interval '120 days', (1 + floor(random() * 4))::smallint,
                'ai-engineer'
         FROM generate_series(1, $3) AS n",
        "INSERT INTO points_totals (guild_id, scope, user_id, points, hidden)
         SELECT l.guild_id, scope, l.user_id, SUM(l.points), bool_or(m.hidden)
         FROM points_ledger l
         JOIN members m USING (guild_id, user_id)
         JOIN servers s USING (guild_id)
         CROSS JOIN unnest(points_scopes(l.awarded_at, s.timezone, l.phase, l.roadmap_id)) AS scope
         GROUP BY l.guild_id, scope, l.user_id",
        "INSERT INTO points_histogram (guild_id, scope, points, members)
         SELECT guild_id, scope, points, count(*) FROM points_totals
         WHERE NOT hidden AND points > 0 GROUP BY guild_id, scope, points",
        "ALTER TABLE points_totals ENABLE TRIGGER USER",
        "ALTER TABLE points_ledger ENABLE TRIGGER points_totals_after_insert",
    ];
    for statement in statements {
        let query = sqlx::query(statement);
        let query = if statement.contains("$3") {
            query.bind(GUILD).bind(members).bind(rows)
        } else if statement.contains("$2") {
            query.bind(GUILD).bind(members)
        } else if statement.contains("$1") {
            query.bind(GUILD)
        } else {
            query
        };
        query.execute(pool).await?;
    }
    sqlx::query("VACUUM ANALYZE points_totals")
        .execute(pool)
        .await?;
    sqlx::query("VACUUM ANALYZE points_ledger")
        .execute(pool)
        .await?;
    let scope = |sql: &str| {
        let sql = sql.to_string();
        async move { sqlx::query_scalar::<_, String>(&sql).fetch_one(pool).await }
    };
    let week =
        scope("SELECT 'week:' || to_char(now() AT TIME ZONE 'Europe/Berlin', 'IYYY-\"W\"IW')")
            .await?;
    let month =
        scope("SELECT 'month:' || to_char(now() AT TIME ZONE 'Europe/Berlin', 'YYYY-MM')").await?;
    Ok(vec![
        ("this week", week),
        ("this month", month),
        ("all time", "all".into()),
        ("phase 2", "phase:ai-engineer:2".into()),
    ])
}

/// The visible member with the fewest points in `scope`.
pub async fn lowest_member(pool: &PgPool, scope: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT user_id FROM points_totals WHERE guild_id = $1 AND scope = $2 AND NOT hidden
         AND points > 0 ORDER BY points, user_id LIMIT 1",
    )
    .bind(GUILD)
    .bind(scope)
    .fetch_one(pool)
    .await?)
}

/// EXPLAIN ANALYZE of the page query and of the rank count for `last`, summarised.
pub async fn explain(pool: &PgPool, scope: &str, last: i64) -> anyhow::Result<Vec<String>> {
    let points: i64 = sqlx::query_scalar(
        "SELECT points FROM points_totals WHERE guild_id = $1 AND scope = $2 AND user_id = $3",
    )
    .bind(GUILD)
    .bind(scope)
    .bind(last)
    .fetch_one(pool)
    .await?;
    let queries = [
        (
            "page",
            format!(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT user_id, points FROM points_totals
                 WHERE guild_id = {GUILD} AND scope = '{scope}' AND NOT hidden AND points > 0
                 ORDER BY points DESC, user_id LIMIT 11 OFFSET 0"
            ),
        ),
        (
            "rank of the last",
            format!(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT COALESCE(SUM(members), 0) FROM points_histogram
                 WHERE guild_id = {GUILD} AND scope = '{scope}' AND points > {points}"
            ),
        ),
    ];
    let mut summary = Vec::new();
    for (what, sql) in queries {
        let lines: Vec<String> = sqlx::query(&sql)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| row.get::<String, _>(0))
            .collect();
        let nodes: Vec<String> = lines
            .iter()
            .filter(|l| l.contains("Scan") || l.contains("Sort") || l.contains("Limit"))
            .map(|l| {
                let l = l.trim().trim_start_matches("->").trim();
                l.split("  (").next().unwrap_or(l).to_string()
            })
            .collect();
        let time = lines
            .iter()
            .find(|l| l.starts_with("Execution Time"))
            .cloned()
            .unwrap_or_default();
        summary.push(format!("{what}: {} — {time}", nodes.join(" → ")));
    }
    Ok(summary)
}
