//! Live process information from /proc: seeding the process table at start and
//! the cgroup/environment of a process at exec time.

use raudit_json::ptable::{parse_cgroup, LiveInfo, Proc, ProcSource, ProcTable};
use raudit_json::Settings;

/// Reads /proc (see the module documentation).
#[derive(Debug, Default)]
pub struct ProcFs;

fn read(pid: u32, what: &str) -> Option<Vec<u8>> {
    std::fs::read(format!("/proc/{pid}/{what}")).ok()
}

fn live_info(pid: u32, env: &[String]) -> Option<LiveInfo> {
    let cg = read(pid, "cgroup")?;
    let (container, unit) = parse_cgroup(&cg);
    let mut vars = Vec::new();
    if !env.is_empty() {
        if let Some(e) = read(pid, "environ") {
            for kv in e.split(|&b| b == 0) {
                let Some(eq) = memchr::memchr(b'=', kv) else {
                    continue;
                };
                let k = &kv[..eq];
                if let Some(name) = env.iter().find(|n| n.as_bytes() == k) {
                    vars.push((name.clone(), kv[eq + 1..].to_vec()));
                }
            }
        }
    }
    Some(LiveInfo {
        container,
        unit,
        env: vars,
    })
}

impl ProcSource for ProcFs {
    fn live(&mut self, pid: u32, env: &[String]) -> Option<LiveInfo> {
        live_info(pid, env)
    }
}

/// Fills `t` with the processes running now (threads excluded).
pub fn seed(t: &mut ProcTable, s: &Settings) {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return;
    };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Some(stat) = read(pid, "stat") else {
            continue;
        };
        // pid (comm) state ppid …: comm may hold spaces and parentheses
        let Some(close) = memchr::memrchr(b')', &stat) else {
            continue;
        };
        let ppid = stat[close + 1..]
            .split(|&b| b == b' ')
            .filter(|w| !w.is_empty())
            .nth(1)
            .and_then(|w| std::str::from_utf8(w).ok()?.parse().ok())
            .unwrap_or(0);
        let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
            .map(|p| {
                use std::os::unix::ffi::OsStrExt;
                p.as_os_str().as_bytes().to_vec()
            })
            .unwrap_or_default();
        let argv: Vec<Box<[u8]>> = read(pid, "cmdline")
            .map(|c| {
                let c = c.strip_suffix(b"\0").unwrap_or(&c).to_vec();
                c.split(|&b| b == 0)
                    .take(64)
                    .map(|a| a[..a.len().min(1024)].into())
                    .collect()
            })
            .unwrap_or_default();
        let p = Proc {
            ppid,
            exe: exe.into(),
            argv: argv.into(),
            live: live_info(pid, &s.env),
            ..Proc::default()
        };
        t.seed(pid, p, s);
    }
}
