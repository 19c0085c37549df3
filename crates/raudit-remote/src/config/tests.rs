use super::*;

fn ok_exe(_: &str, _: u32) -> Result<(), String> {
    Ok(())
}

fn p(text: &str) -> Loaded {
    parse(text.as_bytes(), "/etc/audit/audisp-remote.conf", &ok_exe)
}

fn err_of(text: &str) -> String {
    let l = p(text);
    assert!(l.config.is_none(), "{text:?} should fail");
    l.messages.last().expect("a message").text.clone()
}

#[test]
fn stock_file_fails_on_empty_remote_server_like_the_original() {
    let stock = "#\n# comment\n#\n\nremote_server = \nport = 60\n";
    let l = p(stock);
    assert!(l.config.is_none());
    assert_eq!(
        l.messages[0].text,
        "Wrong number of arguments for line 5 in /etc/audit/audisp-remote.conf"
    );
}

#[test]
fn full_file_and_defaults() {
    let c = p(
        "remote_server = 10.0.0.1\nport = 6000\nlocal_port = any\ntransport = tcp\n\
               queue_file = /tmp/q\nmode = forward\nqueue_depth = 10240\nformat = managed\n\
               network_retry_time = 2\nmax_tries_per_record = 4\nmax_time_per_record = 6\n\
               heartbeat_timeout = 0 \nnetwork_failure_action = syslog\ndisk_low_action = ignore\n\
               disk_full_action = warn_once\ndisk_error_action = suspend\n\
               remote_ending_action = reconnect\ngeneric_error_action = syslog\n\
               generic_warning_action = syslog\nqueue_error_action = stop\n\
               overflow_action = syslog\nstartup_failure_action = warn_once_continue\n\
               ##krb5_principal = \n",
    )
    .config
    .unwrap();
    assert_eq!(c.remote_server.as_deref(), Some("10.0.0.1"));
    assert_eq!(c.port, 6000);
    assert_eq!(c.mode, Mode::Forward);
    assert_eq!(c.queue_depth, 10240);
    assert_eq!(c.network_retry_time, 2);
    assert_eq!(c.disk_error_action, Action::Suspend);
    assert_eq!(c.network_failure_action, Action::Syslog);
    assert_eq!(c.queue_path(), PathBuf::from("/tmp/q"));
    let d = Config::default();
    assert_eq!(d.port, 60);
    assert_eq!(d.queue_depth, 2048);
    assert_eq!(d.network_failure_action, Action::Stop);
    assert_eq!(d.queue_path(), PathBuf::from(SPOOL_FILE));
}

#[test]
fn original_messages() {
    assert_eq!(
        err_of("bogus = 1\n"),
        "Unknown keyword \"bogus\" in line 1 of /etc/audit/audisp-remote.conf"
    );
    assert_eq!(
        err_of("\nport = 1 2\n"),
        "Keyword \"port\" has invalid option \"2\" in line 2 of /etc/audit/audisp-remote.conf"
    );
    assert_eq!(
        err_of("port 60\n"),
        "Missing equal sign for line 1 in /etc/audit/audisp-remote.conf"
    );
    assert_eq!(
        err_of("port = 6x\n"),
        "Value 6x should only be numbers - line 1"
    );
    assert_eq!(
        err_of("port = 65536\n"),
        "Error - converted number (65536) is too large - line 1"
    );
    assert_eq!(
        err_of("queue_depth = 0\n"),
        "Error - converted number (0) is too small - line 1"
    );
    assert_eq!(err_of("mode = later\n"), "Option later not found - line 1");
    assert_eq!(
        err_of("queue_file = rel/q\n"),
        "Absolute path needed for rel/q - line 1"
    );
    assert_eq!(
        err_of("network_failure_action = exec\n"),
        "Executable path needed for line 1"
    );
    assert_eq!(
        err_of("mode = forward\nformat = ascii\n"),
        "\"mode=forward\" is valid only with \"format=managed\""
    );
    assert_eq!(
        err_of("startup_failure_action = stop\n"),
        "startup_failure_action has invalid option"
    );
    assert_eq!(
        err_of("remote_ending_action = bogus\n"),
        "Option bogus not found - line 1"
    );
}

