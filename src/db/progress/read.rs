//! What a change is planned from, read for every change that arrives together in one statement.

use sqlx::PgConnection;

use super::super::batch::Batched;
use crate::progress::plan::{Current, TopicRow};
use crate::progress::TopicState;

/// One change's read: the member and the phase of the topic it changes.
#[derive(Debug, Clone)]
pub struct Asked {
    pub guild: i64,
    pub user: i64,
    /// The roadmap whose rows are read: its id.
    pub roadmap: String,
    pub phase: i16,
}

/// What a change is planned from: the member's rows, the server's rule, and the version of the
/// member's progress they were read at (`None`: the member is not known in the server yet).
#[derive(Debug, Clone, Default)]
pub struct Read {
    pub current: Current,
    pub count_skipped: bool,
    pub version: Option<i64>,
}

/// Reads the member's rows for each change.
pub struct ReadRows;

impl Batched for ReadRows {
    type Item = Asked;
    type Out = Read;
    type Key = ();

    fn key(&self, _: &Asked) -> Option<()> {
        // Reads of one member may share a statement.
        None
    }

    async fn run(&self, conn: &mut PgConnection, items: &[Asked]) -> sqlx::Result<Vec<Read>> {
        let guilds: Vec<i64> = items.iter().map(|a| a.guild).collect();
        let users: Vec<i64> = items.iter().map(|a| a.user).collect();
        let phases: Vec<i16> = items.iter().map(|a| a.phase).collect();
        let roadmaps: Vec<&str> = items.iter().map(|a| a.roadmap.as_str()).collect();
        let rows = sqlx::query!(
            // Plain column names: `benches/floor/progress_set.sql` runs this statement as is
            // and keeps `version` for its write.
            r#"SELECT i.n AS item, m.progress_version AS version,
                      COALESCE(s.count_skipped, false) AS count_skipped,
                      t.topic_id, t.state, t.done_count, t.proof_url,
                      p.complete AS phase_complete, p.completions AS phase_completions
               FROM unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::text[])
                    WITH ORDINALITY AS i (guild_id, user_id, phase, roadmap_id, n)
               LEFT JOIN servers s ON s.guild_id = i.guild_id
               LEFT JOIN members m ON m.guild_id = i.guild_id AND m.user_id = i.user_id
               LEFT JOIN phase_status p
                      ON p.guild_id = i.guild_id AND p.user_id = i.user_id
                     AND p.roadmap_id = i.roadmap_id AND p.phase = i.phase
               LEFT JOIN topic_progress t ON t.guild_id = i.guild_id AND t.user_id = i.user_id
                     AND t.roadmap_id = i.roadmap_id"#,
            &guilds,
            &users,
            &phases,
            &roadmaps as &[&str]
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut reads = vec![Read::default(); items.len()];
        for row in rows {
            let Some(read) = row
                .item
                .and_then(|n| usize::try_from(n - 1).ok())
                .and_then(|i| reads.get_mut(i))
            else {
                continue;
            };
            read.version = row.version;
            read.count_skipped = row.count_skipped.unwrap_or(false);
            read.current.phase_complete = row.phase_complete.unwrap_or(false);
            read.current.phase_completions = row.phase_completions.unwrap_or(0);
            if let (Some(topic_id), Some(state), Some(done_count)) =
                (row.topic_id, row.state, row.done_count)
            {
                read.current.rows.push(TopicRow {
                    topic_id,
                    state: TopicState::parse(&state).unwrap_or_default(),
                    done_count,
                    proof_url: row.proof_url,
                });
            }
        }
        Ok(reads)
    }
}
