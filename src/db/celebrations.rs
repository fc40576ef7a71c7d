//! Celebrations: where a server's are posted, and queueing one. A celebration is a row of
//! `scheduled_posts`, so the scheduler posts it exactly once (its key names the member and the
//! achievement) with the same retries and pacing as every other post.

use chrono::{DateTime, Utc};
use serenity::all::{ChannelId, GuildId};
use sqlx::PgPool;

use super::ids::{channel_from_db, DbId};
use crate::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CelebrationSettings {
    pub on: bool,
    /// The channel staff chose, if any.
    pub channel: Option<ChannelId>,
    /// The weekly prompt channel, used when staff chose none.
    pub prompt_channel: Option<ChannelId>,
}

impl CelebrationSettings {
    /// Where celebrations go now; `None` when they are off or have nowhere to go.
    pub fn target(&self) -> Option<ChannelId> {
        self.on
            .then_some(self.channel.or(self.prompt_channel))
            .flatten()
    }
}

pub async fn settings(pool: &PgPool, guild: GuildId) -> sqlx::Result<CelebrationSettings> {
    let row = sqlx::query!(
        r#"SELECT COALESCE((SELECT celebrate FROM servers WHERE guild_id = $1), true) AS "on!",
                  (SELECT celebrate_channel FROM servers WHERE guild_id = $1) AS channel,
                  (SELECT channel_id FROM prompt_schedules WHERE guild_id = $1) AS prompt_channel"#,
        guild.db()
    )
    .fetch_one(pool)
    .await?;
    Ok(CelebrationSettings {
        on: row.on,
        channel: row.channel.map(channel_from_db),
        prompt_channel: row.prompt_channel.map(channel_from_db),
    })
}

/// Turns celebrations on (in `channel`, or the prompt channel when `None`) or off.
pub async fn set(
    pool: &PgPool,
    guild: GuildId,
    on: bool,
    channel: Option<ChannelId>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO servers (guild_id, celebrate, celebrate_channel) VALUES ($1, $2, $3)
         ON CONFLICT (guild_id) DO UPDATE SET celebrate = EXCLUDED.celebrate,
           celebrate_channel = EXCLUDED.celebrate_channel, updated_at = now()",
        guild.db(),
        on,
        channel.map(|c| c.db())
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// What a celebration needs to know of its member when it is posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// Hidden members are never announced.
    pub hidden: bool,
    /// Whether the phase (if one is asked about) is still complete.
    pub phase_complete: bool,
}

pub async fn subject(
    pool: &PgPool,
    guild: GuildId,
    user: UserId,
    phase: Option<(&str, u8)>,
) -> sqlx::Result<Subject> {
    let row = sqlx::query!(
        r#"SELECT COALESCE((SELECT hidden FROM members WHERE guild_id = $1 AND user_id = $2), true) AS "hidden!",
                  COALESCE((SELECT complete FROM phase_status
                            WHERE guild_id = $1 AND user_id = $2 AND roadmap_id = $4 AND phase = $3), false) AS "complete!""#,
        guild.db(),
        user.db(),
        phase.map(|(_, n)| i16::from(n)),
        phase.map(|(roadmap, _)| roadmap)
    )
    .fetch_one(pool)
    .await?;
    Ok(Subject {
        hidden: row.hidden,
        phase_complete: row.complete,
    })
}

/// Queues many celebrations of one kind in one statement, each due at its own time; returns
/// how many were new.
pub async fn queue_many(
    pool: &PgPool,
    guild: GuildId,
    kind: &str,
    due: &[(String, DateTime<Utc>)],
) -> sqlx::Result<usize> {
    let periods: Vec<String> = due.iter().map(|(p, _)| p.clone()).collect();
    let times: Vec<DateTime<Utc>> = due.iter().map(|(_, at)| *at).collect();
    let added = sqlx::query!(
        "INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
         SELECT $1, $2, d.period, d.due_at FROM UNNEST($3::text[], $4::timestamptz[]) AS d (period, due_at)
         ON CONFLICT (guild_id, kind, period) DO NOTHING",
        guild.db(),
        kind,
        &periods,
        &times
    )
    .execute(pool)
    .await?;
    Ok(added.rows_affected() as usize)
}
