//! Storing topic states, and the ledger rows and phase completions that follow from them.
//!
//! A change reads the member's rows, is planned by `progress::plan`, and is written by one
//! statement that also moves the member's `progress_version` on, and writes only if that
//! version is still the one the rows were read at. So a change planned from rows another
//! change has since replaced writes nothing and is read and planned again: no completion is
//! missed or awarded twice, and a change costs two statements with no lock held between them,
//! each shared with the other changes that arrive at the same time (`db::batch`). A member
//! whose changes keep colliding waits on their row lock instead. Award keys are unique per
//! member, so even a replayed request cannot award twice.

mod read;
mod write;

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::batch::Batcher;
use super::ids::DbId;
use super::servers;
use crate::achievements;
use crate::progress::plan::{plan, Change, Plan, Request, Rules};
use crate::progress::{MemberProgress, TopicState};
use crate::roadmap::{Roadmap, TopicRef};
use read::{Read, ReadRows};
use write::{Planned, WriteChanges, Written};

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

impl Saved {
    fn with(self, written: Written) -> Self {
        Self {
            topic_points: written.topic_points,
            phase_points: written.phase_points,
            ..self
        }
    }
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

/// Statements that take every change arriving together (see `db::batch`).
pub struct Writes {
    pool: PgPool,
    reads: Batcher<ReadRows>,
    writes: Batcher<WriteChanges>,
}

impl Writes {
    pub fn new(pool: PgPool) -> Self {
        Self {
            // One worker reads while others write: a read is a fraction of a write's work.
            reads: Batcher::new(ReadRows, pool.clone(), 1),
            writes: Batcher::new(WriteChanges, pool.clone(), WRITERS),
            pool,
        }
    }
}

/// Statements writing at once: PostgreSQL works on each with one process, so two keep both
/// of a small machine's cores busy, and more only wait on each other's locks.
const WRITERS: usize = 2;

pub async fn set_state(
    writes: &Writes,
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
        let read = writes.reads.run(change.read()).await?;
        let planned = match change.plan(read) {
            Next::Done(saved) => return Ok(*saved),
            Next::Rename { version, old, new } => {
                let mut conn = writes.pool.acquire().await?;
                change.rename(&mut conn, version, &old, &new).await?;
                continue;
            }
            Next::Write(planned) => planned,
        };
        let mut planned = *planned;
        let saved = Asked::saved(&mut planned.change);
        if let Some(written) = writes.writes.run(planned).await? {
            return Ok(saved.with(written));
        }
    }
    // The member's progress keeps changing under us (many changes of theirs at once): hold
    // their row lock, under which the version read is the one the write finds. A rename is
    // written on its own first, so two attempts always suffice.
    let mut tx = writes.pool.begin().await?;
    servers::lock_member(&mut tx, guild, user, now).await?;
    for _ in 0..2 {
        let read = writes.reads.run_on(&mut tx, &change.read()).await?;
        match change.plan(read) {
            Next::Done(saved) => {
                tx.commit().await?;
                return Ok(*saved);
            }
            Next::Rename { version, old, new } => {
                change.rename(&mut tx, version, &old, &new).await?;
            }
            Next::Write(mut planned) => {
                let saved = Asked::saved(&mut planned.change);
                if let Some(written) = writes.writes.run_on(&mut tx, &planned).await? {
                    tx.commit().await?;
                    return Ok(saved.with(written));
                }
            }
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

/// What to do after reading.
enum Next {
    /// Nothing to write.
    Done(Box<Saved>),
    /// Move the member's row stored under an old id first, then read again.
    Rename {
        version: Option<i64>,
        old: String,
        new: String,
    },
    Write(Box<Planned>),
}

impl Asked<'_> {
    fn read(&self) -> read::Asked {
        read::Asked {
            guild: self.guild.db(),
            user: self.user.db(),
            roadmap: self.topic.roadmap.id.clone(),
            phase: i16::from(self.topic.phase.number),
        }
    }

    fn plan(&self, read: Read) -> Next {
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
                return Next::Done(Box::new(Saved {
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
            return Next::Rename {
                version: read.version,
                old: old.clone(),
                new: change.topic_id.clone(),
            };
        }
        let celebration = change.phase.filter(|p| p.complete).map(|record| {
            achievements::phase_period(self.user.into(), record.number, record.completions)
        });
        Next::Write(Box::new(Planned {
            guild: self.guild.db(),
            user: self.user.db(),
            roadmap: self.topic.roadmap.id.clone(),
            version: read.version,
            phase: i16::from(self.topic.phase.number),
            change: *change,
            celebration,
            at: self.now,
        }))
    }

    /// What a change returns once written, its points still to come. Takes the member's
    /// progress out of the change: the write does not need it, so it is not copied.
    fn saved(change: &mut Change) -> Saved {
        Saved {
            state: change.state,
            previous: change.previous,
            changed: true,
            topic_points: 0,
            phase_points: 0,
            phase_completed: change.phase.map(|p| p.complete),
            progress: std::mem::take(&mut change.progress),
        }
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
             WHERE guild_id = $1 AND user_id = $2 AND roadmap_id = $6 AND topic_id = $4
               AND EXISTS (SELECT 1 FROM m)",
            self.guild.db(),
            self.user.db(),
            new,
            old,
            version,
            self.topic.roadmap.id
        )
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

/// A member's progress on `roadmap`, their points (on every roadmap), whether they hide it,
/// and the server's rule for skipped topics.
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
             ARRAY(SELECT topic_id FROM topic_progress WHERE guild_id = $1 AND user_id = $2 AND roadmap_id = $3 ORDER BY topic_id) AS "topics!",
             ARRAY(SELECT state FROM topic_progress WHERE guild_id = $1 AND user_id = $2 AND roadmap_id = $3 ORDER BY topic_id) AS "states!",
             ARRAY(SELECT phase FROM phase_status WHERE guild_id = $1 AND user_id = $2 AND roadmap_id = $3 AND complete ORDER BY phase) AS "completed!""#,
        guild.db(),
        user.db(),
        roadmap.id
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
