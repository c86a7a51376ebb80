//! Who is acting on the admin API or the console: the bootstrap admin token, or a named
//! operator with a role. The audit log names the actor of every change.

use serde::{Deserialize, Serialize};

/// What an operator may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything: reads and changes.
    Admin,
    /// Reads only: no change, no secret (secrets are never shown to anyone anyway).
    Viewer,
}

impl Role {
    /// The role's name on the wire and in the store (`"admin"`, `"viewer"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Viewer => "viewer",
        }
    }

    /// Reads a role's name; `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// True when the role may change something.
    #[must_use]
    pub const fn may_change(self) -> bool {
        matches!(self, Role::Admin)
    }
}

/// The one acting: a named operator, or the bootstrap admin token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The operator's name; [`Actor::ADMIN_TOKEN`] for the bootstrap token.
    pub name: String,
    /// What the actor may do.
    pub role: Role,
}

impl Actor {
    /// The name under which the bootstrap admin token acts.
    pub const ADMIN_TOKEN: &'static str = "admin-token";

    /// The bootstrap admin token, which may do everything.
    #[must_use]
    pub fn admin_token() -> Actor {
        Actor {
            name: Actor::ADMIN_TOKEN.to_owned(),
            role: Role::Admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_their_own_names_and_nothing_else() {
        for role in [Role::Admin, Role::Viewer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
        assert!(Role::Admin.may_change());
        assert!(!Role::Viewer.may_change());
    }
}
