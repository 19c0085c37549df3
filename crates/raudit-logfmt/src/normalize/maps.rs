//! The normalizer's lookup tables: what a record type's action is called, which class
//! of action a syscall belongs to, the event kind of a record type, and the object
//! kind names.

/// Class of action a syscall performs, which decides how its object is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SysClass {
    Unknown,
    File,
    FileChattr,
    FileChperm,
    FileChown,
    FileLdmod,
    FileUnldmod,
    FileDir,
    FileMount,
    FileRename,
    FileStat,
    FileLnk,
    FileUmnt,
    FileDel,
    FileTime,
    Exec,
    SocketAccept,
    SocketBind,
    SocketConn,
    SocketRecv,
    SocketSend,
    Pid,
    MacLoad,
    MacConfig,
    MacEnforce,
    MacErr,
    Iptables,
    Promiscuous,
    Uid,
    Gid,
    SystemTime,
    MakeDev,
    SystemName,
    FileSysStat,
    SystemMemory,
    Scheduler,
    Bpf,
    EvListen,
}

/// The class of a syscall given by name (case-insensitive), if it has one.
pub(crate) fn syscall_class(name: &[u8]) -> Option<SysClass> {
    use SysClass::*;
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_slice() {
        b"access" | b"faccessat" | b"faccessat2" => FileStat,
        b"newfstatat" | b"stat" | b"fstat" | b"lstat" | b"stat64" | b"statx" => FileStat,
        b"chmod" | b"fchmod" | b"fchmodat" => FileChperm,
        b"chown" | b"fchown" | b"fchownat" | b"lchown" => FileChown,
        b"finit_module" | b"init_module" => FileLdmod,
        b"delete_module" => FileUnldmod,
        b"setxattr" | b"fsetxattr" | b"lsetxattr" => FileChattr,
        b"removexattr" | b"fremovexattr" | b"lremovexattr" => FileChattr,
        b"mkdir" | b"mkdirat" => FileDir,
        b"mount" | b"move_mount" | b"fsmount" | b"fspick" => FileMount,
        b"statfs" | b"fstatfs" => FileSysStat,
        b"creat" | b"fallocate" | b"truncate" | b"ftruncate" | b"memfd_create" | b"open"
        | b"openat" | b"openat2" | b"readlink" | b"readlinkat" => File,
        b"rename" | b"renameat" | b"renameat2" => FileRename,
        b"rmdir" | b"unlink" | b"unlinkat" => FileDel,
        b"symlink" | b"symlinkat" => FileLnk,
        b"umount" | b"umount2" => FileUmnt,
        b"utime" | b"utimes" | b"futimesat" | b"utimensat" => FileTime,
        b"execve" | b"execveat" => Exec,
        b"accept" | b"accept4" => SocketAccept,
        b"bind" => SocketBind,
        b"connect" => SocketConn,
        b"recvfrom" | b"recvmsg" => SocketRecv,
        b"sendmsg" | b"sendto" => SocketSend,
        b"kill" | b"tkill" | b"tgkill" => Pid,
        b"setuid" | b"seteuid" | b"setfsuid" | b"setreuid" | b"setresuid" => Uid,
        b"setgid" | b"setegid" | b"setfsgid" | b"setregid" | b"setresgid" => Gid,
        b"settimeofday" | b"clock_settime" | b"stime" | b"adjtimex" => SystemTime,
        b"mknod" | b"mknodat" => MakeDev,
        b"sethostname" | b"setdomainname" => SystemName,
        b"mmap" | b"brk" => SystemMemory,
        b"sched_setparam" | b"sched_setscheduler" | b"sched_setattr" => Scheduler,
        _ => return None,
    })
}

