//! The week's partner groups after the match: who is in each, the thread each gets, and the
//! members' "did you meet?" answers. Each group's thread, nudge and question are scheduled
//! posts of their own, keyed by the week and the group's number.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::ids::{channel_from_db, user_from_db, DbId};
use super::partners::phases_from_db;
use super::prompts::zone_from_db;

/// Opening a group's thread, adding its members and posting the intro.
pub const THREAD: &str = "partner-thread";
/// The mid-week nudge in the thread.
pub const NUDGE: &str = "partner-nudge";
/// The end-of-week "did you meet?" question.
pub const MET: &str = "partner-met";

/// The week and group number of a group post's period, "2026-W49/3", as
/// [`plan_for_groups`] writes it.
pub fn parse_period(period: &str) -> Option<(&str, i32)> {
    let (week, number) = period.rsplit_once('/')?;
    Some((week, number.parse().ok()?))
}

/// One group of a week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub week: String,
    pub number: i32,
    /// A topic of the roadmap the members share.
    pub topic: Option<String>,
    pub thread: Option<ChannelId>,
    /// A request to open the thread went out (it may have been opened without being recorded).
    pub thread_requested: bool,
    pub public: bool,
}

/// A member of a group, as the intro and `/partners show` describe them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub user: UserId,
    pub note: String,
    pub zone: chrono_tz::Tz,
    pub completed: Vec<u8>,
    pub hidden: bool,
    /// The goal of their latest check-in before the group's week.
    pub goal: Option<String>,
    /// Still in the weekly match (not left with `/partners leave`).
    pub joined: bool,
    pub in_thread: bool,
}

pub async fn group(
    pool: &PgPool,
    guild: GuildId,
    week: &str,
    number: i32,
) -> sqlx::Result<Option<Group>> {
    let row = sqlx::query!(
        r#"SELECT id, week, number, topic_id, thread_id,
                  thread_requested_at IS NOT NULL AS "requested!", thread_public
           FROM partner_groups WHERE guild_id = $1 AND week = $2 AND number = $3"#,
        guild.db(),
        week,
        number
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Group {
        id: r.id,
        week: r.week,
        number: r.number,
        topic: r.topic_id,
        thread: r.thread_id.map(channel_from_db),
        thread_requested: r.requested,
        public: r.thread_public,
    }))
}

/// The members of group `id` who still have their data here, in a stable order.
pub async fn members(pool: &PgPool, id: i64, roadmap: &str) -> sqlx::Result<Vec<Partner>> {
    let rows = sqlx::query!(
        r#"SELECT gm.user_id, COALESCE(pm.note, '') AS "note!", pm.user_id IS NOT NULL AS "joined!",
                  gm.in_thread, COALESCE(m.timezone, s.timezone) AS "zone!", m.hidden,
                  ARRAY(SELECT ps.phase::smallint FROM phase_status ps
                        WHERE ps.guild_id = gm.guild_id AND ps.user_id = gm.user_id
                          AND ps.roadmap_id = $2 AND ps.complete) AS "completed!",
                  (SELECT c.next_goal FROM checkins c
                   WHERE c.guild_id = gm.guild_id AND c.user_id = gm.user_id
                     AND c.week < g.week ORDER BY c.week DESC LIMIT 1) AS goal
           FROM partner_group_members gm
           JOIN partner_groups g ON g.id = gm.group_id
           JOIN members m ON m.guild_id = gm.guild_id AND m.user_id = gm.user_id
           JOIN servers s ON s.guild_id = g.guild_id
           LEFT JOIN partner_members pm
                ON pm.guild_id = gm.guild_id AND pm.user_id = gm.user_id
           WHERE gm.group_id = $1
           ORDER BY gm.user_id"#,
        id,
        roadmap
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Partner {
            user: user_from_db(r.user_id),
            note: r.note,
            zone: zone_from_db(&r.zone),
            completed: phases_from_db(r.completed),
            hidden: r.hidden,
            goal: r.goal,
            joined: r.joined,
            in_thread: r.in_thread,
        })
        .collect())
}

/// A member's group of one week, as they see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyGroup {
    pub thread: Option<ChannelId>,
    /// The others (none left when all of them deleted their data).
    pub partners: Vec<Partner>,
}

/// `user`'s group of `week`, if they have one.
pub async fn group_of(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    week: &str,
    roadmap: &str,
) -> sqlx::Result<Option<MyGroup>> {
    let found = sqlx::query!(
        "SELECT g.id, g.thread_id FROM partner_group_members gm
         JOIN partner_groups g ON g.id = gm.group_id
         WHERE gm.guild_id = $1 AND gm.user_id = $2 AND g.week = $3",
        guild.db(),
        user.db(),
        week
    )
    .fetch_optional(pool)
    .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let mut partners = members(pool, found.id, roadmap).await?;
    partners.retain(|p| p.user != user);
    Ok(Some(MyGroup {
        thread: found.thread_id.map(channel_from_db),
        partners,
    }))
}

