//! `raudit json --plugin` as a plugin of the real auditd 3.0.9 (as Laurel runs):
//! a plugins.d entry with `args = json --plugin=CONF`, in every combination of the
//! plugin `format` (string, binary) and auditd's `log_format` (RAW sends the
//! kernel's payload, protocol 0; ENRICHED the formatted record, protocol 1).
//!
//! A shell with a loginuid of its own (the rules match only it) execs, forks a
//! subshell that writes a watched file, and runs `/bin/true`; the JSON lines must
//! hold those events with decoded fields, `SYSCALL`/`PATH`/`CWD` objects and
//! `PARENT` ancestry (the exec event's ID for the shell's children). auditd is
//! stopped with SIGTERM right after the last record reached its log, so the
//! events still in flight must be written at shutdown, followed by the final
//! status object (written only on a clean exit). In the first run auditd is also
//! sent SIGHUP (it passes SIGHUP to its plugins) after the output file was moved
//! away: the same plugin process reopens its output and goes on.
//!
//! The kernel guard holds the lock, skips loudly and restores the audit state.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::daemon::{auditctl, read, registered};
use common::json::{argv, json_lines};
use common::kernel::{guard, nix_kill, wait_for};
use common::tmp::TempDir;

const AUDITD: &str = "/sbin/auditd";
const AUID: &str = "4343";

/// The pids of `parent`'s children whose exe is `exe`.
fn children_running(parent: u32, exe: &Path) -> Vec<u32> {
    let mut v = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        let ppid = stat
            .rsplit_once(") ")
            .and_then(|(_, r)| r.split(' ').nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(parent)
            && std::fs::read_link(e.path().join("exe")).ok().as_deref() == Some(exe)
        {
            v.push(pid);
        }
    }
    v
}

fn alive(pid: u32) -> bool {
    // a zombie counts as gone
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.rsplit_once(") ").is_some_and(|(_, r)| r.starts_with('Z')))
        .unwrap_or(false)
}

/// Runs the shell the rules match; returns the inner shell's command line.
fn act(d: &Path, watched: &Path, marker: &str) {
    let inner = format!("(echo hi > {}); /bin/true {marker}", watched.display());
    let st = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!(
            "echo {AUID} > /proc/self/loginuid && exec /bin/sh -c '{inner}'"
        ))
        .current_dir(d)
        .status()
        .unwrap();
    assert!(st.success());
}

