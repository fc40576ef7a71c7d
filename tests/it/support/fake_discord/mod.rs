//! A fake Discord for tests: REST and gateway on loopback, checked against Discord's spec.

pub mod gateway;
pub mod payloads;
pub mod rest;
pub mod sign;
pub mod spec;

use std::sync::Arc;

pub use gateway::FakeGateway;
pub use rest::{Failure, FakeRest, Recorded};

#[derive(Clone)]
pub struct FakeDiscord {
    pub rest: FakeRest,
    pub gateway: Arc<FakeGateway>,
}

impl FakeDiscord {
    pub async fn start() -> Self {
        let gateway = FakeGateway::start().await;
        let rest = FakeRest::start(&gateway.url).await;
        Self { rest, gateway }
    }
}
