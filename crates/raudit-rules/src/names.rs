//! Names of rule fields, operators, lists, actions, file types, file system
//! types and field comparisons, as auditctl spells them. The numbers are the
//! kernel's (`linux/audit.h`, `linux/stat.h`, `linux/magic.h`).

use raudit_wire::consts::*;

/// Field names auditctl accepts, with their kernel ids. `auid` and
/// `loginuid` both mean `AUDIT_LOGINUID`; `auid` is the one printed.
pub const FIELDS: &[(&str, u32)] = &[
    ("pid", AUDIT_PID),
    ("uid", AUDIT_UID),
    ("euid", AUDIT_EUID),
    ("suid", AUDIT_SUID),
    ("fsuid", AUDIT_FSUID),
    ("gid", AUDIT_GID),
    ("egid", AUDIT_EGID),
    ("sgid", AUDIT_SGID),
    ("fsgid", AUDIT_FSGID),
    ("auid", AUDIT_LOGINUID),
    ("loginuid", AUDIT_LOGINUID),
    ("pers", AUDIT_PERS),
    ("arch", AUDIT_ARCH),
    ("msgtype", AUDIT_MSGTYPE),
    ("subj_user", AUDIT_SUBJ_USER),
    ("subj_role", AUDIT_SUBJ_ROLE),
    ("subj_type", AUDIT_SUBJ_TYPE),
    ("subj_sen", AUDIT_SUBJ_SEN),
    ("subj_clr", AUDIT_SUBJ_CLR),
    ("ppid", AUDIT_PPID),
    ("obj_user", AUDIT_OBJ_USER),
    ("obj_role", AUDIT_OBJ_ROLE),
    ("obj_type", AUDIT_OBJ_TYPE),
    ("obj_lev_low", AUDIT_OBJ_LEV_LOW),
    ("obj_lev_high", AUDIT_OBJ_LEV_HIGH),
    ("sessionid", AUDIT_SESSIONID),
    ("devmajor", AUDIT_DEVMAJOR),
    ("devminor", AUDIT_DEVMINOR),
    ("inode", AUDIT_INODE),
    ("exit", AUDIT_EXIT),
    ("success", AUDIT_SUCCESS),
    ("path", AUDIT_WATCH),
    ("perm", AUDIT_PERM),
    ("dir", AUDIT_DIR),
    ("filetype", AUDIT_FILETYPE),
    ("fstype", AUDIT_FSTYPE),
    ("obj_uid", AUDIT_OBJ_UID),
    ("obj_gid", AUDIT_OBJ_GID),
    ("field_compare", AUDIT_FIELD_COMPARE),
    ("a0", AUDIT_ARG0),
    ("a1", AUDIT_ARG1),
    ("a2", AUDIT_ARG2),
    ("a3", AUDIT_ARG3),
    ("key", AUDIT_FILTERKEY),
    ("exe", AUDIT_EXE),
    ("saddr_fam", AUDIT_SADDR_FAM),
];

/// The field id of `name` (ASCII case-insensitive, like libaudit).
pub fn field_number(name: &[u8]) -> Option<u32> {
    FIELDS
        .iter()
        .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// The name auditctl prints for field id `field`.
pub fn field_name(field: u32) -> Option<&'static str> {
    FIELDS.iter().find(|&&(_, v)| v == field).map(|&(n, _)| n)
}

/// Operator symbols and their `fieldflags` values.
pub const OPERATORS: &[(&str, u32)] = &[
    ("=", AUDIT_EQUAL),
    ("!=", AUDIT_NOT_EQUAL),
    (">", AUDIT_GREATER_THAN),
    (">=", AUDIT_GREATER_THAN_OR_EQUAL),
    ("<", AUDIT_LESS_THAN),
    ("<=", AUDIT_LESS_THAN_OR_EQUAL),
    ("&", AUDIT_BIT_MASK),
    ("&=", AUDIT_BIT_TEST),
];

/// The symbol of operator `op`; `None` for unknown values (auditctl then
/// prints `(null)`).
pub fn operator_symbol(op: u32) -> Option<&'static str> {
    OPERATORS.iter().find(|&&(_, v)| v == op).map(|&(s, _)| s)
}

