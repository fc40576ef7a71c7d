//! Members' "last seen" times. Recording one is an in-memory insert; a background task writes
//! them in batches, so no command waits on the database for bookkeeping, and a database outage
//! only delays these times (they are kept and written when it is back).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serenity::all::{GuildId, UserId};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use super::ids::DbId;

/// Members written per transaction. A flush holds each member's row lock until its
/// transaction commits, and a topic change or check-in of that member waits for it: one
/// transaction for thousands of members held them all for as long as the last took.
const CHUNK: usize = 100;

/// Past this many members waiting to be written (a long outage on a big deployment), new
/// sightings are dropped: "last seen" is not worth unbounded memory.
const MAX_PENDING: usize = 100_000;

/// The longest display name and avatar hash kept (Discord's are far shorter).
const NAME_CHARS: usize = 100;
const AVATAR_CHARS: usize = 64;

/// How a member showed when last seen, for the community pages: kept only where the server
/// has them on and the member is not hidden (the write checks both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub name: String,
    pub avatar: Option<String>,
}

/// When a member was last seen, and how they showed then.
#[derive(Debug, Clone)]
struct Seen {
    at: DateTime<Utc>,
    shown: Option<Shown>,
}

#[derive(Default)]
pub struct Activity {
    pending: Mutex<HashMap<(GuildId, UserId), Seen>>,
}

impl Activity {
    /// Notes that `user` used Waypoint in `guild` at `at`, showing as `shown` if the
    /// interaction said.
    pub fn record(&self, guild: GuildId, user: UserId, at: DateTime<Utc>, shown: Option<Shown>) {
        let shown = shown.map(|s| Shown {
            name: s.name.chars().take(NAME_CHARS).collect(),
            avatar: s.avatar.filter(|a| a.chars().count() <= AVATAR_CHARS),
        });
        let mut pending = self.lock();
        let full = pending.len() >= MAX_PENDING;
        match pending.get_mut(&(guild, user)) {
            Some(seen) if at >= seen.at => {
                seen.at = at;
                if shown.is_some() {
                    seen.shown = shown;
                }
            }
            Some(_) => {}
            None if full => {}
            None => {
                pending.insert((guild, user), Seen { at, shown });
            }
        }
    }

    /// Drops what was recorded for a member (whose data was just deleted), so that a later
    /// flush does not bring their row back.
    pub fn forget(&self, guild: GuildId, user: UserId) {
        self.lock().remove(&(guild, user));
    }

    /// Writes what was recorded since the last flush, [`CHUNK`] members per transaction; what
    /// a failure leaves unwritten is kept for the next one.
    pub async fn flush(&self, pool: &PgPool) -> sqlx::Result<usize> {
        let mut batch: Vec<_> = std::mem::take(&mut *self.lock()).into_iter().collect();
        // In the key order of the table (its stored values), so that two processes flushing
        // overlapping batches lock rows in the same order and cannot deadlock.
        batch.sort_unstable_by_key(|((guild, user), _)| (guild.db(), user.db()));
        let mut written = 0;
        for chunk in batch.chunks(CHUNK) {
            if let Err(e) = write(pool, chunk).await {
                for ((guild, user), seen) in &batch[written..] {
                    self.record(*guild, *user, seen.at, seen.shown.clone());
                }
                return Err(e);
            }
            written += chunk.len();
        }
        Ok(written)
    }

    /// Flushes every `every` until `stop` is cancelled, then once more.
    pub async fn flush_until(&self, pool: &PgPool, every: Duration, stop: CancellationToken) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let stopping = tokio::select! {
                _ = ticks.tick() => false,
                _ = stop.cancelled() => true,
            };
            match self.flush(pool).await {
                Ok(0) => {}
                Ok(written) => debug!(written, "recorded member activity"),
                Err(e) => warn!(error = %e, "could not record member activity; will retry"),
            }
            if stopping {
                return;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(GuildId, UserId), Seen>> {
        // A panic while holding this lock cannot leave the map half-updated in a way that
        // matters (each entry is one insert), so a poisoned lock is still usable.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One transaction, two statements (three when names came), for a chunk of members in key
/// order (see `flush`).
async fn write(pool: &PgPool, batch: &[((GuildId, UserId), Seen)]) -> sqlx::Result<()> {
    let rows: Vec<_> = batch
        .iter()
        .map(|((guild, user), seen)| (guild.db(), user.db(), seen.at))
        .collect();
    let guilds: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let users: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let times: Vec<DateTime<Utc>> = rows.iter().map(|r| r.2).collect();
    let mut servers = guilds.clone();
    servers.dedup();

    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO servers (guild_id) SELECT * FROM UNNEST($1::bigint[])
         ON CONFLICT (guild_id) DO NOTHING",
        &servers
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
         SELECT g, u, t, t FROM UNNEST($1::bigint[], $2::bigint[], $3::timestamptz[]) AS r (g, u, t)
         ON CONFLICT (guild_id, user_id)
         DO UPDATE SET last_seen_at = GREATEST(members.last_seen_at, EXCLUDED.last_seen_at)",
        &guilds,
        &users,
        &times
    )
    .execute(&mut *tx)
    .await?;
    let named: Vec<_> = batch
        .iter()
        .filter_map(|((guild, user), seen)| {
            seen.shown
                .as_ref()
                .map(|s| (guild.db(), user.db(), s, seen.at))
        })
        .collect();
    if !named.is_empty() {
        let guilds: Vec<i64> = named.iter().map(|n| n.0).collect();
        let users: Vec<i64> = named.iter().map(|n| n.1).collect();
        let names: Vec<String> = named.iter().map(|n| n.2.name.clone()).collect();
        let avatars: Vec<Option<String>> = named.iter().map(|n| n.2.avatar.clone()).collect();
        let times: Vec<DateTime<Utc>> = named.iter().map(|n| n.3).collect();
        // Only where the server's pages are on and the member is not hidden.
        sqlx::query!(
            "INSERT INTO member_names (guild_id, user_id, display_name, avatar, seen_at)
             SELECT r.g, r.u, r.n, r.a, r.t
             FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[])
                  AS r (g, u, n, a, t)
             JOIN servers s ON s.guild_id = r.g AND s.web_slug IS NOT NULL
             JOIN members m ON m.guild_id = r.g AND m.user_id = r.u AND NOT m.hidden
             ON CONFLICT (guild_id, user_id) DO UPDATE
             SET display_name = EXCLUDED.display_name, avatar = EXCLUDED.avatar,
                 seen_at = EXCLUDED.seen_at
             WHERE member_names.seen_at <= EXCLUDED.seen_at",
            &guilds,
            &users,
            &names as &[String],
            &avatars as &[Option<String>],
            &times
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
