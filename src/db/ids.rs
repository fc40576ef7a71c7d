//! Discord snowflakes are u64; PostgreSQL has no unsigned BIGINT. We store the same 64 bits
//! as i64 (`as` is a bit-preserving cast both ways), so every id round-trips exactly.

use serenity::all::{ChannelId, GuildId, MessageId, RoleId, UserId};

pub trait DbId {
    fn db(self) -> i64;
}

impl DbId for GuildId {
    fn db(self) -> i64 {
        self.get() as i64
    }
}

impl DbId for UserId {
    fn db(self) -> i64 {
        self.get() as i64
    }
}

impl DbId for ChannelId {
    fn db(self) -> i64 {
        self.get() as i64
    }
}

impl DbId for MessageId {
    fn db(self) -> i64 {
        self.get() as i64
    }
}

impl DbId for RoleId {
    fn db(self) -> i64 {
        self.get() as i64
    }
}

pub fn role_from_db(raw: i64) -> RoleId {
    RoleId::new(raw as u64)
}

pub fn guild_from_db(raw: i64) -> GuildId {
    GuildId::new(raw as u64)
}

pub fn user_from_db(raw: i64) -> UserId {
    UserId::new(raw as u64)
}

pub fn channel_from_db(raw: i64) -> ChannelId {
    ChannelId::new(raw as u64)
}

pub fn message_from_db(raw: i64) -> MessageId {
    MessageId::new(raw as u64)
}

/// The domain's own ids are stored the same way.
macro_rules! domain_ids {
    ($($name:ident),*) => {$(
        impl DbId for crate::ids::$name {
            fn db(self) -> i64 {
                self.get() as i64
            }
        }
    )*};
}

domain_ids!(GuildId, UserId, ChannelId, RoleId);
