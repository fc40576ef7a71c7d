//! Leaderboards from the maintained `points_totals` and `points_histogram` (see the
//! migrations that create them): a page of a scope with competition ranks ("1, 2, 2, 4"), one
//! member's rank, and folding the histogram's pending changes into it.

use serenity::all::{GuildId, UserId};
use sqlx::{PgConnection, PgPool};
use tokio_util::sync::CancellationToken;

use super::ids::{user_from_db, DbId};

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub rank: i64,
    pub user: UserId,
    pub points: i64,
}

/// A page of `scope`'s standings (hidden members and members without points left out), and
/// whether another page follows.
pub async fn page(
    pool: &PgPool,
    guild: GuildId,
    scope: &str,
    page: i64,
    size: i64,
) -> sqlx::Result<(Vec<Standing>, bool)> {
    let rows = sqlx::query!(
        "SELECT user_id, points FROM points_totals
         WHERE guild_id = $1 AND scope = $2 AND NOT hidden AND points > 0
         ORDER BY points DESC, user_id
         LIMIT $3 OFFSET $4",
        guild.db(),
        scope,
        size + 1,
        page * size
    )
    .fetch_all(pool)
    .await?;
    let more = rows.len() as i64 > size;
    let mut standings: Vec<Standing> = Vec::with_capacity(rows.len());
    for (i, row) in rows
        .into_iter()
        .take(usize::try_from(size).unwrap_or(0))
        .enumerate()
    {
        // Everyone earlier on the page with more points ranks above; ties share a rank.
        let rank = match standings.last() {
            Some(previous) if previous.points == row.points => previous.rank,
            Some(_) => page * size + i as i64 + 1,
            // A tie may reach back onto earlier pages: count who is really above.
            None => above(pool, guild, scope, row.points).await? + 1,
        };
        standings.push(Standing {
            rank,
            user: user_from_db(row.user_id),
            points: row.points,
        });
    }
    Ok((standings, more))
}

/// How many visible members in `scope` have more than `points`: sums over the totals'
/// histogram (one row per distinct total) and the changes not folded into it yet, rather than
/// a count over every member.
async fn above(pool: &PgPool, guild: GuildId, scope: &str, points: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT (COALESCE((SELECT SUM(members) FROM points_histogram
                             WHERE guild_id = $1 AND scope = $2 AND points > $3), 0)
                 + COALESCE((SELECT SUM(change) FROM points_histogram_changes
                             WHERE guild_id = $1 AND scope = $2 AND points > $3), 0))::bigint AS "n!""#,
        guild.db(),
        scope,
        points
    )
    .fetch_one(pool)
    .await
}

/// Most awards or histogram changes one fold moves, so a backlog is worked off in bounded
/// steps.
pub const FOLD_BATCH: i64 = 50_000;
/// The fewest a fold moves after timeouts: small enough to finish on a saturated database.
const FOLD_BATCH_MIN: i64 = 500;

/// Folds up to `batch` queued awards into the totals, then up to `batch` pending histogram
/// changes (the totals' trigger appends them) into the histogram; returns how many awards
/// and changes it moved. Several processes may fold at once: each takes rows the others have
/// not locked.
pub async fn fold(pool: &PgPool, batch: i64) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    // Background work on a database that members' requests may saturate, where a statement
    // gets a small share of the CPU: bounded by this, not by the pool's timeout for members'
    // waits, or a fold would time out whenever it is needed most and never catch up.
    sqlx::query("SET LOCAL statement_timeout = '30s'")
        .execute(&mut *tx)
        .await?;
    let awards = fold_awards(&mut tx, batch).await?;
    let changes = fold_changes(&mut tx, batch).await?;
    tx.commit().await?;
    Ok(awards + changes)
}