/// Filter list names as auditctl prints them (`audit_flag_to_name`).
pub fn list_name(list: u32) -> Option<&'static str> {
    Some(match list {
        AUDIT_FILTER_TASK => "task",
        AUDIT_FILTER_EXIT => "exit",
        AUDIT_FILTER_USER => "user",
        AUDIT_FILTER_EXCLUDE => "exclude",
        AUDIT_FILTER_FS => "filesystem",
        _ => return None,
    })
}

/// Filter list of a name, as auditctl 3.0.9's `-a` parser accepts it
/// (exact, case-sensitive; no `io_uring` in 3.0.9).
pub fn list_number(name: &[u8]) -> Option<u32> {
    Some(match name {
        b"exit" => AUDIT_FILTER_EXIT,
        b"task" => AUDIT_FILTER_TASK,
        b"user" => AUDIT_FILTER_USER,
        b"exclude" => AUDIT_FILTER_EXCLUDE,
        b"filesystem" => AUDIT_FILTER_FS,
        _ => return None,
    })
}

/// Action names as auditctl prints them.
pub fn action_name(action: u32) -> Option<&'static str> {
    Some(match action {
        AUDIT_NEVER => "never",
        AUDIT_POSSIBLE => "possible",
        AUDIT_ALWAYS => "always",
        _ => return None,
    })
}

/// File type names for `-F filetype=` (`S_IF*` values).
pub const FILE_TYPES: &[(&str, u32)] = &[
    ("socket", S_IFSOCK),
    ("link", S_IFLNK),
    ("file", S_IFREG),
    ("block", S_IFBLK),
    ("dir", S_IFDIR),
    ("character", S_IFCHR),
    ("fifo", S_IFIFO),
];

/// The `S_IF*` value of a file type name (case-insensitive).
pub fn file_type_number(name: &[u8]) -> Option<u32> {
    FILE_TYPES
        .iter()
        .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// File system types auditctl 3.0.9 knows for `-F fstype=` (magic numbers).
pub const FS_TYPES: &[(&str, u32)] = &[("tracefs", 0x7472_6163), ("debugfs", 0x6462_6720)];

/// The magic number of a file system type name (case-insensitive).
pub fn fs_type_number(name: &[u8]) -> Option<u32> {
    FS_TYPES
        .iter()
        .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// The name of a file system magic number.
pub fn fs_type_name(v: u32) -> Option<&'static str> {
    FS_TYPES.iter().find(|&&(_, m)| m == v).map(|&(n, _)| n)
}

/// `-C` comparisons: (left, right, kernel value). The printer uses the
/// first spelling of each value.
pub const COMPARISONS: &[(&str, &str, u32)] = &[
    ("uid", "obj_uid", AUDIT_COMPARE_UID_TO_OBJ_UID),
    ("gid", "obj_gid", AUDIT_COMPARE_GID_TO_OBJ_GID),
    ("euid", "obj_uid", AUDIT_COMPARE_EUID_TO_OBJ_UID),
    ("egid", "obj_gid", AUDIT_COMPARE_EGID_TO_OBJ_GID),
    ("auid", "obj_uid", AUDIT_COMPARE_AUID_TO_OBJ_UID),
    ("suid", "obj_uid", AUDIT_COMPARE_SUID_TO_OBJ_UID),
    ("sgid", "obj_gid", AUDIT_COMPARE_SGID_TO_OBJ_GID),
    ("fsuid", "obj_uid", AUDIT_COMPARE_FSUID_TO_OBJ_UID),
    ("fsgid", "obj_gid", AUDIT_COMPARE_FSGID_TO_OBJ_GID),
    ("uid", "auid", AUDIT_COMPARE_UID_TO_AUID),
    ("uid", "euid", AUDIT_COMPARE_UID_TO_EUID),
    ("uid", "fsuid", AUDIT_COMPARE_UID_TO_FSUID),
    ("uid", "suid", AUDIT_COMPARE_UID_TO_SUID),
    ("auid", "fsuid", AUDIT_COMPARE_AUID_TO_FSUID),
    ("auid", "suid", AUDIT_COMPARE_AUID_TO_SUID),
    ("auid", "euid", AUDIT_COMPARE_AUID_TO_EUID),
    ("euid", "suid", AUDIT_COMPARE_EUID_TO_SUID),
    ("euid", "fsuid", AUDIT_COMPARE_EUID_TO_FSUID),
    ("suid", "fsuid", AUDIT_COMPARE_SUID_TO_FSUID),
    ("gid", "egid", AUDIT_COMPARE_GID_TO_EGID),
    ("gid", "fsgid", AUDIT_COMPARE_GID_TO_FSGID),
    ("gid", "sgid", AUDIT_COMPARE_GID_TO_SGID),
    ("egid", "fsgid", AUDIT_COMPARE_EGID_TO_FSGID),
    ("egid", "sgid", AUDIT_COMPARE_EGID_TO_SGID),
    ("sgid", "fsgid", AUDIT_COMPARE_SGID_TO_FSGID),
];

/// Which comparison two field ids form, in either order (`None` if the
/// pair cannot be compared).
pub fn comparison(f1: u32, f2: u32) -> Option<u32> {
    let uidish = |f: u32| -> Option<&'static str> {
        Some(match f {
            AUDIT_UID => "uid",
            AUDIT_EUID => "euid",
            AUDIT_SUID => "suid",
            AUDIT_FSUID => "fsuid",
            AUDIT_LOGINUID => "auid",
            AUDIT_OBJ_UID => "obj_uid",
            AUDIT_GID => "gid",
            AUDIT_EGID => "egid",
            AUDIT_SGID => "sgid",
            AUDIT_FSGID => "fsgid",
            AUDIT_OBJ_GID => "obj_gid",
            _ => return None,
        })
    };
    let (a, b) = (uidish(f1)?, uidish(f2)?);
    COMPARISONS
        .iter()
        .find(|&&(l, r, _)| (l == a && r == b) || (l == b && r == a))
        .map(|&(_, _, v)| v)
}

