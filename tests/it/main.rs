//! Integration tests, in one binary so they link once.

mod support;

mod autocomplete;
mod batch;
mod celebrations;
mod challenges;
mod checkin_posts;
mod checkins;
mod cli;
mod content;
mod content_changes;
mod database;
mod dispatch;
mod embedded;
mod endpoint;
mod faults;
mod floor;
mod gateway;
mod hostile;
mod isolation;
mod layering;
mod leaderboard;
mod links;
mod outage;
mod privacy;
mod processes;
mod progress;
mod prompt_settings;
mod register;
mod roadmap_command;
mod roadmap_export;
mod roadmap_search;
mod roles;
mod scheduler;
mod shared_answers;
mod single_file;
