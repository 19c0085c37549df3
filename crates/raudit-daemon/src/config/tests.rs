//! One test (or more) per option: default, accepted values, auditd's message
//! for a bad value.

use super::*;
use std::collections::HashMap;

#[derive(Default)]
struct Fake {
    files: HashMap<String, FileInfo>,
    no_dir: Vec<String>,
}

impl Env for Fake {
    fn open_dir(&self, dir: &Path) -> Result<(), i32> {
        if self.no_dir.iter().any(|d| Path::new(d) == dir) {
            Err(libc::ENOENT)
        } else {
            Ok(())
        }
    }
    fn stat_existing(&self, path: &Path) -> Result<Option<FileInfo>, i32> {
        Ok(self.files.get(&*path.to_string_lossy()).copied())
    }
    fn stat(&self, path: &Path) -> Result<FileInfo, i32> {
        self.files
            .get(&*path.to_string_lossy())
            .copied()
            .ok_or(libc::ENOENT)
    }
    fn group_id(&self, name: &str) -> Option<u32> {
        (name == "adm").then_some(4)
    }
    fn executable(&self, _path: &Path) -> bool {
        false
    }
    fn resolve_mail_host(&self, host: &str) -> Result<(), Option<String>> {
        if host == "example.com" {
            Ok(())
        } else {
            Err(Some("Name or service not known".into()))
        }
    }
}

const BASE: &str = "space_left = 75\nadmin_space_left = 50\n";

fn ok_with(env: &Fake, extra: &str) -> Config {
    let text = format!("{BASE}{extra}");
    match parse(text.as_bytes(), "/x/auditd.conf", env) {
        Ok(l) => l.config,
        Err(e) => panic!("refused: {:?}", e.msgs),
    }
}

fn ok(extra: &str) -> Config {
    ok_with(&Fake::default(), extra)
}

/// The error messages (level Err) of a refused file.
fn refused_with(env: &Fake, extra: &str) -> Vec<String> {
    let text = format!("{BASE}{extra}");
    match parse(text.as_bytes(), "/x/auditd.conf", env) {
        Ok(l) => panic!("accepted: {:?}", l.config),
        Err(e) => e
            .msgs
            .into_iter()
            .filter(|m| m.level <= Level::Err)
            .map(|m| m.text)
            .collect(),
    }
}

fn refused(extra: &str) -> Vec<String> {
    refused_with(&Fake::default(), extra)
}

fn last_err(extra: &str) -> String {
    refused(extra).pop().unwrap_or_default()
}

#[test]
fn defaults_match_auditd() {
    let c = Config::default();
    assert!(c.local_events && c.write_logs && c.verify_email && c.use_libwrap);
    assert_eq!(c.log_file, PathBuf::from("/var/log/audit/audit.log"));
    assert_eq!(c.log_format, LogFormat::Enriched);
    assert_eq!((c.log_group, c.priority_boost), (0, 4));
    assert_eq!((c.flush, c.freq, c.num_logs), (Flush::None, 0, 0));
    assert_eq!(c.name_format, NameFormat::None);
    assert_eq!(
        (c.max_log_file, c.max_log_file_action),
        (0, SizeAction::Ignore)
    );
    assert_eq!(c.space_left_action, FailureAction::Ignore);
    assert_eq!(c.admin_space_left_action, FailureAction::Ignore);
    assert_eq!(c.disk_full_action, FailureAction::Ignore);
    assert_eq!(c.disk_error_action, FailureAction::Syslog);
    assert_eq!(c.action_mail_acct, "root");
    assert_eq!(
        (c.tcp_listen_port, c.tcp_listen_queue, c.tcp_max_per_addr),
        (0, 5, 1)
    );
    assert_eq!((c.tcp_client_min_port, c.tcp_client_max_port), (0, 65535));
    assert_eq!(c.transport, Transport::Tcp);
    assert_eq!((c.q_depth, c.max_restarts), (2000, 10));
    assert_eq!(c.overflow_action, OverflowAction::Syslog);
    assert_eq!(c.plugin_dir, "/etc/audit/plugins.d");
    assert_eq!(c.end_of_event_timeout, 2);
}

