//! The local system databases the audit tools consult — `getpwuid`/`getpwnam`,
//! `getgrgid`/`getgrnam`, `getprotobynumber`, `if_indextoname` — with a cache
//! (logs repeat ids), as one [`NameDb`] for interpretation (ausearch `-i`,
//! aureport, the daemon's ENRICHED format and JSON sink).
//!
//! auditd keeps names until a record that changes accounts arrives
//! ([`SystemNames::flush`], auparse's `_auparse_flush_caches`); the log readers
//! keep them for the run.

use std::cell::RefCell;
use std::collections::HashMap;

use raudit_logfmt::interpret::NameDb;

/// Cached lookups in the system databases.
#[derive(Default)]
pub struct SystemNames {
    users: RefCell<HashMap<u32, Option<String>>>,
    groups: RefCell<HashMap<u32, Option<String>>>,
    protos: RefCell<HashMap<u32, Option<String>>>,
}

impl SystemNames {
    /// Forgets every cached name.
    pub fn flush(&self) {
        self.users.borrow_mut().clear();
        self.groups.borrow_mut().clear();
        self.protos.borrow_mut().clear();
    }
}

impl NameDb for SystemNames {
    fn user(&self, uid: u32) -> Option<String> {
        self.users
            .borrow_mut()
            .entry(uid)
            .or_insert_with(|| {
                nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
                    .ok()
                    .flatten()
                    .map(|u| u.name)
            })
            .clone()
    }

    fn group(&self, gid: u32) -> Option<String> {
        self.groups
            .borrow_mut()
            .entry(gid)
            .or_insert_with(|| {
                nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
                    .ok()
                    .flatten()
                    .map(|g| g.name)
            })
            .clone()
    }

    fn ifname(&self, index: u32) -> Option<String> {
        nix::net::if_::if_indextoname(index)
            .ok()
            .map(|c| c.to_string_lossy().into_owned())
    }

    fn protocol(&self, n: u32) -> Option<String> {
        self.protos
            .borrow_mut()
            .entry(n)
            .or_insert_with(|| protocol_name(n))
            .clone()
    }
}

impl raudit_logfmt::normalize::Accounts for SystemNames {
    fn uid_by_name(&self, name: &[u8]) -> Option<u32> {
        user_by_name(name)
    }
}

/// `/etc/protocols` lookup, as `getprotobynumber` reads it.
fn protocol_name(n: u32) -> Option<String> {
    let text = std::fs::read_to_string("/etc/protocols").ok()?;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        let (Some(name), Some(num)) = (it.next(), it.next()) else {
            continue;
        };
        if num.parse::<u32>().ok() == Some(n) {
            return Some(name.to_string());
        }
    }
    None
}

/// The uid of user `name` (`getpwnam`), if there is one.
pub fn user_by_name(name: &[u8]) -> Option<u32> {
    let name = std::str::from_utf8(name).ok()?;
    nix::unistd::User::from_name(name)
        .ok()
        .flatten()
        .map(|u| u.uid.as_raw())
}

/// The gid of group `name` (`getgrnam`), if there is one.
pub fn group_by_name(name: &[u8]) -> Option<u32> {
    let name = std::str::from_utf8(name).ok()?;
    nix::unistd::Group::from_name(name)
        .ok()
        .flatten()
        .map(|g| g.gid.as_raw())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_and_loopback_and_tcp() {
        let n = SystemNames::default();
        assert_eq!(n.user(0).as_deref(), Some("root"));
        assert_eq!(n.group(0).as_deref(), Some("root"));
        assert_eq!(user_by_name(b"root"), Some(0));
        assert_eq!(group_by_name(b"root"), Some(0));
        assert_eq!(user_by_name(b"no such user here"), None);
        assert_eq!(n.ifname(1).as_deref(), Some("lo"));
        if std::path::Path::new("/etc/protocols").exists() {
            assert_eq!(n.protocol(6).as_deref(), Some("tcp"));
        }
        n.flush();
        assert_eq!(n.user(0).as_deref(), Some("root"));
    }
}
