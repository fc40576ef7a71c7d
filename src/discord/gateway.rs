//! Gateway mode: a serenity Client receives interactions over the websocket and answers them
//! through REST callbacks.

use crate::telemetry::metrics;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serenity::all::{
    ClientBuilder, Context, CreateInteractionResponse, EventHandler, GatewayIntents, Http,
    Interaction, Ready,
};
use serenity::async_trait;
use tokio_util::task::TaskTracker;
use tracing::{info, info_span, warn, Instrument};

use super::interaction::{incoming, Incoming};
use super::respond::{self, FirstAnswer, FirstAnswerFiles};
use super::shutdown::{drain, DRAIN_TIMEOUT};
use crate::commands::Dispatcher;
use crate::render::discord as to_discord;
use serenity::builder::Builder;

/// Interactions arrive whatever the intents; GUILDS keeps the cache aware of the servers we are
/// in. No privileged intent is needed.
pub const INTENTS: GatewayIntents = GatewayIntents::GUILDS;

struct Handler {
    dispatcher: Arc<Dispatcher>,
    in_flight: TaskTracker,
    defer_after: Duration,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        info!(
            user = %ready.user.name,
            guilds = ready.guilds.len(),
            shard = ?ready.shard.map(|s| s.id.0),
            "connected to the Discord gateway"
        );
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let work = answer(
            self.dispatcher.clone(),
            ctx.http.clone(),
            interaction,
            self.defer_after,
        );
        self.in_flight.track_future(work).await;
    }
}

async fn answer(
    dispatcher: Arc<Dispatcher>,
    http: Arc<Http>,
    interaction: Interaction,
    defer_after: Duration,
) {
    let Some(Incoming {
        id,
        token,
        invocation,
    }) = incoming(&interaction, dispatcher.app.clock.now())
    else {
        warn!(kind = ?interaction.kind(), "ignoring an interaction type Waypoint does not serve");
        return;
    };
    let span = info_span!("gateway", interaction = id.get());
    async move {
        let (first, pending): (CreateInteractionResponse, _) = match respond::answer(
            dispatcher,
            invocation,
            defer_after,
            FirstAnswerFiles::Allowed,
        )
        .await
        {
            FirstAnswer::Ready(outcome) => {
                (to_discord::interaction_response(&outcome.response), None)
            }
            FirstAnswer::Deferred { ack, pending } => (ack, Some(pending)),
        };
        let answered = first.execute(&http, (id, &token)).await;
        metrics::discord_result("interaction_response", &answered);
        if let Err(e) = answered {
            warn!(error = %e, "could not answer the interaction");
            return;
        }
        if let Some(pending) = pending {
            respond::deliver_deferred(&http, &token, pending).await;
        }
    }
    .instrument(span)
    .await;
}

/// Runs the gateway bot until `shutdown` resolves (SIGINT or SIGTERM in production), then lets
/// in-flight interactions finish.
pub async fn run(
    dispatcher: Arc<Dispatcher>,
    http: Http,
    defer_after: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let in_flight = TaskTracker::new();
    let handler = Handler {
        dispatcher,
        in_flight: in_flight.clone(),
        defer_after,
    };
    let mut client = ClientBuilder::new_with_http(http, INTENTS)
        .event_handler(handler)
        .await?;
    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        shutdown.await;
        shards.shutdown_all().await;
    });
    client.start_autosharded().await?;

    drain(&in_flight, DRAIN_TIMEOUT).await;
    info!("gateway stopped");
    Ok(())
}
