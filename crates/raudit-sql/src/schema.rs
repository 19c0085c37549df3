//! The tables: osquery's event tables with osquery's column names and types, in
//! osquery's order (the Linux `extended_schema` columns after the common ones), then
//! the columns raudit adds; and raudit's own `events` table.
//!
//! Columns osquery fills from the live system and a log cannot give (`uptime`, the
//! file times `atime`/`mtime`/`ctime`/`btime` that osquery `stat`s at event time) are
//! NULL. `eid` is the audit event identity `SEC.MILLI:SERIAL`.
#![forbid(unsafe_code)]

/// One column: name and declared SQL type (as `PRAGMA table_info` reports it).
pub type Column = (&'static str, &'static str);

/// A table: name, description, and columns.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Table name.
    pub name: &'static str,
    /// What a row is.
    pub about: &'static str,
    /// osquery's columns (empty for raudit's own tables).
    pub osquery: &'static [Column],
    /// Columns raudit adds after osquery's.
    pub extra: &'static [Column],
}

impl Table {
    /// All columns in order.
    pub fn columns(&self) -> impl Iterator<Item = Column> + '_ {
        self.osquery.iter().chain(self.extra.iter()).copied()
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.osquery.len() + self.extra.len()
    }

    /// `CREATE TABLE IF NOT EXISTS …`.
    pub fn create_sql(&self) -> String {
        let mut s = format!("CREATE TABLE IF NOT EXISTS {} (", self.name);
        for (i, (n, t)) in self.columns().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(n);
            s.push(' ');
            s.push_str(t);
            if n == "event_id" && self.name == "events" {
                s.push_str(" PRIMARY KEY");
            }
        }
        s.push(')');
        s
    }

    /// `INSERT INTO … VALUES (?1, …)`.
    pub fn insert_sql(&self) -> String {
        let mut s = format!("INSERT INTO {} VALUES (", self.name);
        for i in 0..self.width() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!("?{}", i + 1));
        }
        s.push(')');
        s
    }
}

/// `process_events`: successful execve/execveat and fork/vfork/clone/clone3 (not
/// thread clones, as osquery), one row per event.
pub const PROCESS_EVENTS: Table = Table {
    name: "process_events",
    about: "process executions and creations (execve, execveat, fork, vfork, clone, clone3)",
    osquery: &[
        ("pid", "BIGINT"),
        ("path", "TEXT"),
        ("mode", "TEXT"),
        ("cmdline", "TEXT"),
        ("cmdline_size", "BIGINT"),
        ("env", "TEXT"),
        ("env_count", "BIGINT"),
        ("env_size", "BIGINT"),
        ("cwd", "TEXT"),
        ("auid", "BIGINT"),
        ("uid", "BIGINT"),
        ("euid", "BIGINT"),
        ("gid", "BIGINT"),
        ("egid", "BIGINT"),
        ("owner_uid", "BIGINT"),
        ("owner_gid", "BIGINT"),
        ("atime", "BIGINT"),
        ("mtime", "BIGINT"),
        ("ctime", "BIGINT"),
        ("btime", "BIGINT"),
        ("overflows", "TEXT"),
        ("parent", "BIGINT"),
        ("time", "BIGINT"),
        ("uptime", "BIGINT"),
        ("eid", "TEXT"),
        ("fsuid", "BIGINT"),
        ("suid", "BIGINT"),
        ("fsgid", "BIGINT"),
        ("sgid", "BIGINT"),
        ("syscall", "TEXT"),
    ],
    extra: &[
        ("event_id", "INTEGER"),
        ("node", "TEXT"),
        ("comm", "TEXT"),
        ("tty", "TEXT"),
        ("ses", "BIGINT"),
        ("key", "TEXT"),
        ("exit", "BIGINT"),
    ],
};

/// `socket_events`: bind, connect, accept, accept4 with a socket address, one row per
/// event, failed ones included (`status`: `succeeded`, `failed`, `in_progress` for a
/// non-blocking connect's EINPROGRESS, `no_client` for accept's EAGAIN), netlink
/// sockets left out (as osquery). Unlike osquery's defaults, unix sockets are kept
/// (`socket`, `@name` for abstract ones) and IPv6 addresses are in the usual
/// compressed notation (`::1`).
pub const SOCKET_EVENTS: Table = Table {
    name: "socket_events",
    about: "socket bind/connect/accept with addresses and status",
    osquery: &[
        ("action", "TEXT"),
        ("pid", "BIGINT"),
        ("path", "TEXT"),
        ("fd", "TEXT"),
        ("auid", "BIGINT"),
        ("family", "INTEGER"),
        ("protocol", "INTEGER"),
        ("local_address", "TEXT"),
        ("remote_address", "TEXT"),
        ("local_port", "INTEGER"),
        ("remote_port", "INTEGER"),
        ("socket", "TEXT"),
        ("time", "BIGINT"),
        ("uptime", "BIGINT"),
        ("eid", "TEXT"),
        ("success", "INTEGER"),
        ("status", "TEXT"),
    ],
    extra: &[
        ("event_id", "INTEGER"),
        ("node", "TEXT"),
        ("syscall", "TEXT"),
        ("exit", "BIGINT"),
        ("uid", "BIGINT"),
        ("comm", "TEXT"),
        ("key", "TEXT"),
    ],
};