/// Notes that a request to open group `id`'s thread is about to go out.
pub async fn thread_requested(pool: &PgPool, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE partner_groups SET thread_requested_at = COALESCE(thread_requested_at, $2)
         WHERE id = $1",
        id,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn save_thread(
    pool: &PgPool,
    id: i64,
    thread: ChannelId,
    public: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE partner_groups SET thread_id = $2, thread_public = $3 WHERE id = $1",
        id,
        thread.db(),
        public
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Records that `users` were added to group `id`'s thread.
pub async fn mark_in_thread(pool: &PgPool, id: i64, users: &[UserId]) -> sqlx::Result<()> {
    let users: Vec<i64> = users.iter().map(|u| u.db()).collect();
    sqlx::query!(
        "UPDATE partner_group_members SET in_thread = true
         WHERE group_id = $1 AND user_id = ANY($2)",
        id,
        &users
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Records `user`'s answer to "did you meet?" for group `id` of `guild`; false when they are
/// not in that group.
pub async fn answer_met(
    pool: &PgPool,
    guild: GuildId,
    id: i64,
    user: UserId,
    met: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "UPDATE partner_group_members SET met = $4
         WHERE group_id = $1 AND guild_id = $2 AND user_id = $3",
        id,
        guild.db(),
        user.db(),
        met
    )
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// How a week's groups went: how many there were, how many got a thread, and how many met
/// (a member of the group answered yes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WeekTally {
    pub groups: i64,
    pub threads: i64,
    pub met: i64,
}

pub async fn tally(pool: &PgPool, guild: GuildId, week: &str) -> sqlx::Result<WeekTally> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "groups!", count(thread_id) AS "threads!",
                  count(*) FILTER (WHERE EXISTS (
                      SELECT 1 FROM partner_group_members gm
                      WHERE gm.group_id = g.id AND gm.met)) AS "met!"
           FROM partner_groups g WHERE guild_id = $1 AND week = $2"#,
        guild.db(),
        week
    )
    .fetch_one(pool)
    .await?;
    Ok(WeekTally {
        groups: row.groups,
        threads: row.threads,
        met: row.met,
    })
}

/// The server's latest matched week, for `/settings show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastMatch {
    pub week: String,
    pub tally: WeekTally,
    /// Groups whose thread could not be opened, and the latest reason.
    pub failed: i64,
    pub failure: Option<String>,
}

pub async fn last_match(pool: &PgPool, guild: GuildId) -> sqlx::Result<Option<LastMatch>> {
    let week = sqlx::query_scalar!(
        "SELECT week FROM partner_groups WHERE guild_id = $1 ORDER BY made_at DESC, week DESC
         LIMIT 1",
        guild.db()
    )
    .fetch_optional(pool)
    .await?;
    let Some(week) = week else {
        return Ok(None);
    };
    let tally = tally(pool, guild, &week).await?;
    let failures = sqlx::query!(
        r#"SELECT count(*) AS "failed!",
                  (array_agg(detail ORDER BY finished_at DESC))[1] AS failure
           FROM scheduled_posts
           WHERE guild_id = $1 AND kind = $2 AND status = 'failed' AND period LIKE $3 || '/%'"#,
        guild.db(),
        THREAD,
        week
    )
    .fetch_one(pool)
    .await?;
    Ok(Some(LastMatch {
        week,
        tally,
        failed: failures.failed,
        failure: failures.failure,
    }))
}

/// Plans a `kind` post due at `due` for every group of `week`, keeping any already planned.
pub async fn plan_for_groups(
    conn: &mut PgConnection,
    guild: GuildId,
    week: &str,
    kind: &str,
    due: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let planned = sqlx::query!(
        "INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
         SELECT guild_id, $3, week || '/' || number, $4
         FROM partner_groups WHERE guild_id = $1 AND week = $2
         ON CONFLICT (guild_id, kind, period) DO NOTHING",
        guild.db(),
        week,
        kind,
        due
    )
    .execute(conn)
    .await?;
    Ok(planned.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_back_as_week_and_group() {
        assert_eq!(parse_period("2026-W49/12"), Some(("2026-W49", 12)));
        assert_eq!(parse_period("2026-W49"), None);
        assert_eq!(parse_period("2026-W49/x"), None);
    }
}
