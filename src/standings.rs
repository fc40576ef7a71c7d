//! A challenge's standing as every reader sees it in one time slice: `/challenge status`, its
//! card, `/leaderboard challenge:` and the community page read it here.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::challenges::cache::Standing;
use crate::content::Unavailable;
use crate::db::challenges::{self as store, Challenge};
use crate::slice_cache::Count;

/// Why a standing could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StandingError {
    #[error(transparent)]
    Database(#[from] Arc<sqlx::Error>),
    #[error(transparent)]
    Content(#[from] Unavailable),
}

/// `challenge`'s ranked standing as of `now`, counted once per slice for every reader.
pub async fn standing(
    app: &App,
    challenge: &Challenge,
    now: DateTime<Utc>,
) -> Result<Arc<Standing>, StandingError> {
    let topics = app.content.challenge_topics(&app.db, challenge).await?;
    let count = || -> Count<Standing> {
        let (db, challenge) = (app.db.clone(), challenge.clone());
        Box::pin(async move {
            store::progress(&db, &challenge, topics.as_deref(), now, None)
                .await
                .map(Standing::new)
        })
    };
    Ok(app
        .standings
        .get(challenge.guild.into(), challenge.id, now, count)
        .await?)
}
