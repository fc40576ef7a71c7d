//! An option's value as it arrives, before it is read as the type its option declares.

use serenity::all::{ChannelId, ChannelType, RoleId, UserId};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Integer(i64),
    Number(f64),
    String(String),
    Boolean(bool),
    User(UserId),
    /// The channel, and its type when Discord resolved it (the console cannot know it).
    Channel(ChannelId, Option<ChannelType>),
    Role(RoleId),
    /// A file the member attached, as Discord resolved it.
    File(FileRef),
}

/// A file attached to a command: where Discord's CDN serves it, its name, and its size as
/// Discord reports it (the download is still bounded on its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub url: String,
    pub filename: String,
    pub size: u64,
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Integer(_) => "a whole number",
            Self::Number(_) => "a number",
            Self::String(_) => "text",
            Self::Boolean(_) => "true or false",
            Self::User(_) => "a member",
            Self::Channel(..) => "a channel",
            Self::Role(_) => "a role",
            Self::File(_) => "a file",
        }
    }
}
