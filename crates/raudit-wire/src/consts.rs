//! Numeric constants of the kernel audit interface (`linux/audit.h`,
//! `linux/netlink.h`). These are facts of the kernel ABI.

// ---- netlink ----------------------------------------------------------------

/// Netlink protocol number of the audit subsystem.
pub const NETLINK_AUDIT: i32 = 9;
/// Multicast group for read-only log listeners (needs `CAP_AUDIT_READ`).
pub const AUDIT_NLGRP_READLOG: u32 = 1;

/// Nothing; ignore.
pub const NLMSG_NOOP: u16 = 1;
/// Error or acknowledgement.
pub const NLMSG_ERROR: u16 = 2;
/// End of a multi-part reply.
pub const NLMSG_DONE: u16 = 3;
/// Data lost.
pub const NLMSG_OVERRUN: u16 = 4;

/// A request message.
pub const NLM_F_REQUEST: u16 = 0x1;
/// Part of a multi-part message.
pub const NLM_F_MULTI: u16 = 0x2;
/// Ask for an acknowledgement.
pub const NLM_F_ACK: u16 = 0x4;

/// Length of `struct nlmsghdr`.
pub const NLMSG_HDRLEN: usize = 16;

/// Largest audit message userspace handles (`MAX_AUDIT_MESSAGE_LENGTH`).
pub const MAX_AUDIT_MESSAGE_LENGTH: usize = 8970;

// ---- message types (commands 1000-1099) ------------------------------------

/// Get status.
pub const AUDIT_GET: u16 = 1000;
/// Set status (enable/disable/auditd pid, limits).
pub const AUDIT_SET: u16 = 1001;
/// Deprecated rule list.
pub const AUDIT_LIST: u16 = 1002;
/// Deprecated rule add.
pub const AUDIT_ADD: u16 = 1003;
/// Deprecated rule delete.
pub const AUDIT_DEL: u16 = 1004;
/// Message from userspace (deprecated type, still used by `auditctl -m`).
pub const AUDIT_USER: u16 = 1005;
/// Login id and information.
pub const AUDIT_LOGIN: u16 = 1006;
/// Insert file/dir watch entry (obsolete).
pub const AUDIT_WATCH_INS: u16 = 1007;
/// Remove file/dir watch entry (obsolete).
pub const AUDIT_WATCH_REM: u16 = 1008;
/// List watches (obsolete).
pub const AUDIT_WATCH_LIST: u16 = 1009;
/// Get info about the sender of a signal to auditd.
pub const AUDIT_SIGNAL_INFO: u16 = 1010;
/// Add a filtering rule (`struct audit_rule_data`).
pub const AUDIT_ADD_RULE: u16 = 1011;
/// Delete a filtering rule.
pub const AUDIT_DEL_RULE: u16 = 1012;
/// List filtering rules (multi-part reply).
pub const AUDIT_LIST_RULES: u16 = 1013;
/// Trim junk from watched trees.
pub const AUDIT_TRIM: u16 = 1014;
/// Append to a watched tree.
pub const AUDIT_MAKE_EQUIV: u16 = 1015;
/// Get TTY auditing status.
pub const AUDIT_TTY_GET: u16 = 1016;
/// Set TTY auditing status.
pub const AUDIT_TTY_SET: u16 = 1017;
/// Turn an audit feature on or off.
pub const AUDIT_SET_FEATURE: u16 = 1018;
/// Get which features are enabled.
pub const AUDIT_GET_FEATURE: u16 = 1019;

/// First of the trusted userspace message types.
pub const AUDIT_FIRST_USER_MSG: u16 = 1100;
/// Last of the trusted userspace message types.
pub const AUDIT_LAST_USER_MSG: u16 = 1199;
/// First of the second block of userspace message types.
pub const AUDIT_FIRST_USER_MSG2: u16 = 2100;
/// Last of the second block of userspace message types.
pub const AUDIT_LAST_USER_MSG2: u16 = 2999;
/// Kernel end-of-event record.
pub const AUDIT_EOE: u16 = 1320;
/// Configuration change record.
pub const AUDIT_CONFIG_CHANGE: u16 = 1305;
/// Kernel asks whether auditd is still alive.
pub const AUDIT_REPLACE: u16 = 1329;
/// Asynchronous kernel record ("audit initialized").
pub const AUDIT_KERNEL: u16 = 2000;