#[test]
fn empty_file_is_defaults_and_comment_only_file_fails_sanity() {
    let l = parse(b"", "f", &Fake::default()).map_err(|_| ()).unwrap();
    assert_eq!(l.config, Config::default());
    let e = parse(b"# only a comment\n", "f", &Fake::default()).unwrap_err();
    assert_eq!(
        e.msgs.last().map(|m| m.text.as_str()),
        Some("Error - space_left(0) must be larger than admin_space_left(0)")
    );
}

#[test]
fn yes_no_options() {
    for (k, get) in [
        (
            "local_events",
            (|c: &Config| c.local_events) as fn(&Config) -> bool,
        ),
        ("write_logs", |c| c.write_logs),
        ("verify_email", |c| c.verify_email),
        ("use_libwrap", |c| c.use_libwrap),
        ("distribute_network", |c| c.distribute_network),
    ] {
        assert!(!get(&ok(&format!("{k} = NO\n"))), "{k}");
        assert!(get(&ok(&format!("{k} = yes\n"))), "{k}");
        assert_eq!(
            last_err(&format!("{k} = maybe\n")),
            "Option maybe not found - line 3"
        );
    }
}

#[test]
fn log_file() {
    assert_eq!(
        ok("log_file = /tmp/a/audit.log\n").log_file,
        PathBuf::from("/tmp/a/audit.log")
    );
    assert_eq!(
        last_err("log_file = /a/b\n"),
        "The directory name: /a is too short - line 3"
    );
    assert_eq!(
        last_err("log_file = audit.log\n"),
        "The directory name: . is too short - line 3"
    );
    let env = Fake {
        no_dir: vec!["/nope/dir".into()],
        ..Fake::default()
    };
    assert_eq!(
        refused_with(&env, "log_file = /nope/dir/audit.log\n")
            .pop()
            .unwrap(),
        "Could not open dir /nope/dir (No such file or directory)"
    );
    let mut env = Fake::default();
    env.files.insert(
        "/tmp/d/dir.log".into(),
        FileInfo {
            uid: 0,
            mode: 0o040700,
        },
    );
    env.files.insert(
        "/tmp/d/user.log".into(),
        FileInfo {
            uid: 1000,
            mode: 0o100600,
        },
    );
    env.files.insert(
        "/tmp/d/loose.log".into(),
        FileInfo {
            uid: 0,
            mode: 0o100444,
        },
    );
    assert_eq!(
        refused_with(&env, "log_file = /tmp/d/dir.log\n")
            .pop()
            .unwrap(),
        "/tmp/d/dir.log is not a regular file"
    );
    assert_eq!(
        refused_with(&env, "log_file = /tmp/d/user.log\n")
            .pop()
            .unwrap(),
        "/tmp/d/user.log is not owned by root"
    );
    let l = parse(
        format!("{BASE}log_file = /tmp/d/loose.log\n").as_bytes(),
        "f",
        &env,
    )
    .map_err(|_| ())
    .unwrap();
    let warns: Vec<_> = l
        .msgs
        .iter()
        .filter(|m| m.level == Level::Warning)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(
        warns,
        [
            "/tmp/d/loose.log permissions should be 0600 or 0640",
            "audit log is not writable by owner"
        ]
    );
}

#[test]
fn log_format_and_nolog() {
    assert_eq!(ok("log_format = raw\n").log_format, LogFormat::Raw);
    assert_eq!(
        ok("log_format = ENRICHED\n").log_format,
        LogFormat::Enriched
    );
    let c = ok("log_format = NOLOG\n");
    assert!(!c.write_logs);
    assert_eq!(
        last_err("log_format = json\n"),
        "Option json not found - line 3"
    );
}

#[test]
fn log_group() {
    assert_eq!(
        ok("log_group = adm\nlog_file = /tmp/x/a.log\n").log_group,
        4
    );
    assert_eq!(
        ok("log_group = 12abc\nlog_file = /tmp/x/a.log\n").log_group,
        12
    );
    assert_eq!(
        last_err("log_group = nosuch\n"),
        "Group ID is non-numeric and unknown (nosuch) - line 3\n"
    );
    assert_eq!(
        last_err("log_group = 99999999999999999999\n"),
        "Numeric group ID conversion error (Numerical result out of range) for 99999999999999999999 - line 3\n"
    );
    // A group with the log directly in /var/log is refused by the sanity check.
    assert_eq!(
        last_err("log_group = adm\nlog_file = /var/log/audit.log\n"),
        "Error - log_file is directly in /var/log and chgrp will alter a system directory's permissions. Use another directory."
    );
}

