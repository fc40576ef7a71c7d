//! HTTP interactions endpoint: Discord POSTs signed interactions to `/interactions` and reads
//! the first answer from the response body. Stateless apart from the database, so several
//! replicas can run behind a load balancer.

use crate::telemetry::metrics::Metrics;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serenity::all::{Http, Interaction};
use serenity::interactions_endpoint::Verifier;
use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;
use tracing::{info, info_span, warn, Instrument};

use super::interaction::{incoming, parse, Incoming};
use super::respond::{self, FirstAnswer, FirstAnswerFiles};
use super::shutdown::{drain, DRAIN_TIMEOUT};
use crate::commands::Dispatcher;
use crate::render::discord as to_discord;

/// Interaction payloads are a few KiB; anything far larger is not from Discord.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Signed requests older or newer than this are refused, so a captured one cannot be replayed.
pub const MAX_CLOCK_SKEW_SECS: i64 = 5 * 60;

#[derive(Clone)]
pub struct EndpointState {
    pub dispatcher: Arc<Dispatcher>,
    pub verifier: Arc<Verifier>,
    pub http: Arc<Http>,
    pub defer_after: Duration,
    /// Deferred replies still being delivered; shutdown waits for them.
    pub in_flight: TaskTracker,
}

/// Parses DISCORD_PUBLIC_KEY (hex) into a verifier; errors instead of panicking on a bad key.
pub fn verifier(public_key_hex: &str) -> anyhow::Result<Verifier> {
    let bytes: [u8; 32] = hex::decode(public_key_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "DISCORD_PUBLIC_KEY must be 64 hex characters (the application's public key)"
            )
        })?;
    Verifier::try_new(bytes)
        .map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a valid ed25519 public key"))
}

pub fn router(state: EndpointState) -> Router {
    Router::new()
        .route("/interactions", post(interactions))
        .route("/healthz", get(health))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then waits for deferred replies to go out. With
/// `metrics`, `GET /metrics` is served too, and with `pages` the community pages.
pub async fn serve(
    state: EndpointState,
    metrics: Option<Metrics>,
    pages: Option<Router>,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let in_flight = state.in_flight.clone();
    info!(addr = %listener.local_addr()?, "interactions endpoint listening");
    let mut app = router(state);
    if let Some(metrics) = metrics {
        app = app.merge(metrics.router());
    }
    if let Some(pages) = pages {
        app = app.merge(pages);
    }
    // The pages limit requests per client address, which connect info carries.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    drain(&in_flight, DRAIN_TIMEOUT).await;
    Ok(())
}

async fn health(State(state): State<EndpointState>) -> Response {
    match sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(&state.dispatcher.app.db)
        .await
    {
        Ok(_) => {
            Json(serde_json::json!({ "status": "ok", "database": "reachable" })).into_response()
        }
        Err(e) => {
            warn!(error = %e, "health check: database unreachable");
            let body = Json(serde_json::json!({ "status": "degraded", "database": "unreachable" }));
            (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
        }
    }
}

async fn interactions(
    State(state): State<EndpointState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(reason) = verify(&state.verifier, &headers, &body) {
        warn!(reason, "refused an unsigned or badly signed request");
        return (StatusCode::UNAUTHORIZED, reason).into_response();
    }
    let interaction = match parse(&body) {
        Ok(interaction) => interaction,
        Err(e) => {
            warn!(error = %e, "refused an interaction we cannot parse");
            return (
                StatusCode::BAD_REQUEST,
                "unsupported or malformed interaction",
            )
                .into_response();
        }
    };
    if let Interaction::Ping(_) = interaction {
        // Exactly `{"type":1}`: serenity's PONG would add `"data": null`.
        return Json(serde_json::json!({ "type": 1 })).into_response();
    }
    let Some(Incoming {
        id,
        token,
        invocation,
    }) = incoming(&interaction, state.dispatcher.app.clock.now())
    else {
        warn!(kind = ?interaction.kind(), "refused an interaction type Waypoint does not serve");
        return (StatusCode::BAD_REQUEST, "unsupported interaction type").into_response();
    };
    let span = info_span!("endpoint", interaction = id.get());
    async move {
        let answer = respond::answer(
            state.dispatcher.clone(),
            invocation,
            state.defer_after,
            FirstAnswerFiles::NotAllowed,
        );
        match answer.await {
            FirstAnswer::Ready(outcome) => {
                json_response(&to_discord::interaction_response(&outcome.response))
            }
            FirstAnswer::Deferred { ack, pending } => {
                let http = state.http.clone();
                state.in_flight.spawn(
                    async move { respond::deliver_deferred(&http, &token, pending).await }
                        .instrument(tracing::Span::current()),
                );
                Json(ack).into_response()
            }
        }
    }
    .instrument(span)
    .await
}

/// The body as JSON, written into a buffer sized for a typical reply (an embed or two) rather
/// than one grown from nothing as `Json` does.
fn json_response(body: &impl serde::Serialize) -> Response {
    let mut bytes = Vec::with_capacity(8 * 1024);
    match serde_json::to_writer(&mut bytes, body) {
        Ok(()) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            bytes,
        )
            .into_response(),
        // Unreachable with serenity's builders; still, Discord gets an answer, not a 5xx.
        Err(e) => {
            warn!(error = %e, "could not serialize a response");
            Json(serde_json::json!({
                "type": 4,
                "data": { "content": "Something went wrong on our side. Please try again.", "flags": 64 }
            }))
            .into_response()
        }
    }
}

/// Checks Discord's signature over timestamp + body, and that the timestamp is recent.
fn verify(verifier: &Verifier, headers: &HeaderMap, body: &[u8]) -> Result<(), &'static str> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let signature = header("x-signature-ed25519").ok_or("missing X-Signature-Ed25519")?;
    let timestamp = header("x-signature-timestamp").ok_or("missing X-Signature-Timestamp")?;
    let sent: i64 = timestamp
        .parse()
        .map_err(|_| "malformed X-Signature-Timestamp")?;
    if (Utc::now().timestamp() - sent).abs() > MAX_CLOCK_SKEW_SECS {
        return Err("stale X-Signature-Timestamp");
    }
    verifier
        .verify(signature, timestamp, body)
        .map_err(|()| "invalid request signature")
}
