//! The process table: who started whom, kept from the event stream (sans-IO).
//!
//! Fed with each event's SYSCALL facts ([`ProcTable::observe`]): `execve`
//! (re)defines a process (exe, argv, the event ID that started it, labels, script,
//! live information from a [`ProcSource`]), `fork`/`vfork`/`clone` (not threads)
//! copy the parent into the child, `exit_group` marks it dead. Dead processes
//! are dropped by [`ProcTable::expire`] once they are not the parent of a process
//! still alive; the table never grows beyond its configured size.

use std::collections::{HashMap, HashSet};

use raudit_logfmt::EventId;

use crate::encode::{write_id, SyscallExtra, SyscallFacts};
use crate::filter::Settings;
use crate::write;

/// Information only the live system has (read from /proc at exec time).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveInfo {
    /// Container id taken from the cgroup path (docker/containerd/podman/crio style
    /// 64-hex-digit id), if any.
    pub container: Option<String>,
    /// The systemd unit of the cgroup path (`foo.service`, `session-3.scope`).
    pub unit: Option<String>,
    /// The chosen environment variables that are set.
    pub env: Vec<(String, Vec<u8>)>,
}

/// Where live information comes from (the daemon reads /proc; offline: nothing).
pub trait ProcSource {
    /// Live information about `pid`, if it can be had.
    fn live(&mut self, pid: u32, env: &[String]) -> Option<LiveInfo>;
}

/// One process.
#[derive(Debug, Clone, Default)]
pub struct Proc {
    /// Parent pid.
    pub ppid: u32,
    /// Executable.
    pub exe: Box<[u8]>,
    /// Arguments (at most 64, each at most 1 KiB).
    pub argv: Box<[Box<[u8]>]>,
    /// The event that started the program (execve), if seen.
    pub launch: Option<EventId>,
    /// Label bits (see [`Settings::labels`]).
    pub labels: u64,
    /// Script run by an interpreter.
    pub script: Option<Box<[u8]>>,
    /// Live information.
    pub live: Option<LiveInfo>,
    /// Time (seconds) it exited, when dead.
    pub dead: Option<i64>,
}

/// The table; see the module documentation.
#[derive(Debug, Default)]
pub struct ProcTable {
    procs: HashMap<u32, Proc>,
    observed: u64,
    last_sec: i64,
    max: usize,
}

const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox", "fish", "csh", "tcsh", "python",
    "perl", "ruby", "node", "nodejs", "php", "lua", "tclsh", "Rscript", "pwsh",
];

fn basename(p: &[u8]) -> &[u8] {
    match memchr::memrchr(b'/', p) {
        Some(i) => &p[i + 1..],
        None => p,
    }
}

fn is_interpreter(exe: &[u8]) -> bool {
    let b = basename(exe);
    INTERPRETERS.iter().any(|i| {
        let i = i.as_bytes();
        b.starts_with(i)
            && b[i.len()..]
                .iter()
                .all(|c| c.is_ascii_digit() || *c == b'.')
    })
}

fn absolute(p: &[u8], cwd: Option<&[u8]>) -> Box<[u8]> {
    match cwd {
        Some(c) if !p.starts_with(b"/") => {
            let mut v = c.to_vec();
            if !v.ends_with(b"/") {
                v.push(b'/');
            }
            v.extend_from_slice(p.strip_prefix(b"./").unwrap_or(p));
            v.into()
        }
        _ => p.into(),
    }
}

/// The script an interpreter runs: the file named by a `#!` exec (PATH item 0
/// when the exe is the interpreter of item 1), or the first argument that is
/// not an option (none after `-c`, `-m`, `-e`).
pub fn script_of(
    exe: &[u8],
    argv: &[Vec<u8>],
    paths: &[Vec<u8>],
    cwd: Option<&[u8]>,
) -> Option<Box<[u8]>> {
    if !is_interpreter(exe) {
        return None;
    }
    if paths.len() >= 2 && !is_interpreter(&paths[0]) && is_interpreter(&paths[1]) {
        return Some(absolute(&paths[0], cwd));
    }
    for a in argv.iter().skip(1) {
        if a.first() == Some(&b'-') {
            if matches!(a.as_slice(), b"-c" | b"-m" | b"-e" | b"-E") {
                return None;
            }
            continue;
        }
        return Some(absolute(a, cwd));
    }
    None
}

fn cut(a: &[u8]) -> Box<[u8]> {
    a[..a.len().min(1024)].into()
}