#[test]
fn five_tokens_warn_then_the_option_check_fails() {
    let l = p("disk_low_action = exec /bin/x extra\n");
    // 5 tokens: "Wrong number of arguments", but the value and option are
    // still used (as nv_split leaves them set).
    assert!(l.config.is_some());
    assert_eq!(
        l.messages[0].text,
        "Wrong number of arguments for line 1 in /etc/audit/audisp-remote.conf"
    );
}

#[test]
fn exec_and_case_insensitive_words() {
    let c = p("Disk_Full_Action = EXEC /usr/local/bin/alert\nremote_ending_action = Reconnect\noverflow_action = HALT\n")
        .config
        .unwrap();
    assert_eq!(
        c.disk_full_action,
        Action::Exec(PathBuf::from("/usr/local/bin/alert"))
    );
    assert_eq!(c.remote_ending_action, Action::Reconnect);
    assert_eq!(c.overflow_action, OverflowAction::Halt);
    let bad = parse(
        b"disk_full_action = exec /nope\n",
        "f",
        &|e: &str, l: u32| {
            Err(format!(
                "Unable to stat {e} (No such file or directory) - line {l}"
            ))
        },
    );
    assert!(bad.config.is_none());
    assert_eq!(
        bad.messages[0].text,
        "Unable to stat /nope (No such file or directory) - line 1"
    );
}

#[test]
fn long_lines_are_cut_at_127_bytes_like_fgets() {
    let long = format!("remote_server = {}\n", "a".repeat(200));
    let l = p(&long);
    // the tail of the line becomes line 2: a lone token "aaa…"
    assert!(l.config.is_none());
    assert_eq!(
        l.messages[0].text,
        "Wrong number of arguments for line 2 in /etc/audit/audisp-remote.conf"
    );
}

#[test]
fn raudit_keys() {
    let c = p("transport = tls\ntls_ca = /k/ca.pem\ntls_cert = /k/c.pem\ntls_key = /k/c.key\n\
               tls_server_name = collector\nraudit_extensions = no\nqueue_sync = none\nmax_in_flight = 1\n")
    .config
    .unwrap();
    assert_eq!(c.transport, Transport::Tls);
    assert_eq!(c.tls_ca, Some(PathBuf::from("/k/ca.pem")));
    assert_eq!(c.tls_server_name.as_deref(), Some("collector"));
    assert!(!c.extensions);
    assert_eq!(c.queue_sync, QueueSync::None);
    assert_eq!(c.max_in_flight, 1);
    assert_eq!(
        err_of("tls_cert = /k/c.pem\n"),
        "tls_cert and tls_key must be given together"
    );
    assert_eq!(
        err_of("transport = tls\nformat = ascii\n"),
        "\"transport=tls\" is valid only with \"format=managed\""
    );
}

#[test]
fn empty_file_is_defaults_and_krb5_is_ignored() {
    let l = p("");
    assert_eq!(l.config, Some(Config::default()));
    let l = p("krb5_principal = x\n");
    assert!(l.config.is_some());
    assert_eq!(
        l.messages[0].text,
        "GSSAPI support is not enabled, ignoring value at line 1"
    );
}

#[test]
fn load_checks_the_file() {
    let tmp = tempfile::Builder::new()
        .prefix("raudit-rcfg-")
        .tempdir()
        .unwrap();
    let dir = tmp.path();
    let missing = load(&dir.join("missing.conf"));
    assert_eq!(missing.config, Some(Config::default()));
    assert!(missing.messages[0].text.contains("doesn't exist, skipping"));
    let f = dir.join("ww.conf");
    std::fs::write(&f, "port = 61\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o646)).unwrap();
    let l = load(&f);
    if rustix::process::geteuid().is_root() {
        assert!(l.config.is_none());
        assert!(l.messages[0].text.ends_with("is world writable"));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(load(&f).config.unwrap().port, 61);
        let l = load(dir);
        assert!(l.config.is_none());
    }
}
