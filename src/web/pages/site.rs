//! What every page shares: finding the server by its slug, the layout's values, the refusals
//! (one 404 for everything not found) and rendering.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serenity::all::{GuildId, UserId};

use crate::app::App;
use crate::db::web as store;
use crate::roadmap::Roadmap;

/// What a member with no stored name shows as.
const NO_NAME: &str = "a member";
/// What the server is called when Discord did not give its name.
const NO_SERVER_NAME: &str = "This community";

#[derive(Template)]
#[template(path = "web/not_found.html")]
struct NotFound;

/// Rendered once: it never changes.
pub static NOT_FOUND_PAGE: LazyLock<String> = LazyLock::new(|| {
    NotFound
        .render()
        .unwrap_or_else(|_| "Not found".to_string())
});

#[derive(Template)]
#[template(path = "web/unavailable.html")]
struct Unavailable;

/// Why a page is not shown.
pub enum Refused {
    NotFound,
    Unavailable,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound => {
                (StatusCode::NOT_FOUND, Html(NOT_FOUND_PAGE.as_str())).into_response()
            }
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                Html(Unavailable.render().unwrap_or_default()),
            )
                .into_response(),
        }
    }
}

impl From<sqlx::Error> for Refused {
    fn from(e: sqlx::Error) -> Self {
        tracing::warn!(error = %e, "a community page could not read the database");
        Self::Unavailable
    }
}

/// What every page's layout shows: the server's name, and the slug its links are under.
pub struct Site {
    pub slug: String,
    pub community: String,
}

/// The server a page is about.
pub struct Server {
    pub guild: GuildId,
    pub site: Site,
    pub roadmap: Arc<Roadmap>,
}

/// The server whose pages `slug` is the address of, and the roadmap it follows.
pub async fn server(app: &App, slug: String) -> Result<Server, Refused> {
    // A slug is 32 hex digits: anything else is not looked up at all.
    if slug.len() != 32 || !slug.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refused::NotFound);
    }
    let found = store::server_of(&app.db, &slug)
        .await?
        .ok_or(Refused::NotFound)?;
    let roadmap = app
        .content
        .roadmap_for(&app.db, Some(found.guild))
        .await
        .map_err(|_| Refused::Unavailable)?;
    Ok(Server {
        guild: found.guild,
        site: Site {
            slug,
            community: found.name.unwrap_or_else(|| NO_SERVER_NAME.to_string()),
        },
        roadmap,
    })
}

/// The stored name of `user`, or "a member".
pub fn shown_name(names: &HashMap<UserId, String>, user: UserId) -> String {
    names
        .get(&user)
        .cloned()
        .unwrap_or_else(|| NO_NAME.to_string())
}

pub fn html(page: &impl Template) -> Result<Html<String>, Refused> {
    page.render().map(Html).map_err(|e| {
        tracing::warn!(error = %e, "a community page could not be rendered");
        Refused::Unavailable
    })
}
