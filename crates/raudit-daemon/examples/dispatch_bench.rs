//! Dispatcher throughput, without the kernel: N synthetic records (a real
//! SYSCALL record's size) pushed through the plugin dispatcher to plugins
//! that read everything (`cat > /dev/null`), in string and binary format,
//! plus one stalled plugin that only overflows. Prints the handler-side
//! cost per record (what the daemon's event thread pays) and the time until
//! every record reached the reading plugins. Run by `bench/dispatch.sh`.
//!
//! Needs root (plugin files must be root-owned, as auditd requires).

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use raudit_daemon::config::{Config, OverflowAction};
use raudit_daemon::dispatch::Dispatcher;
use raudit_daemon::sink::{Record, Sink};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(500_000);
    let dir = std::env::temp_dir().join(format!("raudit-dispatch-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("plugins")).expect("temp dir");
    let sink = dir.join("sink");
    std::fs::write(&sink, "#!/bin/sh\nexec cat > /dev/null\n").unwrap();
    let stall = dir.join("stall");
    std::fs::write(&stall, "#!/bin/sh\nexec sleep 600\n").unwrap();
    for p in [&sink, &stall] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o750)).unwrap();
    }
    for (name, exe, format) in [
        ("string.conf", &sink, "string"),
        ("binary.conf", &sink, "binary"),
        ("stalled.conf", &stall, "string"),
    ] {
        let f = dir.join("plugins").join(name);
        std::fs::write(
            &f,
            format!(
                "active = yes\npath = {}\nformat = {format}\n",
                exe.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let cfg = Config {
        plugin_dir: dir.join("plugins").to_string_lossy().into_owned(),
        q_depth: 2000,
        overflow_action: OverflowAction::Ignore,
        ..Config::default()
    };
    raudit_daemon::log::quiet();
    let mut d = Dispatcher::new(&cfg);
    let payload = b"audit(1700000000.123:4242): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd5e4c2f10 a2=80241 a3=1b6 items=2 ppid=1234 pid=5678 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"bash\" exe=\"/usr/bin/bash\" subj=unconfined key=\"bench\"";
    let mut handler = Duration::ZERO;
    let t0 = Instant::now();
    let mut pushed = 0u64;
    while pushed < n {
        let t = Instant::now();
        for _ in 0..1000 {
            d.record(&Record {
                rtype: 1300,
                raw: payload,
                text: b"",
                formatted: false,
            });
        }
        handler += t.elapsed();
        pushed += 1000;
        // Stay under q_depth for the reading plugins: wait while their
        // queues are more than half full (the stalled one just overflows).
        loop {
            let mut s = String::new();
            d.state(&mut s);
            let busy = s.lines().any(|l| {
                (l.starts_with("plugin string.conf") || l.starts_with("plugin binary.conf"))
                    && l.split("queue depth ")
                        .nth(1)
                        .and_then(|v| v.split(',').next())
                        .and_then(|v| v.parse::<u64>().ok())
                        .is_some_and(|q| q > 1000)
            });
            if !busy {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    // Until both reading plugins got everything.
    let delivered = |d: &Dispatcher| -> (u64, u64, String) {
        let mut s = String::new();
        d.state(&mut s);
        let get = |name: &str, word: &str| -> u64 {
            s.lines()
                .find(|l| l.starts_with(&format!("plugin {name} ")))
                .and_then(|l| l.split(&format!("{word} ")).nth(1))
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0)
        };
        (
            get("string.conf", "delivered"),
            get("binary.conf", "delivered"),
            s,
        )
    };
    loop {
        let (a, b, _) = delivered(&d);
        if a >= n && b >= n {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let total = t0.elapsed();
    let (_, _, state) = delivered(&d);
    d.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
    println!("records                  {n}");
    println!(
        "handler cost             {:.0} ns/record ({:.2} M records/s on the event thread)",
        handler.as_nanos() as f64 / n as f64,
        n as f64 / handler.as_secs_f64() / 1e6
    );
    println!(
        "delivered to 2 plugins   {:.2} s ({:.0} records/s each; string lines + 8986-byte binary frames)",
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64()
    );
    for l in state.lines().filter(|l| l.starts_with("plugin ")) {
        println!("  {l}");
    }
}
