//! Waiting for the operator to stop the process.

use tokio::signal::unix::{signal, SignalKind};
use tracing::info;

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
