//! Discord transports: the gateway bot, the HTTP interactions endpoint, command registration
//! and the outbound REST client. None of them knows what a command does.

pub mod endpoint;
pub mod gateway;
pub mod interaction;
pub mod register;
pub mod respond;
pub mod rest;
pub mod shutdown;
