//! The local user, group and protocol databases, as the C tools consult them
//! (`getpwuid`, `getgrgid`, `getprotobynumber`), with a cache: logs repeat ids.

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
        let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
        // SAFETY: buf has IF_NAMESIZE bytes as if_indextoname requires.
        let p = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
        if p.is_null() {
            return None;
        }
        // SAFETY: on success buf holds a NUL-terminated name.
        let name = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        Some(name.to_string_lossy().into_owned())
    }

    fn protocol(&self, n: u32) -> Option<String> {
        self.protos
            .borrow_mut()
            .entry(n)
            .or_insert_with(|| protocol_name(n))
            .clone()
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

impl raudit_logfmt::normalize::Accounts for SystemNames {
    fn uid_by_name(&self, name: &[u8]) -> Option<u32> {
        crate::options::user_by_name(name)
    }
}
