//! Discord transports: the gateway bot, the HTTP interactions endpoint, command registration,
//! the outbound REST clients and the pacing of the bot's own posts. None of them knows what a
//! command does.

pub mod endpoint;
pub mod gateway;
pub mod interaction;
pub mod pace;
pub mod post;
pub mod register;
pub mod respond;
pub mod rest;
pub mod shutdown;