#[test]
fn flush_and_freq() {
    assert_eq!(ok("flush = data\n").flush, Flush::Data);
    assert_eq!(ok("flush = SYNC\n").flush, Flush::Sync);
    let c = ok("flush = incremental_async\nfreq = 50\n");
    assert_eq!((c.flush, c.freq), (Flush::IncrementalAsync, 50));
    assert_eq!(
        last_err("flush = bogus\n"),
        "Option bogus not found - line 3"
    );
    assert_eq!(
        last_err("flush = incremental\n"),
        "Error - incremental flushing chosen, but 0 selected for freq"
    );
    assert_eq!(
        last_err("freq = 5x\n"),
        "Value 5x should only be numbers - line 3"
    );
    assert_eq!(
        last_err("freq = 2147483648\n"),
        "Error - converted number (2147483648) is too large - line 3"
    );
    let l = parse(
        format!("{BASE}flush = sync\nfreq = 3\n").as_bytes(),
        "f",
        &Fake::default(),
    )
    .map_err(|_| ())
    .unwrap();
    assert_eq!(
        l.msgs.last().map(|m| m.text.as_str()),
        Some("Warning - freq is non-zero and incremental flushing not selected.")
    );
}

#[test]
fn num_logs() {
    assert_eq!(ok("num_logs = 5\n").num_logs, 5);
    assert_eq!(
        last_err("num_logs = 1000\n"),
        "num_logs must be 999 or less"
    );
    assert_eq!(
        last_err("num_logs = -1\n"),
        "Value -1 should only be numbers - line 3"
    );
    assert_eq!(
        last_err("num_logs = 99999999999999999999999\n"),
        "Error converting string to a number (Numerical result out of range) - line 3"
    );
}

#[test]
fn name_format_and_name() {
    let c = ok("name_format = user\nname = box1\n");
    assert_eq!(
        (c.name_format, c.name.as_deref()),
        (NameFormat::User, Some("box1"))
    );
    for (v, f) in [
        ("none", NameFormat::None),
        ("hostname", NameFormat::Hostname),
        ("fqd", NameFormat::Fqd),
        ("numeric", NameFormat::Numeric),
    ] {
        assert_eq!(ok(&format!("name_format = {v}\n")).name_format, f);
    }
    assert_eq!(
        last_err("name_format = ip\n"),
        "Option ip not found - line 3"
    );
}

#[test]
fn max_log_file_and_action() {
    let c = ok("max_log_file = 8\nmax_log_file_action = keep_logs\n");
    assert_eq!(
        (c.max_log_file, c.max_log_file_action),
        (8, SizeAction::KeepLogs)
    );
    for (v, a) in [
        ("ignore", SizeAction::Ignore),
        ("syslog", SizeAction::Syslog),
        ("suspend", SizeAction::Suspend),
        ("rotate", SizeAction::Rotate),
    ] {
        assert_eq!(
            ok(&format!("max_log_file_action = {v}\n")).max_log_file_action,
            a
        );
    }
    assert_eq!(
        last_err("max_log_file_action = exec\n"),
        "Option exec not found - line 3"
    );
    assert_eq!(
        last_err("max_log_file = 8M\n"),
        "Value 8M should only be numbers - line 3"
    );
}

#[test]
fn space_left_values() {
    let c = ok("space_left = 25%\nadmin_space_left = 10%\n");
    assert_eq!((c.space_left, c.space_left_percent), (0, 25));
    assert_eq!((c.admin_space_left, c.admin_space_left_percent), (0, 10));
    assert_eq!(
        last_err("space_left = 5x\n"),
        "Value x 5x should only be numbers or percent - line 3"
    );
    assert_eq!(
        last_err("admin_space_left = 100%\n"),
        "Percentages should be less than 100 - line 3"
    );
    assert_eq!(
        last_err("space_left = 10\n"),
        "Error - space_left(10) must be larger than admin_space_left(50)"
    );
}

