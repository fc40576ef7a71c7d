use std::fmt;

/// Why a command did not produce its normal reply.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The member asked for something we cannot do; the message tells them what to do instead.
    #[error("{0}")]
    User(String),
    /// The database is down, restarting or too busy to answer within our bounds. Nothing was
    /// changed, so trying again later is safe.
    #[error(
        "Waypoint can't reach its database right now, so nothing was changed. Please try \
         again in a minute."
    )]
    Unavailable(#[source] sqlx::Error),
    /// Our fault or our dependencies': logged in full, shown only as a reference.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl CommandError {
    pub fn user(message: impl fmt::Display) -> Self {
        Self::User(message.to_string())
    }
}

impl From<sqlx::Error> for CommandError {
    fn from(e: sqlx::Error) -> Self {
        if crate::db::is_unavailable(&e) {
            Self::Unavailable(e)
        } else {
            Self::Internal(e.into())
        }
    }
}

/// A failed count shared by several requests (see `slice_cache`): each reports it the same way.
impl From<std::sync::Arc<sqlx::Error>> for CommandError {
    fn from(shared: std::sync::Arc<sqlx::Error>) -> Self {
        match std::sync::Arc::try_unwrap(shared) {
            Ok(e) => Self::from(e),
            Err(e) if crate::db::is_unavailable(&e) => Self::Unavailable(sqlx::Error::PoolTimedOut),
            Err(e) => Self::Internal(anyhow::anyhow!("counting a shared answer: {e}")),
        }
    }
}

/// The server's roadmap could not be read in time: the database's fault or ours.
impl From<crate::content::Unavailable> for CommandError {
    fn from(e: crate::content::Unavailable) -> Self {
        match e {
            crate::content::Unavailable::Slow | crate::content::Unavailable::Database(_) => {
                Self::Unavailable(sqlx::Error::PoolTimedOut)
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl From<crate::standings::StandingError> for CommandError {
    fn from(e: crate::standings::StandingError) -> Self {
        match e {
            crate::standings::StandingError::Database(e) => e.into(),
            crate::standings::StandingError::Content(e) => e.into(),
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
