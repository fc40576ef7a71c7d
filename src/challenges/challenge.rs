//! A challenge as stored and shown: its goal, its days and the instants its window opens and
//! closes, where it posts, what finishers earn, and where it is in its life.

use crate::ids::{ChannelId, GuildId, RoleId};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::Goal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Ended,
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct Challenge {
    pub id: i64,
    pub guild: GuildId,
    pub name: String,
    pub goal: Goal,
    pub target: i64,
    pub phase: Option<u8>,
    /// The roadmap whose topics and phases count: the server's when it was created.
    pub roadmap: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub zone: Tz,
    pub channel: ChannelId,
    pub role: Option<RoleId>,
    pub points: i32,
    pub status: Status,
    pub ended_early_at: Option<DateTime<Utc>>,
    pub members: i64,
}

impl Challenge {
    /// Open and not past its end: members may still join.
    pub fn joinable(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Open && now < self.ends_at
    }
}
