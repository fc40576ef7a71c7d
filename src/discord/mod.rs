//! Discord transports: the gateway bot, the HTTP interactions endpoint, command registration
//! and the REST client they answer through. None of them knows what a command does. The
//! bot's own posts go out through `posting`, which use cases reach without a transport.

pub mod endpoint;
pub mod gateway;
pub mod interaction;
pub mod register;
pub mod respond;
pub mod rest;
pub mod shutdown;