// ---- audit_status.mask ------------------------------------------------------

/// `enabled` is valid.
pub const AUDIT_STATUS_ENABLED: u32 = 0x0001;
/// `failure` is valid.
pub const AUDIT_STATUS_FAILURE: u32 = 0x0002;
/// `pid` is valid.
pub const AUDIT_STATUS_PID: u32 = 0x0004;
/// `rate_limit` is valid.
pub const AUDIT_STATUS_RATE_LIMIT: u32 = 0x0008;
/// `backlog_limit` is valid.
pub const AUDIT_STATUS_BACKLOG_LIMIT: u32 = 0x0010;
/// `backlog_wait_time` is valid.
pub const AUDIT_STATUS_BACKLOG_WAIT_TIME: u32 = 0x0020;
/// Reset the `lost` counter (the reply's ACK carries the old value).
pub const AUDIT_STATUS_LOST: u32 = 0x0040;
/// Reset the `backlog_wait_time_actual` counter.
pub const AUDIT_STATUS_BACKLOG_WAIT_TIME_ACTUAL: u32 = 0x0080;

// ---- audit_status.feature_bitmap -------------------------------------------

/// Kernel supports a backlog limit.
pub const AUDIT_FEATURE_BITMAP_BACKLOG_LIMIT: u32 = 0x01;
/// Kernel supports `backlog_wait_time`.
pub const AUDIT_FEATURE_BITMAP_BACKLOG_WAIT_TIME: u32 = 0x02;
/// Kernel supports the `exe` field.
pub const AUDIT_FEATURE_BITMAP_EXECUTABLE_PATH: u32 = 0x04;
/// Exclude list accepts more than `msgtype`.
pub const AUDIT_FEATURE_BITMAP_EXCLUDE_EXTEND: u32 = 0x08;
/// Kernel supports `sessionid` filtering.
pub const AUDIT_FEATURE_BITMAP_SESSIONID_FILTER: u32 = 0x10;
/// Kernel can reset the `lost` counter.
pub const AUDIT_FEATURE_BITMAP_LOST_RESET: u32 = 0x20;
/// Kernel supports the filesystem filter list.
pub const AUDIT_FEATURE_BITMAP_FILTER_FS: u32 = 0x40;

// ---- audit_features ---------------------------------------------------------

/// Version of `struct audit_features`.
pub const AUDIT_FEATURE_VERSION: u32 = 1;
/// Feature: only allow setting loginuid when unset.
pub const AUDIT_FEATURE_ONLY_UNSET_LOGINUID: u32 = 0;
/// Feature: loginuid cannot change once set.
pub const AUDIT_FEATURE_LOGINUID_IMMUTABLE: u32 = 1;

/// Bit of a feature in `audit_features` masks.
pub const fn audit_feature_to_mask(feature: u32) -> u32 {
    1u32 << (feature & 31)
}

// ---- failure modes ----------------------------------------------------------

/// Silently drop records on failure.
pub const AUDIT_FAIL_SILENT: u32 = 0;
/// printk on failure.
pub const AUDIT_FAIL_PRINTK: u32 = 1;
/// Panic on failure.
pub const AUDIT_FAIL_PANIC: u32 = 2;

// ---- rule filter lists ------------------------------------------------------

/// Rules applied to user-generated messages.
pub const AUDIT_FILTER_USER: u32 = 0x00;
/// Rules applied at task creation.
pub const AUDIT_FILTER_TASK: u32 = 0x01;
/// Rules applied at syscall entry (obsolete).
pub const AUDIT_FILTER_ENTRY: u32 = 0x02;
/// Rules on file system watches (obsolete).
pub const AUDIT_FILTER_WATCH: u32 = 0x03;
/// Rules applied at syscall exit.
pub const AUDIT_FILTER_EXIT: u32 = 0x04;
/// Rules applied before record creation.
pub const AUDIT_FILTER_EXCLUDE: u32 = 0x05;
/// Rules applied at `__audit_inode_child`.
pub const AUDIT_FILTER_FS: u32 = 0x06;
/// Rules applied at io_uring op exit.
pub const AUDIT_FILTER_URING_EXIT: u32 = 0x07;
/// Number of filter lists.
pub const AUDIT_NR_FILTERS: u32 = 8;
/// Flag: prepend to the list instead of appending.
pub const AUDIT_FILTER_PREPEND: u32 = 0x10;
/// Mask selecting the list from `flags` (`AUDIT_FILTER_MASK` in libaudit).
pub const AUDIT_FILTER_MASK: u32 = 0x07;

