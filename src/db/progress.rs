//! Storing topic states, and the ledger rows and phase completions that follow from them.
//!
//! A change reads the member's rows, is planned by `progress::plan`, and is written by one
//! statement that also moves the member's `progress_version` on, and writes only if that
//! version is still the one the rows were read at. So a change planned from rows another
//! change has since replaced writes nothing and is read and planned again: no completion is
//! missed or awarded twice, and a change costs two round trips with no lock held between
//! them. A member whose changes keep colliding waits on their row lock instead. Award keys are
//! unique per member, so even a replayed request cannot award twice.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::ids::DbId;
use super::servers;
use crate::achievements;
use crate::progress::plan::{plan, Amount, Award, Change, Current, Plan, Request, Rules, TopicRow};
use crate::progress::{MemberProgress, TopicState};
use crate::roadmap::{Roadmap, TopicRef};

/// What a change did.
#[derive(Debug, Clone)]
pub struct Saved {
    pub state: TopicState,
    /// The state before the change (the same as `state` when only the proof link changed).
    pub previous: TopicState,
    /// False when the topic already had this state (and proof): nothing was written.
    pub changed: bool,
    /// Points this change added to the ledger for the topic; negative for an undo.
    pub topic_points: i32,
    /// Points it added for the phase (its completion bonus, or that bonus taken back).
    pub phase_points: i32,
    /// The topic's phase became complete (`Some(true)`) or stopped being so (`Some(false)`).
    pub phase_completed: Option<bool>,
    /// The member's progress after the change.
    pub progress: MemberProgress,
}

/// One member's stored progress in a server.
#[derive(Debug, Clone)]
pub struct Stored {
    pub progress: MemberProgress,
    /// Whether the member has used Waypoint in this server at all.
    pub known: bool,
    pub hidden: bool,
    pub count_skipped: bool,
    /// The member's ledger total in this server.
    pub points: i64,
    /// The phases recorded as complete (and awarded), in order. A change of the server's rule
    /// for skipped topics reaches these with the member's next change, so views show these,
    /// not the rule applied afresh, and never a completion whose bonus is not in the ledger.
    pub completed: Vec<u8>,
}

/// Optimistic attempts before a change waits its turn on the member's row lock instead.
const OPTIMISTIC_TRIES: usize = 3;

pub async fn set_state(
    pool: &PgPool,
    topic: TopicRef<'_>,
    guild: GuildId,
    user: UserId,
    state: TopicState,
    proof: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<Saved> {
    let change = Asked {
        topic,
        guild,
        user,
        state,
        proof,
        now,
    };
    for _ in 0..OPTIMISTIC_TRIES {
        let mut conn = pool.acquire().await?;
        if let Some(saved) = change.attempt(&mut conn).await? {
            return Ok(saved);
        }
    }
    // The member's progress keeps changing under us (many changes of theirs at once): hold
    // their row lock, under which the version read is the one the write finds. A rename is
    // written on its own first, so two attempts always suffice.
    let mut tx = pool.begin().await?;
    servers::lock_member(&mut tx, guild, user, now).await?;
    for _ in 0..2 {
        if let Some(saved) = change.attempt(&mut tx).await? {
            tx.commit().await?;
            return Ok(saved);
        }
    }
    Err(sqlx::Error::Protocol(
        "a member's progress changed while their row was locked".into(),
    ))
}

/// A change as the member asked for it.
struct Asked<'a> {
    topic: TopicRef<'a>,
    guild: GuildId,
    user: UserId,
    state: TopicState,
    proof: Option<&'a str>,
    now: DateTime<Utc>,
}

/// What a change is planned from: the member's rows, the server's rule, and the version of the
/// member's progress they were read at (`None`: the member is not known in the server yet).
struct Read {
    current: Current,
    count_skipped: bool,
    version: Option<i64>,
}