/// Checks the three events of one `act` in `ev`.
fn check_act(ev: &[serde_json::Value], watched: &Path, marker: &str, ctx: &str) {
    let inner = format!("(echo hi > {}); /bin/true {marker}", watched.display());
    let want_sh = ["/bin/sh".to_string(), "-c".to_string(), inner.clone()];
    let exec = ev
        .iter()
        .find(|e| argv(&e["EXECVE"]["ARGV"]) == want_sh)
        .unwrap_or_else(|| panic!("{ctx}: no exec event of the shell in\n{ev:#?}"));
    let s = &exec["SYSCALL"];
    assert_eq!(s["SYSCALL"], "execve", "{ctx}: {exec}");
    assert_eq!(s["ARCH"], "x86_64", "{ctx}: {exec}");
    assert_eq!(s["key"], "raudit_jp_x", "{ctx}: {exec}");
    assert_eq!(s["auid"], AUID.parse::<u64>().unwrap(), "{ctx}: {exec}");
    assert_eq!(s["success"], "yes", "{ctx}: {exec}");
    assert!(
        s["exe"].as_str().is_some_and(|e| e.ends_with("sh")),
        "{ctx}: {exec}"
    );
    assert!(exec["CWD"]["cwd"].is_string(), "{ctx}: {exec}");
    assert!(exec["PATH"].is_array(), "{ctx}: {exec}");
    // (the kernel takes the title before the new program sets it)
    assert_eq!(
        argv(&exec["PROCTITLE"]["ARGV"])[0],
        "/bin/sh",
        "{ctx}: {exec}"
    );
    // its parent is this test process, known from /proc at the plugin's start
    assert_eq!(
        s["PARENT"]["pid"],
        u64::from(std::process::id()),
        "{ctx}: {exec}"
    );
    let me = std::env::current_exe().unwrap();
    assert_eq!(s["PARENT"]["exe"].as_str(), me.to_str(), "{ctx}: {exec}");
    let exec_id = exec["ID"].as_str().expect("ID");
    let sh_pid = &s["pid"];

    // the subshell (a fork of the shell) writes the watched file
    let w = ev
        .iter()
        .find(|e| {
            e["SYSCALL"]["key"] == "raudit_jp_w"
                && e["PATH"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|p| p["name"].as_str() == watched.to_str()))
        })
        .unwrap_or_else(|| panic!("{ctx}: no watch event in\n{ev:#?}"));
    let ws = &w["SYSCALL"];
    assert_eq!(&ws["ppid"], sh_pid, "{ctx}: {w}");
    assert_ne!(&ws["pid"], sh_pid, "{ctx}: {w}");
    assert_eq!(ws["PARENT"]["ID"], exec_id, "{ctx}: {w}");
    assert_eq!(argv(&ws["PARENT"]["ARGV"]), want_sh, "{ctx}: {w}");
    assert!(
        ws["SYSCALL"]
            .as_str()
            .is_some_and(|s| s.starts_with("open") || s == "creat"),
        "{ctx}: {w}"
    );
    let p = w["PATH"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str() == watched.to_str())
        .unwrap();
    assert!(p["inode"].is_u64(), "{ctx}: {w}");
    assert!(p["mode"].is_string(), "{ctx}: {w}");
    assert_eq!(p["OUID"], "root", "{ctx}: {w}");
    // the ancestors: the shell's parent (this process)
    assert_eq!(
        ws["ANCESTORS"][0]["pid"],
        u64::from(std::process::id()),
        "{ctx}: {w}"
    );

    // /bin/true, started by the shell
    let t = ev
        .iter()
        .find(|e| argv(&e["EXECVE"]["ARGV"]) == ["/bin/true", marker])
        .unwrap_or_else(|| panic!("{ctx}: no exec event of /bin/true in\n{ev:#?}"));
    assert_eq!(t["SYSCALL"]["PARENT"]["ID"], exec_id, "{ctx}: {t}");
    assert_eq!(&t["SYSCALL"]["ppid"], sh_pid, "{ctx}: {t}");
}

