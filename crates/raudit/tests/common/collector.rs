//! Remote-logging collectors for the `raudit remote` and `raudit daemon`
//! listener tests: a `raudit daemon` collector (`local_events = no`, so no
//! kernel and no kernel lock) in a test directory, free TCP ports and
//! waiting for a port to listen.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::daemon::read;
use super::kernel::{nix_kill, wait_for};

/// A TCP port nothing listens on now (any address, IPv6 where it exists).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("[::]:0")
        .or_else(|_| std::net::TcpListener::bind("0.0.0.0:0"))
        .unwrap();
    l.local_addr().unwrap().port()
}

/// Polls until something accepts connections on `127.0.0.1:port`.
pub fn wait_port(port: u16, limit: Duration) -> bool {
    wait_for(|| TcpStream::connect(("127.0.0.1", port)).is_ok(), limit)
}

/// The start of every collector's `auditd.conf` (then `log_file`,
/// `tcp_listen_port` and the test's own lines).
pub const BASE_CONF: &str = "local_events = no\nlog_format = RAW\nflush = none\nspace_left = 75\nadmin_space_left = 50\nuse_libwrap = no\n";

/// A collector in the background: `raudit daemon -n` with its configuration
/// in `DIR/conf`, its log `DIR/audit.log`, messages appended to
/// `DIR/stderr`; or any other process serving the port ([`Collector::adopt`]).
/// Killed (SIGKILL) on drop if still running.
pub struct Collector {
    /// The process, until stopped.
    pub child: Option<Child>,
    /// The test directory.
    pub dir: PathBuf,
    /// The port it listens on.
    pub port: u16,
}

impl Collector {
    /// A `raudit daemon` collector on a free port.
    pub fn start(dir: &Path, extra: &str) -> Collector {
        let port = free_port();
        Self::start_on(dir, port, extra)
    }

    /// A `raudit daemon` collector on `port`.
    pub fn start_on(dir: &Path, port: u16, extra: &str) -> Collector {
        Self::start_env(dir, port, extra, &[])
    }

    /// A `raudit daemon` collector on `port` with more environment; returns
    /// once it logged "Init complete" (again, when restarted in `dir`).
    pub fn start_env(dir: &Path, port: u16, extra: &str, env: &[(&str, &str)]) -> Collector {
        let conf = dir.join("conf");
        std::fs::create_dir_all(&conf).unwrap();
        std::fs::write(
            conf.join("auditd.conf"),
            format!(
                "{BASE_CONF}log_file = {}/audit.log\ntcp_listen_port = {port}\n{extra}",
                dir.display()
            ),
        )
        .unwrap();
        let err = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("stderr"))
            .unwrap();
        let before = read(&dir.join("stderr")).matches("Init complete").count();
        let child = Command::new(env!("CARGO_BIN_EXE_raudit"))
            .args(["daemon", "-n", "-c"])
            .arg(&conf)
            .arg("--pid-file")
            .arg(dir.join("pid"))
            .arg("--state-file")
            .arg(dir.join("state"))
            .env("RAUDIT_DAEMON_STDERR", "1")
            .env("RAUDIT_DAEMON_INIT", "/bin/false")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .expect("spawn raudit daemon");
        let errf = dir.join("stderr");
        assert!(
            wait_for(
                || read(&errf).matches("Init complete").count() > before,
                Duration::from_secs(10)
            ),
            "collector did not start: {}",
            read(&errf)
        );
        Collector {
            child: Some(child),
            dir: dir.to_path_buf(),
            port,
        }
    }

    /// Another collector process (already started) serving `port`, its log
    /// at `DIR/audit.log`; waits until the port listens.
    pub fn adopt(child: Child, dir: &Path, port: u16) -> Collector {
        let c = Collector {
            child: Some(child),
            dir: dir.to_path_buf(),
            port,
        };
        assert!(
            wait_port(port, Duration::from_secs(10)),
            "collector did not start"
        );
        c
    }

    /// `DIR/audit.log`.
    pub fn log(&self) -> String {
        read(&self.dir.join("audit.log"))
    }

    /// `DIR/stderr`.
    pub fn stderr(&self) -> String {
        read(&self.dir.join("stderr"))
    }

    /// Whether the process still runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// A connection to it (10 s read timeout).
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// SIGKILL and wait.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM and wait (panics if it is still running after 5 s).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            nix_kill(c.id() as i32, libc::SIGTERM);
            let t = Instant::now();
            while t.elapsed() < Duration::from_secs(5) {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = c.kill();
            let _ = c.wait();
            panic!("collector did not stop on SIGTERM");
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.kill();
    }
}
