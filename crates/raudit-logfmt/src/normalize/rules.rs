//! The normalization rules: which fields are the subject, object, session, result
//! and key of an event, what the action is called, and how it was done.
//!
//! The rules walk the event with auparse's cursor ([`Cursor`]) and record field
//! locations. Several results depend on where earlier searches left the cursor; the
//! order of searches below is therefore significant and matches auparse 3.0.9.
//! A location is recorded with the record number the rule *expected*, even when the
//! search found the field further on (auparse does the same); such locations may not
//! resolve later, and are then treated as absent.

use super::cursor::Cursor;
use super::maps::{event_kind, record_action, syscall_class, ObjKind, SysClass};
use super::{Accounts, FieldInterpreter, FieldType, Loc, NormOpt, Normalized, Piece};

// Record types the rules refer to.
const USER: i32 = 1005;
const LOGIN: i32 = 1006;
const USER_AUTH: i32 = 1100;
const USER_ACCT: i32 = 1101;
const USER_MGMT: i32 = 1102;
const CRED_ACQ: i32 = 1103;
const CRED_DISP: i32 = 1104;
const USER_START: i32 = 1105;
const USER_END: i32 = 1106;
const USER_AVC: i32 = 1107;
const USER_CHAUTHTOK: i32 = 1108;
const USER_ERR: i32 = 1109;
const CRED_REFR: i32 = 1110;
const USYS_CONFIG: i32 = 1111;
const USER_LOGIN: i32 = 1112;
const USER_LOGOUT: i32 = 1113;
const ADD_USER: i32 = 1114;
const DEL_USER: i32 = 1115;
const ADD_GROUP: i32 = 1116;
const DEL_GROUP: i32 = 1117;
const USER_CMD: i32 = 1123;
const USER_TTY: i32 = 1124;
const SYSTEM_BOOT: i32 = 1127;
const SYSTEM_SHUTDOWN: i32 = 1128;
const SYSTEM_RUNLEVEL: i32 = 1129;
const SERVICE_START: i32 = 1130;
const SERVICE_STOP: i32 = 1131;
const GRP_MGMT: i32 = 1132;
const GRP_CHAUTHTOK: i32 = 1133;
const ACCT_LOCK: i32 = 1135;
const ACCT_UNLOCK: i32 = 1136;
const USER_DEVICE: i32 = 1137;
const SOFTWARE_UPDATE: i32 = 1138;
const DAEMON_START: i32 = 1200;
const DAEMON_ABORT: i32 = 1202;
const DAEMON_ACCEPT: i32 = 1207;
const LAST_DAEMON: i32 = 1299;
const SYSCALL: i32 = 1300;
const CONFIG_CHANGE: i32 = 1305;
const SOCKADDR: i32 = 1306;
const CWD: i32 = 1307;
const PATH: i32 = 1302;
const TTY: i32 = 1319;
const NETFILTER_CFG: i32 = 1325;
const SECCOMP: i32 = 1326;
const FEATURE_CHANGE: i32 = 1328;
const KERN_MODULE: i32 = 1330;
const FANOTIFY: i32 = 1331;
const TIME_INJOFFSET: i32 = 1332;
const TIME_ADJNTPVAL: i32 = 1333;
const BPF: i32 = 1334;
const EVENT_LISTENER: i32 = 1335;
const AVC: i32 = 1400;
const SELINUX_ERR: i32 = 1401;
const MAC_POLICY_LOAD: i32 = 1403;
const MAC_STATUS: i32 = 1404;
const MAC_CONFIG_CHANGE: i32 = 1405;
const MAC_UNLBL_ALLOW: i32 = 1406;
const MAC_MAP_ADD: i32 = 1409;
const MAC_MAP_DEL: i32 = 1410;
const LAST_SELINUX: i32 = 1499;
const ANOM_PROMISCUOUS: i32 = 1700;
const ANOM_ABEND: i32 = 1701;
const ANOM_LINK: i32 = 1702;
const ANOM_LOGIN_FAILURES: i32 = 2100;
const ANOM_LOGIN_TIME: i32 = 2101;
const ANOM_LOGIN_SESSIONS: i32 = 2102;
const ANOM_LOGIN_LOCATION: i32 = 2104;
const ANOM_RBAC_INTEGRITY_FAIL: i32 = 2109;
const ANOM_EXEC: i32 = 2112;
const USER_ROLE_CHANGE: i32 = 2300;
const ROLE_ASSIGN: i32 = 2301;
const ROLE_REMOVE: i32 = 2302;
const LABEL_OVERRIDE: i32 = 2303;
const LABEL_LEVEL_CHANGE: i32 = 2304;
const DEV_ALLOC: i32 = 2307;
const USER_MAC_CONFIG_CHANGE: i32 = 2312;
const CRYPTO_KEY_USER: i32 = 2404;
const CRYPTO_SESSION: i32 = 2407;
const VIRT_CONTROL: i32 = 2500;
const VIRT_RESOURCE: i32 = 2501;
const VIRT_MACHINE_ID: i32 = 2502;

/// Programs whose `comm` says more than their `exe` (interpreters).
fn is_interpreter(exe: &[u8]) -> bool {
    [
        &b"/usr/bin/python"[..],
        b"/usr/bin/sh",
        b"/usr/bin/bash",
        b"/usr/bin/perl",
    ]
    .iter()
    .any(|p| exe.starts_with(p))
}

