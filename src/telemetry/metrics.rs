//! Prometheus metrics: what operators watch. Recording goes through the `metrics` facade (a
//! no-op until a process installs the recorder, as tests do not); `GET /metrics` renders the
//! text format, on `serve`'s port or on `WAYPOINT_METRICS_ADDR` for `run` and `worker`.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

/// Commands answered, by command and outcome (`ok` or `error`).
pub const COMMANDS: &str = "waypoint_commands_total";
/// Time from receiving an invocation to its response, by command.
pub const COMMAND_SECONDS: &str = "waypoint_command_duration_seconds";
/// Failed invocations by kind: `user` (a mistake, explained), `unavailable` (the database),
/// `internal` (a bug or an unexpected failure, logged with a reference).
pub const ERRORS: &str = "waypoint_command_errors_total";
/// How late a scheduled post was when a scheduler claimed it, by kind.
pub const SCHEDULER_LAG: &str = "waypoint_scheduler_lag_seconds";
/// Answers from Discord's REST API, by what was asked and the HTTP status (`error` when none
/// came).
pub const DISCORD_RESPONSES: &str = "waypoint_discord_responses_total";
/// Time to draw an image card that was not in memory (waiting for a turn included).
pub const CARD_SECONDS: &str = "waypoint_card_draw_seconds";
/// Cards asked for, by `how` they were served: `drawn`, or `kept` (from memory).
pub const CARDS: &str = "waypoint_cards_total";
/// Database connections of this process, by state (`idle`, `in_use`), and the pool's maximum.
pub const POOL_CONNECTIONS: &str = "waypoint_db_pool_connections";
pub const POOL_MAX: &str = "waypoint_db_pool_max_connections";

/// Latency buckets, in seconds: interactions must be answered within 3 s.
const COMMAND_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0,
];
/// Scheduler lag buckets, in seconds: a poll every 15 s, a grace window of hours.
const LAG_BUCKETS: [f64; 9] = [1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 43200.0];
/// Histograms are drained into their buckets this often.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// This process's metrics, once installed.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    pool: Option<PgPool>,
}

impl Metrics {
    /// Installs the process-wide recorder; `None` if one is installed already.
    pub fn install() -> Option<Self> {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(COMMAND_SECONDS.into()), &COMMAND_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(SCHEDULER_LAG.into()), &LAG_BUCKETS)
            })
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(CARD_SECONDS.into()), &COMMAND_BUCKETS)
            });
        match builder.and_then(PrometheusBuilder::install_recorder) {
            Ok(handle) => Some(Self { handle, pool: None }),
            Err(e) => {
                tracing::warn!(error = %e, "metrics are off: the recorder could not be installed");
                None
            }
        }
    }

    /// Reports this pool's connections with every scrape.
    pub fn with_pool(mut self, pool: PgPool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The Prometheus text exposition of everything recorded.
    pub fn render(&self) -> String {
        if let Some(pool) = &self.pool {
            let idle = pool.num_idle() as f64;
            gauge!(POOL_CONNECTIONS, "state" => "idle").set(idle);
            gauge!(POOL_CONNECTIONS, "state" => "in_use").set(f64::from(pool.size()) - idle);
            gauge!(POOL_MAX).set(f64::from(pool.options().get_max_connections()));
        }
        self.handle.run_upkeep();
        self.handle.render()
    }

    /// Drains histograms every few seconds until `stop`, so memory stays flat between scrapes.
    pub async fn upkeep_until(self, stop: CancellationToken) {
        let mut ticks = tokio::time::interval(UPKEEP_EVERY);
        loop {
            tokio::select! {
                _ = ticks.tick() => self.handle.run_upkeep(),
                () = stop.cancelled() => return,
            }
        }
    }

    /// `GET /metrics`, to merge into a router or serve alone.
    pub fn router<S>(self) -> Router<S> {
        Router::new()
            .route("/metrics", get(scrape))
            .with_state(self)
    }

    /// Serves `GET /metrics` on `addr` until `stop`.
    pub async fn serve(self, addr: SocketAddr, stop: CancellationToken) -> anyhow::Result<()> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {addr}: {e}"))?;
        tracing::info!(%addr, "metrics on http://{addr}/metrics");
        axum::serve(listener, self.router::<()>())
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await?;
        Ok(())
    }
}

async fn scrape(State(metrics): State<Metrics>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
    )
}

/// One answered invocation.
pub fn command(name: &str, failed: bool, elapsed: Duration) {
    let outcome = if failed { "error" } else { "ok" };
    counter!(COMMANDS, "command" => name.to_string(), "outcome" => outcome).increment(1);
    histogram!(COMMAND_SECONDS, "command" => name.to_string()).record(elapsed.as_secs_f64());
}

/// A card served: drawn (taking `drawn`), or from memory (`None`).
pub fn card(drawn: Option<Duration>) {
    let how = if drawn.is_some() { "drawn" } else { "kept" };
    counter!(CARDS, "how" => how).increment(1);
    if let Some(took) = drawn {
        histogram!(CARD_SECONDS).record(took.as_secs_f64());
    }
}

/// One failed invocation, by kind.
pub fn error(kind: &'static str) {
    counter!(ERRORS, "kind" => kind).increment(1);
}

/// A scheduled post of `kind` claimed `lag` after it was due.
pub fn scheduler_lag(kind: &str, lag: chrono::Duration) {
    let seconds = lag.num_milliseconds().max(0) as f64 / 1000.0;
    histogram!(SCHEDULER_LAG, "kind" => kind.to_string()).record(seconds);
}

/// Discord's answer to a REST request (`status` 0 when none came).
pub fn discord_response(request: &'static str, status: u16) {
    let status = if status == 0 {
        "error".to_string()
    } else {
        status.to_string()
    };
    counter!(DISCORD_RESPONSES, "request" => request, "status" => status).increment(1);
}

/// The same, from serenity's result.
pub fn discord_result<T>(request: &'static str, result: &Result<T, serenity::Error>) {
    use serenity::http::HttpError;
    let status = match result {
        // serenity returns only successes as `Ok`; 200 stands for all of them.
        Ok(_) => 200,
        Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(response))) => {
            response.status_code.as_u16()
        }
        Err(_) => 0,
    };
    discord_response(request, status);
}
