//! What members control about their own data in a server: being hidden from others, a copy
//! of everything stored about them, and deleting it.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use serenity::all::{GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::ids::DbId;
use super::{leaderboard, servers};

pub async fn set_hidden(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    hidden: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    servers::lock_member(&mut tx, guild, user, now).await?;
    sqlx::query!(
        "UPDATE members SET hidden = $3 WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db(),
        hidden
    )
    .execute(&mut *tx)
    .await?;
    // Totals a fold would still add carry the flag too: fold them now (waiting for a fold
    // that holds them), so the update below reaches every total of the member.
    leaderboard::fold_member(&mut tx, guild, user).await?;
    sqlx::query!(
        "UPDATE points_totals SET hidden = $3 WHERE guild_id = $1 AND user_id = $2",
        guild.db(),
        user.db(),
        hidden
    )
    .execute(&mut *tx)
    .await?;
    if hidden {
        // A hidden member's name is not kept for the community pages.
        sqlx::query!(
            "DELETE FROM member_names WHERE guild_id = $1 AND user_id = $2",
            guild.db(),
            user.db()
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Everything stored about the member in this server, as JSON; `None` when nothing is.
pub async fn export(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Value>> {
    let (g, u) = (guild.db(), user.db());
    // One snapshot for every read, so the export is consistent.
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    let Some(member) = sqlx::query!(
        "SELECT first_seen_at, last_seen_at, hidden, timezone, reminders FROM members
         WHERE guild_id = $1 AND user_id = $2",
        g,
        u
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let topics = sqlx::query!(
        "SELECT roadmap_id, topic_id, state, proof_url, done_count, started_at, completed_at,
                updated_at
         FROM topic_progress WHERE guild_id = $1 AND user_id = $2 ORDER BY roadmap_id, topic_id",
        g,
        u
    )
    .fetch_all(&mut *tx)
    .await?;
    let phases = sqlx::query!(
        "SELECT roadmap_id, phase, complete, completions, changed_at
         FROM phase_status WHERE guild_id = $1 AND user_id = $2 ORDER BY roadmap_id, phase",
        g,
        u
    )
    .fetch_all(&mut *tx)
    .await?;
    let ledger = sqlx::query!(
        "SELECT kind, reference, points, awarded_at, NULLIF(roadmap_id, '') AS roadmap_id
         FROM points_ledger WHERE guild_id = $1 AND user_id = $2 ORDER BY id",
        g,
        u
    )
    .fetch_all(&mut *tx)
    .await?;
    let checkins = sqlx::query!(
        "SELECT week, did, blockers, next_goal, link, met_last_goal, created_at, updated_at
         FROM checkins WHERE guild_id = $1 AND user_id = $2 ORDER BY week",
        g,
        u
    )
    .fetch_all(&mut *tx)
    .await?;
    let draft = sqlx::query!(
        "SELECT did, blockers, next_goal, link, met, saved_at
         FROM checkin_drafts WHERE guild_id = $1 AND user_id = $2",
        g,
        u
    )
    .fetch_optional(&mut *tx)
    .await?;
    let challenges = sqlx::query!(
        "SELECT c.name, c.start_date, c.end_date, cm.joined_at
         FROM challenge_members cm JOIN challenges c ON c.id = cm.challenge_id
         WHERE cm.guild_id = $1 AND cm.user_id = $2 ORDER BY cm.joined_at",
        g,
        u
    )
    .fetch_all(&mut *tx)
    .await?;
    let partner = sqlx::query!(
        "SELECT note, joined_at FROM partner_members WHERE guild_id = $1 AND user_id = $2",
        g,
        u
    )
    .fetch_optional(&mut *tx)
    .await?;
    let partner_weeks = sqlx::query!(
        r#"SELECT g.week, g.number, g.thread_id, gm.met, gm.in_thread,
                  ARRAY(SELECT o.user_id::text FROM partner_group_members o
                        WHERE o.group_id = g.id AND o.user_id <> gm.user_id
                        ORDER BY o.user_id) AS "partners!"
           FROM partner_group_members gm JOIN partner_groups g ON g.id = gm.group_id
           WHERE gm.guild_id = $1 AND gm.user_id = $2 ORDER BY g.week"#,
        g,
        u
    )
    .fetch_all(&mut *tx)
    .await?;
    let other_tables = other_tables(&mut tx, g, u).await?;
    tx.commit().await?;
    Ok(Some(json!({
        "what": "Everything Waypoint stores about you in this server",
        "server_id": guild.to_string(),
        "user_id": user.to_string(),
        "exported_at": now,
        "member": {
            "first_seen_at": member.first_seen_at,
            "last_seen_at": member.last_seen_at,
            "hidden": member.hidden,
            "timezone": member.timezone,
            "reminders": member.reminders,
        },
        "checkins": checkins.iter().map(|c| json!({
            "week": c.week,
            "did": c.did,
            "blockers": c.blockers,
            "next_goal": c.next_goal,
            "link": c.link,
            "met_last_goal": c.met_last_goal,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        })).collect::<Vec<_>>(),
        "unsent_checkin_form": draft.map(|d| json!({
            "did": d.did,
            "blockers": d.blockers,
            "next_goal": d.next_goal,
            "link": d.link,
            "met_last_goal": d.met,
            "saved_at": d.saved_at,
        })),
        "topics": topics.iter().map(|t| json!({
            "roadmap": t.roadmap_id,
            "topic": t.topic_id,
            "state": t.state,
            "proof_url": t.proof_url,
            "times_completed": t.done_count,
            "started_at": t.started_at,
            "completed_at": t.completed_at,
            "updated_at": t.updated_at,
        })).collect::<Vec<_>>(),
        "phases": phases.iter().map(|p| json!({
            "roadmap": p.roadmap_id,
            "phase": p.phase,
            "complete": p.complete,
            "times_completed": p.completions,
            "changed_at": p.changed_at,
        })).collect::<Vec<_>>(),
        "challenges_joined": challenges.iter().map(|c| json!({
            "challenge": c.name,
            "first_day": c.start_date,
            "last_day": c.end_date,
            "joined_at": c.joined_at,
        })).collect::<Vec<_>>(),
        "points": ledger.iter().map(|l| json!({
            "kind": l.kind,
            "roadmap": l.roadmap_id,
            "reference": l.reference,
            "points": l.points,
            "awarded_at": l.awarded_at,
        })).collect::<Vec<_>>(),
        "accountability_partners": {
            "joined": partner.map(|p| json!({ "note": p.note, "joined_at": p.joined_at })),
            "weeks": partner_weeks.iter().map(|w| json!({
                "week": w.week,
                "group": w.number,
                "partners": w.partners,
                "thread": w.thread_id.map(|t| t.to_string()),
                "added_to_thread": w.in_thread,
                "met": w.met,
            })).collect::<Vec<_>>(),
        },
        "other_tables": other_tables,
    })))
}

/// The member tables `export` describes field by field, and `points_totals` and
/// `points_pending`, which only add up and queue the ledger the export holds.
const DESCRIBED: [&str; 11] = [
    "members",
    "topic_progress",
    "phase_status",
    "points_ledger",
    "checkins",
    "checkin_drafts",
    "challenge_members",
    "points_totals",
    "points_pending",
    "partner_members",
    "partner_group_members",
];

/// The member's rows of every other table with `guild_id` and `user_id`, whole, by table: a
/// member table added later is in the member's copy without a change here (and, with its
/// foreign key to `members`, gone with their deletion).
async fn other_tables(
    conn: &mut PgConnection,
    guild: i64,
    user: i64,
) -> sqlx::Result<Map<String, Value>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.table_name::text FROM information_schema.columns c
         JOIN information_schema.columns g ON g.table_schema = c.table_schema
              AND g.table_name = c.table_name AND g.column_name = 'guild_id'
         JOIN information_schema.tables t ON t.table_schema = c.table_schema
              AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
         WHERE c.table_schema = current_schema() AND c.column_name = 'user_id'
               AND NOT c.table_name = ANY($1)
         ORDER BY 1",
    )
    .bind(&DESCRIBED[..])
    .fetch_all(&mut *conn)
    .await?;
    let mut found = Map::new();
    for table in tables {
        // The name comes from the catalog; quoted as an identifier all the same.
        let sql = format!(
            r#"SELECT (to_jsonb(t) - 'guild_id' - 'user_id')::text FROM "{}" t
               WHERE guild_id = $1 AND user_id = $2"#,
            table.replace('"', "\"\"")
        );
        let rows: Vec<String> = sqlx::query_scalar(&sql)
            .bind(guild)
            .bind(user)
            .fetch_all(&mut *conn)
            .await?;
        let rows: Vec<Value> = rows
            .iter()
            .filter_map(|row| serde_json::from_str(row).ok())
            .collect();
        if !rows.is_empty() {
            found.insert(table, Value::Array(rows));
        }
    }
    Ok(found)
}

/// What a deletion removed, per kind of row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub topics: u64,
    pub phases: u64,
    pub ledger: u64,
    pub checkins: u64,
    pub member: u64,
}

/// Removes every row of the member in this server, in one statement (so all or nothing).
pub async fn delete(pool: &PgPool, guild: GuildId, user: UserId) -> sqlx::Result<Removed> {
    let counts = sqlx::query!(
        r#"WITH topics AS (DELETE FROM topic_progress WHERE guild_id = $1 AND user_id = $2 RETURNING 1),
                phases AS (DELETE FROM phase_status WHERE guild_id = $1 AND user_id = $2 RETURNING 1),
                ledger AS (DELETE FROM points_ledger WHERE guild_id = $1 AND user_id = $2 RETURNING 1),
                checkins AS (DELETE FROM checkins WHERE guild_id = $1 AND user_id = $2 RETURNING 1),
                drafts AS (DELETE FROM checkin_drafts WHERE guild_id = $1 AND user_id = $2 RETURNING 1),
                member AS (DELETE FROM members WHERE guild_id = $1 AND user_id = $2 RETURNING 1)
           SELECT (SELECT count(*) FROM topics) AS "topics!",
                  (SELECT count(*) FROM phases) AS "phases!",
                  (SELECT count(*) FROM ledger) AS "ledger!",
                  (SELECT count(*) FROM checkins) + (SELECT count(*) FROM drafts) AS "checkins!",
                  (SELECT count(*) FROM member) AS "member!""#,
        guild.db(),
        user.db()
    )
    .fetch_one(pool)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Removed {
        topics: count(counts.topics),
        phases: count(counts.phases),
        ledger: count(counts.ledger),
        checkins: count(counts.checkins),
        member: count(counts.member),
    })
}