/// Permission letters in printing order.
pub fn perm_string(v: u32) -> String {
    let mut s = String::new();
    if v & AUDIT_PERM_READ != 0 {
        s.push('r');
    }
    if v & AUDIT_PERM_WRITE != 0 {
        s.push('w');
    }
    if v & AUDIT_PERM_EXEC != 0 {
        s.push('x');
    }
    if v & AUDIT_PERM_ATTR != 0 {
        s.push('a');
    }
    s
}

/// Parse permission letters (`rwxa`, any case). `Err(c)` names the first
/// unsupported character.
pub fn parse_perms(s: &[u8]) -> Result<u32, u8> {
    let mut v = 0;
    for &c in s {
        v |= match c.to_ascii_lowercase() {
            b'r' => AUDIT_PERM_READ,
            b'w' => AUDIT_PERM_WRITE,
            b'x' => AUDIT_PERM_EXEC,
            b'a' => AUDIT_PERM_ATTR,
            _ => return Err(c),
        };
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(field_number(b"AUID"), Some(AUDIT_LOGINUID));
        assert_eq!(field_number(b"loginuid"), Some(AUDIT_LOGINUID));
        assert_eq!(field_name(AUDIT_LOGINUID), Some("auid"));
        assert_eq!(field_name(AUDIT_WATCH), Some("path"));
        assert_eq!(field_name(AUDIT_LOGINUID_SET), None);
        assert_eq!(field_number(b"nope"), None);
    }

    #[test]
    fn comparisons_both_ways() {
        assert_eq!(
            comparison(AUDIT_LOGINUID, AUDIT_UID),
            Some(AUDIT_COMPARE_UID_TO_AUID)
        );
        assert_eq!(
            comparison(AUDIT_UID, AUDIT_LOGINUID),
            Some(AUDIT_COMPARE_UID_TO_AUID)
        );
        assert_eq!(
            comparison(AUDIT_FSGID, AUDIT_EGID),
            Some(AUDIT_COMPARE_EGID_TO_FSGID)
        );
        assert_eq!(comparison(AUDIT_UID, AUDIT_GID), None);
        assert_eq!(comparison(AUDIT_UID, AUDIT_UID), None);
        assert_eq!(comparison(AUDIT_OBJ_UID, AUDIT_OBJ_GID), None);
        // Every table entry is reachable.
        for &(l, r, v) in COMPARISONS {
            let a = field_number(l.as_bytes()).unwrap();
            let b = field_number(r.as_bytes()).unwrap();
            assert_eq!(comparison(a, b), Some(v), "{l} {r}");
        }
    }

    #[test]
    fn perms() {
        assert_eq!(parse_perms(b"WA"), Ok(AUDIT_PERM_WRITE | AUDIT_PERM_ATTR));
        assert_eq!(parse_perms(b"rq"), Err(b'q'));
        assert_eq!(perm_string(15), "rwxa");
        assert_eq!(perm_string(0), "");
    }
}
