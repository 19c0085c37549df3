//! Helpers for the `raudit daemon` tests on the real kernel: a private
//! directory with `conf/auditd.conf` and `log/`, starting the daemon in the
//! foreground-less `-n` mode under a [`KernelGuard`] (which stops it), and
//! `auditctl`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::kernel::{wait_for, KernelGuard};
use super::tmp::TempDir;

/// A fresh `$TMPDIR/raudit-dk-TAG-PID` with `log/` and `conf/`, removed on
/// drop (hand it to [`KernelGuard::own`] when a daemon writes into it).
pub fn tmpdir(tag: &str) -> TempDir {
    TempDir::with_subdirs(&format!("dk-{tag}"), &["log", "conf"])
}

/// `conf/auditd.conf`: the log in `log/`, small space limits, then `extra`.
pub fn write_conf(d: &Path, extra: &str) {
    write_conf_log(
        d,
        &d.join("log/audit.log"),
        "space_left = 75\nadmin_space_left = 50\n",
        extra,
    );
}

/// `conf/auditd.conf` with the log at `log` and the given space lines.
pub fn write_conf_log(d: &Path, log: &Path, space: &str, extra: &str) {
    std::fs::write(
        d.join("conf/auditd.conf"),
        format!("log_file = {}\n{space}{extra}", log.display()),
    )
    .unwrap();
}

/// A file's text ("" when missing).
pub fn read(p: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned()
}

/// Starts `raudit daemon -n -c DIR/conf` with its pid and state files in
/// `d`, messages on stderr (appended to `d/stderr`), `single`/`halt`
/// running `RAUDIT_DAEMON_INIT` = `d/init` when it exists (else
/// /bin/false). Waits for the pid file; returns the daemon's pid.
pub fn start_raudit(g: &mut KernelGuard, d: &Path, extra: &[&str]) -> i32 {
    let pidf = d.join("pid");
    let _ = std::fs::remove_file(&pidf);
    let err = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(d.join("stderr"))
        .unwrap();
    let init = d.join("init");
    let child = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["daemon", "-n", "-c"])
        .arg(d.join("conf"))
        .arg("--pid-file")
        .arg(&pidf)
        .arg("--state-file")
        .arg(d.join("state"))
        .args(extra)
        .env("RAUDIT_DAEMON_STDERR", "1")
        .env(
            "RAUDIT_DAEMON_INIT",
            if init.exists() {
                init.as_os_str()
            } else {
                "/bin/false".as_ref()
            },
        )
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stderr(err)
        .spawn()
        .expect("spawn raudit daemon");
    g.children.push(child);
    assert!(
        wait_for(|| pidf.exists(), Duration::from_secs(5)),
        "no pid file; stderr:\n{}",
        read(&d.join("stderr"))
    );
    std::fs::read_to_string(&pidf)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Whether the kernel's audit pid is `pid`.
pub fn registered(pid: i32) -> bool {
    raudit_netlink::AuditSocket::open()
        .and_then(|mut s| s.get_status())
        .map(|s| s.pid)
        .ok()
        == Some(pid as u32)
}

/// `raudit daemon --status` for the daemon started in `d`.
pub fn status(d: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(["daemon", "--status", "--pid-file"])
        .arg(d.join("pid"))
        .arg("--state-file")
        .arg(d.join("state"))
        .output()
        .expect("raudit daemon --status");
    assert!(
        out.status.success(),
        "--status failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs auditctl; panics unless it succeeds.
pub fn auditctl(args: &[&str]) {
    let st = Command::new("auditctl")
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("auditctl");
    assert!(st.success(), "auditctl {args:?}");
}