/// The action verb phrase for a record type, where the normalizer has one.
pub(crate) fn record_action(t: i32) -> Option<&'static str> {
    Some(match t {
        1005 => "sent-message",
        1006 => "changed-login-id-to",
        1100 => "authenticated",
        1101 => "was-authorized",
        1102 => "modified-user-account",
        1103 => "acquired-credentials",
        1104 => "disposed-credentials",
        1105 => "started-session",
        1106 => "ended-session",
        1107 => "accessed-mac-policy-controlled-object",
        1108 => "changed-password",
        1109 => "caused-account-error",
        1110 => "refreshed-credentials",
        1111 => "changed-configuration",
        1112 => "logged-in",
        1113 => "logged-out",
        1114 => "added-user-account",
        1115 => "deleted-user-account",
        1116 => "added-group-account-to",
        1117 => "deleted-group-account-from",
        1118 => "access-result",
        1119 => "changed-group",
        1120 => "sent-test",
        1121 => "unknown",
        1122 => "access-error",
        1123 => "ran-command",
        1124 => "typed",
        1125 => "changed-user-id",
        1126 => "authenticated-to-group",
        1127 => "booted-system",
        1128 => "shutdown-system",
        1129 => "changed-to-runlevel",
        1130 => "started-service",
        1131 => "stopped-service",
        1132 => "modified-group-account",
        1133 => "changed-group-password",
        1134 => "mac-permission",
        1135 => "locked-account",
        1136 => "unlocked-account",
        1137 => "configured-device",
        1138 => "installed-software",
        1200 => "started-audit",
        1201 => "shutdown-audit",
        1202 => "aborted-auditd-startup",
        1203 => "changed-auditd-configuration",
        1204 => "reconfigured-auditd",
        1205 => "rotated-audit-logs",
        1206 => "resumed-audit-logging",
        1207 => "remote-audit-connected",
        1208 => "remote-audit-disconnected",
        1209 => "audit-error",
        1305 => "changed-audit-configuration",
        1319 => "typed",
        1326 => "called-seccomp-controlled-syscall",
        1328 => "changed-audit-feature",
        1330 => "loaded-kernel-module",
        1331 => "accessed-policy-controlled-file",
        1400 => "accessed-mac-policy-controlled-object",
        1403 => "loaded-selinux-policy",
        1404 => "changed-selinux-enforcement-to",
        1405 => "changed-selinux-boolean",
        1409 => "added-mac-network-domain-mapping-to",
        1410 => "deleted-mac-network-domain-mapping-from",
        1700 => "changed-socket-promiscuous-mode",
        1701 => "crashed-program",
        1702 => "used-suspcious-link",
        1703 => "created-suspicious-file",
        2000 => "initialized-audit-subsystem",
        2100 => "failed-log-in-too-many-times-to",
        2101 => "attempted-log-in-during-unusual-hour-to",
        2102 => "opened-too-many-sessions-to",
        2104 => "attempted-log-in-from-unusual-place-to",
        2109 => "tested-file-system-integrity-of",
        2112 => "attempted-execution-of-forbidden-program",
        2300 => "changed-role-to",
        2301 => "assigned-user-role-to",
        2302 => "removed-use-role-from",
        2303 => "overrode-label-of",
        2304 => "modified-level-of",
        2309 => "relabeled-filesystem",
        2310 => "loaded-mac-policy",
        2311 => "modified-role",
        2312 => "changed-mac-configuration",
        2313 => "changed-selinux-enforcement-to",
        2402 => "crypto-officer-logged-in",
        2403 => "crypto-officer-logged-out",
        2404 => "negotiated-crypto-key",
        2407 => "started-crypto-session",
        2500 => "issued-vm-control",
        2501 => "assigned-vm-resource",
        2502 => "assigned-vm-id",
        2503 => "checked-integrity-of",
        2504 => "created-vm-image",
        2505 => "deleted-vm-image",
        2506 => "migrated-vm-from",
        2507 => "migrated-vm-to",
        _ => return None,
    })
}

/// The event kind of an event whose first record has type `t`.
pub(crate) fn event_kind(t: i32) -> &'static str {
    match t {
        1100 | 1101 | 1103..=1106 | 1108..=1110 | 1112 | 1113 | 1006 => "user-login",
        1126 | 1119 => "group-change",
        1102 | 1114..=1117 | 1132 | 1133 | 1135 | 1136 => "user-account",
        2000 | 1127..=1131 => "system-services",
        1111 | 1305 | 1325 | 1328 | 1332 | 1333 | 1137 | 1138 => "configuration",
        1326 => "dac-decision",
        1120 | 1121 | 1123 | 1125 => "user-space",
        1124 | 1319 => "TTY",
        1335 | 1200..=1299 => "audit-daemon",
        1122 | 1107 | 1502 | 1503 | 1506 | 1400..=1402 => "mac-decision",
        1800..=1899 | 2109 => "integrity",
        1700..=1799 | 2100..=2108 | 2110..=2199 => "anomaly",
        2200..=2299 => "anomaly-response",
        1403..=1499 | 1500 | 1501 | 1504 | 1505 | 2300..=2399 => "mac",
        1600..=1699 | 2400..=2499 => "crypto",
        2500..=2599 => "virt",
        1300..=1304 | 1306..=1315 | 1317 | 1318 | 1321..=1324 => "audit-rule",
        1331 => "av-decision",
        1334 => "bpf-program",
        _ => "unknown",
    }
}

/// What kind of thing the object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjKind {
    /// `unknown`
    Unknown,
    /// `fifo`
    Fifo,
    /// `character-device`
    CharDev,
    /// `directory`
    Directory,
    /// `block-device`
    BlockDev,
    /// `file`
    File,
    /// `symlink`
    Link,
    /// `socket`
    Socket,
    /// `process`
    Process,
    /// `firewall`
    Firewall,
    /// `service`
    Service,
    /// `account`
    Acct,
    /// `user-session`
    UserSession,
    /// `virtual-machine`
    Vm,
    /// `printer`
    Printer,
    /// `system`
    System,
    /// `admin-defined-rule`
    AuditRule,
    /// `audit-config`
    AuditConfig,
    /// `mac-config`
    MacConfig,
    /// `file-system`
    Filesystem,
    /// `memory`
    Memory,
    /// `keystrokes`
    Keystrokes,
    /// `device`
    Device,
    /// `software`
    Software,
}

impl ObjKind {
    /// The name printed for this kind.
    pub fn name(self) -> &'static str {
        match self {
            ObjKind::Unknown => "unknown",
            ObjKind::Fifo => "fifo",
            ObjKind::CharDev => "character-device",
            ObjKind::Directory => "directory",
            ObjKind::BlockDev => "block-device",
            ObjKind::File => "file",
            ObjKind::Link => "symlink",
            ObjKind::Socket => "socket",
            ObjKind::Process => "process",
            ObjKind::Firewall => "firewall",
            ObjKind::Service => "service",
            ObjKind::Acct => "account",
            ObjKind::UserSession => "user-session",
            ObjKind::Vm => "virtual-machine",
            ObjKind::Printer => "printer",
            ObjKind::System => "system",
            ObjKind::AuditRule => "admin-defined-rule",
            ObjKind::AuditConfig => "audit-config",
            ObjKind::MacConfig => "mac-config",
            ObjKind::Filesystem => "file-system",
            ObjKind::Memory => "memory",
            ObjKind::Keystrokes => "keystrokes",
            ObjKind::Device => "device",
            ObjKind::Software => "software",
        }
    }
}
