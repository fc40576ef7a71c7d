//! Integration tests, in one binary so they link once.

mod support;

mod autocomplete;
mod cli;
mod content;
mod database;
mod dispatch;
mod embedded;
mod roadmap_command;
