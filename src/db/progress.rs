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
use super::{celebrations, servers};
use crate::progress::{MemberProgress, TopicState, PHASE_POINTS, TOPIC_POINTS};
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

struct Row {
    topic_id: String,
    state: TopicState,
    done_count: i32,
    proof_url: Option<String>,
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
    let count_skipped = servers::lock_member(&mut tx, guild, user, now).await?;

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
    let phase_complete = snapshot.first().and_then(|r| r.phase_complete);
    let phase_completions = snapshot
        .first()
        .and_then(|r| r.phase_completions)
        .unwrap_or(0);
    let mut rows: Vec<Row> = snapshot
        .into_iter()
        .filter_map(|r| {
            Some(Row {
                topic_id: r.topic_id?,
                state: TopicState::parse(&r.state?).unwrap_or_default(),
                done_count: r.done_count?,
                proof_url: r.proof_url,
            })
        })
        .collect();

    // The row for this topic: under its current id, else under an old one (then renamed).
    let id = topic.topic.id.as_str();
    let existing = rows.iter().position(|r| r.topic_id == id).or_else(|| {
        rows.iter()
            .position(|r| topic.topic.aliases.contains(&r.topic_id))
    });
    let (previous, done_count, previous_proof) = existing
        .map_or((TopicState::NotStarted, 0, None), |i| {
            (rows[i].state, rows[i].done_count, rows[i].proof_url.clone())
        });
    let proof = if state == TopicState::Done {
        proof.map(str::to_string).or(previous_proof.clone())
    } else {
        None
    };
    if previous == state && proof == previous_proof {
        tx.commit().await?;
        return Ok(Saved {
            state,
            previous,
            changed: false,
            topic_points: 0,
            phase_points: 0,
            phase_completed: None,
            progress: progress_of(roadmap, &rows),
        });
    }
    if let Some(i) = existing.filter(|i| rows[*i].topic_id != id) {
        sqlx::query!(
            "UPDATE topic_progress SET topic_id = $3 WHERE guild_id = $1 AND user_id = $2 AND topic_id = $4",
            g,
            u,
            id,
            rows[i].topic_id
        )
        .execute(&mut *tx)
        .await?;
        rows[i].topic_id = id.to_string();
    }

    let entering_done = state == TopicState::Done && previous != TopicState::Done;
    let leaving_done = previous == TopicState::Done && state != TopicState::Done;
    let new_done_count = done_count + i32::from(entering_done);
    let mut awards = Awards::default();
    if entering_done {
        awards.add(
            "topic_done",
            id,
            Some(TOPIC_POINTS),
            format!("topic:{id}:{new_done_count}"),
            None,
        );
    }
    if leaving_done {
        // The completion being undone may have been awarded under an old id of the topic.
        let originals = std::iter::once(id)
            .chain(topic.topic.aliases.iter().map(String::as_str))
            .map(|old| format!("topic:{old}:{done_count}"))
            .collect::<Vec<_>>()
            .join("\n");
        awards.add(
            "topic_undone",
            id,
            None,
            format!("topic-undo:{id}:{done_count}"),
            Some(originals),
        );
    }

    // Phase completion, judged on the progress as it will be after this change.
    match existing {
        Some(i) => rows[i].state = state,
        None => rows.push(Row {
            topic_id: id.to_string(),
            state,
            done_count: new_done_count,
            proof_url: None,
        }),
    }
    let progress = progress_of(roadmap, &rows);
    let phase_number = topic.phase.number;
    let now_complete = progress.phase(topic.phase, count_skipped).complete;
    let was_complete = phase_complete.unwrap_or(false);
    let mut completions = phase_completions;
    let phase_completed = (now_complete != was_complete).then_some(now_complete);
    if now_complete && !was_complete {
        completions += 1;
        awards.add(
            "phase_complete",
            &phase_number.to_string(),
            Some(PHASE_POINTS),
            format!("phase:{phase_number}:{completions}"),
            None,
        );
    } else if was_complete && !now_complete {
        awards.add(
            "phase_undone",
            &phase_number.to_string(),
            None,
            format!("phase-undo:{phase_number}:{completions}"),
            Some(format!("phase:{phase_number}:{completions}")),
        );
    }

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
        id,
        state.as_str(),
        proof,
        new_done_count,
        now,
        i16::from(phase_number),
        now_complete,
        completions,
        phase_completed.is_some(),
        &awards.kinds,
        &awards.references,
        &awards.points as &[Option<i32>],
        &awards.keys,
        &awards.reverses as &[Option<String>],
    )
    .fetch_one(&mut *tx)
    .await?;
    if now_complete && !was_complete {
        // Queued with the award it celebrates, so neither happens without the other.
        let period = celebrations::phase_period(user, phase_number, completions);
        celebrations::queue(&mut tx, guild, celebrations::PHASE, &period, now).await?;
    }
    tx.commit().await?;
    Ok(Saved {
        state,
        previous,
        changed: true,
        topic_points: points.topic,
        phase_points: points.phase,
        phase_completed,
        progress,
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
    fn add(
        &mut self,
        kind: &str,
        reference: &str,
        points: Option<i32>,
        key: String,
        reverses: Option<String>,
    ) {
        self.kinds.push(kind.to_string());
        self.references.push(reference.to_string());
        self.points.push(points);
        self.keys.push(key);
        self.reverses.push(reverses);
    }
}

fn progress_of(roadmap: &Roadmap, rows: &[Row]) -> MemberProgress {
    MemberProgress::from_rows(roadmap, rows.iter().map(|r| (r.topic_id.as_str(), r.state)))
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
