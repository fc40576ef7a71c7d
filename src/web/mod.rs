//! The community pages: a server's leaderboard and roadmap on the web,
//! for servers whose staff turned them on (`/settings web on`). Server-rendered HTML from
//! askama templates (which escape every value), one stylesheet, no JavaScript. A server is
//! found only by its slug; a wrong slug and a server with pages off get the same 404.

mod cache;
mod headers;
mod limit;
mod pages;

pub use limit::{Access, DEFAULT_PER_SECOND};

use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::middleware;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::app::App;

/// The stylesheet every page uses, served with a long cache lifetime.
const STYLE: &str = include_str!("../../assets/web/style.css");
/// The pages' icon: without one, browsers ask for `/favicon.ico` and log its 404.
const ICON: &str = include_str!("../../assets/web/favicon.svg");

/// The pages' routes, with their security headers and a rate limit per client address (the
/// server must be served with connect info: `into_make_service_with_connect_info`).
pub fn router(app: Arc<App>, access: &Access) -> Router {
    let pages = Router::new()
        .route("/c/{slug}", get(pages::overview))
        .route("/c/{slug}/leaderboard", get(pages::leaderboard))
        .route("/c/{slug}/roadmap", get(pages::roadmap))
        .route("/c/{slug}/challenges/{id}", get(pages::challenge))
        .layer(middleware::from_fn_with_state(
            cache::Pages::new(app.clone()),
            cache::cached,
        ))
        .with_state(app);
    Router::new()
        .route(
            "/style.css",
            get(|| asset("text/css; charset=utf-8", STYLE)),
        )
        .route("/favicon.svg", get(|| asset("image/svg+xml", ICON)))
        .merge(pages)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            limit::limiter(access),
            limit::limit,
        ))
        .layer(middleware::map_response(headers::secure))
}

/// Serves the pages alone on `addr` until `stop` (`run` and `worker`).
pub async fn serve(
    app: Arc<App>,
    addr: std::net::SocketAddr,
    access: Access,
    stop: tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen for the community pages on {addr}: {e}"))?;
    tracing::info!(%addr, "community pages on http://{addr}/c/<slug>");
    axum::serve(
        listener,
        router(app, &access).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move { stop.cancelled().await })
    .await?;
    Ok(())
}

async fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// The one "not found": the same for a wrong slug, a server with pages off, or any other path,
/// so a stranger learns nothing from it.
pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Html(pages::NOT_FOUND_PAGE.as_str())).into_response()
}
