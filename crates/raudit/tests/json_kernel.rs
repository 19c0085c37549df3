//! The daemon's JSON sink on the real kernel: process ancestry (a shell that
//! forks and runs a script through an interpreter, in a new cgroup named like a
//! container), and status objects reporting kernel loss (forced with
//! `-b 64 --backlog_wait_time 0` and a burst while the daemon is stopped).
//! Rules match only this test's processes (a loginuid of their own); the kernel
//! guard restores everything.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::daemon::{auditctl, read, registered, start_raudit, tmpdir, write_conf};
use common::json::{argv, json_lines_so_far};
use common::kernel::{guard, nix_kill, wait_for};

#[test]
fn ancestry_script_cgroup_env_labels() {
    let Some(mut g) = guard("json_kernel::ancestry") else {
        return;
    };
    let d = g.own(tmpdir("json-anc"));
    std::fs::write(
        d.join("settings"),
        "label-exe = shell:/(ba|da)?sh$\ndepth = 3\n",
    )
    .unwrap();
    write_conf(
        &d,
        &format!(
            "raudit_json_output = {}\nraudit_json_status_interval = 1\nraudit_json_settings = {}\n",
            d.join("json.log").display(),
            d.join("settings").display()
        ),
    );
    let pid = start_raudit(&mut g, &d, &[]);
    assert!(wait_for(|| registered(pid), Duration::from_secs(5)));
    auditctl(&[
        "-a",
        "always,exit",
        "-F",
        "arch=b64",
        "-S",
        "execve,clone,fork,vfork,exit_group",
        "-F",
        "auid=4242",
        "-k",
        "jsontest",
    ]);
    let script = d.join("script.sh");
    std::fs::write(
        &script,
        "sleep 1\nls / > /dev/null\necho done > /dev/null\n",
    )
    .unwrap();
    let py = d.join("script.py");
    std::fs::write(&py, "import time\ntime.sleep(1)\n").unwrap();
    let id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let cg = Path::new("/sys/fs/cgroup/pids").join(format!("docker-{id}.scope"));
    let have_cg = std::fs::create_dir_all(&cg).is_ok();
    if !have_cg {
        eprintln!("SKIP container id part: cannot create {}", cg.display());
    }
    let cg_join = if have_cg {
        format!("echo $$ > {}/cgroup.procs && ", cg.display())
    } else {
        String::new()
    };
    let inner = format!(
        "LD_LIBRARY_PATH=/raudit-test-lib sh {}; python3 {} || true",
        script.display(),
        py.display()
    );
    let st = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "echo 4242 > /proc/self/loginuid && {cg_join}exec sh -c '{inner}'"
        ))
        .current_dir(&d)
        .status()
        .unwrap();
    assert!(st.success());
    auditctl(&["-D"]);
    let json = d.join("json.log");
    let found = |want: &dyn Fn(&serde_json::Value) -> bool| {
        json_lines_so_far(&json).into_iter().find(|e| want(e))
    };
    let is_script = |e: &serde_json::Value| {
        argv(&e["EXECVE"]["ARGV"]).get(1).map(String::as_str) == Some(script.to_str().unwrap())
    };
    assert!(
        wait_for(
            || found(&is_script).is_some()
                && found(&|e| argv(&e["EXECVE"]["ARGV"]) == ["ls", "/"]).is_some(),
            Duration::from_secs(10)
        ),
        "no exec events in the JSON stream:\n{}",
        read(&json)
    );
    let sc = found(&is_script).unwrap();
    let s = &sc["SYSCALL"];
    assert_eq!(s["SCRIPT"].as_str(), script.to_str(), "{sc}");
    assert!(
        s["PARENT"]["exe"]
            .as_str()
            .is_some_and(|e| e.ends_with("sh")),
        "{sc}"
    );
    assert_eq!(
        argv(&s["PARENT"]["ARGV"])[..2],
        ["sh".to_string(), "-c".to_string()],
        "{sc}"
    );
    assert!(s["PARENT"]["ID"].is_string(), "{sc}");
    assert!(argv(&s["LABELS"]).contains(&"shell".to_string()), "{sc}");
    assert_eq!(
        s["ENV"]["LD_LIBRARY_PATH"].as_str(),
        Some("/raudit-test-lib"),
        "{sc}"
    );
    if have_cg {
        assert_eq!(s["CONTAINER"].as_str(), Some(id), "{sc}");
    }
    // ls, started by the script's shell: its parent is the script, with that exec's ID
    let ls = found(&|e| argv(&e["EXECVE"]["ARGV"]) == ["ls", "/"]).unwrap();
    let p = &ls["SYSCALL"]["PARENT"];
    assert_eq!(
        argv(&p["ARGV"]),
        ["sh".to_string(), script.display().to_string()],
        "{ls}"
    );
    assert_eq!(p["ID"], sc["ID"], "{ls}");
    let anc = ls["SYSCALL"]["ANCESTORS"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!anc.is_empty(), "{ls}");
    assert!(
        argv(&ls["SYSCALL"]["LABELS"]).contains(&"shell".to_string()),
        "labels propagate: {ls}"
    );
    if Command::new("python3")
        .arg("-c")
        .arg("1")
        .status()
        .is_ok_and(|s| s.success())
    {
        let pyev = found(&|e| e["SYSCALL"]["SCRIPT"].as_str() == py.to_str());
        assert!(
            pyev.is_some(),
            "no event with the python script:\n{}",
            read(&json)
        );
    }
    if have_cg {
        let _ = std::fs::remove_dir(&cg);
    }
}

