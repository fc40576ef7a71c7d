//! Check-ins in storage: the server's settings, members' own choices, the check-ins and
//! drafts, and what the weekly reminder and digest read.

mod digest;
mod entries;
mod members;
mod settings;
mod submissions;

pub use digest::*;
pub use entries::*;
pub use members::*;
pub use settings::*;
pub use submissions::*;
