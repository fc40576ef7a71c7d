//! Planning a weekly post: the row for the next slot whose period has none yet.

use chrono::{DateTime, Utc};
use serenity::all::GuildId;
use sqlx::PgConnection;

use crate::db::scheduled;
use crate::weekly::{week_key, WeeklySlot};

/// Adds the server's first `slot` after `after` whose week has no `kind` post yet; returns
/// when it is due. The post belongs to the week it is due in.
pub async fn plan_next(
    conn: &mut PgConnection,
    guild: GuildId,
    kind: &str,
    slot: WeeklySlot,
    after: DateTime<Utc>,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    plan_next_for(conn, guild, kind, slot, after, |due| {
        week_key(due, slot.zone)
    })
    .await
}

/// [`plan_next`] with the period a post due at a given time belongs to.
pub async fn plan_next_for(
    conn: &mut PgConnection,
    guild: GuildId,
    kind: &str,
    slot: WeeklySlot,
    after: DateTime<Utc>,
    period: impl Fn(DateTime<Utc>) -> String,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let mut after = after;
    // This week's post may exist already (posted early with /prompt now): then next week's.
    for _ in 0..3 {
        let Some(due) = slot.next_after(after) else {
            return Ok(None);
        };
        if scheduled::insert_pending(conn, guild, kind, &period(due), due).await? {
            return Ok(Some(due));
        }
        after = due;
    }
    Ok(None)
}