#[test]
fn status_objects_report_kernel_loss() {
    let Some(mut g) = guard("json_kernel::status") else {
        return;
    };
    let d = g.own(tmpdir("json-lost"));
    write_conf(
        &d,
        &format!(
            "raudit_json_output = {}\nraudit_json_status_interval = 1\n",
            d.join("json.log").display()
        ),
    );
    let pid = start_raudit(&mut g, &d, &[]);
    assert!(wait_for(|| registered(pid), Duration::from_secs(5)));
    auditctl(&["-b", "64", "--backlog_wait_time", "0"]);
    auditctl(&[
        "-a",
        "always,exit",
        "-F",
        "arch=b64",
        "-S",
        "getppid",
        "-F",
        "auid=4243",
        "-k",
        "burst",
    ]);
    // The daemon stopped: its 32 MiB receive buffer fills first (~700 bytes
    // an event), then the kernel's backlog of 64, and with no wait time the
    // kernel drops. 200,000 events overflow the buffer several times, so the
    // loss does not depend on kauditd being starved of CPU (a quiet machine
    // drains 3,000 events into the buffer without losing any).
    nix_kill(pid, libc::SIGSTOP);
    let st = Command::new("sh")
        .arg("-c")
        .arg("echo 4243 > /proc/self/loginuid && exec perl -e 'getppid() for 1..200000'")
        .status()
        .unwrap();
    nix_kill(pid, libc::SIGCONT);
    assert!(st.success());
    auditctl(&["-D"]);
    let json = d.join("json.log");
    let lost = || {
        json_lines_so_far(&json)
            .iter()
            .filter_map(|e| e["RAUDIT_STATUS"]["kernel_lost"].as_u64())
            .max()
            .unwrap_or(0)
    };
    assert!(
        wait_for(|| lost() > 0, Duration::from_secs(10)),
        "no status object with kernel_lost > 0:\n{}",
        read(&json)
            .lines()
            .filter(|l| l.contains("RAUDIT_STATUS"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let last = json_lines_so_far(&json)
        .into_iter()
        .rfind(|e| e.get("RAUDIT_STATUS").is_some())
        .unwrap();
    for k in [
        "kernel_lost",
        "sequence_gaps",
        "enobufs",
        "filtered",
        "overflow",
    ] {
        assert!(
            last["RAUDIT_STATUS"].get(k).is_some(),
            "{k} missing: {last}"
        );
    }
    assert!(
        last["RAUDIT_STATUS"]["overflow"].get("json").is_some(),
        "{last}"
    );
}
