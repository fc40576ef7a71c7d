//! Waypoint: a Discord bot that walks a learning community through a roadmap.
//!
//! Transports (gateway, HTTP endpoint, console) parse interactions into
//! [`commands::Invocation`]s and hand them to [`commands::dispatch`]; handlers return
//! [`render::Reply`] values and never talk to a transport themselves.

pub mod app;
pub mod commands;
pub mod config;
pub mod console;
pub mod db;
pub mod discord;
pub mod modes;
pub mod render;
pub mod roadmap;
pub mod telemetry;
