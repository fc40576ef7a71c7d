//! Who may run a command.

use serenity::all::Permissions;

/// Who may run a command. Declared once per command; the dispatcher enforces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Everyone,
    /// Server staff: members with Manage Server.
    Staff,
}

impl Access {
    pub const STAFF_PERMISSIONS: Permissions = Permissions::MANAGE_GUILD;

    pub fn allows(self, permissions: Permissions) -> bool {
        match self {
            Self::Everyone => true,
            Self::Staff => {
                permissions.contains(Self::STAFF_PERMISSIONS) || permissions.administrator()
            }
        }
    }
}
