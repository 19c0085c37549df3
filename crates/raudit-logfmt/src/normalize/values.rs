//! [`Values`]: the [`FieldInterpreter`] built on [`crate::interpret`], with auparse's
//! field typing and the few interpretations the normalizer needs beyond `ausearch -i`
//! (file names made absolute, seccomp actions, escaping of uninterpreted values).

use std::cell::RefCell;

use super::parse::print_escaped;
use super::{FieldCtx, FieldInterpreter, FieldType};
use crate::interpret::{self, escape_into, Escape, NameDb};

const EXECVE: i32 = 1309;
const AVC: i32 = 1400;
const USER_TTY: i32 = 1124;
const NETFILTER_PKT: i32 = 1324;
const PATH: i32 = 1302;
const MQ_OPEN: i32 = 1312;
const CRYPTO_KEY_USER: i32 = 2404;
const ADD_GROUP: i32 = 1116;
const DEL_GROUP: i32 = 1117;
const GRP_MGMT: i32 = 1132;
const TRUSTED_APP: i32 = 1121;
const KERN_MODULE: i32 = 1330;

/// auparse's size of the path normalization buffer (PATH_MAX).
const PATH_MAX: usize = 4096;

/// Interprets values with [`crate::interpret::interpret_field`], escaping as auparse
/// does for the given mode.
pub struct Values<'a> {
    /// User and group names.
    pub names: &'a dyn NameDb,
    /// Output escaping.
    pub escape: Escape,
    /// auparse normalizes paths in one static buffer that outlives each call; a path
    /// with no components returns whatever the previous one left there.
    work: RefCell<Vec<u8>>,
}