// ---- rule actions -----------------------------------------------------------

/// Do not build context if rule matches.
pub const AUDIT_NEVER: u32 = 0;
/// Build context if rule matches (obsolete).
pub const AUDIT_POSSIBLE: u32 = 1;
/// Generate audit record if rule matches.
pub const AUDIT_ALWAYS: u32 = 2;

// ---- rule sizes -------------------------------------------------------------

/// Maximum number of fields in a rule.
pub const AUDIT_MAX_FIELDS: usize = 64;
/// Maximum length of a rule key (all keys joined).
pub const AUDIT_MAX_KEY_LEN: usize = 256;
/// Number of 32-bit words in the syscall mask.
pub const AUDIT_BITMASK_SIZE: usize = 64;
/// Separator between several keys of one rule (`\x01`).
pub const AUDIT_KEY_SEPARATOR: u8 = 0x01;

// ---- rule fields ------------------------------------------------------------

/// Process id.
pub const AUDIT_PID: u32 = 0;
/// Real uid.
pub const AUDIT_UID: u32 = 1;
/// Effective uid.
pub const AUDIT_EUID: u32 = 2;
/// Saved uid.
pub const AUDIT_SUID: u32 = 3;
/// Filesystem uid.
pub const AUDIT_FSUID: u32 = 4;
/// Real gid.
pub const AUDIT_GID: u32 = 5;
/// Effective gid.
pub const AUDIT_EGID: u32 = 6;
/// Saved gid.
pub const AUDIT_SGID: u32 = 7;
/// Filesystem gid.
pub const AUDIT_FSGID: u32 = 8;
/// Login uid (`auid`).
pub const AUDIT_LOGINUID: u32 = 9;
/// Personality.
pub const AUDIT_PERS: u32 = 10;
/// Architecture (`AUDIT_ARCH_*`).
pub const AUDIT_ARCH: u32 = 11;
/// Message type.
pub const AUDIT_MSGTYPE: u32 = 12;
/// Subject SELinux user.
pub const AUDIT_SUBJ_USER: u32 = 13;
/// Subject SELinux role.
pub const AUDIT_SUBJ_ROLE: u32 = 14;
/// Subject SELinux type.
pub const AUDIT_SUBJ_TYPE: u32 = 15;
/// Subject sensitivity.
pub const AUDIT_SUBJ_SEN: u32 = 16;
/// Subject clearance.
pub const AUDIT_SUBJ_CLR: u32 = 17;
/// Parent pid.
pub const AUDIT_PPID: u32 = 18;
/// Object SELinux user.
pub const AUDIT_OBJ_USER: u32 = 19;
/// Object SELinux role.
pub const AUDIT_OBJ_ROLE: u32 = 20;
/// Object SELinux type.
pub const AUDIT_OBJ_TYPE: u32 = 21;
/// Object low level.
pub const AUDIT_OBJ_LEV_LOW: u32 = 22;
/// Object high level.
pub const AUDIT_OBJ_LEV_HIGH: u32 = 23;
/// Whether the login uid is set.
pub const AUDIT_LOGINUID_SET: u32 = 24;
/// Session id.
pub const AUDIT_SESSIONID: u32 = 25;
/// Filesystem type (filesystem list).
pub const AUDIT_FSTYPE: u32 = 26;
/// Device major.
pub const AUDIT_DEVMAJOR: u32 = 100;
/// Device minor.
pub const AUDIT_DEVMINOR: u32 = 101;
/// Inode number.
pub const AUDIT_INODE: u32 = 102;
/// Syscall exit value.
pub const AUDIT_EXIT: u32 = 103;
/// Syscall success.
pub const AUDIT_SUCCESS: u32 = 104;
/// Watched path (string).
pub const AUDIT_WATCH: u32 = 105;
/// Permission classes.
pub const AUDIT_PERM: u32 = 106;
/// Watched directory tree (string).
pub const AUDIT_DIR: u32 = 107;
/// File type.
pub const AUDIT_FILETYPE: u32 = 108;
/// Object uid.
pub const AUDIT_OBJ_UID: u32 = 109;
/// Object gid.
pub const AUDIT_OBJ_GID: u32 = 110;
/// Inter-field comparison.
pub const AUDIT_FIELD_COMPARE: u32 = 111;
/// Executable path (string).
pub const AUDIT_EXE: u32 = 112;
/// Socket address family.
pub const AUDIT_SADDR_FAM: u32 = 113;
/// Syscall argument 0.
pub const AUDIT_ARG0: u32 = 200;
/// Syscall argument 1.
pub const AUDIT_ARG1: u32 = 201;
/// Syscall argument 2.
pub const AUDIT_ARG2: u32 = 202;
/// Syscall argument 3.
pub const AUDIT_ARG3: u32 = 203;
/// Rule key (string).
pub const AUDIT_FILTERKEY: u32 = 210;

