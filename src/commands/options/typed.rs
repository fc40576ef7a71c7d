//! Options as typed constants: each names its option and the type of its value, and reads
//! that value out of a checked call.

use std::marker::PhantomData;

use serenity::all::{ChannelId, RoleId, UserId};

use super::super::value::{FileRef, Value};
use super::definition::{ChannelUse, OptionKind, OptionSpec};

/// An option's name together with the type of its value. A command file declares each option
/// once as a constant and uses that constant both to define the option and to read it, so the
/// definition and the handler cannot disagree on its name or type.
pub struct Opt<T> {
    name: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Opt<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Opt<T> {}

impl<T> Opt<T> {
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            value: PhantomData,
        }
    }

    pub const fn name(self) -> &'static str {
        self.name
    }

    fn spec(self, description: &'static str, kind: OptionKind) -> OptionSpec {
        OptionSpec {
            name: self.name,
            description,
            kind,
            required: false,
        }
    }
}

impl Opt<i64> {
    /// Bounds are unsigned because Discord's registration (through serenity) only carries
    /// non-negative integer bounds; a negative one could not be registered as written.
    pub fn integer(self, description: &'static str, min: u32, max: u32) -> OptionSpec {
        self.spec(description, OptionKind::Integer { min, max })
    }
}

impl Opt<String> {
    pub fn text(self, description: &'static str, max_length: u16) -> OptionSpec {
        self.spec(
            description,
            OptionKind::String {
                autocomplete: false,
                max_length,
                choices: &[],
            },
        )
    }

    /// Text that must be one of `choices`, which Discord offers as a list.
    pub fn choice(self, description: &'static str, choices: &'static [&'static str]) -> OptionSpec {
        let max_length = choices.iter().map(|c| c.len()).max().unwrap_or(1);
        self.spec(
            description,
            OptionKind::String {
                autocomplete: false,
                max_length: u16::try_from(max_length).unwrap_or(u16::MAX),
                choices,
            },
        )
    }
}

impl Opt<bool> {
    pub fn boolean(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::Boolean)
    }
}

impl Opt<UserId> {
    pub fn member(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::User)
    }
}

impl Opt<ChannelId> {
    /// A channel members read and the bot posts in: Discord offers only text and announcement
    /// channels, and a value of another type from any transport is refused.
    pub fn text_channel(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::Channel(ChannelUse::Posts))
    }

    /// A text channel Waypoint opens threads in (announcement channels allow no private ones).
    pub fn thread_channel(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::Channel(ChannelUse::Threads))
    }
}

impl Opt<RoleId> {
    pub fn role(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::Role)
    }
}

impl Opt<FileRef> {
    pub fn file(self, description: &'static str) -> OptionSpec {
        self.spec(description, OptionKind::File)
    }
}

/// Reading a typed value out of a checked call. The dispatcher has already checked every value
/// against its option's kind, so `None` only ever means "not given".
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Option<Self>;
}

/// One impl per value type: the `Value` variant that carries it.
macro_rules! from_value {
    ($($type:ty => $variant:ident),* $(,)?) => {$(
        impl FromValue for $type {
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::$variant(inner) => Some(inner.clone()),
                    _ => None,
                }
            }
        }
    )*};
}

from_value!(
    i64 => Integer,
    String => String,
    bool => Boolean,
    UserId => User,
    RoleId => Role,
    FileRef => File,
);

impl FromValue for ChannelId {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Channel(id, _) => Some(*id),
            _ => None,
        }
    }
}