#[test]
fn actions() {
    let c = ok("space_left_action = email\nadmin_space_left_action = SINGLE\ndisk_full_action = halt\ndisk_error_action = suspend\n");
    assert_eq!(c.space_left_action, FailureAction::Email);
    assert_eq!(c.admin_space_left_action, FailureAction::Single);
    assert_eq!(c.disk_full_action, FailureAction::Halt);
    assert_eq!(c.disk_error_action, FailureAction::Suspend);
    assert_eq!(
        ok("disk_full_action = rotate\n").disk_full_action,
        FailureAction::Rotate
    );
    assert_eq!(
        last_err("disk_full_action = email\n"),
        "Illegal option email for disk_full_action - line 3"
    );
    assert_eq!(
        last_err("disk_error_action = rotate\n"),
        "Illegal option rotate for disk_error_action - line 3"
    );
    assert_eq!(
        last_err("space_left_action = reboot\n"),
        "Option reboot not found - line 3"
    );
    // email without a mail program is only a complaint.
    let l = parse(
        format!("{BASE}space_left_action = email\n").as_bytes(),
        "f",
        &Fake::default(),
    )
    .map_err(|_| ())
    .unwrap();
    assert!(l
        .msgs
        .iter()
        .any(|m| m.text
            == "Email option is specified but /usr/lib/sendmail doesn't seem executable."));
}

#[test]
fn exec_actions() {
    let mut env = Fake::default();
    env.files.insert(
        "/sbin/ok".into(),
        FileInfo {
            uid: 0,
            mode: 0o100750,
        },
    );
    env.files.insert(
        "/sbin/ro".into(),
        FileInfo {
            uid: 0,
            mode: 0o100550,
        },
    );
    env.files.insert(
        "/sbin/mine".into(),
        FileInfo {
            uid: 7,
            mode: 0o100755,
        },
    );
    env.files.insert(
        "/sbin/dir".into(),
        FileInfo {
            uid: 0,
            mode: 0o040755,
        },
    );
    let c = ok_with(&env, "disk_full_action = exec /sbin/ok\nspace_left_action = exec /sbin/ok\nadmin_space_left_action = exec /sbin/ok\ndisk_error_action = exec /sbin/ok\n");
    assert_eq!(c.disk_full_exe, Some(PathBuf::from("/sbin/ok")));
    assert_eq!(c.space_left_exe, Some(PathBuf::from("/sbin/ok")));
    assert_eq!(c.admin_space_left_exe, Some(PathBuf::from("/sbin/ok")));
    assert_eq!(c.disk_error_exe, Some(PathBuf::from("/sbin/ok")));
    let e = |x: &str| refused_with(&env, x).pop().unwrap();
    assert_eq!(
        e("disk_full_action = exec\n"),
        "Executable path needed for line 3"
    );
    assert_eq!(
        e("disk_full_action = exec ok\n"),
        "Absolute path needed for ok - line 3"
    );
    assert_eq!(
        e("disk_full_action = exec /sbin/none\n"),
        "Unable to stat /sbin/none (No such file or directory) - line 3"
    );
    assert_eq!(
        e("disk_full_action = exec /sbin/dir\n"),
        "/sbin/dir is not a regular file - line 3"
    );
    assert_eq!(
        e("disk_full_action = exec /sbin/mine\n"),
        "/sbin/mine is not owned by root - line 3"
    );
    // auditd 3.0.9 names 0550 in its message but does not accept it.
    assert_eq!(
        e("disk_full_action = exec /sbin/ro\n"),
        "/sbin/ro permissions should be 0750, 0755, 0555 or 0550 - line 3"
    );
    // An option on a keyword that takes none.
    assert_eq!(
        e("num_logs = 3 4\n"),
        "Keyword \"num_logs\" has invalid option \"4\" in line 3 of /x/auditd.conf"
    );
}

#[test]
fn action_mail_acct() {
    assert_eq!(ok("action_mail_acct = admin\n").action_mail_acct, "admin");
    assert_eq!(
        ok("action_mail_acct = a@example.com\n").action_mail_acct,
        "a@example.com"
    );
    // A lookup failure is temporary: accepted with a message.
    assert_eq!(
        ok("action_mail_acct = a@nowhere.invalid\n").action_mail_acct,
        "a@nowhere.invalid"
    );
    assert_eq!(
        last_err("action_mail_acct = a\n"),
        "email: a is too short, expecting at least 2 characters"
    );
    assert_eq!(
        last_err("action_mail_acct = a!b\n"),
        "email: a!b has illegal character"
    );
    assert_eq!(
        last_err("action_mail_acct = a.b@c\n"),
        "email: a.b@c should have . after @"
    );
    assert_eq!(
        ok("verify_email = no\naction_mail_acct = !\n").action_mail_acct,
        "!"
    );
}