/// Object kind from a file mode (octal text), if it names a known file type.
fn kind_of_mode(mode: &[u8]) -> Option<ObjKind> {
    let r = crate::num::strtoul(mode, 8);
    if r.overflow {
        return None;
    }
    Some(match (r.value as u32) & 0o170000 {
        0o100000 => ObjKind::File,
        0o040000 => ObjKind::Directory,
        0o020000 => ObjKind::CharDev,
        0o060000 => ObjKind::BlockDev,
        0o010000 => ObjKind::Fifo,
        0o120000 => ObjKind::Link,
        0o140000 => ObjKind::Socket,
        _ => return None,
    })
}

struct Norm<'a> {
    c: Cursor<'a>,
    acct: &'a dyn Accounts,
    opt: NormOpt,
    d: Normalized,
    /// -1 unknown, 0 failed, 1 succeeded.
    success: i32,
}

/// Normalizes one piece (auparse's `auparse_normalize`). `opt` decides whether
/// attributes are collected (ausearch asks for them only with `--extra-labels`).
pub fn normalize(
    piece: &mut Piece,
    opt: NormOpt,
    fi: &dyn FieldInterpreter,
    acct: &dyn Accounts,
) -> Normalized {
    let many = piece.recs.len() > 1;
    let mut n = Norm {
        c: Cursor::new(piece, fi),
        acct,
        opt,
        d: Normalized::empty(),
        success: -1,
    };
    n.c.first_record();
    let ok = if many { n.compound() } else { n.simple() };
    n.d.ok = ok;
    n.d
}

