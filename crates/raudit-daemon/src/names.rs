//! User and group names for the ENRICHED format, cached as auditd's auparse
//! caches them: until a record that changes accounts flushes the cache.

use std::cell::RefCell;
use std::collections::HashMap;

use raudit_logfmt::interpret::NameDb;

/// Cached `getpwuid`/`getgrgid` lookups.
#[derive(Default)]
pub struct SystemNames {
    users: RefCell<HashMap<u32, Option<String>>>,
    groups: RefCell<HashMap<u32, Option<String>>>,
}

impl SystemNames {
    /// Forgets every cached name (auparse's `_auparse_flush_caches`).
    pub fn flush(&self) {
        self.users.borrow_mut().clear();
        self.groups.borrow_mut().clear();
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
}