#[test]
fn priority_boost_and_numbers() {
    assert_eq!(ok("priority_boost = 0\n").priority_boost, 0);
    assert_eq!(
        last_err("priority_boost = -4\n"),
        "Value -4 should only be numbers - line 3"
    );
    assert_eq!(ok("max_restarts = 3\n").max_restarts, 3);
    assert_eq!(
        last_err("max_restarts = 4294967296\n"),
        "Error - converted number (4294967296) is too large - line 3"
    );
    assert_eq!(ok("end_of_event_timeout = 5\n").end_of_event_timeout, 5);
    assert_eq!(
        last_err("end_of_event_timeout = 1.5\n"),
        "Value 1.5 should only be numbers - line 3"
    );
}

#[test]
fn network_options() {
    let c = ok("tcp_listen_port = 60\ntcp_listen_queue = 7\ntcp_max_per_addr = 2\ntcp_client_ports = 1024-2048\ntcp_client_max_idle = 30\n");
    assert_eq!(
        (c.tcp_listen_port, c.tcp_listen_queue, c.tcp_max_per_addr),
        (60, 7, 2)
    );
    assert_eq!((c.tcp_client_min_port, c.tcp_client_max_port), (1024, 2048));
    assert_eq!(c.tcp_client_max_idle, 30);
    assert_eq!(
        last_err("tcp_listen_port = 0\n"),
        "Error - converted number (0) is too small - line 3"
    );
    assert_eq!(
        last_err("tcp_listen_port = 65536\n"),
        "Error - converted number (65536) is too large - line 3"
    );
    assert_eq!(
        last_err("tcp_max_per_addr = 1025\n"),
        "Error - converted number (1025) is too large - line 3"
    );
    assert_eq!(
        last_err("tcp_client_ports = 2000-1000\n"),
        "Error - converted range (2000-1000) is reversed - line 3"
    );
    assert_eq!(
        last_err("tcp_client_ports = 1-\n"),
        "Value 1- should only be numbers, or two numbers separated by a dash - line 3"
    );
    assert_eq!(ok("tcp_client_ports = 5\n").tcp_client_max_port, 5);
    assert_eq!(ok("transport = KRB5\n").transport, Transport::Krb5);
    assert_eq!(ok("enable_krb5 = yes\n").transport, Transport::Krb5);
    assert_eq!(
        last_err("transport = udp\n"),
        "Option udp not found - line 3"
    );
    let c = ok("krb5_principal = auditd\nkrb5_key_file = /etc/audit/audit.key\n");
    assert_eq!(c.krb5_principal.as_deref(), Some("auditd"));
    assert_eq!(c.krb5_key_file.as_deref(), Some("/etc/audit/audit.key"));
}