impl ProcTable {
    /// An empty table holding at most `max` processes (0: 65,536).
    pub fn new(max: usize) -> ProcTable {
        ProcTable {
            max: if max == 0 { 65_536 } else { max },
            ..ProcTable::default()
        }
    }

    /// Number of processes held.
    pub fn len(&self) -> usize {
        self.procs.len()
    }

    /// True when no process is held.
    pub fn is_empty(&self) -> bool {
        self.procs.is_empty()
    }

    /// A process, if known.
    pub fn get(&self, pid: u32) -> Option<&Proc> {
        self.procs.get(&pid)
    }

    /// Adds a process found at start (seeding from /proc); labels by exe and argv apply.
    pub fn seed(&mut self, pid: u32, mut p: Proc, s: &Settings) {
        let argv: Vec<&[u8]> = p.argv.iter().map(|a| &a[..]).collect();
        p.labels |= s.labels_for(&p.exe, &argv);
        self.procs.insert(pid, p);
    }

    /// Updates the table from one event's SYSCALL facts (`argv`, `cwd` and `paths`
    /// from its EXECVE, CWD and PATH records).
    #[allow(clippy::too_many_arguments)]
    pub fn observe(
        &mut self,
        id: EventId,
        f: &SyscallFacts,
        argv: &[Vec<u8>],
        cwd: Option<&[u8]>,
        paths: &[Vec<u8>],
        s: &Settings,
        src: Option<&mut dyn ProcSource>,
    ) {
        self.last_sec = id.sec;
        self.observed += 1;
        if self.observed.is_multiple_of(4096) || self.procs.len() > self.max {
            self.expire(id.sec.saturating_sub(5));
        }
        let Some(sc) = f.syscall else { return };
        match sc {
            "execve" | "execveat" if f.success => {
                let old = self.procs.remove(&f.pid);
                let inherited = old.map_or_else(
                    || self.procs.get(&f.ppid).map_or(0, |p| p.labels),
                    |o| o.labels,
                );
                let av: Vec<&[u8]> = argv.iter().map(|a| &a[..]).collect();
                let labels = inherited | s.labels_for(&f.exe, &av);
                let live = src.and_then(|src| src.live(f.pid, &s.env));
                let p = Proc {
                    ppid: f.ppid,
                    exe: f.exe.clone().into(),
                    argv: argv.iter().take(64).map(|a| cut(a)).collect(),
                    launch: Some(id),
                    labels,
                    script: script_of(&f.exe, argv, paths, cwd),
                    live,
                    dead: None,
                };
                self.procs.insert(f.pid, p);
            }
            "fork" | "vfork" | "clone" if f.success && f.exit > 0 => {
                // CLONE_THREAD: a thread, not a process
                if sc == "clone" && f.a0 & 0x10000 != 0 {
                    return;
                }
                let child = f.exit as u32;
                // the child's exec may be reported before the parent's clone returns
                if self
                    .procs
                    .get(&child)
                    .is_some_and(|c| c.ppid == f.pid && c.dead.is_none() && c.launch.is_some())
                {
                    return;
                }
                let mut p = match self.procs.get(&f.pid) {
                    Some(parent) => parent.clone(),
                    None => Proc {
                        ppid: f.ppid,
                        exe: f.exe.clone().into(),
                        ..Proc::default()
                    },
                };
                p.ppid = f.pid;
                p.dead = None;
                self.procs.insert(child, p);
            }
            "exit_group" => {
                if let Some(p) = self.procs.get_mut(&f.pid) {
                    p.dead = Some(id.sec);
                }
            }
            _ => {}
        }
        if let Some(k) = &f.key {
            let bits = s.labels_for_key(k);
            if bits != 0 {
                let p = self.procs.entry(f.pid).or_insert_with(|| Proc {
                    ppid: f.ppid,
                    exe: f.exe.clone().into(),
                    ..Proc::default()
                });
                p.labels |= bits;
            }
        }
    }

    /// Drops processes that died at or before `before` and are nobody's parent
    /// among the living; when still over the size limit, drops the dead first, then
    /// the oldest launched.
    pub fn expire(&mut self, before: i64) {
        let parents: HashSet<u32> = self
            .procs
            .values()
            .filter(|p| p.dead.is_none())
            .map(|p| p.ppid)
            .collect();
        self.procs
            .retain(|pid, p| !matches!(p.dead, Some(d) if d <= before) || parents.contains(pid));
        if self.procs.len() > self.max {
            self.procs
                .retain(|pid, p| p.dead.is_none() || parents.contains(pid));
        }
        if self.procs.len() > self.max {
            let mut v: Vec<(Option<EventId>, u32)> =
                self.procs.iter().map(|(pid, p)| (p.launch, *pid)).collect();
            v.sort_unstable();
            let extra = self.procs.len() - self.max;
            for (_, pid) in v.into_iter().take(extra) {
                self.procs.remove(&pid);
            }
        }
    }