/// Adds queued awards to the totals of every scope they count in (the server's time zone
/// decides their week and month). Totals are written in key order, so two folds never wait
/// on each other in a circle.
async fn fold_awards(conn: &mut PgConnection, batch: i64) -> sqlx::Result<u64> {
    let moved = sqlx::query_scalar!(
        r#"WITH moved AS (
               DELETE FROM points_pending
               WHERE ledger_id IN (SELECT ledger_id FROM points_pending ORDER BY ledger_id
                                   LIMIT $1 FOR UPDATE SKIP LOCKED)
               RETURNING guild_id, user_id, points, awarded_at, phase, roadmap_id),
           added AS (
               INSERT INTO points_totals (guild_id, scope, user_id, points, hidden)
               SELECT p.guild_id, scope, p.user_id, SUM(p.points), bool_or(m.hidden)
               FROM moved p
               JOIN members m USING (guild_id, user_id)
               JOIN servers s USING (guild_id)
               CROSS JOIN unnest(points_scopes(p.awarded_at, s.timezone, p.phase, p.roadmap_id)) AS scope
               GROUP BY p.guild_id, scope, p.user_id
               ORDER BY p.guild_id, scope, p.user_id
               ON CONFLICT (guild_id, scope, user_id)
                   DO UPDATE SET points = points_totals.points + EXCLUDED.points)
           SELECT count(*) AS "n!" FROM moved"#,
        batch
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(u64::try_from(moved).unwrap_or(0))
}

/// Folds one member's queued awards, waiting for a fold that holds them: once this returns,
/// every total of theirs is in `points_totals` (used before changing what their totals say
/// about them, such as being hidden).
pub async fn fold_member(
    conn: &mut PgConnection,
    guild: GuildId,
    user: UserId,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"WITH moved AS (
               DELETE FROM points_pending WHERE guild_id = $1 AND user_id = $2
               RETURNING guild_id, user_id, points, awarded_at, phase, roadmap_id)
           INSERT INTO points_totals (guild_id, scope, user_id, points, hidden)
           SELECT p.guild_id, scope, p.user_id, SUM(p.points), bool_or(m.hidden)
           FROM moved p
           JOIN members m USING (guild_id, user_id)
           JOIN servers s USING (guild_id)
           CROSS JOIN unnest(points_scopes(p.awarded_at, s.timezone, p.phase, p.roadmap_id)) AS scope
           GROUP BY p.guild_id, scope, p.user_id
           ORDER BY p.guild_id, scope, p.user_id
           ON CONFLICT (guild_id, scope, user_id)
               DO UPDATE SET points = points_totals.points + EXCLUDED.points"#,
        guild.db(),
        user.db()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Folds up to `batch` pending histogram changes into the histogram; returns how many it
/// moved.
async fn fold_changes(conn: &mut PgConnection, batch: i64) -> sqlx::Result<u64> {
    let moved = sqlx::query_scalar!(
        r#"WITH moved AS (
               DELETE FROM points_histogram_changes
               WHERE id IN (SELECT id FROM points_histogram_changes ORDER BY id
                            LIMIT $1 FOR UPDATE SKIP LOCKED)
               RETURNING guild_id, scope, points, change),
           folded AS (
               INSERT INTO points_histogram (guild_id, scope, points, members)
               SELECT guild_id, scope, points, SUM(change)::int FROM moved
               GROUP BY guild_id, scope, points
               ON CONFLICT (guild_id, scope, points)
                   DO UPDATE SET members = points_histogram.members + EXCLUDED.members)
           SELECT count(*) AS "n!" FROM moved"#,
        batch
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(u64::try_from(moved).unwrap_or(0))
}

/// The size of the next fold. A fold that fails (typically the statement timeout, with a
/// backlog on a busy database) is rolled back whole, so retrying it at the same size could
/// fail forever while the backlog grows: each failure halves the next fold, and each success
/// doubles it back up to [`FOLD_BATCH`].
fn next_batch(batch: i64, failed: bool) -> i64 {
    if failed {
        (batch / 2).max(FOLD_BATCH_MIN)
    } else {
        batch.saturating_mul(2).min(FOLD_BATCH)
    }
}