impl Asked<'_> {
    /// Reads, plans and writes the change in two round trips. `None` when the member's
    /// progress changed between the read and the write (nothing was written), or when an old
    /// row was renamed first: either way, read again.
    async fn attempt(&self, conn: &mut PgConnection) -> sqlx::Result<Option<Saved>> {
        let read = self.read(conn).await?;
        let request = Request {
            topic: self.topic,
            state: self.state,
            proof: self.proof,
        };
        let rules = Rules {
            count_skipped: read.count_skipped,
        };
        let change = match plan(self.topic.roadmap, &read.current, request, rules) {
            Plan::Unchanged { progress } => {
                return Ok(Some(Saved {
                    state: self.state,
                    previous: self.state,
                    changed: false,
                    topic_points: 0,
                    phase_points: 0,
                    phase_completed: None,
                    progress,
                }))
            }
            Plan::Change(change) => change,
        };
        if let Some(old) = &change.rename_from {
            self.rename(conn, read.version, old, &change.topic_id)
                .await?;
            return Ok(None);
        }
        self.write(conn, read.version, *change).await
    }

    async fn read(&self, conn: &mut PgConnection) -> sqlx::Result<Read> {
        let rows = sqlx::query!(
            // Plain column names: `benches/floor/progress_set.sql` runs this statement as is
            // and keeps `version` for its write.
            r#"SELECT m.progress_version AS version,
                      COALESCE(s.count_skipped, false) AS count_skipped,
                      t.topic_id, t.state, t.done_count, t.proof_url,
                      p.complete AS phase_complete, p.completions AS phase_completions
               FROM (SELECT 1) AS one
               LEFT JOIN servers s ON s.guild_id = $1
               LEFT JOIN members m ON m.guild_id = $1 AND m.user_id = $2
               LEFT JOIN phase_status p ON p.guild_id = $1 AND p.user_id = $2 AND p.phase = $3
               LEFT JOIN topic_progress t ON t.guild_id = $1 AND t.user_id = $2"#,
            self.guild.db(),
            self.user.db(),
            i16::from(self.topic.phase.number)
        )
        .fetch_all(&mut *conn)
        .await?;
        let first = rows.first();
        Ok(Read {
            version: first.and_then(|r| r.version),
            count_skipped: first.and_then(|r| r.count_skipped).unwrap_or(false),
            current: Current {
                phase_complete: first.and_then(|r| r.phase_complete).unwrap_or(false),
                phase_completions: first.and_then(|r| r.phase_completions).unwrap_or(0),
                rows: rows
                    .into_iter()
                    .filter_map(|r| {
                        Some(TopicRow {
                            topic_id: r.topic_id?,
                            state: TopicState::parse(&r.state?).unwrap_or_default(),
                            done_count: r.done_count?,
                            proof_url: r.proof_url,
                        })
                    })
                    .collect(),
            },
        })
    }

    /// Moves the member's row stored under an old id to the topic's id, if their progress is
    /// still at `version`.
    async fn rename(
        &self,
        conn: &mut PgConnection,
        version: Option<i64>,
        old: &str,
        new: &str,
    ) -> sqlx::Result<()> {
        sqlx::query!(
            "WITH m AS (
               UPDATE members SET progress_version = progress_version + 1
               WHERE guild_id = $1 AND user_id = $2 AND progress_version = $5
               RETURNING 1)
             UPDATE topic_progress SET topic_id = $3
             WHERE guild_id = $1 AND user_id = $2 AND topic_id = $4 AND EXISTS (SELECT 1 FROM m)",
            self.guild.db(),
            self.user.db(),
            new,
            old,
            version
        )
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Writes a planned change in one statement: the member's version moves on, and the
    /// topic's row, the phase's record, the ledger rows and a completion's celebration are
    /// written, all only if the version is still the one the plan was read at. A member not
    /// known before is inserted (with their server) by the same statement. An undo finds the
    /// award it takes back by each of its possible keys, one unique-index lookup each (the
    /// `LIMIT 1` keeps that subquery from being flattened into a join): matched as a filter or
    /// hash-joined, PostgreSQL read every ledger row of the member, so an undo cost more the
    /// longer the member's history.
    async fn write(
        &self,
        conn: &mut PgConnection,
        version: Option<i64>,
        change: Change,
    ) -> sqlx::Result<Option<Saved>> {
        let awards = Awards::of(&change.awards);
        let phase = change.phase;
        let celebration = phase.filter(|p| p.complete).map(|record| {
            achievements::phase_period(self.user.into(), record.number, record.completions)
        });
        let written = sqlx::query!(
            r#"WITH server AS (
                 INSERT INTO servers (guild_id) SELECT $1 WHERE $17::bigint IS NULL
                 ON CONFLICT (guild_id) DO NOTHING
               ),
               member AS (
                 INSERT INTO members AS m (guild_id, user_id, first_seen_at, last_seen_at)
                 VALUES ($1, $2, $7, $7)
                 ON CONFLICT (guild_id, user_id) DO UPDATE
                   SET progress_version = m.progress_version + 1
                   WHERE m.progress_version = $17
                 -- xmax is 0 on a row this statement inserted: right only for a member the
                 -- read did not find either (else their data was deleted meanwhile).
                 RETURNING (m.xmax = 0) = ($17::bigint IS NULL) AS ok
               ),
               go AS (SELECT 1 FROM member WHERE ok),
               topic AS (
                 INSERT INTO topic_progress AS t
                   (guild_id, user_id, topic_id, state, proof_url, done_count, started_at, completed_at, updated_at)
                 SELECT $1, $2, $3, $4::text, $5::text, $6::int,
                        CASE WHEN $4 IN ('learning', 'done') THEN $7::timestamptz END,
                        CASE WHEN $4 = 'done' THEN $7::timestamptz END,
                        $7::timestamptz
                 FROM go
                 ON CONFLICT (guild_id, user_id, topic_id) DO UPDATE SET
                   state = EXCLUDED.state,
                   proof_url = EXCLUDED.proof_url,
                   done_count = EXCLUDED.done_count,
                   started_at = COALESCE(t.started_at, EXCLUDED.started_at),
                   completed_at = CASE WHEN EXCLUDED.state = 'done' AND t.state = 'done' THEN t.completed_at
                                       ELSE EXCLUDED.completed_at END,
                   updated_at = EXCLUDED.updated_at
               ),
               phase AS (
                 INSERT INTO phase_status (guild_id, user_id, phase, complete, completions, changed_at)
                 SELECT $1, $2, $8::smallint, $9::bool, $10::int, $7::timestamptz FROM go WHERE $11::bool
                 ON CONFLICT (guild_id, user_id, phase) DO UPDATE SET
                   complete = EXCLUDED.complete,
                   completions = EXCLUDED.completions,
                   changed_at = EXCLUDED.changed_at
               ),
               celebration AS (
                 INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                 SELECT $1, $18, $19, $7 FROM go WHERE $19::text IS NOT NULL
                 ON CONFLICT (guild_id, kind, period) DO NOTHING
               ),
               awarded AS (
                 INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at, phase)
                 SELECT $1, $2, a.kind, a.reference,
                        COALESCE(a.points, -(SELECT l.points
                                             FROM unnest(string_to_array(a.reverses, E'
')) AS k (award_key),
                                             LATERAL (SELECT o.points, o.id FROM points_ledger o
                                                      WHERE o.guild_id = $1 AND o.user_id = $2
                                                        AND o.award_key = k.award_key
                                                      LIMIT 1) AS l
                                             ORDER BY l.id DESC LIMIT 1), 0),
                        a.award_key, $7, $8::smallint
                 FROM go, UNNEST($12::text[], $13::text[], $14::int[], $15::text[], $16::text[])
                      AS a (kind, reference, points, award_key, reverses)
                 ON CONFLICT (guild_id, user_id, award_key) DO NOTHING
                 RETURNING kind, points
               )
               SELECT EXISTS (SELECT 1 FROM go) AS "written!",
                      COALESCE(SUM(points) FILTER (WHERE kind LIKE 'topic%'), 0)::int AS "topic!",
                      COALESCE(SUM(points) FILTER (WHERE kind LIKE 'phase%'), 0)::int AS "phase!"
               FROM awarded"#,
            self.guild.db(),
            self.user.db(),
            change.topic_id,
            change.state.as_str(),
            change.proof,
            change.done_count,
            self.now,
            i16::from(self.topic.phase.number),
            phase.is_some_and(|p| p.complete),
            phase.map_or(0, |p| p.completions),
            phase.is_some(),
            &awards.kinds,
            &awards.references,
            &awards.points as &[Option<i32>],
            &awards.keys,
            &awards.reverses as &[Option<String>],
            version,
            achievements::PHASE,
            celebration,
        )
        .fetch_one(&mut *conn)
        .await?;
        if !written.written {
            return Ok(None);
        }
        Ok(Some(Saved {
            state: change.state,
            previous: change.previous,
            changed: true,
            topic_points: written.topic,
            phase_points: written.phase,
            phase_completed: phase.map(|p| p.complete),
            progress: change.progress,
        }))
    }
}