    /// The members added to the SYSCALL object of an event of process `pid`
    /// with parent `ppid`.
    pub fn extra<'a>(&'a self, pid: u32, ppid: u32, s: &'a Settings) -> Extra<'a> {
        Extra {
            t: self,
            pid,
            ppid,
            s,
        }
    }
}

/// See [`ProcTable::extra`].
pub struct Extra<'a> {
    t: &'a ProcTable,
    pid: u32,
    ppid: u32,
    s: &'a Settings,
}

fn proc_obj(pid: u32, p: &Proc, with_argv: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"pid\":");
    write::uint(out, u64::from(pid));
    if let Some(id) = p.launch {
        out.extend_from_slice(b",\"ID\":\"");
        write_id(id, out);
        out.push(b'"');
    }
    out.extend_from_slice(b",\"exe\":");
    write::string(out, &p.exe);
    if with_argv {
        out.extend_from_slice(b",\"ARGV\":[");
        for (i, a) in p.argv.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write::string(out, a);
        }
        out.push(b']');
    }
    out.push(b'}');
}

impl SyscallExtra for Extra<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        if self.s.depth > 0 {
            if let Some(p) = self.t.procs.get(&self.ppid) {
                out.extend_from_slice(b",\"PARENT\":");
                proc_obj(self.ppid, p, true, out);
                if self.s.depth > 1 {
                    out.extend_from_slice(b",\"ANCESTORS\":[");
                    let mut at = p.ppid;
                    let mut n = 0;
                    let mut seen = self.ppid;
                    while n + 1 < self.s.depth && at != 0 && at != seen {
                        let Some(a) = self.t.procs.get(&at) else {
                            break;
                        };
                        if n > 0 {
                            out.push(b',');
                        }
                        proc_obj(at, a, false, out);
                        seen = at;
                        at = a.ppid;
                        n += 1;
                    }
                    out.push(b']');
                }
            }
        }
        let Some(me) = self.t.procs.get(&self.pid) else {
            return;
        };
        if me.labels != 0 {
            out.extend_from_slice(b",\"LABELS\":[");
            let mut first = true;
            for (i, l) in self.s.label_names.iter().enumerate() {
                if me.labels & (1 << i) != 0 {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    write::string(out, l.as_bytes());
                }
            }
            out.push(b']');
        }
        if let Some(s) = &me.script {
            out.extend_from_slice(b",\"SCRIPT\":");
            write::string(out, s);
        }
        if let Some(l) = &me.live {
            if let Some(c) = &l.container {
                out.extend_from_slice(b",\"CONTAINER\":");
                write::string(out, c.as_bytes());
            }
            if let Some(u) = &l.unit {
                out.extend_from_slice(b",\"UNIT\":");
                write::string(out, u.as_bytes());
            }
            if !l.env.is_empty() {
                out.extend_from_slice(b",\"ENV\":{");
                for (i, (k, v)) in l.env.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write::key(out, k.as_bytes());
                    write::string(out, v);
                }
                out.push(b'}');
            }
        }
    }
}

