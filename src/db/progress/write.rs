//! Writing planned changes, every change that arrives together in one statement.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::super::batch::Batched;
use crate::achievements;
use crate::progress::plan::{Amount, Award, Change};

/// A planned change to write, if the member's progress is still at `version`.
#[derive(Debug, Clone)]
pub struct Planned {
    pub guild: i64,
    pub user: i64,
    /// The roadmap the topic belongs to: its id.
    pub roadmap: String,
    pub version: Option<i64>,
    pub phase: i16,
    pub change: Change,
    /// The completion's celebration period, when the change completes the phase.
    pub celebration: Option<String>,
    pub at: DateTime<Utc>,
}

/// What writing a change added to the ledger; `None` from [`WriteChanges`] when the member's
/// progress had moved on (nothing was written).
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub topic_points: i32,
    pub phase_points: i32,
}

/// Writes each planned change only if its member's version is unchanged, moving it on.
pub struct WriteChanges;

impl Batched for WriteChanges {
    type Item = Planned;
    type Out = Option<Written>;
    /// A statement may upsert a member's rows once.
    type Key = (i64, i64);

    fn key(&self, item: &Planned) -> Option<(i64, i64)> {
        Some((item.guild, item.user))
    }

    /// One statement for all `items`: each member's version moves on, and the topic's row,
    /// the phase's record, the ledger rows and a completion's celebration are written, all
    /// only for the members whose version is still the one their change was planned at. A
    /// member not known before is inserted (with their server). Members are locked in key
    /// order, so two statements never wait on each other in a circle, and with the lock an
    /// update that keeps the key takes, which leaves other transactions' foreign-key checks
    /// free (the leaderboard's fold checks members in its own order). An undo finds the award
    /// it takes back by each of its possible keys, one unique-index lookup each (the `LIMIT 1`
    /// keeps that subquery from being flattened into a join): matched as a filter or
    /// hash-joined, PostgreSQL read every ledger row of the member.
    async fn run(
        &self,
        conn: &mut PgConnection,
        items: &[Planned],
    ) -> sqlx::Result<Vec<Option<Written>>> {
        let c = Columns::of(items);
        let rows = sqlx::query!(
            r#"WITH i AS (
                 SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[],
                                      $5::text[], $6::text[], $7::int[], $8::smallint[],
                                      $9::bool[], $10::int[], $11::bool[], $12::text[],
                                      $13::timestamptz[], $21::text[])
                 WITH ORDINALITY AS i (guild_id, user_id, version, topic_id, state, proof_url,
                                       done_count, phase, phase_complete, completions,
                                       phase_changed, celebration, at, roadmap_id, n)
               ),
               server AS (
                 INSERT INTO servers (guild_id)
                 SELECT DISTINCT guild_id FROM i WHERE version IS NULL
                 ON CONFLICT (guild_id) DO NOTHING
               ),
               locked AS (
                 SELECT m.guild_id, m.user_id FROM members m
                 JOIN i ON i.guild_id = m.guild_id AND i.user_id = m.user_id
                 WHERE m.progress_version = i.version
                 ORDER BY m.guild_id, m.user_id
                 FOR NO KEY UPDATE OF m
               ),
               bumped AS (
                 UPDATE members m SET progress_version = m.progress_version + 1
                 FROM locked l WHERE m.guild_id = l.guild_id AND m.user_id = l.user_id
                 RETURNING m.guild_id, m.user_id
               ),
               -- A member the read did not find either; if they appeared meanwhile, the change
               -- is planned again from their rows.
               joined AS (
                 INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
                 SELECT guild_id, user_id, at, at FROM i WHERE version IS NULL
                 ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id) DO NOTHING
                 RETURNING guild_id, user_id
               ),
               go AS (
                 SELECT i.* FROM i
                 JOIN (SELECT guild_id, user_id FROM bumped
                       UNION ALL SELECT guild_id, user_id FROM joined) w
                   ON w.guild_id = i.guild_id AND w.user_id = i.user_id
               ),
               topic AS (
                 INSERT INTO topic_progress AS t
                   (guild_id, user_id, roadmap_id, topic_id, state, proof_url, done_count, started_at, completed_at, updated_at)
                 SELECT guild_id, user_id, roadmap_id, topic_id, state, proof_url, done_count,
                        CASE WHEN state IN ('learning', 'done') THEN at END,
                        CASE WHEN state = 'done' THEN at END,
                        at
                 FROM go ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id, roadmap_id, topic_id) DO UPDATE SET
                   state = EXCLUDED.state,
                   proof_url = EXCLUDED.proof_url,
                   done_count = EXCLUDED.done_count,
                   started_at = COALESCE(t.started_at, EXCLUDED.started_at),
                   completed_at = CASE WHEN EXCLUDED.state = 'done' AND t.state = 'done' THEN t.completed_at
                                       ELSE EXCLUDED.completed_at END,
                   updated_at = EXCLUDED.updated_at
               ),
               phase AS (
                 INSERT INTO phase_status (guild_id, user_id, roadmap_id, phase, complete, completions, changed_at)
                 SELECT guild_id, user_id, roadmap_id, phase, phase_complete, completions, at
                 FROM go WHERE phase_changed ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id, roadmap_id, phase) DO UPDATE SET
                   complete = EXCLUDED.complete,
                   completions = EXCLUDED.completions,
                   changed_at = EXCLUDED.changed_at
               ),
               celebration AS (
                 INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                 SELECT guild_id, $14, celebration, at FROM go WHERE celebration IS NOT NULL
                 ON CONFLICT (guild_id, kind, period) DO NOTHING
               ),
               awarded AS (
                 INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at, phase, roadmap_id)
                 SELECT g.guild_id, g.user_id, a.kind, a.reference,
                        COALESCE(a.points, -(SELECT l.points
                                             FROM unnest(string_to_array(a.reverses, E'
')) AS k (award_key),
                                             LATERAL (SELECT o.points, o.id FROM points_ledger o
                                                      WHERE o.guild_id = g.guild_id AND o.user_id = g.user_id
                                                        AND o.roadmap_id = g.roadmap_id
                                                        AND o.award_key = k.award_key
                                                      LIMIT 1) AS l
                                             ORDER BY l.id DESC LIMIT 1), 0),
                        a.award_key, g.at, g.phase, g.roadmap_id
                 FROM unnest($15::int[], $16::text[], $17::text[], $18::int[], $19::text[], $20::text[])
                      AS a (item, kind, reference, points, award_key, reverses)
                 JOIN go g ON g.n = a.item
                 ON CONFLICT (guild_id, user_id, roadmap_id, award_key) DO NOTHING
                 RETURNING guild_id, user_id, kind, points
               )
               SELECT i.n AS "item!", bool_or(g.n IS NOT NULL) AS "written!",
                      COALESCE(SUM(a.points) FILTER (WHERE a.kind LIKE 'topic%'), 0)::int AS "topic!",
                      COALESCE(SUM(a.points) FILTER (WHERE a.kind LIKE 'phase%'), 0)::int AS "phase!"
               FROM i
               LEFT JOIN go g ON g.n = i.n
               LEFT JOIN awarded a ON a.guild_id = i.guild_id AND a.user_id = i.user_id
               GROUP BY i.n
               ORDER BY i.n"#,
            &c.guilds,
            &c.users,
            &c.versions as &[Option<i64>],
            &c.topics,
            &c.states,
            &c.proofs as &[Option<String>],
            &c.done_counts,
            &c.phases,
            &c.phase_completes,
            &c.completions,
            &c.phase_changed,
            &c.celebrations as &[Option<String>],
            &c.at,
            achievements::PHASE,
            &c.award_items,
            &c.kinds,
            &c.references,
            &c.points as &[Option<i32>],
            &c.keys,
            &c.reverses as &[Option<String>],
            &c.roadmaps,
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                row.written.then_some(Written {
                    topic_points: row.topic,
                    phase_points: row.phase,
                })
            })
            .collect())
    }
}

