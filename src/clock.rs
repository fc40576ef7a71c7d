//! Where Waypoint gets the time: the system clock in production, a clock the test sets in
//! tests. Every transport stamps an invocation's `now` from the app's clock and the scheduler
//! reads the same clock, so a test controls every date a reply or a plan is made from (week
//! boundaries, DST changes, missed weeks) without depending on the day it runs.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