// ---- operators (fieldflags) -------------------------------------------------

/// Legacy negation bit.
pub const AUDIT_NEGATE: u32 = 0x8000_0000;
/// `&`
pub const AUDIT_BIT_MASK: u32 = 0x0800_0000;
/// `<`
pub const AUDIT_LESS_THAN: u32 = 0x1000_0000;
/// `>`
pub const AUDIT_GREATER_THAN: u32 = 0x2000_0000;
/// `!=`
pub const AUDIT_NOT_EQUAL: u32 = 0x3000_0000;
/// `=`
pub const AUDIT_EQUAL: u32 = 0x4000_0000;
/// `&=`
pub const AUDIT_BIT_TEST: u32 = AUDIT_BIT_MASK | AUDIT_EQUAL;
/// `<=`
pub const AUDIT_LESS_THAN_OR_EQUAL: u32 = AUDIT_LESS_THAN | AUDIT_EQUAL;
/// `>=`
pub const AUDIT_GREATER_THAN_OR_EQUAL: u32 = AUDIT_GREATER_THAN | AUDIT_EQUAL;
/// All operator bits.
pub const AUDIT_OPERATORS: u32 = AUDIT_EQUAL | AUDIT_NOT_EQUAL | AUDIT_BIT_MASK;

// ---- field comparisons (-C) -------------------------------------------------