impl Norm<'_> {
    fn here(&self, rec: usize) -> Loc {
        Loc {
            rec,
            field: self.c.field_num(),
        }
    }

    fn here_cur(&self) -> Loc {
        Loc {
            rec: self.c.record_num(),
            field: self.c.field_num(),
        }
    }

    fn find(&mut self, name: &str) -> Option<Vec<u8>> {
        self.c.find(name.as_bytes())
    }

    fn found(&mut self, name: &str) -> bool {
        self.find(name).is_some()
    }

    // --- subject ---------------------------------------------------------------

    /// Classifies the subject from the field under the cursor. Returns false when the
    /// account could not be classified.
    fn subject_kind(&mut self) -> bool {
        let mut uid: i32 = -2;
        if self.c.ftype() == FieldType::Uid {
            uid = self.c.int().0;
        } else {
            let mut resolved = false;
            if self.c.name() == Some(b"acct") {
                if let Some(name) = self.c.interpret() {
                    if let Some(u) = self.acct.uid_by_name(&name) {
                        uid = u as i32;
                        resolved = true;
                    }
                }
            }
            if !resolved {
                self.d.subj_kind = Some("unknown-acct");
                return false;
            }
        }
        self.d.subj_kind = Some(if uid == 0 {
            "privileged-acct"
        } else if uid == -1 {
            "unset-acct"
        } else if uid < 1000 {
            "service-acct"
        } else if uid < 60000 {
            "user-acct"
        } else {
            "unknown-acct"
        });
        true
    }

    fn prime_subject(&mut self, name: &str, rec: usize) -> bool {
        if self.found(name) {
            self.d.subj_primary = Some(self.here(rec));
            true
        } else {
            false
        }
    }

    fn secondary_subject(&mut self, name: &str, rec: usize) -> bool {
        if self.found(name) {
            self.d.subj_secondary = Some(self.here(rec));
            self.subject_kind()
        } else {
            false
        }
    }

    fn subj_attr(&mut self, name: &str, rec: usize) -> bool {
        if self.found(name) {
            let l = self.here(rec);
            self.d.subj_attrs.push(l);
            true
        } else {
            self.c.goto_record(rec);
            false
        }
    }

    fn session(&mut self, rec: usize) -> bool {
        if self.found("ses") {
            self.d.session = Some(self.here(rec));
            true
        } else {
            self.c.first_record();
            false
        }
    }

    fn results(&mut self, rec: usize) -> bool {
        if self.found("res") {
            self.d.results = Some(self.here(rec));
            true
        } else {
            false
        }
    }

    fn simple_subj_attrs(&mut self) {
        if self.opt == NormOpt::NoAttrs {
            return;
        }
        self.c.first_record();
        self.subj_attr("pid", 0);
        self.subj_attr("subj", 0);
    }

    fn userspace_subj_attrs(&mut self, t: i32) {
        if self.opt == NormOpt::NoAttrs {
            return;
        }
        self.subj_attr("hostname", 0);
        self.subj_attr("addr", 0);
        if t != USER_START && t != USER_END && t != USER_ERR {
            self.subj_attr("terminal", 0);
        }
    }

    fn syscall_subj_attrs(&mut self) {
        self.c.first_record();
        loop {
            let rec = self.c.record_num();
            if self.c.rtype() == SYSCALL {
                if self.opt == NormOpt::NoAttrs {
                    self.session(rec);
                    return;
                }
                for a in [
                    "ppid", "pid", "gid", "euid", "suid", "fsuid", "egid", "sgid", "fsgid", "tty",
                ] {
                    self.subj_attr(a, rec);
                }
                self.session(rec);
                self.subj_attr("subj", rec);
                return;
            }
            if !self.c.next_record() {
                return;
            }
        }
    }

    // --- object ----------------------------------------------------------------

    fn prime_object(&mut self, name: &str, rec: usize) -> bool {
        if self.found(name) {
            self.d.obj_primary = Some(self.here(rec));
            true
        } else {
            false
        }
    }

    fn prime_object2(&mut self, name: &str, adjust: i32) -> bool {
        let rec = (2 + adjust).max(0) as usize;
        self.c.goto_record(rec);
        self.c.first_field();
        if self.found(name) {
            self.d.obj_primary2 = Some(self.here(rec));
            true
        } else {
            false
        }
    }

    fn obj_attr(&mut self, name: &str, rec: usize) -> bool {
        if self.found(name) {
            let l = self.here(rec);
            self.d.obj_attrs.push(l);
            true
        } else {
            self.c.goto_record(rec);
            false
        }
    }

    /// The primary object from the field under the cursor, in its own record.
    fn primary_here(&mut self) {
        self.d.obj_primary = Some(self.here_cur());
    }

    fn path_attrs(&mut self) {
        let rec = self.c.record_num();
        self.c.first_field();
        if !self.obj_attr("mode", rec) {
            return;
        }
        while self.c.next_field() {
            let l = self.here(rec);
            self.d.obj_attrs.push(l);
        }
    }

    fn simple_file_attrs(&mut self) {
        if self.opt == NormOpt::NoAttrs {
            return;
        }
        let mut parent = 0usize;
        self.c.first_record();
        loop {
            match self.c.rtype() {
                PATH => {
                    let nt = self.find("nametype");
                    if nt.as_deref() == Some(b"PARENT") {
                        if parent == 0 {
                            parent = self.c.record_num();
                        }
                    } else {
                        self.path_attrs();
                        return;
                    }
                }
                CWD => {
                    let rec = self.c.record_num();
                    self.obj_attr("cwd", rec);
                }
                SOCKADDR => {
                    let rec = self.c.record_num();
                    self.obj_attr("saddr", rec);
                }
                _ => {}
            }
            if !self.c.next_record() {
                break;
            }
        }
        if parent != 0 {
            self.c.goto_record(parent);
            self.path_attrs();
        }
    }

    /// Picks the PATH record `2 + adjust` (skipping PARENT entries, falling back to
    /// the first PARENT) as the object: name, inode and file kind.
    fn file_object(&mut self, adjust: i32) {
        let mut parent = 0usize;
        self.c.goto_record((2 + adjust).max(0) as usize);
        self.c.first_field();
        let mut nametype;
        loop {
            nametype = self.find("nametype");
            if let Some(nt) = &nametype {
                if nt.as_slice() != b"PARENT" {
                    break;
                }
                if parent == 0 {
                    parent = self.c.record_num();
                }
            }
            if nametype.is_none() || !self.c.next_record() {
                break;
            }
        }
        let rec = if nametype.is_none() {
            if parent == 0 {
                return;
            }
            self.c.goto_record(parent);
            self.c.first_field();
            parent
        } else {
            self.c.record_num()
        };
        if self.c.rtype() == PATH {
            self.c.first_field();
            self.prime_object("name", rec);
            if self.found("inode") {
                self.d.obj_secondary = Some(self.here(rec));
            }
            if let Some(mode) = self.find("mode") {
                if let Some(k) = kind_of_mode(&mode) {
                    self.d.obj_kind = k;
                }
            }
        }
    }

    fn socket_object(&mut self) {
        self.c.goto_record(1);
        self.c.first_field();
        self.prime_object("saddr", 1);
    }

    /// The program acted upon: a BPF program id, a netlink group, or the executable
    /// (its `comm` for interpreters).
    fn program_object(&mut self) {
        self.c.first_record();
        match self.c.rtype() {
            BPF => {
                if self.found("prog-id") {
                    self.primary_here();
                }
            }
            EVENT_LISTENER => {
                if self.found("nl-mcgrp") {
                    self.primary_here();
                }
            }
            _ => {
                if self.found("exe") {
                    let exe = self.c.interpret().unwrap_or_default();
                    if is_interpreter(&exe) {
                        let f = self.c.field_num();
                        if f > 0 {
                            self.c.goto_field(f - 1);
                        } else {
                            self.c.first_record();
                        }
                        self.find("comm");
                    }
                    self.primary_here();
                }
            }
        }
    }

    fn perm_obj2(&mut self, syscall: &[u8]) {
        let arg = if syscall == b"fchmodat" { "a2" } else { "a1" };
        self.c.first_record();
        if self.found(arg) {
            self.d.obj_primary2 = Some(self.here(0));
        }
    }

    fn own_obj2(&mut self, syscall: &[u8]) {
        let arg = if syscall == b"fchownat" { "a2" } else { "a1" };
        self.c.first_record();
        if self.found(arg) {
            // An owner of -1 is not being changed: the group is then the news.
            if self.c.int() == (-1, true) {
                self.c.next_field();
            }
            self.d.obj_primary2 = Some(self.here(0));
        }
    }

    fn id_obj2(&mut self, syscall: &[u8]) {
        let limit = match syscall {
            b"setuid" | b"setgid" => 1,
            b"setreuid" | b"setregid" => 2,
            b"setresuid" | b"setresgid" => 3,
            _ => return,
        };
        self.c.first_record();
        if !self.found("a0") {
            return;
        }
        let mut n = 1;
        while n <= limit {
            if self.c.interpret().as_deref() != Some(b"unset") {
                break;
            }
            if n < limit {
                if !self.c.next_field() {
                    return;
                }
                n += 1;
            } else {
                return;
            }
        }
        self.d.obj_primary2 = Some(self.here(0));
    }

    // --- syscall events --------------------------------------------------------

    fn syscall_event(&mut self, syscall: Option<&[u8]>) {
        let mut class = SysClass::Unknown;
        // An AVC or fanotify record replaces the action but keeps the syscall's object.
        let mut override_action: Option<&'static str> = None;
        let mut last_type = 0;
        let mut more = self.c.first_record();
        while more {
            last_type = self.c.rtype();
            let stop = match last_type {
                AVC => {
                    override_action = Some("accessed-mac-policy-controlled-object");
                    true
                }
                FANOTIFY => {
                    override_action = Some("accessed-policy-controlled-file");
                    true
                }
                SELINUX_ERR => {
                    class = SysClass::MacErr;
                    true
                }
                NETFILTER_CFG => {
                    class = SysClass::Iptables;
                    true
                }
                ANOM_PROMISCUOUS => {
                    class = SysClass::Promiscuous;
                    true
                }
                KERN_MODULE => {
                    class = SysClass::FileLdmod;
                    true
                }
                MAC_POLICY_LOAD => {
                    class = SysClass::MacLoad;
                    true
                }
                MAC_STATUS => {
                    class = SysClass::MacEnforce;
                    true
                }
                MAC_CONFIG_CHANGE => {
                    class = SysClass::MacConfig;
                    true
                }
                TIME_INJOFFSET | TIME_ADJNTPVAL => {
                    class = SysClass::SystemTime;
                    true
                }
                BPF => {
                    class = SysClass::Bpf;
                    true
                }
                EVENT_LISTENER => {
                    class = SysClass::EvListen;
                    true
                }
                _ => false,
            };
            if stop {
                break;
            }
            more = self.c.next_record();
        }
        if class == SysClass::Unknown {
            if let Some(c) = syscall.and_then(syscall_class) {
                class = c;
            }
        }
        let sc = syscall.unwrap_or(b"");
        let mut act: Option<&'static str> = None;
        use SysClass as S;
        match class {
            S::File => {
                act = Some("opened-file");
                self.file_object(0);
                self.d.obj_kind = ObjKind::File;
                self.simple_file_attrs();
            }
            S::FileChattr => {
                act = Some("changed-file-attributes-of");
                self.d.obj_kind = ObjKind::File;
                self.file_object(if sc == b"fsetxattr" { -1 } else { 0 });
                self.simple_file_attrs();
            }
            S::FileChperm => {
                act = Some("changed-file-permissions-of");
                self.d.obj_kind = ObjKind::File;
                let adj = if sc == b"fchmod" { -1 } else { 0 };
                self.perm_obj2(sc);
                self.file_object(adj);
                self.simple_file_attrs();
            }
            S::FileChown => {
                act = Some("changed-file-ownership-of");
                self.d.obj_kind = ObjKind::File;
                let adj = if sc == b"fchown" { -1 } else { 0 };
                self.own_obj2(sc);
                self.file_object(adj);
                self.simple_file_attrs();
            }
            S::FileLdmod => {
                act = Some("loaded-kernel-module");
                self.d.obj_kind = ObjKind::File;
                self.c.goto_record(1);
                self.prime_object("name", 1);
            }
            S::FileUnldmod => {
                act = Some("unloaded-kernel-module");
                self.d.obj_kind = ObjKind::File;
            }
            S::FileDir => {
                act = Some("created-directory");
                self.d.obj_kind = ObjKind::File;
                self.file_object(1);
                self.simple_file_attrs();
            }
            S::FileMount => {
                act = Some("mounted");
                self.d.obj_kind = ObjKind::Filesystem;
                if self.success == 1 {
                    self.prime_object2("name", 0);
                }
                self.file_object(self.success);
                self.path_attrs();
            }
            S::FileRename => {
                act = Some("renamed");
                self.d.obj_kind = ObjKind::File;
                self.prime_object2("name", 4);
                self.file_object(2);
                self.simple_file_attrs();
            }
            S::FileStat => {
                act = Some("checked-metadata-of");
                self.d.obj_kind = ObjKind::File;
                self.file_object(0);
                self.simple_file_attrs();
            }
            S::FileSysStat => {
                act = Some("checked-filesystem-metadata-of");
                self.d.obj_kind = ObjKind::Filesystem;
                self.file_object(0);
                self.simple_file_attrs();
            }
            S::FileLnk => {
                act = Some("symlinked");
                self.d.obj_kind = ObjKind::File;
                self.prime_object2("name", 0);
                self.file_object(2);
                self.simple_file_attrs();
            }
            S::FileUmnt => {
                act = Some("unmounted");
                self.d.obj_kind = ObjKind::Filesystem;
                self.file_object(0);
                self.simple_file_attrs();
            }
            S::FileDel => {
                act = Some("deleted");
                self.d.obj_kind = ObjKind::File;
                self.file_object(0);
                self.simple_file_attrs();
            }
            S::FileTime => {
                act = Some("changed-timestamp-of");
                self.d.obj_kind = ObjKind::File;
                self.file_object(0);
                self.simple_file_attrs();
            }
            S::Exec => {
                act = Some("executed");
                self.d.obj_kind = ObjKind::File;
                self.file_object(1);
                self.simple_file_attrs();
            }
            S::SocketAccept | S::SocketBind | S::SocketConn | S::SocketRecv | S::SocketSend => {
                act = Some(match class {
                    S::SocketAccept => "accepted-connection-from",
                    S::SocketBind => "bound-socket",
                    S::SocketConn => "connected-to",
                    S::SocketRecv => "received-from",
                    _ => "sent-to",
                });
                self.d.obj_kind = ObjKind::Socket;
                self.socket_object();
            }
            S::Pid => {
                act = Some(if self.c.num_records() > 2 {
                    "killed-list-of-pids"
                } else {
                    "killed-pid"
                });
                self.c.goto_record(1);
                self.c.first_field();
                if self.found("saddr") {
                    self.primary_here();
                }
                self.d.obj_kind = ObjKind::Process;
            }
            S::MacLoad => {
                act = record_action(last_type);
                self.d.obj_kind = ObjKind::MacConfig;
            }
            S::MacConfig => {
                act = record_action(last_type);
                if self.found("bool") {
                    self.primary_here();
                }
                self.d.obj_kind = ObjKind::MacConfig;
            }
            S::MacEnforce => {
                act = record_action(last_type);
                if self.found("enforcing") {
                    self.primary_here();
                }
                self.d.obj_kind = ObjKind::MacConfig;
            }
            S::MacErr => {
                act = Some("caused-mac-policy-error");
                self.d.obj_kind = ObjKind::System;
            }
            S::Iptables => {
                act = Some("loaded-firewall-rule-to");
                self.c.first_record();
                if self.found("table") {
                    self.primary_here();
                }
                self.d.obj_kind = ObjKind::Firewall;
            }
            S::Promiscuous => {
                self.c.first_record();
                if self.found("dev") {
                    self.primary_here();
                }
                if self.found("prom") {
                    act = Some(if self.c.int().0 == 0 {
                        "left-promiscuous-mode-on-device"
                    } else {
                        "entered-promiscuous-mode-on-device"
                    });
                }
                self.d.obj_kind = ObjKind::Socket;
            }
            S::Uid | S::Gid => {
                act = Some("changed-identity-of");
                self.d.obj_kind = ObjKind::Process;
                self.program_object();
                if self.d.how.is_some() {
                    self.d.how = Some(sc.to_vec());
                }
                self.id_obj2(sc);
            }
            S::SystemTime => {
                act = Some("changed-system-time");
                self.d.obj_kind = ObjKind::System;
            }
            S::MakeDev => {
                self.file_object(0);
                self.simple_file_attrs();
                act = Some(match self.d.obj_kind {
                    ObjKind::CharDev => "made-character-device",
                    ObjKind::BlockDev => "made-block-device",
                    _ => "make-device",
                });
            }
            S::SystemName => {
                act = Some("changed-system-name");
                self.d.obj_kind = ObjKind::System;
            }
            S::SystemMemory => {
                act = Some("allocated-memory");
                if self.success == 1 {
                    act = Some("allocated-memory-in");
                    self.c.first_record();
                    if self.found("comm") {
                        self.primary_here();
                    }
                }
                self.d.obj_kind = ObjKind::Memory;
            }
            S::Scheduler => {
                act = Some("adjusted-scheduling-policy-of");
                self.d.obj_kind = ObjKind::Process;
                self.program_object();
                if self.d.how.is_some() {
                    self.d.how = Some(sc.to_vec());
                }
            }
            S::Bpf => {
                self.c.first_record();
                act = Some(match self.find("op") {
                    Some(op) if op == b"LOAD" => "loaded-bpf-program",
                    Some(_) => "unloaded-bpf-program",
                    None => "bpf-program",
                });
                self.d.obj_kind = ObjKind::Process;
                self.program_object();
            }
            S::EvListen => {
                self.c.first_record();
                act = Some(match self.find("op") {
                    Some(op) if op == b"connect" => "connected-to",
                    Some(_) => "disconnected-from",
                    None => "connected",
                });
                self.d.obj_kind = ObjKind::Socket;
                self.program_object();
            }
            S::Unknown => {
                self.c.first_record();
                match self.find("key") {
                    Some(k) if k != b"(null)" => {
                        act = Some("triggered-audit-rule");
                        self.primary_here();
                    }
                    _ => act = Some("triggered-unknown-audit-rule"),
                }
                self.d.obj_kind = ObjKind::AuditRule;
            }
        }
        if override_action.is_some() {
            act = override_action;
        }
        if let Some(a) = act {
            self.d.action = Some(a.as_bytes().to_vec());
        }
    }

    /// Multi-record events: everything hangs off the SYSCALL record.
    fn compound(&mut self) -> bool {
        let first = self.c.rtype();
        let mut t = first;
        if t != SYSCALL {
            loop {
                self.c.next_record();
                t = self.c.rtype();
                if t == 0 || t == SYSCALL {
                    break;
                }
            }
        }
        if t == 0 {
            return false;
        }
        self.d.event_kind = Some(event_kind(first));
        let rec = self.c.record_num();
        let mut syscall = None;
        if self.found("syscall") {
            syscall = self.c.interpret();
        }
        if let Some(s) = self.find("success") {
            self.success = if s == b"no" { 0 } else { 1 };
            self.d.results = Some(self.here(rec));
        } else {
            if !self.c.goto_record(rec) {
                return false;
            }
            self.c.first_field();
        }
        if !self.prime_subject("auid", rec) {
            if !self.c.goto_record(rec) {
                return false;
            }
            self.c.first_field();
        }
        // The secondary subject, uid, comes before auid in the record.
        if !self.secondary_subject("uid", rec) {
            if !self.c.goto_record(rec) {
                return false;
            }
            self.c.first_field();
        }
        self.syscall_subj_attrs();
        self.c.first_field();
        if self.found("exe") {
            let exe = self.c.interpret().unwrap_or_default();
            let interp = is_interpreter(&exe);
            self.d.how = Some(exe);
            if interp {
                let f = self.c.field_num();
                let moved = f > 0 && self.c.goto_field(f - 1);
                if !moved {
                    self.c.first_record();
                }
                if self.found("comm") {
                    self.d.how = self.c.interpret();
                }
            }
        } else {
            if !self.c.goto_record(rec) {
                return false;
            }
            self.c.first_field();
        }
        if let Some(k) = self.find("key") {
            if k != b"(null)" {
                self.d.key = Some(self.here(rec));
            }
        }
        if first == ANOM_LINK {
            self.d.action = record_action(first).map(|a| a.as_bytes().to_vec());
        } else if first == CONFIG_CHANGE {
            self.c.first_record();
            if self.found("op") {
                self.d.action = self.c.interpret();
                self.d.obj_primary = self.simple_object(CONFIG_CHANGE);
            }
        } else {
            self.syscall_event(syscall.as_deref());
        }
        true
    }

    // --- single-record events --------------------------------------------------

    fn config_change_object(&mut self) -> bool {
        self.c.first_record();
        if self.found("key") && self.c.val().as_deref() != Some(b"(null)") {
            return true;
        }
        for name in [
            "audit_enabled",
            "audit_pid",
            "audit_backlog_limit",
            "audit_failure",
            "actions",
        ] {
            self.c.first_record();
            if self.found(name) {
                return true;
            }
        }
        false
    }

    /// The object of a single-record event of type `t` (always located in record 0).
    fn simple_object(&mut self, t: i32) -> Option<Loc> {
        self.c.first_field();
        let found = match t {
            SERVICE_START | SERVICE_STOP => {
                self.d.obj_kind = ObjKind::Service;
                self.found("unit")
            }
            SYSTEM_RUNLEVEL => {
                self.d.obj_kind = ObjKind::System;
                self.found("new-level")
            }
            USER_ROLE_CHANGE => {
                self.d.obj_kind = ObjKind::UserSession;
                self.found("selected-context")
            }
            ROLE_ASSIGN | ROLE_REMOVE | USER_MGMT | ACCT_LOCK | ACCT_UNLOCK | ADD_USER
            | DEL_USER | ADD_GROUP | DEL_GROUP | GRP_MGMT => {
                self.d.obj_kind = ObjKind::Acct;
                self.found("id") || {
                    self.c.first_record();
                    self.found("acct")
                }
            }
            USER_START | USER_END | USER_ERR | USER_LOGIN | USER_LOGOUT => {
                self.d.obj_kind = ObjKind::UserSession;
                self.found("terminal")
            }
            USER_AUTH | USER_ACCT | CRED_ACQ | CRED_REFR | CRED_DISP | USER_CHAUTHTOK
            | GRP_CHAUTHTOK | ANOM_LOGIN_FAILURES | ANOM_LOGIN_TIME | ANOM_LOGIN_SESSIONS
            | ANOM_LOGIN_LOCATION => {
                self.d.obj_kind = ObjKind::UserSession;
                self.found("acct")
            }
            ANOM_EXEC | USER_CMD => {
                self.d.obj_kind = ObjKind::Process;
                self.found("cmd")
            }
            USER_TTY | TTY => {
                self.d.obj_kind = ObjKind::Keystrokes;
                self.c.first_record();
                self.found("data")
            }
            USER_DEVICE => {
                self.d.obj_kind = ObjKind::Keystrokes;
                self.c.first_record();
                self.found("device")
            }
            SOFTWARE_UPDATE => {
                self.d.obj_kind = ObjKind::Software;
                self.c.first_record();
                self.found("sw")
            }
            VIRT_MACHINE_ID => {
                self.d.obj_kind = ObjKind::Vm;
                self.found("vm")
            }
            VIRT_RESOURCE => {
                self.d.obj_kind = ObjKind::Vm;
                self.found("resrc")
            }
            VIRT_CONTROL => {
                self.d.obj_kind = ObjKind::Vm;
                self.found("op")
            }
            LABEL_LEVEL_CHANGE => {
                self.d.obj_kind = ObjKind::Printer;
                self.found("printer")
            }
            CONFIG_CHANGE => {
                self.d.obj_kind = ObjKind::AuditConfig;
                self.config_change_object()
            }
            MAC_CONFIG_CHANGE => {
                self.d.obj_kind = ObjKind::MacConfig;
                self.found("bool")
            }
            MAC_STATUS => {
                self.d.obj_kind = ObjKind::MacConfig;
                self.found("enforcing")
            }
            MAC_POLICY_LOAD | LABEL_OVERRIDE | DEV_ALLOC..=USER_MAC_CONFIG_CHANGE => {
                self.d.obj_kind = ObjKind::MacConfig;
                false
            }
            USER => self.found("addr"),
            USYS_CONFIG => {
                if self.found("op") {
                    self.d.action = self.c.interpret();
                }
                self.d.obj_kind = ObjKind::System;
                false
            }
            CRYPTO_KEY_USER => {
                self.d.obj_kind = ObjKind::UserSession;
                self.found("fp")
            }
            CRYPTO_SESSION => {
                self.d.obj_kind = ObjKind::UserSession;
                self.found("addr")
            }
            ANOM_RBAC_INTEGRITY_FAIL => {
                self.d.obj_kind = ObjKind::Filesystem;
                self.found("hostname")
            }
            _ => false,
        };
        found.then(|| self.here(0))
    }

    fn simple_object_secondary(&mut self, t: i32) -> Option<Loc> {
        self.c.first_field();
        let found = match t {
            CRYPTO_SESSION => self.found("rport"),
            SOFTWARE_UPDATE => self.found("sw_type"),
            _ => false,
        };
        found.then(|| self.here(0))
    }

    fn simple_object_primary2(&mut self, t: i32) -> Option<Loc> {
        self.c.first_field();
        let found = match t {
            VIRT_CONTROL | VIRT_RESOURCE => self.found("vm"),
            SOFTWARE_UPDATE => self.found("root_dir"),
            _ => false,
        };
        found.then(|| self.here(0))
    }

    /// Sets `how` from the field under the cursor, interpreted.
    fn how_here(&mut self) {
        self.d.how = self.c.interpret();
    }

    /// Events of the "auid, (op), (uid), …" shape: CONFIG_CHANGE, FEATURE_CHANGE,
    /// SECCOMP, ANOM_ABEND and ANOM_PROMISCUOUS.
    fn kernel_config_like(&mut self, t: i32) -> bool {
        self.prime_subject("auid", 0);
        self.session(0);
        self.simple_subj_attrs();
        let mut mapped = true;
        if t == CONFIG_CHANGE {
            self.c.first_field();
            if self.found("op") {
                let op = self.c.interpret().unwrap_or_default();
                let op = op.strip_prefix(b"\"").unwrap_or(&op);
                if op.starts_with(b"add_rule") {
                    self.d.action = Some(b"added-audit-rule".to_vec());
                    self.d.obj_primary = self.simple_object(t);
                    mapped = false;
                } else if op.starts_with(b"remove_rule") {
                    self.d.action = Some(b"deleted-audit-rule".to_vec());
                    self.d.obj_primary = self.simple_object(t);
                    mapped = false;
                }
            }
        }
        if mapped {
            if let Some(a) = record_action(t) {
                self.d.action = Some(a.as_bytes().to_vec());
            }
            if t == CONFIG_CHANGE {
                self.d.obj_primary = self.simple_object(t);
            }
            self.c.first_record();
        }
        match t {
            FEATURE_CHANGE => {
                self.c.first_field();
                if !self.secondary_subject("uid", 0) {
                    self.c.first_record();
                }
                if self.found("exe") {
                    self.how_here();
                }
                self.prime_object("feature", 0);
                self.d.obj_kind = ObjKind::System;
            }
            SECCOMP => {
                self.c.first_field();
                if !self.secondary_subject("uid", 0) {
                    self.c.first_record();
                }
                if self.found("exe") {
                    self.how_here();
                }
                if !self.prime_object("syscall", 0) {
                    self.c.first_record();
                }
                self.d.obj_kind = ObjKind::Process;
                if self.found("code") {
                    self.d.results = Some(self.here(0));
                }
                return true;
            }
            ANOM_ABEND => {
                self.c.first_field();
                if !self.secondary_subject("uid", 0) {
                    self.c.first_record();
                }
                if !self.prime_object("exe", 0) {
                    self.c.first_record();
                }
                self.d.obj_kind = ObjKind::Process;
                if self.found("sig") {
                    self.how_here();
                }
            }
            ANOM_PROMISCUOUS => {
                self.c.first_field();
                self.prime_object("dev", 0);
                self.secondary_subject("uid", 0);
                self.d.obj_kind = ObjKind::Socket;
            }
            _ => {}
        }
        self.results(0);
        true
    }

    /// Single-record events (and SYSCALL events that are alone).
    fn simple(&mut self) -> bool {
        let t = self.c.rtype();
        if t == SYSCALL {
            return self.compound();
        }
        self.d.event_kind = Some(event_kind(t));
        match t {
            CONFIG_CHANGE | FEATURE_CHANGE | SECCOMP | ANOM_ABEND | ANOM_PROMISCUOUS => {
                return self.kernel_config_like(t)
            }
            LOGIN => {
                if !self.secondary_subject("uid", 0) {
                    self.c.first_record();
                }
                self.simple_subj_attrs();
                if !self.prime_subject("old-auid", 0) {
                    self.c.first_record();
                }
                if !self.prime_object("auid", 0) {
                    self.c.first_record();
                }
                self.d.obj_kind = ObjKind::UserSession;
                self.session(0);
                self.results(0);
                self.d.action = record_action(t).map(|a| a.as_bytes().to_vec());
                return true;
            }
            NETFILTER_CFG => {
                self.simple_subj_attrs();
                if self.found("comm") {
                    self.how_here();
                }
                self.d.action = Some(b"loaded-firewall-rule-to".to_vec());
                self.c.first_record();
                if self.found("table") {
                    self.primary_here();
                }
                self.d.subj_kind = Some("system");
                self.d.obj_kind = ObjKind::Firewall;
                return true;
            }
            AVC => {
                if self.found("comm") {
                    self.how_here();
                } else {
                    self.c.first_record();
                }
                self.prime_subject("scontext", 0);
                self.d.subj_kind = Some("unknown-acct");
                self.c.first_record();
                if self.opt == NormOpt::All {
                    self.prime_object("tcontext", 0);
                    self.c.first_record();
                }
                self.d.obj_kind = ObjKind::Unknown;
                self.d.action = record_action(t).map(|a| a.as_bytes().to_vec());
                self.c.first_record();
                if self.found("seresult") {
                    self.d.results = Some(self.here(0));
                }
                return true;
            }
            _ => {}
        }
        if (DAEMON_START..LAST_DAEMON).contains(&t) {
            self.prime_subject("auid", 0);
            if !self.secondary_subject("uid", 0) {
                self.c.first_record();
            }
            if !self.session(0) {
                self.c.first_record();
            }
            self.simple_subj_attrs();
            self.d.subj_kind = Some("auditd");
            self.d.action = record_action(t).map(|a| a.as_bytes().to_vec());
            self.d.obj_kind = ObjKind::Service;
            if t == DAEMON_START {
                self.d.how = Some(b"init".to_vec());
            } else if t < DAEMON_ACCEPT && t != DAEMON_ABORT {
                self.d.how = Some(b"signal".to_vec());
            }
            self.results(0);
            return true;
        }
        if t == BPF {
            self.d.subj_kind = Some("system");
            self.c.first_record();
            let act: &[u8] = match self.find("op") {
                Some(op) if op == b"LOAD" => b"loaded-bpf-program",
                Some(_) => b"unloaded-bpf-program",
                None => b"bpf-program",
            };
            self.d.action = Some(act.to_vec());
            self.d.obj_kind = ObjKind::Process;
            self.program_object();
            return true;
        }
        if t == EVENT_LISTENER {
            self.prime_subject("auid", 0);
            self.c.first_record();
            self.secondary_subject("uid", 0);
            self.c.first_record();
            self.session(0);
            self.simple_subj_attrs();
            self.c.first_record();
            let act: &[u8] = match self.find("op") {
                Some(op) if op == b"connect" => b"connected-to",
                Some(_) => b"disconnected-from",
                None => b"connected",
            };
            self.d.action = Some(act.to_vec());
            self.program_object();
            self.d.obj_kind = ObjKind::Socket;
            self.c.first_record();
            if self.found("exe") {
                self.how_here();
            }
            self.c.first_record();
            self.results(0);
            return true;
        }
        if (MAC_UNLBL_ALLOW..=LAST_SELINUX).contains(&t) {
            self.prime_subject("auid", 0);
            self.subject_kind();
            self.session(0);
            self.subj_attr("subj", 0);
            let mut act: Option<&'static str> = None;
            if t == MAC_UNLBL_ALLOW {
                if self.found("unlbl_accept") {
                    act = Some(if self.c.int().0 == 1 {
                        "is-allowing-unlabeled-network-traffic"
                    } else {
                        "is-disallowing-unlabeled-network-traffic"
                    });
                } else {
                    self.c.first_record();
                }
            } else {
                act = record_action(t);
            }
            if let Some(a) = act {
                self.d.action = Some(a.as_bytes().to_vec());
            }
            if (t == MAC_MAP_ADD || t == MAC_MAP_DEL) && !self.prime_object("nlbl_domain", 0) {
                self.c.first_record();
            }
            self.d.obj_kind = ObjKind::MacConfig;
            self.results(0);
            return true;
        }
        self.user_like(t)
    }

    /// The common shape: uid, auid, ses, res, then a type-specific object.
    fn user_like(&mut self, t: i32) -> bool {
        if t == USER_LOGIN {
            // A failed login has no auid yet: the account tried is the subject.
            if self.prime_subject("id", 0) {
                self.subject_kind();
            } else {
                self.c.first_record();
                if self.prime_subject("acct", 0) {
                    self.subject_kind();
                }
            }
            self.c.first_record();
        } else {
            if !self.secondary_subject("uid", 0) {
                self.c.first_record();
            }
            self.prime_subject("auid", 0);
        }
        self.session(0);
        self.simple_subj_attrs();
        if (1100..1199).contains(&t) || (2100..2999).contains(&t) {
            self.userspace_subj_attrs(t);
        }
        if t != USER_AVC {
            self.results(0);
        } else {
            self.c.first_record();
            if self.found("seresult") {
                self.d.results = Some(self.here(0));
            }
            self.c.first_record();
            self.prime_subject("scontext", 0);
            if self.opt == NormOpt::All {
                self.c.first_record();
                self.prime_object("tcontext", 0);
            }
        }
        let mut act: Option<Vec<u8>> = None;
        if t == USER_DEVICE {
            self.c.first_record();
            act = self.find("op");
        }
        if act.is_none() {
            act = record_action(t).map(|a| a.as_bytes().to_vec());
        }
        if act.is_some() {
            self.d.action = act;
        }
        if t != USER_AVC {
            self.c.first_record();
            self.d.obj_primary = self.simple_object(t);
            self.d.obj_secondary = self.simple_object_secondary(t);
            self.d.obj_primary2 = self.simple_object_primary2(t);
            if self.opt == NormOpt::All {
                if t == USER_DEVICE {
                    self.obj_attr("uuid", 0);
                } else if t == SOFTWARE_UPDATE {
                    self.c.first_record();
                    self.obj_attr("key_enforce", 0);
                    self.obj_attr("gpg_res", 0);
                }
            }
        }
        if t == SYSTEM_BOOT || t == SYSTEM_SHUTDOWN {
            self.d.obj_kind = if t == SYSTEM_BOOT {
                ObjKind::System
            } else {
                ObjKind::Service
            };
            if self.found("exe") {
                self.how_here();
            }
            return true;
        }
        self.c.first_record();
        if t == ANOM_EXEC {
            if self.found("terminal") {
                self.how_here();
            }
            return true;
        }
        if t == TTY {
            if self.found("comm") {
                self.how_here();
            }
            return true;
        }
        if self.found("exe") {
            let exe = self.c.interpret().unwrap_or_default();
            let interp = is_interpreter(&exe);
            self.d.how = Some(exe);
            if interp {
                let f = self.c.field_num();
                if f > 0 {
                    self.c.goto_field(f - 1);
                } else {
                    self.c.first_record();
                }
                if self.found("comm") {
                    self.how_here();
                }
            }
        }
        true
    }
}
