//! Storing topic states, and the ledger rows and phase completions that follow from them.
//!
//! Every change is one transaction that first takes the member's row lock (the upsert of
//! `members`), so concurrent changes by one member run one after another and each sees the
//! last one's result: no completion is missed or awarded twice. Different members never wait
//! on each other. Award keys are unique per member, so even a replayed request cannot award
//! twice.

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use sqlx::PgPool;

use super::ids::DbId;
use super::{scheduled, servers};
use crate::achievements;
use crate::progress::plan::{plan, Amount, Award, Current, Plan, Request, Rules, TopicRow};
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

pub async fn set_state(
    pool: &PgPool,
    topic: TopicRef<'_>,
    guild: GuildId,
    user: UserId,
    state: TopicState,
    proof: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<Saved> {
    let roadmap = topic.roadmap;
    let (g, u) = (guild.db(), user.db());
    let mut tx = pool.begin().await?;
    let count_skipped = servers::lock_member(&mut tx, guild, user, now)
        .await?
        .count_skipped;

    // Read after the lock is held: this statement's snapshot includes every change the member
    // made before, even one that committed while we waited for the lock.
    let snapshot = sqlx::query!(
        r#"SELECT t.topic_id AS "topic_id?", t.state AS "state?", t.done_count AS "done_count?",
                  t.proof_url, p.complete AS "phase_complete?", p.completions AS "phase_completions?"
           FROM (SELECT 1) AS one
           LEFT JOIN phase_status p ON p.guild_id = $1 AND p.user_id = $2 AND p.phase = $3
           LEFT JOIN topic_progress t ON t.guild_id = $1 AND t.user_id = $2"#,
        g,
        u,
        i16::from(topic.phase.number)
    )
    .fetch_all(&mut *tx)
    .await?;
    let current = Current {
        phase_complete: snapshot
            .first()
            .and_then(|r| r.phase_complete)
            .unwrap_or(false),
        phase_completions: snapshot
            .first()
            .and_then(|r| r.phase_completions)
            .unwrap_or(0),
        rows: snapshot
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
    };
    let request = Request {
        topic,
        state,
        proof,
    };
    let change = match plan(roadmap, &current, request, Rules { count_skipped }) {
        Plan::Unchanged { progress } => {
            tx.commit().await?;
            return Ok(Saved {
                state,
                previous: state,
                changed: false,
                topic_points: 0,
                phase_points: 0,
                phase_completed: None,
                progress,
            });
        }
        Plan::Change(change) => change,
    };
    if let Some(old) = &change.rename_from {
        sqlx::query!(
            "UPDATE topic_progress SET topic_id = $3 WHERE guild_id = $1 AND user_id = $2 AND topic_id = $4",
            g,
            u,
            change.topic_id,
            old
        )
        .execute(&mut *tx)
        .await?;
    }
    let awards = Awards::of(&change.awards);
    let phase_number = topic.phase.number;
    let phase = change.phase;

    let points = sqlx::query!(
        r#"WITH topic AS (
             INSERT INTO topic_progress AS t
               (guild_id, user_id, topic_id, state, proof_url, done_count, started_at, completed_at, updated_at)
             VALUES ($1, $2, $3, $4::text, $5::text, $6::int,
                     CASE WHEN $4 IN ('learning', 'done') THEN $7::timestamptz END,
                     CASE WHEN $4 = 'done' THEN $7::timestamptz END,
                     $7::timestamptz)
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
             SELECT $1, $2, $8::smallint, $9::bool, $10::int, $7::timestamptz WHERE $11::bool
             ON CONFLICT (guild_id, user_id, phase) DO UPDATE SET
               complete = EXCLUDED.complete,
               completions = EXCLUDED.completions,
               changed_at = EXCLUDED.changed_at
           ),
           awarded AS (
             INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at, phase)
             SELECT $1, $2, a.kind, a.reference,
                    COALESCE(a.points, -(SELECT l.points FROM points_ledger l
                                         WHERE l.guild_id = $1 AND l.user_id = $2
                                           AND l.award_key = ANY(string_to_array(a.reverses, E'\n'))
                                         ORDER BY l.id DESC LIMIT 1), 0),
                    a.award_key, $7, $8::smallint
             FROM UNNEST($12::text[], $13::text[], $14::int[], $15::text[], $16::text[])
                  AS a (kind, reference, points, award_key, reverses)
             ON CONFLICT (guild_id, user_id, award_key) DO NOTHING
             RETURNING kind, points
           )
           SELECT COALESCE(SUM(points) FILTER (WHERE kind LIKE 'topic%'), 0)::int AS "topic!",
                  COALESCE(SUM(points) FILTER (WHERE kind LIKE 'phase%'), 0)::int AS "phase!"
           FROM awarded"#,
        g,
        u,
        change.topic_id,
        change.state.as_str(),
        change.proof,
        change.done_count,
        now,
        i16::from(phase_number),
        phase.is_some_and(|p| p.complete),
        phase.map_or(0, |p| p.completions),
        phase.is_some(),
        &awards.kinds,
        &awards.references,
        &awards.points as &[Option<i32>],
        &awards.keys,
        &awards.reverses as &[Option<String>],
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(record) = phase.filter(|p| p.complete) {
        // Queued with the award it celebrates, so neither happens without the other.
        let period = achievements::phase_period(user.into(), record.number, record.completions);
        scheduled::insert_pending(&mut tx, guild, achievements::PHASE, &period, now).await?;
    }
    tx.commit().await?;
    Ok(Saved {
        state: change.state,
        previous: change.previous,
        changed: true,
        topic_points: points.topic,
        phase_points: points.phase,
        phase_completed: phase.map(|p| p.complete),
        progress: change.progress,
    })
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
