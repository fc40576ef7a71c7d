//! The caller's own marks for a roadmap view, from the progress cache: a stale entry answers
//! at once while one background read refreshes it, and a member not held at all is read with
//! a short bounded wait, after which the view goes out without marks rather than late.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serenity::all::{GuildId, UserId};
use tracing::{debug, Instrument};

use super::handler::Ctx;
use crate::app::App;
use crate::db::progress as store;
use crate::progress::cache::Held;
use crate::progress::MemberProgress;
use crate::roadmap::Roadmap;

/// How long a roadmap view waits for a member's progress it has not cached yet; past it, the
/// view goes out without marks rather than late.
const MARKS_WAIT: Duration = Duration::from_millis(250);
/// How long a background read of stale progress may take before the next view retries it.
const REFRESH_WAIT: Duration = Duration::from_secs(5);

/// The invoking member's progress for marking views: from the cache (a stale entry answers
/// while it is read again in the background), else loaded with a short bounded wait. `None`
/// (no marks) when the database is slow or down: content still shows.
pub(super) async fn own_progress(ctx: &Ctx<'_>) -> Option<Arc<MemberProgress>> {
    let guild = ctx.invocation.guild_id?;
    let user = ctx.invocation.user_id;
    match ctx.app.progress.get(guild, user, ctx.roadmap) {
        Held::Fresh(progress) => Some(progress),
        Held::Stale { progress, refresh } => {
            if refresh {
                let (app, roadmap) = (ctx.app.clone(), ctx.roadmap.clone());
                tokio::spawn(read_again(app, roadmap, guild, user).in_current_span());
            }
            Some(progress)
        }
        Held::Missing => read_marks(ctx.app, ctx.roadmap, guild, user, MARKS_WAIT).await,
    }
}

/// Reads a member's stale progress again, off the request path.
async fn read_again(app: Arc<App>, roadmap: Arc<Roadmap>, guild: GuildId, user: UserId) {
    if read_marks(&app, &roadmap, guild, user, REFRESH_WAIT)
        .await
        .is_none()
    {
        app.progress.refresh_failed(guild, user);
    }
}

/// Reads a member's progress into the cache, waiting at most `wait`; `None` when the
/// database is slow or down.
async fn read_marks(
    app: &App,
    roadmap: &Roadmap,
    guild: GuildId,
    user: UserId,
    wait: Duration,
) -> Option<Arc<MemberProgress>> {
    let began = Instant::now();
    let load = store::load(&app.db, roadmap, guild, user);
    match tokio::time::timeout(wait, load).await {
        Ok(Ok(stored)) => Some(app.progress.read(guild, user, began, stored.progress)),
        Ok(Err(e)) => {
            debug!(error = %e, "could not read progress marks");
            None
        }
        Err(_) => {
            debug!(?wait, "reading progress marks took too long");
            None
        }
    }
}
