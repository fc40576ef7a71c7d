//! Waiting for the operator to stop the process.

use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

/// How long shutdown waits for replies still being answered or delivered. Discord's
/// interaction tokens last 15 minutes, but an operator stopping the process wants it gone.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Stops accepting work into `in_flight` and waits for what it holds, at most `timeout`.
/// Returns whether everything finished.
pub async fn drain(in_flight: &TaskTracker, timeout: Duration) -> bool {
    in_flight.close();
    if tokio::time::timeout(timeout, in_flight.wait())
        .await
        .is_ok()
    {
        return true;
    }
    warn!(
        pending = in_flight.len(),
        "gave up waiting for in-flight interactions"
    );
    false
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (service managers, containers).
pub async fn signal_received() {
    let mut terminate = match signal(SignalKind::terminate()) {
        Ok(terminate) => terminate,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C will stop");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => info!("SIGINT received: shutting down"),
        _ = terminate.recv() => info!("SIGTERM received: shutting down"),
    }
}