/// Ledger rows to write, as the parallel arrays the insert unnests.
#[derive(Default)]
struct Awards {
    kinds: Vec<String>,
    references: Vec<String>,
    /// `None`: the negation of the award named in `reverses`.
    points: Vec<Option<i32>>,
    keys: Vec<String>,
    /// Keys of the award a reversal undoes, one per line (ids never hold a newline).
    reverses: Vec<Option<String>>,
}

impl Awards {
    fn of(planned: &[Award]) -> Self {
        let mut awards = Self::default();
        for award in planned {
            let (points, reverses) = match &award.amount {
                Amount::Points(points) => (Some(*points), None),
                Amount::Reverses(keys) => (None, Some(keys.join("\n"))),
            };
            awards.kinds.push(award.kind.to_string());
            awards.references.push(award.reference.clone());
            awards.points.push(points);
            awards.keys.push(award.key.clone());
            awards.reverses.push(reverses);
        }
        awards
    }
}

/// A member's progress, whether they hide it, and the server's rule for skipped topics.
pub async fn load(
    pool: &PgPool,
    roadmap: &Roadmap,
    guild: GuildId,
    user: UserId,
) -> sqlx::Result<Stored> {
    let row = sqlx::query!(
        r#"SELECT
             COALESCE((SELECT count_skipped FROM servers WHERE guild_id = $1), false) AS "count_skipped!",
             (SELECT hidden FROM members WHERE guild_id = $1 AND user_id = $2) AS hidden,
             COALESCE((SELECT SUM(points) FROM points_ledger WHERE guild_id = $1 AND user_id = $2), 0)::bigint AS "points!",
             ARRAY(SELECT topic_id FROM topic_progress WHERE guild_id = $1 AND user_id = $2 ORDER BY topic_id) AS "topics!",
             ARRAY(SELECT state FROM topic_progress WHERE guild_id = $1 AND user_id = $2 ORDER BY topic_id) AS "states!",
             ARRAY(SELECT phase FROM phase_status WHERE guild_id = $1 AND user_id = $2 AND complete ORDER BY phase) AS "completed!""#,
        guild.db(),
        user.db()
    )
    .fetch_one(pool)
    .await?;
    let progress = MemberProgress::from_rows(
        roadmap,
        row.topics
            .iter()
            .zip(&row.states)
            .map(|(t, s)| (t.as_str(), TopicState::parse(s).unwrap_or_default())),
    );
    Ok(Stored {
        progress,
        known: row.hidden.is_some(),
        hidden: row.hidden.unwrap_or(false),
        count_skipped: row.count_skipped,
        points: row.points,
        completed: row
            .completed
            .into_iter()
            .filter_map(|p| u8::try_from(p).ok())
            .collect(),
    })
}
