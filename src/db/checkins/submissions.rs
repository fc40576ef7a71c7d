//! What a check-in submission reads and writes: the member's check-ins as they stand, and
//! the save. Each is one statement shared by the submissions that arrive together
//! (`db::batch`); `/checkins` reads through the same statement.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serenity::all::{GuildId, UserId};
use sqlx::{PgConnection, PgPool};

use super::super::batch::{Batched, Batcher};
use super::super::ids::DbId;
use super::super::prompts::zone_from_db;
use super::settings::{CheckinSettings, SettingsRow};
use crate::checkins::entry::CheckIn;
use crate::points::Grant;

/// What a member's check-ins are read and checked against: the server's settings (`None`:
/// check-ins are off), the zone the member's weeks are counted in (their own, else the
/// server's, else UTC), whether they hide their progress, and the weeks they checked in,
/// oldest first.
#[derive(Debug, Clone)]
pub struct MemberCheckins {
    pub settings: Option<CheckinSettings>,
    pub zone: Tz,
    /// Whether the member has used Waypoint in this server at all.
    pub known: bool,
    pub hidden: bool,
    pub weeks: Vec<String>,
}

/// Whether a save created the week's check-in or replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created,
    Edited,
}

/// What saving a check-in did, and whether its member hides their progress (read by the same
/// statement, so the confirmation's visibility needs no read of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveOutcome {
    pub saved: Saved,
    pub hidden: bool,
}

/// A check-in to save, with its award.
#[derive(Debug, Clone)]
pub struct Submission {
    pub guild: GuildId,
    pub user: UserId,
    pub week: String,
    pub check_in: CheckIn,
    pub grant: Grant,
    pub at: DateTime<Utc>,
}

/// The check-in statements, each shared by the requests that arrive together.
pub struct Submissions {
    reads: Batcher<ReadMembers>,
    saves: Batcher<SaveCheckins>,
}

impl Submissions {
    pub fn new(pool: PgPool) -> Self {
        Self {
            reads: Batcher::new(ReadMembers, pool.clone(), 1),
            // Saves of different members never wait on each other: two keep two cores busy.
            saves: Batcher::new(SaveCheckins, pool, 2),
        }
    }

    pub async fn member(&self, guild: GuildId, user: UserId) -> sqlx::Result<MemberCheckins> {
        self.reads.run((guild, user)).await
    }

    /// Saves the week's check-in (replacing an earlier one that week), awards its points
    /// once, and forgets the member's draft: all or nothing.
    pub async fn save(&self, submission: Submission) -> sqlx::Result<SaveOutcome> {
        self.saves.run(submission).await
    }
}

/// Reads each member's check-ins with their server's settings.
pub struct ReadMembers;

impl Batched for ReadMembers {
    type Item = (GuildId, UserId);
    type Out = MemberCheckins;
    type Key = ();

    fn key(&self, _: &(GuildId, UserId)) -> Option<()> {
        None
    }

    async fn run(
        &self,
        conn: &mut PgConnection,
        items: &[(GuildId, UserId)],
    ) -> sqlx::Result<Vec<MemberCheckins>> {
        let guilds: Vec<i64> = items.iter().map(|(g, _)| g.db()).collect();
        let users: Vec<i64> = items.iter().map(|(_, u)| u.db()).collect();
        // Plain column names: `benches/floor/checkin_submit.sql` runs this statement as is.
        let rows = sqlx::query!(
            r#"SELECT i.n AS item, i.guild_id,
                      c.channel_id, c.staff_channel_id, c.reminder_weekday, c.reminder_minute,
                      c.public, c.freeze_every, s.timezone AS server_zone, c.problem, c.problem_at,
                      COALESCE(m.timezone, s.timezone, 'UTC') AS zone,
                      m.hidden,
                      ARRAY(SELECT k.week FROM checkins k
                            WHERE k.guild_id = i.guild_id AND k.user_id = i.user_id
                            ORDER BY k.week) AS weeks
               FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS i (guild_id, user_id, n)
               LEFT JOIN servers s ON s.guild_id = i.guild_id
               LEFT JOIN checkin_settings c ON c.guild_id = i.guild_id
               LEFT JOIN members m ON m.guild_id = i.guild_id AND m.user_id = i.user_id
               ORDER BY i.n"#,
            &guilds,
            &users
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let settings = match (
                    row.guild_id,
                    row.channel_id,
                    row.staff_channel_id,
                    row.reminder_weekday,
                    row.reminder_minute,
                    row.public,
                    row.freeze_every,
                    row.server_zone,
                ) {
                    (
                        Some(guild_id),
                        Some(channel_id),
                        Some(staff_channel_id),
                        Some(reminder_weekday),
                        Some(reminder_minute),
                        Some(public),
                        Some(freeze_every),
                        Some(timezone),
                    ) => Some(
                        SettingsRow {
                            guild_id,
                            channel_id,
                            staff_channel_id,
                            reminder_weekday,
                            reminder_minute,
                            public,
                            freeze_every,
                            timezone,
                            problem: row.problem,
                            problem_at: row.problem_at,
                        }
                        .into_settings()
                        .1,
                    ),
                    _ => None,
                };
                MemberCheckins {
                    settings,
                    zone: zone_from_db(row.zone.as_deref().unwrap_or("UTC")),
                    known: row.hidden.is_some(),
                    hidden: row.hidden.unwrap_or(false),
                    weeks: row.weeks.unwrap_or_default(),
                }
            })
            .collect())
    }
}