/// Folds every `every` until `stop`, and once more then.
pub async fn fold_until(pool: PgPool, every: std::time::Duration, stop: CancellationToken) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut batch = FOLD_BATCH;
    loop {
        let stopping = tokio::select! {
            _ = ticks.tick() => false,
            () = stop.cancelled() => true,
        };
        let failed = fold(&pool, batch)
            .await
            .inspect_err(|e| {
                tracing::warn!(error = %e, batch, "could not fold leaderboard awards and rank changes; will retry");
            })
            .is_err();
        batch = next_batch(batch, failed);
        if stopping {
            return;
        }
    }
}

/// Where a member stands in `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Ranked { rank: i64, points: i64 },
    NoPoints,
    Hidden,
}

pub async fn place(
    pool: &PgPool,
    guild: GuildId,
    scope: &str,
    user: UserId,
) -> sqlx::Result<Place> {
    // The member's own total adds the awards not folded yet, so they see their change at
    // once; others see it when it is folded.
    let row = sqlx::query!(
        r#"SELECT m.hidden,
                  t.points AS "folded?",
                  (SELECT SUM(p.points) FROM points_pending p JOIN servers s USING (guild_id)
                   WHERE p.guild_id = $1 AND p.user_id = $3
                     AND $2 = ANY(points_scopes(p.awarded_at, s.timezone, p.phase, p.roadmap_id)))::bigint AS queued
           FROM members m
           LEFT JOIN points_totals t ON t.guild_id = $1 AND t.scope = $2 AND t.user_id = $3
           WHERE m.guild_id = $1 AND m.user_id = $3"#,
        guild.db(),
        scope,
        user.db()
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row.filter(|r| r.folded.is_some() || r.queued.is_some()) else {
        return Ok(Place::NoPoints);
    };
    let folded = row.folded.unwrap_or(0);
    let points = folded + row.queued.unwrap_or(0);
    Ok(match () {
        () if row.hidden => Place::Hidden,
        () if points > 0 => {
            // Until the fold, the histogram still counts the member at their folded total,
            // which is above them after an undo.
            let counted_above = folded > points;
            Place::Ranked {
                rank: above(pool, guild, scope, points).await? + 1 - i64::from(counted_above),
                points,
            }
        }
        () => Place::NoPoints,
    })
}

/// Recounts a server's weekly and monthly totals from its ledger, in its current zone.
pub async fn rebuild_period_totals(conn: &mut PgConnection, guild: GuildId) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM points_totals
         WHERE guild_id = $1 AND (scope LIKE 'week:%' OR scope LIKE 'month:%')",
        guild.db()
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO points_totals (guild_id, scope, user_id, points, hidden)
         SELECT l.guild_id, scope, l.user_id, SUM(l.points), bool_or(m.hidden)
         FROM points_ledger l
         JOIN members m USING (guild_id, user_id)
         JOIN servers s USING (guild_id)
         CROSS JOIN unnest(points_scopes(l.awarded_at, s.timezone, NULL, NULL)) AS scope
         WHERE l.guild_id = $1 AND scope <> 'all'
           -- Queued awards are added by their fold, in the zone it finds.
           AND NOT EXISTS (SELECT 1 FROM points_pending p WHERE p.ledger_id = l.id)
         GROUP BY l.guild_id, scope, l.user_id
         ON CONFLICT (guild_id, scope, user_id) DO UPDATE SET points = EXCLUDED.points",
        guild.db()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_shrink_on_failures_and_grow_back_on_success() {
        let mut batch = FOLD_BATCH;
        for _ in 0..20 {
            batch = next_batch(batch, true);
        }
        assert_eq!(batch, FOLD_BATCH_MIN);
        batch = next_batch(batch, false);
        assert_eq!(batch, FOLD_BATCH_MIN * 2);
        for _ in 0..20 {
            batch = next_batch(batch, false);
        }
        assert_eq!(batch, FOLD_BATCH);
    }
}
