//! The roles a member of an organization holds, each a fixed set of
//! permissions. Roles nest: viewer ⊂ operator ⊂ admin ⊂ owner, so the one
//! table below says, for every permission, the least role that holds it; the
//! README prints it (`role_table_markdown`).
//!
//! - viewer: every `list` and `get`;
//! - operator: viewer, plus creating, updating and deleting enrollment tokens
//!   and devices, revealing credentials, and the Google-compatible surface
//!   (everything under `mdm.`, and `androidmanagement`);
//! - admin: operator, plus the supporting resources, API keys and members
//!   (everything else under `admin.`);
//! - owner: admin, plus making, changing and removing owners.
//!
//! `platform.*` is in no role: it belongs to the people who run the service.

use crate::permissions::{self, Permission, ALL, ANDROID_MANAGEMENT, MEMBER_OWNER};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Viewer,
    Operator,
    Admin,
    Owner,
}

/// Every role name, least first (the request schemas' enum).
pub const NAMES: &[&str] = &["viewer", "operator", "admin", "owner"];

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Operator, Role::Admin, Role::Owner];

    pub fn name(self) -> &'static str {
        NAMES[self as usize]
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The permissions the role holds, by name, in the order of [`ALL`].
    pub fn permissions(self) -> Vec<&'static str> {
        ALL.iter()
            .filter(|p| least_role(p).is_some_and(|least| least <= self))
            .map(|p| p.name)
            .collect()
    }
}

/// The least role holding `permission`; `None` for the platform's permissions.
pub fn least_role(permission: &Permission) -> Option<Role> {
    let name = permission.name;
    if permissions::is_platform(name) {
        None
    } else if name.ends_with(".list") || name.ends_with(".get") {
        Some(Role::Viewer)
    } else if name.starts_with("mdm.") || name == ANDROID_MANAGEMENT.name {
        Some(Role::Operator)
    } else if name == MEMBER_OWNER.name {
        Some(Role::Owner)
    } else {
        Some(Role::Admin)
    }
}

/// The table the README shows: one row per permission, one column per role.
pub fn role_table_markdown() -> String {
    let mut out = String::from("| permission | viewer | operator | admin | owner |\n|---|---|---|---|---|\n");
    for p in ALL {
        let least = least_role(p);
        let cells: Vec<&str> = Role::ALL
            .iter()
            .map(|r| if least.is_some_and(|l| l <= *r) { "✓" } else { "" })
            .collect();
        out.push_str(&format!("| `{}` | {} |\n", p.name, cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions as perm;

    #[test]
    fn roles_nest_and_never_hold_platform_permissions() {
        for pair in Role::ALL.windows(2) {
            let (less, more) = (pair[0].permissions(), pair[1].permissions());
            assert!(less.iter().all(|p| more.contains(p)), "{:?} ⊄ {:?}", pair[0], pair[1]);
            assert!(less.len() < more.len());
        }
        for r in Role::ALL {
            assert!(r.permissions().iter().all(|p| !perm::is_platform(p)), "{r:?}");
            assert_eq!(Role::parse(r.name()), Some(r));
        }
    }

    #[test]
    fn what_each_role_may_do() {
        let has = |r: Role, p: Permission| r.permissions().contains(&p.name);
        assert!(has(Role::Viewer, perm::AOSP_TOKEN_LIST) && !has(Role::Viewer, perm::AOSP_TOKEN_CREATE));
        assert!(has(Role::Operator, perm::AOSP_TOKEN_CREATE) && !has(Role::Operator, perm::MEMBER_CREATE));
        assert!(has(Role::Admin, perm::MEMBER_CREATE) && has(Role::Admin, perm::API_KEY_CREATE));
        assert!(!has(Role::Admin, perm::MEMBER_OWNER) && has(Role::Owner, perm::MEMBER_OWNER));
        assert!(!has(Role::Owner, perm::PLATFORM_ORGANIZATION_CREATE));
        assert!(!has(Role::Owner, perm::PLATFORM_ORGANIZATION_UPDATE));
    }

    /// The README's role table is this table (regenerate with `UPDATE=1`).
    #[test]
    fn readme_shows_the_role_table() {
        let readme_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
        let readme = std::fs::read_to_string(readme_path).unwrap();
        let table = role_table_markdown();
        let (begin, end) = ("<!-- roles:begin -->\n", "<!-- roles:end -->");
        let (Some(a), Some(b)) = (readme.find(begin), readme.find(end)) else {
            panic!("README.md lacks the {begin:?} ... {end:?} markers");
        };
        let current = &readme[a + begin.len()..b];
        if current != table {
            if std::env::var_os("UPDATE").is_some() {
                let updated = format!("{}{table}{}", &readme[..a + begin.len()], &readme[b..]);
                std::fs::write(readme_path, updated).unwrap();
            } else {
                panic!("README.md's role table is stale: UPDATE=1 cargo test -p mdm-core roles");
            }
        }
    }
}