fn run(format: &str, log_format: &str, hup: bool) {
    let tag = format!("{format}-{}", log_format.to_lowercase());
    let Some(mut g) = guard(&format!("json_plugin_auditd::{tag}")) else {
        return;
    };
    let d = g.own(TempDir::with_subdirs(
        &format!("jpa-{tag}"),
        &["log", "conf", "plugins"],
    ));
    let out = d.join("out.json");
    let watched = d.join("watched");
    std::fs::write(&watched, "").unwrap();
    std::fs::write(
        d.join("conf/auditd.conf"),
        format!(
            "log_file = {}\nlog_format = {log_format}\nspace_left = 75\nadmin_space_left = 50\nplugin_dir = {}\n",
            d.join("log/audit.log").display(),
            d.join("plugins").display()
        ),
    )
    .unwrap();
    let pconf = d.join("json-plugin.conf");
    std::fs::write(
        &pconf,
        format!(
            "# raudit json --plugin settings\noutput = {}\nstatus_interval = 0\ndepth = 3\n",
            out.display()
        ),
    )
    .unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_raudit"));
    let entry = d.join("plugins/raudit-json.conf");
    std::fs::write(
        &entry,
        format!(
            "active = yes\ndirection = out\npath = {}\ntype = always\nargs = json --plugin={}\nformat = {format}\n",
            bin.display(),
            pconf.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o640)).unwrap();
    let err = d.join("auditd.err");
    let child = Command::new(AUDITD)
        .args(["-n", "-c"])
        .arg(d.join("conf"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("auditd");
    let apid = child.id();
    g.children.push(child);
    assert!(
        wait_for(|| registered(apid as i32), Duration::from_secs(5)),
        "{tag}: auditd did not register:\n{}",
        read(&err)
    );
    let mut plugin = Vec::new();
    assert!(
        wait_for(
            || {
                plugin = children_running(apid, &bin);
                plugin.len() == 1 && out.exists()
            },
            Duration::from_secs(5)
        ),
        "{tag}: the plugin did not start ({plugin:?}):\n{}",
        read(&err)
    );
    let ppid = plugin[0];
    // the plugin seeds its process table from /proc before it reads stdin
    auditctl(&[
        "-a",
        "always,exit",
        "-F",
        "arch=b64",
        "-S",
        "execve,clone,fork,vfork,exit_group",
        "-F",
        &format!("auid={AUID}"),
        "-k",
        "raudit_jp_x",
    ]);
    auditctl(&[
        "-w",
        watched.to_str().unwrap(),
        "-p",
        "wa",
        "-k",
        "raudit_jp_w",
    ]);
    let log = d.join("log/audit.log");
    let me = std::process::id();
    if hup {
        let m0 = format!("raudit-jpa-0-{me}");
        act(&d, &watched, &m0);
        assert!(
            wait_for(|| read(&out).contains(&m0), Duration::from_secs(5)),
            "{tag}: first act not written:\n{}",
            read(&out)
        );
        std::fs::rename(&out, d.join("out.json.1")).unwrap();
        assert_eq!(nix_kill(apid as i32, libc::SIGHUP), 0);
        assert!(
            wait_for(|| out.exists(), Duration::from_secs(5)),
            "{tag}: the plugin did not reopen its output on SIGHUP:\n{}",
            read(&err)
        );
        assert!(alive(ppid), "{tag}: the plugin died on SIGHUP");
        assert_eq!(
            children_running(apid, &bin),
            [ppid],
            "{tag}: plugin restarted"
        );
        check_act(&json_lines(&d.join("out.json.1")), &watched, &m0, &tag);
    }
    let marker = format!("raudit-jpa-{tag}-{me}");
    act(&d, &watched, &marker);
    auditctl(&["-D"]);
    // auditd has logged the last record: stop it at once (nothing may be lost)
    assert!(
        wait_for(
            || read(&log).contains(&format!("a1=\"{marker}\"")) || read(&log).contains(&marker),
            Duration::from_secs(5)
        ),
        "{tag}: the marker is not in auditd's log"
    );
    assert_eq!(nix_kill(apid as i32, libc::SIGTERM), 0);
    let mut c = g.children.pop().unwrap();
    assert!(
        wait_for(
            || matches!(c.try_wait(), Ok(Some(_))),
            Duration::from_secs(10)
        ),
        "{tag}: auditd did not stop"
    );
    assert!(
        wait_for(|| !alive(ppid), Duration::from_secs(5)),
        "{tag}: the plugin did not exit after auditd's SIGTERM"
    );
    let ev = json_lines(&out);
    check_act(&ev, &watched, &marker, &tag);
    let last = ev.last().unwrap();
    assert!(
        last["RAUDIT_STATUS"]["time"].is_u64(),
        "{tag}: no final status object (unclean exit?): {last}"
    );
    let e = read(&err);
    assert!(!e.contains("raudit json"), "{tag}: plugin errors:\n{e}");
    eprintln!(
        "{tag}: {} JSON lines, plugin exited cleanly after auditd's SIGTERM",
        ev.len()
    );
    drop(g);
    let _ = std::fs::remove_dir_all(&d);
}

fn have_auditd(test: &str) -> bool {
    let ok = Path::new(AUDITD).exists();
    if !ok {
        eprintln!("SKIP {test}: {AUDITD} is not installed");
    }
    ok
}

#[test]
fn string_enriched_and_sighup() {
    if have_auditd("json_plugin_auditd::string_enriched") {
        run("string", "ENRICHED", true);
    }
}

#[test]
fn string_raw() {
    if have_auditd("json_plugin_auditd::string_raw") {
        run("string", "RAW", false);
    }
}

#[test]
fn binary_raw_protocol_0() {
    if have_auditd("json_plugin_auditd::binary_raw") {
        run("binary", "RAW", false);
    }
}

#[test]
fn binary_enriched_protocol_1() {
    if have_auditd("json_plugin_auditd::binary_enriched") {
        run("binary", "ENRICHED", false);
    }
}