#[test]
fn raudit_tls_and_remote_keys() {
    // Absent: the defaults, so auditd.conf files without them parse as before.
    let d = ok("");
    assert_eq!(
        (
            d.tls_cert.clone(),
            d.tls_allowed_clients.len(),
            d.tcp_client_timeout
        ),
        (None, 0, 10)
    );
    let c = ok("transport = tls
tls_cert = /k/s.pem
tls_key = /k/s.key
tls_ca = /k/ca.pem
tls_allowed_clients = web1,db2
tcp_client_timeout = 3
remote_state_file = /var/lib/r.state
");
    assert_eq!(c.transport, Transport::Tls);
    assert_eq!(c.tls_cert, Some(PathBuf::from("/k/s.pem")));
    assert_eq!(c.tls_key, Some(PathBuf::from("/k/s.key")));
    assert_eq!(c.tls_ca, Some(PathBuf::from("/k/ca.pem")));
    assert_eq!(c.tls_allowed_clients, vec!["web1", "db2"]);
    assert_eq!(c.tcp_client_timeout, 3);
    assert_eq!(c.remote_state_file, Some(PathBuf::from("/var/lib/r.state")));
    assert_eq!(
        last_err("tcp_client_timeout = 0\n"),
        "Value 0 must be at least 1 - line 3"
    );
}

#[test]
fn dispatcher_options() {
    let c = ok("q_depth = 3000\noverflow_action = halt\nplugin_dir = /etc/p\n");
    assert_eq!((c.q_depth, c.overflow_action), (3000, OverflowAction::Halt));
    assert_eq!(c.plugin_dir, "/etc/p/");
    assert_eq!(ok("plugin_dir = /etc/q/\n").plugin_dir, "/etc/q/");
    assert_eq!(
        last_err("q_depth = 100000\n"),
        "q_depth must be 99999 or less"
    );
    assert_eq!(
        last_err("overflow_action = rotate\n"),
        "Option rotate not found - line 3"
    );
    let l = parse(
        format!("{BASE}q_depth = 10\ndispatcher = /x\ndisp_qos = lossy\n").as_bytes(),
        "f",
        &Fake::default(),
    )
    .map_err(|_| ())
    .unwrap();
    let warns: Vec<_> = l
        .msgs
        .iter()
        .filter(|m| m.level == Level::Warning)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(
        warns,
        [
            "q_depth should be larger than 512 for safety margin",
            "The dispatcher option is deprecated - line 4",
            "The disp_qos option is deprecated - line 5"
        ]
    );
}

#[test]
fn line_syntax() {
    assert_eq!(
        refused("foo bar\n"),
        [
            "Missing equal sign for line 3 in /x/auditd.conf",
            "Not processing any more lines in /x/auditd.conf"
        ]
    );
    assert_eq!(
        refused("freq =\n"),
        [
            "Wrong number of arguments for line 3 in /x/auditd.conf",
            "Not processing any more lines in /x/auditd.conf"
        ]
    );
    assert_eq!(
        last_err("bogus_key = 1\n"),
        "Unknown keyword \"bogus_key\" in line 3 of /x/auditd.conf"
    );
    // Keywords are case-insensitive; tabs are not separators.
    assert_eq!(ok("NUM_LOGS = 4\n").num_logs, 4);
    // Too many words on an action line: complained about, then used.
    let l = parse(
        format!("{BASE}disk_full_action = syslog a b\n").as_bytes(),
        "f",
        &Fake::default(),
    )
    .map_err(|_| ())
    .unwrap();
    assert_eq!(l.config.disk_full_action, FailureAction::Syslog);
    assert_eq!(l.msgs.iter().filter(|m| m.level == Level::Err).count(), 1);
}

#[test]
fn long_and_unterminated_lines_are_skipped() {
    let long = format!("# {}\n", "x".repeat(300));
    let text = format!("{BASE}{long}num_logs = 7\nnum_logs = 9");
    let l = parse(text.as_bytes(), "f", &Fake::default())
        .map_err(|_| ())
        .unwrap();
    assert_eq!(l.config.num_logs, 7);
    let errs: Vec<_> = l
        .msgs
        .iter()
        .filter(|m| m.level == Level::Err)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(
        errs,
        [
            "Skipping line 3 in f: too long",
            "Skipping line 5 in f: too long"
        ]
    );
}

#[test]
fn dirname_like_c() {
    assert_eq!(c_dirname("/var/log/audit/audit.log"), "/var/log/audit");
    assert_eq!(c_dirname("/var/log/audit/"), "/var/log");
    assert_eq!(c_dirname("a"), ".");
    assert_eq!(c_dirname("/a"), "/");
    assert_eq!(c_dirname("//a//b"), "//a");
}

#[test]
fn raudit_canary_keywords() {
    // Off by default; a file without the keywords parses as before.
    let c = ok("");
    assert_eq!((c.canary_interval, c.canary_timeout), (0, 5));
    let c = ok("raudit_canary_interval = 60\nraudit_canary_timeout = 10\n");
    assert_eq!((c.canary_interval, c.canary_timeout), (60, 10));
    assert_eq!(
        last_err("raudit_canary_interval = 1m\n"),
        "Value 1m should only be numbers - line 3"
    );
    assert_eq!(
        last_err("raudit_canary_timeout = 0\n"),
        "Error - converted number (0) is too small - line 3"
    );
}
