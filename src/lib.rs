//! Waypoint: a Discord bot that walks a learning community through a roadmap.
//!
//! Transports (gateway, HTTP endpoint, console) parse interactions into
//! [`commands::Invocation`]s and hand them to [`commands::Dispatcher`]; handlers return
//! [`render::Reply`] values and never talk to a transport themselves. ARCHITECTURE.md has the
//! whole picture.

pub mod achievements;
pub mod app;
pub mod attachments;
pub mod boards;
pub mod cards;
pub mod celebrations;
pub mod challenges;
pub mod changes;
pub mod channels;
pub mod checkins;
pub mod clock;
pub mod commands;
pub mod config;
pub mod console;
pub mod content;
pub mod db;
pub mod discord;
pub mod ids;
pub mod member_cache;
pub mod modes;
pub mod partners;
pub mod points;
pub mod posting;
pub mod profiles;
pub mod progress;
pub mod prompts;
pub mod render;
pub mod roadmap;
pub mod roles;
pub mod schedule;
pub mod secret;
pub mod slice_cache;
pub mod standings;
pub mod telemetry;
pub mod web;
pub mod weekly;
pub mod words;
