//! The ids the domain names servers, members, channels and roles by. Discord's are 64-bit
//! snowflakes; the domain keeps its own types so its rules and their tests need no Discord
//! library, and the transports' serenity ids convert at the edge (`From` both ways, below).

use std::fmt;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            pub const fn new(id: u64) -> Self {
                Self(id)
            }

            pub const fn get(self) -> u64 {
                self.0
            }
        }

        /// The snowflake's digits, as a mention (`<@{user}>`) needs them.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<serenity::all::$name> for $name {
            fn from(id: serenity::all::$name) -> Self {
                Self(id.get())
            }
        }

        impl From<$name> for serenity::all::$name {
            fn from(id: $name) -> Self {
                serenity::all::$name::new(id.0)
            }
        }
    )*};
}

ids! {
    /// A server (Discord's guild).
    GuildId,
    /// A member, by their Discord account.
    UserId,
    ChannelId,
    RoleId,
}