impl<'a> Values<'a> {
    /// An interpreter using `names` for uid/gid names and `escape` for output.
    pub fn new(names: &'a dyn NameDb, escape: Escape) -> Values<'a> {
        Values {
            names,
            escape,
            work: RefCell::new(vec![0; PATH_MAX]),
        }
    }

    /// auparse's path normalization ("." and ".." components, duplicate slashes),
    /// quirks included: a trailing ".." is not removed.
    fn path_norm(&self, name: &[u8]) -> Option<Vec<u8>> {
        if name.is_empty() {
            return None;
        }
        if name[0] == b'.' {
            return Some(name.to_vec());
        }
        let mut w = self.work.borrow_mut();
        let mut dest = 0usize;
        let mut i = 0usize;
        while i < name.len() {
            while i < name.len() && name[i] == b'/' {
                i += 1;
            }
            let start = i;
            while i < name.len() && name[i] != b'/' {
                i += 1;
            }
            let comp = &name[start..i];
            if comp.is_empty() {
                break;
            } else if comp == b"." {
            } else if comp == b".." {
                if dest > 1 {
                    dest -= 1;
                    while dest > 0 && w[dest - 1] != b'/' {
                        dest -= 1;
                    }
                }
            } else {
                if dest == 0 || w[dest - 1] != b'/' {
                    w[dest] = b'/';
                    dest += 1;
                }
                if dest + comp.len() >= PATH_MAX {
                    w[dest] = 0;
                    break;
                }
                w[dest..dest + comp.len()].copy_from_slice(comp);
                dest += comp.len();
                w[dest] = 0;
            }
        }
        let end = memchr::memchr(0, &w).unwrap_or(w.len());
        Some(w[..end].to_vec())
    }

    /// auparse's `print_escaped_ext`: the decoded name, made absolute with `cwd`.
    fn file_name(&self, val: &[u8], cwd: Option<&[u8]>) -> Vec<u8> {
        let name = print_escaped(val);
        let Some(cwd) = cwd else { return name };
        let joined = if name.first() != Some(&b'/') {
            let mut j = print_escaped(cwd);
            j.push(b'/');
            j.extend_from_slice(&name);
            j
        } else {
            if memchr::memmem::find(&name, b"..").is_none() {
                return name;
            }
            name
        };
        self.path_norm(&joined).unwrap_or(joined)
    }
}

/// The action of a seccomp return code (hex).
fn seccomp_action(val: &[u8]) -> Vec<u8> {
    let r = crate::num::strtoul(val, 16);
    if r.overflow {
        return [&b"conversion error("[..], val, b")"].concat();
    }
    let name = match r.value & 0x7fff_0000 {
        0x8000_0000 => "kill-process",
        0 => "kill",
        0x0003_0000 => "trap",
        0x0005_0000 => "errno",
        0x7fc0_0000 => "user-notify",
        0x7ff0_0000 => "trace",
        0x7ffc_0000 => "log",
        0x7fff_0000 => "allow",
        _ => return [&b"unknown-seccomp-code("[..], val, b")"].concat(),
    };
    name.as_bytes().to_vec()
}

/// auparse's type of a field by name alone.
fn type_by_name(name: &[u8]) -> FieldType {
    use FieldType as F;
    match name {
        b"auid" | b"uid" | b"euid" | b"suid" | b"fsuid" | b"ouid" | b"oauid" | b"old-auid"
        | b"iuid" | b"id" | b"inode_uid" | b"sauid" | b"obj_uid" => F::Uid,
        b"obj_gid" | b"gid" | b"egid" | b"sgid" | b"fsgid" | b"ogid" | b"igid" | b"inode_gid"
        | b"new_gid" => F::Gid,
        b"syscall" => F::Syscall,
        b"arch" => F::Arch,
        b"exit" => F::Exit,
        b"name" => F::EscapedFile,
        b"path" | b"comm" | b"exe" | b"file" | b"watch" | b"cwd" | b"cmd" | b"acct" | b"dir"
        | b"vm" | b"old-chardev" | b"new-chardev" | b"old-disk" | b"new-disk" | b"old-fs"
        | b"new-fs" | b"old-net" | b"new-net" | b"device" | b"cgroup" | b"apparmor"
        | b"operation" | b"denied_mask" | b"info" | b"profile" | b"requested_mask" | b"old-rng"
        | b"new-rng" | b"ocomm" | b"grp" | b"new_group" | b"invalid_context" | b"sw"
        | b"root_dir" => F::Escaped,
        b"key" => F::EscapedKey,
        b"perm" | b"perm_mask" => F::Perm,
        b"mode" => F::Mode,
        b"saddr" => F::Sockaddr,
        b"prom" | b"old_prom" => F::Promisc,
        b"capability" => F::Capability,
        b"res" | b"result" => F::Success,
        b"a0" => F::A0,
        b"a1" => F::A1,
        b"a2" => F::A2,
        b"a3" => F::A3,
        b"sig" | b"sigev_signo" => F::Signal,
        b"list" => F::List,
        b"data" => F::TtyData,
        b"ses" => F::Session,
        b"cap_pi" | b"cap_pe" | b"cap_pp" | b"cap_pa" | b"cap_fi" | b"cap_fp" | b"fp" | b"fi"
        | b"old_pp" | b"old_pi" | b"old_pe" | b"old_pa" | b"new_pp" | b"new_pi" | b"new_pe"
        | b"pp" | b"pi" | b"pe" | b"pa" => F::CapBitmap,
        b"family" => F::Nfproto,
        b"icmptype" => F::Icmptype,
        b"proto" => F::Protocol,
        b"addr" => F::Addr,
        b"per" => F::Personality,
        b"code" => F::Seccomp,
        b"oflag" => F::Oflag,
        b"flags" => F::Mmap,
        b"subj" | b"obj" | b"scontext" | b"tcontext" | b"vm-ctx" | b"img-ctx" => F::MacLabel,
        b"proctitle" => F::Proctitle,
        b"hook" => F::Hook,
        b"action" => F::Netaction,
        b"macproto" => F::Macproto,
        b"ioctlcmd" => F::IoctlReq,
        b"resp" => F::Fanotify,
        b"nl-mcgrp" => F::Nlmcgrp,
        b"resolve" => F::Resolve,
        _ => F::Unclassified,
    }
}

/// auparse's `auparse_interp_adjust_type`.
pub fn adjust_type(rtype: i32, name: &[u8], val: &[u8]) -> FieldType {
    use FieldType as F;
    let hex = |v: &[u8]| v.iter().all(u8::is_ascii_hexdigit);
    if rtype == EXECVE
        && name.first() == Some(&b'a')
        && name != b"argc"
        && memchr::memmem::find(name, b"_len").is_none()
    {
        F::Escaped
    } else if rtype == AVC && name == b"saddr" {
        F::Unclassified
    } else if rtype == USER_TTY && name == b"msg" {
        F::Escaped
    } else if rtype == NETFILTER_PKT && name == b"saddr" {
        F::Addr
    } else if name == b"acct" {
        if val.first() == Some(&b'"') || hex(val) {
            F::Escaped
        } else {
            F::Unclassified
        }
    } else if rtype == PATH && name == b"flags" {
        F::Flags
    } else if rtype == MQ_OPEN && name == b"mode" {
        F::ModeShort
    } else if rtype == CRYPTO_KEY_USER && name == b"fp" {
        F::Unclassified
    } else if name == b"id" && matches!(rtype, ADD_GROUP | GRP_MGMT | DEL_GROUP) {
        F::Gid
    } else if rtype == TRUSTED_APP {
        if val.first() == Some(&b'"') {
            F::Escaped
        } else if val.iter().all(u8::is_ascii_digit) {
            F::Unclassified
        } else if hex(val) {
            F::Escaped
        } else {
            F::Unclassified
        }
    } else if rtype == KERN_MODULE && name == b"name" {
        F::Escaped
    } else {
        type_by_name(name)
    }
}

impl FieldInterpreter for Values<'_> {
    fn field_type(&self, rtype: i32, name: &[u8], val: &[u8]) -> FieldType {
        adjust_type(rtype, name, val)
    }

    fn interpret(&self, ftype: FieldType, f: &FieldCtx<'_>) -> Vec<u8> {
        use FieldType as F;
        let mut out = Vec::with_capacity(f.val.len() + 16);
        let text = match ftype {
            F::EscapedFile => self.file_name(f.val, f.cwd),
            F::Seccomp => seccomp_action(f.val),
            F::Nlmcgrp => {
                let r = crate::num::strtoul(f.val, 16);
                let t: &[u8] = if r.overflow {
                    return [&b"conversion error("[..], f.val, b")"].concat();
                } else if r.value == 1 {
                    b"audit-netlink-multicast"
                } else {
                    b"audit-none"
                };
                t.to_vec()
            }
            F::Unclassified
            | F::MacLabel
            | F::Addr
            | F::Nfproto
            | F::Icmptype
            | F::Personality
            | F::Hook
            | F::Netaction
            | F::Macproto
            | F::IoctlReq
            | F::Fanotify
            | F::Resolve => f.val.to_vec(),
            _ => {
                let ctx = interpret::Ctx {
                    rtype: f.rtype as u32,
                    machine: f.machine,
                    syscall: u32::try_from(f.syscall).ok(),
                    a0: f.a0,
                    a1: f.a1,
                    enriched: None,
                };
                interpret::interpret_field(&ctx, f.name, f.val, self.names, self.escape, &mut out);
                return out;
            }
        };
        escape_into(&text, self.escape, &mut out);
        out
    }
}