/// The changes as the parallel arrays the statement unnests: one entry per change, and one
/// per ledger row with the (1-based) number of its change.
#[derive(Default)]
struct Columns {
    guilds: Vec<i64>,
    users: Vec<i64>,
    versions: Vec<Option<i64>>,
    roadmaps: Vec<String>,
    topics: Vec<String>,
    states: Vec<String>,
    proofs: Vec<Option<String>>,
    done_counts: Vec<i32>,
    phases: Vec<i16>,
    phase_completes: Vec<bool>,
    completions: Vec<i32>,
    phase_changed: Vec<bool>,
    celebrations: Vec<Option<String>>,
    at: Vec<DateTime<Utc>>,
    award_items: Vec<i32>,
    kinds: Vec<String>,
    references: Vec<String>,
    /// `None`: the negation of the award named in `reverses`.
    points: Vec<Option<i32>>,
    keys: Vec<String>,
    /// Keys of the award a reversal undoes, one per line (ids never hold a newline).
    reverses: Vec<Option<String>>,
}

impl Columns {
    fn of(items: &[Planned]) -> Self {
        let mut c = Self::default();
        for (n, item) in (1..).zip(items) {
            let change = &item.change;
            c.guilds.push(item.guild);
            c.users.push(item.user);
            c.versions.push(item.version);
            c.roadmaps.push(item.roadmap.clone());
            c.topics.push(change.topic_id.clone());
            c.states.push(change.state.as_str().to_string());
            c.proofs.push(change.proof.clone());
            c.done_counts.push(change.done_count);
            c.phases.push(item.phase);
            c.phase_completes
                .push(change.phase.is_some_and(|p| p.complete));
            c.completions
                .push(change.phase.map_or(0, |p| p.completions));
            c.phase_changed.push(change.phase.is_some());
            c.celebrations.push(item.celebration.clone());
            c.at.push(item.at);
            for award in &change.awards {
                c.award(n, award);
            }
        }
        c
    }

    fn award(&mut self, item: i32, award: &Award) {
        let (points, reverses) = match &award.amount {
            Amount::Points(points) => (Some(*points), None),
            Amount::Reverses(keys) => (None, Some(keys.join("\n"))),
        };
        self.award_items.push(item);
        self.kinds.push(award.kind.to_string());
        self.references.push(award.reference.clone());
        self.points.push(points);
        self.keys.push(award.key.clone());
        self.reverses.push(reverses);
    }
}