/// `user_events`: one row per user-space message record (types 1100–1199).
pub const USER_EVENTS: Table = Table {
    name: "user_events",
    about: "user-space messages (logins, authentication, sudo, …)",
    osquery: &[
        ("uid", "BIGINT"),
        ("auid", "BIGINT"),
        ("pid", "BIGINT"),
        ("message", "TEXT"),
        ("type", "INTEGER"),
        ("path", "TEXT"),
        ("address", "TEXT"),
        ("terminal", "TEXT"),
        ("time", "BIGINT"),
        ("uptime", "BIGINT"),
        ("eid", "TEXT"),
    ],
    extra: &[
        ("event_id", "INTEGER"),
        ("node", "TEXT"),
        ("type_name", "TEXT"),
        ("op", "TEXT"),
        ("acct", "TEXT"),
        ("hostname", "TEXT"),
        ("res", "TEXT"),
        ("ses", "BIGINT"),
    ],
};

/// `process_file_events`: one row per PATH record of a syscall event (PARENT
/// directory records left out; a rename's or link's CREATE name is the `dest_path` of
/// its source row). `operation` is the syscall's family (`open`, `rename`, `unlink`,
/// `link`, `symlink`, `truncate`, `chmod`, `chown`, `mkdir`, `mknod`, `exec`) or its
/// name; `path` is the name as logged (relative names are relative to `cwd` or to a
/// directory descriptor).
pub const PROCESS_FILE_EVENTS: Table = Table {
    name: "process_file_events",
    about: "files touched by syscalls, one row per PATH record",
    osquery: &[
        ("operation", "TEXT"),
        ("pid", "BIGINT"),
        ("ppid", "BIGINT"),
        ("time", "BIGINT"),
        ("executable", "TEXT"),
        ("partial", "TEXT"),
        ("cwd", "TEXT"),
        ("path", "TEXT"),
        ("dest_path", "TEXT"),
        ("uid", "TEXT"),
        ("gid", "TEXT"),
        ("auid", "TEXT"),
        ("euid", "TEXT"),
        ("egid", "TEXT"),
        ("fsuid", "TEXT"),
        ("fsgid", "TEXT"),
        ("suid", "TEXT"),
        ("sgid", "TEXT"),
        ("uptime", "BIGINT"),
        ("eid", "TEXT"),
    ],
    extra: &[
        ("event_id", "INTEGER"),
        ("node", "TEXT"),
        ("syscall", "TEXT"),
        ("success", "INTEGER"),
        ("exit", "BIGINT"),
        ("item", "INTEGER"),
        ("nametype", "TEXT"),
        ("inode", "BIGINT"),
        ("mode", "TEXT"),
        ("key", "TEXT"),
    ],
};

/// `events`: one row per assembled event (raudit's own table).
pub const EVENTS: Table = Table {
    name: "events",
    about: "every event: identity, first record type, and the SYSCALL summary when there is one",
    osquery: &[],
    extra: &[
        ("event_id", "INTEGER"),
        ("time", "BIGINT"),
        ("milli", "INTEGER"),
        ("serial", "BIGINT"),
        ("node", "TEXT"),
        ("eid", "TEXT"),
        ("type", "TEXT"),
        ("records", "INTEGER"),
        ("syscall", "TEXT"),
        ("success", "INTEGER"),
        ("exit", "BIGINT"),
        ("pid", "BIGINT"),
        ("ppid", "BIGINT"),
        ("auid", "BIGINT"),
        ("uid", "BIGINT"),
        ("comm", "TEXT"),
        ("exe", "TEXT"),
        ("key", "TEXT"),
    ],
};

/// The tables filled from events, in insertion order.
pub const TABLES: &[Table] = &[
    EVENTS,
    PROCESS_EVENTS,
    SOCKET_EVENTS,
    USER_EVENTS,
    PROCESS_FILE_EVENTS,
];

/// Column positions, checked against the specs in tests.
pub mod col {
    /// `events`
    pub const EV_W: usize = 18;
    /// `process_events`
    pub const PE_W: usize = 37;
    /// `socket_events`
    pub const SE_W: usize = 24;
    /// `user_events`
    pub const UE_W: usize = 19;
    /// `process_file_events`
    pub const PF_W: usize = 30;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(EVENTS.width(), col::EV_W);
        assert_eq!(PROCESS_EVENTS.width(), col::PE_W);
        assert_eq!(SOCKET_EVENTS.width(), col::SE_W);
        assert_eq!(USER_EVENTS.width(), col::UE_W);
        assert_eq!(PROCESS_FILE_EVENTS.width(), col::PF_W);
    }
}