/// Saves each check-in with its award and removes the member's draft.
pub struct SaveCheckins;

impl Batched for SaveCheckins {
    type Item = Submission;
    type Out = SaveOutcome;
    /// A statement may upsert a member's rows once.
    type Key = (GuildId, UserId);

    fn key(&self, item: &Submission) -> Option<(GuildId, UserId)> {
        Some((item.guild, item.user))
    }

    /// One statement: the members' rows (created if need be) are locked by their upsert, in
    /// key order so two statements never wait on each other in a circle, and every part is
    /// written or none.
    async fn run(
        &self,
        conn: &mut PgConnection,
        items: &[Submission],
    ) -> sqlx::Result<Vec<SaveOutcome>> {
        let column = |f: fn(&Submission) -> String| items.iter().map(f).collect::<Vec<_>>();
        let guilds: Vec<i64> = items.iter().map(|s| s.guild.db()).collect();
        let users: Vec<i64> = items.iter().map(|s| s.user.db()).collect();
        let links: Vec<Option<String>> = items.iter().map(|s| s.check_in.link.clone()).collect();
        let mets: Vec<Option<String>> = items
            .iter()
            .map(|s| s.check_in.met.map(|m| m.as_str().to_string()))
            .collect();
        let at: Vec<DateTime<Utc>> = items.iter().map(|s| s.at).collect();
        let points: Vec<i32> = items.iter().map(|s| s.grant.points).collect();
        let rows = sqlx::query!(
            r#"WITH i AS (
                 SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[],
                                      $5::text[], $6::text[], $7::text[], $8::text[],
                                      $9::timestamptz[], $10::text[], $11::text[], $12::int[],
                                      $13::text[])
                 WITH ORDINALITY AS i (guild_id, user_id, week, did, blockers, next_goal, link,
                                       met_last_goal, at, kind, reference, points, award_key, n)
               ),
               server AS (
                 INSERT INTO servers (guild_id) SELECT DISTINCT guild_id FROM i
                 ON CONFLICT (guild_id) DO NOTHING
               ),
               member AS (
                 INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
                 SELECT guild_id, user_id, at, at FROM i ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id)
                 DO UPDATE SET last_seen_at = GREATEST(members.last_seen_at, EXCLUDED.last_seen_at)
                 RETURNING guild_id, user_id, hidden
               ),
               checkin AS (
                 INSERT INTO checkins (guild_id, user_id, week, did, blockers, next_goal, link,
                                       met_last_goal, created_at, updated_at)
                 SELECT guild_id, user_id, week, did, blockers, next_goal, link, met_last_goal, at, at
                 FROM i ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id, week) DO UPDATE
                     SET did = EXCLUDED.did, blockers = EXCLUDED.blockers,
                         next_goal = EXCLUDED.next_goal, link = EXCLUDED.link,
                         met_last_goal = EXCLUDED.met_last_goal, updated_at = EXCLUDED.updated_at
                 RETURNING guild_id, user_id, (xmax = 0) AS created
               ),
               award AS (
                 INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at)
                 SELECT guild_id, user_id, kind, reference, points, award_key, at
                 FROM i ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id, roadmap_id, award_key) DO NOTHING
               ),
               draft AS (
                 DELETE FROM checkin_drafts d USING i
                 WHERE d.guild_id = i.guild_id AND d.user_id = i.user_id
               )
               SELECT i.n AS "item!", c.created AS "created!", m.hidden AS "hidden!"
               FROM i
               JOIN checkin c ON c.guild_id = i.guild_id AND c.user_id = i.user_id
               JOIN member m ON m.guild_id = i.guild_id AND m.user_id = i.user_id
               ORDER BY i.n"#,
            &guilds,
            &users,
            &column(|s| s.week.clone()),
            &column(|s| s.check_in.did.clone()),
            &column(|s| s.check_in.blockers.clone()),
            &column(|s| s.check_in.goal.clone()),
            &links as &[Option<String>],
            &mets as &[Option<String>],
            &at,
            &column(|s| s.grant.kind.to_string()),
            &column(|s| s.grant.reference.clone()),
            &points,
            &column(|s| s.grant.key.clone()),
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| SaveOutcome {
                saved: if row.created {
                    Saved::Created
                } else {
                    Saved::Edited
                },
                hidden: row.hidden,
            })
            .collect())
    }
}