/// uid vs obj_uid.
pub const AUDIT_COMPARE_UID_TO_OBJ_UID: u32 = 1;
/// gid vs obj_gid.
pub const AUDIT_COMPARE_GID_TO_OBJ_GID: u32 = 2;
/// euid vs obj_uid.
pub const AUDIT_COMPARE_EUID_TO_OBJ_UID: u32 = 3;
/// egid vs obj_gid.
pub const AUDIT_COMPARE_EGID_TO_OBJ_GID: u32 = 4;
/// auid vs obj_uid.
pub const AUDIT_COMPARE_AUID_TO_OBJ_UID: u32 = 5;
/// suid vs obj_uid.
pub const AUDIT_COMPARE_SUID_TO_OBJ_UID: u32 = 6;
/// sgid vs obj_gid.
pub const AUDIT_COMPARE_SGID_TO_OBJ_GID: u32 = 7;
/// fsuid vs obj_uid.
pub const AUDIT_COMPARE_FSUID_TO_OBJ_UID: u32 = 8;
/// fsgid vs obj_gid.
pub const AUDIT_COMPARE_FSGID_TO_OBJ_GID: u32 = 9;
/// uid vs auid.
pub const AUDIT_COMPARE_UID_TO_AUID: u32 = 10;
/// uid vs euid.
pub const AUDIT_COMPARE_UID_TO_EUID: u32 = 11;
/// uid vs fsuid.
pub const AUDIT_COMPARE_UID_TO_FSUID: u32 = 12;
/// uid vs suid.
pub const AUDIT_COMPARE_UID_TO_SUID: u32 = 13;
/// auid vs fsuid.
pub const AUDIT_COMPARE_AUID_TO_FSUID: u32 = 14;
/// auid vs suid.
pub const AUDIT_COMPARE_AUID_TO_SUID: u32 = 15;
/// auid vs euid.
pub const AUDIT_COMPARE_AUID_TO_EUID: u32 = 16;
/// euid vs suid.
pub const AUDIT_COMPARE_EUID_TO_SUID: u32 = 17;
/// euid vs fsuid.
pub const AUDIT_COMPARE_EUID_TO_FSUID: u32 = 18;
/// suid vs fsuid.
pub const AUDIT_COMPARE_SUID_TO_FSUID: u32 = 19;
/// gid vs egid.
pub const AUDIT_COMPARE_GID_TO_EGID: u32 = 20;
/// gid vs fsgid.
pub const AUDIT_COMPARE_GID_TO_FSGID: u32 = 21;
/// gid vs sgid.
pub const AUDIT_COMPARE_GID_TO_SGID: u32 = 22;
/// egid vs fsgid.
pub const AUDIT_COMPARE_EGID_TO_FSGID: u32 = 23;
/// egid vs sgid.
pub const AUDIT_COMPARE_EGID_TO_SGID: u32 = 24;
/// sgid vs fsgid.
pub const AUDIT_COMPARE_SGID_TO_FSGID: u32 = 25;

// ---- permissions ------------------------------------------------------------

/// Execute.
pub const AUDIT_PERM_EXEC: u32 = 1;
/// Write.
pub const AUDIT_PERM_WRITE: u32 = 2;
/// Read.
pub const AUDIT_PERM_READ: u32 = 4;
/// Attribute change.
pub const AUDIT_PERM_ATTR: u32 = 8;

// ---- architectures ----------------------------------------------------------

/// 64-bit ABI flag of `AUDIT_ARCH_*`.
pub const AUDIT_ARCH_64BIT: u32 = 0x8000_0000;
/// Little-endian flag of `AUDIT_ARCH_*`.
pub const AUDIT_ARCH_LE: u32 = 0x4000_0000;
/// i386.
pub const AUDIT_ARCH_I386: u32 = 3 | AUDIT_ARCH_LE;
/// x86_64.
pub const AUDIT_ARCH_X86_64: u32 = 62 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// 32-bit ARM (little endian).
pub const AUDIT_ARCH_ARM: u32 = 40 | AUDIT_ARCH_LE;
/// aarch64.
pub const AUDIT_ARCH_AARCH64: u32 = 183 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// 32-bit PowerPC.
pub const AUDIT_ARCH_PPC: u32 = 20;
/// 64-bit PowerPC (big endian).
pub const AUDIT_ARCH_PPC64: u32 = 21 | AUDIT_ARCH_64BIT;
/// 64-bit PowerPC (little endian).
pub const AUDIT_ARCH_PPC64LE: u32 = 21 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// 31-bit s390.
pub const AUDIT_ARCH_S390: u32 = 22;
/// s390x.
pub const AUDIT_ARCH_S390X: u32 = 22 | AUDIT_ARCH_64BIT;
/// riscv64.
pub const AUDIT_ARCH_RISCV64: u32 = 243 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// riscv32.
pub const AUDIT_ARCH_RISCV32: u32 = 243 | AUDIT_ARCH_LE;

// ---- file types (S_IF*) ----------------------------------------------------

/// Socket.
pub const S_IFSOCK: u32 = 0o140000;
/// Symbolic link.
pub const S_IFLNK: u32 = 0o120000;
/// Regular file.
pub const S_IFREG: u32 = 0o100000;
/// Block device.
pub const S_IFBLK: u32 = 0o060000;
/// Directory.
pub const S_IFDIR: u32 = 0o040000;
/// Character device.
pub const S_IFCHR: u32 = 0o020000;
/// FIFO.
pub const S_IFIFO: u32 = 0o010000;