/// Container id and systemd unit from the text of `/proc/PID/cgroup`.
pub fn parse_cgroup(text: &[u8]) -> (Option<String>, Option<String>) {
    let mut container = None;
    let mut unit = None;
    for line in text.split(|&b| b == b'\n') {
        // hierarchy-ID:controllers:path
        let Some(path) = line.splitn(3, |&b| b == b':').nth(2) else {
            continue;
        };
        for comp in path.split(|&b| b == b'/') {
            // docker-<64hex>.scope, cri-containerd-<64hex>.scope, libpod-<64hex>, <64hex>
            let c = comp.strip_suffix(b".scope").unwrap_or(comp);
            let tail = match memchr::memrchr(b'-', c) {
                Some(i) => &c[i + 1..],
                None => c,
            };
            if tail.len() == 64 && tail.iter().all(u8::is_ascii_hexdigit) && container.is_none() {
                container = Some(String::from_utf8_lossy(tail).into_owned());
            }
            if (comp.ends_with(b".service") || comp.ends_with(b".scope"))
                && !comp.starts_with(b"docker-")
            {
                unit = Some(String::from_utf8_lossy(comp).into_owned());
            }
        }
    }
    (container, unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(pid: u32, ppid: u32, sc: &'static str, exit: i64, exe: &str) -> SyscallFacts {
        SyscallFacts {
            pid,
            ppid,
            syscall: Some(sc),
            success: true,
            exit,
            exe: exe.as_bytes().to_vec(),
            ..SyscallFacts::default()
        }
    }

    fn id(serial: u64) -> EventId {
        EventId {
            sec: 100,
            milli: 0,
            serial,
        }
    }

    #[test]
    fn fork_exec_exit_and_expiry() {
        let mut s = Settings::default();
        s.set("label-exe", "shell:^/bin/(ba)?sh$").unwrap();
        let mut t = ProcTable::new(0);
        let argv = vec![b"sh".to_vec(), b"x.sh".to_vec()];
        t.observe(
            id(1),
            &facts(10, 1, "execve", 0, "/bin/sh"),
            &argv,
            Some(b"/tmp"),
            &[],
            &s,
            None,
        );
        t.observe(
            id(2),
            &facts(10, 1, "clone", 11, "/bin/sh"),
            &[],
            None,
            &[],
            &s,
            None,
        );
        // an exec of the child reported before the parent's clone stays
        t.observe(
            id(5),
            &facts(12, 10, "execve", 0, "/bin/ls"),
            &[],
            None,
            &[],
            &s,
            None,
        );
        t.observe(
            id(6),
            &facts(10, 1, "clone", 12, "/bin/sh"),
            &[],
            None,
            &[],
            &s,
            None,
        );
        assert_eq!(&*t.get(12).unwrap().exe, b"/bin/ls");
        let p = t.get(11).unwrap();
        assert_eq!(p.ppid, 10);
        assert_eq!(p.labels, 1, "labels propagate to children");
        assert_eq!(
            t.get(10).unwrap().script.as_deref(),
            Some(&b"/tmp/x.sh"[..])
        );
        let mut o = Vec::new();
        t.extra(11, 10, &s).write(&mut o);
        let o = String::from_utf8(o).unwrap();
        assert!(
            o.contains(
                r#""PARENT":{"pid":10,"ID":"100.000:1","exe":"/bin/sh","ARGV":["sh","x.sh"]}"#
            ),
            "{o}"
        );
        assert!(o.contains(r#""LABELS":["shell"]"#), "{o}");
        t.observe(
            id(3),
            &facts(10, 1, "exit_group", 0, "/bin/sh"),
            &[],
            None,
            &[],
            &s,
            None,
        );
        t.expire(200);
        assert!(t.get(10).is_some(), "parent of a live process stays");
        t.observe(
            id(4),
            &facts(11, 10, "exit_group", 0, "/bin/sh"),
            &[],
            None,
            &[],
            &s,
            None,
        );
        t.observe(
            id(7),
            &facts(12, 10, "exit_group", 0, "/bin/ls"),
            &[],
            None,
            &[],
            &s,
            None,
        );
        t.expire(200);
        t.expire(200);
        assert!(t.is_empty());
    }

    #[test]
    fn scripts() {
        let v = |a: &[&str]| a.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(
            script_of(
                b"/usr/bin/python3.11",
                &v(&["python3", "-u", "a.py"]),
                &[],
                Some(b"/w")
            )
            .as_deref(),
            Some(&b"/w/a.py"[..])
        );
        assert_eq!(
            script_of(b"/usr/bin/bash", &v(&["bash", "-c", "ls"]), &[], None),
            None
        );
        assert_eq!(script_of(b"/usr/bin/ls", &v(&["ls", "x"]), &[], None), None);
        assert_eq!(
            script_of(
                b"/usr/bin/dash",
                &v(&["/bin/sh", "./s.sh"]),
                &v(&["./s.sh", "/bin/sh", "/lib64/ld-linux-x86-64.so.2"]),
                Some(b"/w")
            )
            .as_deref(),
            Some(&b"/w/s.sh"[..])
        );
    }

    #[test]
    fn cgroups() {
        let (c, u) = parse_cgroup(b"0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n");
        assert_eq!(
            c.as_deref(),
            Some("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        );
        assert_eq!(u, None);
        let (c, u) = parse_cgroup(b"0::/system.slice/cron.service\n");
        assert_eq!((c, u.as_deref()), (None, Some("cron.service")));
    }
}
