//! `raudit sql` and `raudit index` end to end.
//!
//! - the osquery tables' columns (names, declared types, order) equal osquery's specs
//!   (`tests/data/osquery/columns.tsv`), raudit's own columns after them;
//! - real values from corpus logs (`../shared/corpus`, skipped loudly when absent) and
//!   from this project's recorded logs (`tests/data/logs/recorded`);
//! - bad input never fails; invalid SQL gives SQLite's message and the table list;
//! - `raudit index` is incremental: appending, rotating and re-running give exactly
//!   the events of a one-shot index, with no duplicates.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::tmp::TempDir;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` beside the repository (as CI has it), or `RAUDIT_SHARED_DIR`.
fn corpus(rel: &str) -> Option<PathBuf> {
    let shared = std::env::var_os("RAUDIT_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let p = shared.join("corpus/logs").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "SKIP: {} missing (is ../shared/corpus present?)",
            p.display()
        );
        None
    }
}

fn raudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args(args)
        .env("RAUDIT_AUDITD_CONF", "/nonexistent")
        .output()
        .expect("run raudit")
}

/// Runs a query, expects success, returns the CSV rows (header first).
fn sql(args: &[&str]) -> Vec<Vec<String>> {
    let mut a = vec!["sql"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "csv"]);
    let o = raudit(&a);
    assert!(
        o.status.success(),
        "raudit {a:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    parse_csv(&String::from_utf8_lossy(&o.stdout))
}

/// Minimal CSV reader (quoted fields with doubled quotes).
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut f = String::new();
    let mut q = false;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match (q, c) {
            (true, '"') if it.peek() == Some(&'"') => {
                f.push('"');
                it.next();
            }
            (true, '"') => q = false,
            (true, c) => f.push(c),
            (false, '"') => q = true,
            (false, ',') => row.push(std::mem::take(&mut f)),
            (false, '\n') => {
                row.push(std::mem::take(&mut f));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => f.push(c),
        }
    }
    rows
}

fn one(args: &[&str]) -> String {
    let r = sql(args);
    assert_eq!(r.len(), 2, "one row expected from {args:?}: {r:?}");
    r[1][0].clone()
}

fn recorded(name: &str) -> String {
    repo()
        .join("tests/data/logs/recorded")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn osquery_columns_names_types_and_order() {
    let fixture = std::fs::read_to_string(repo().join("tests/data/osquery/columns.tsv")).unwrap();
    let mut want: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for l in fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = l.split('\t').collect();
        if want.last().map(|(t, _)| t.as_str()) != Some(f[0]) {
            want.push((f[0].to_string(), Vec::new()));
        }
        want.last_mut()
            .unwrap()
            .1
            .push((f[1].to_string(), f[2].to_string()));
    }
    assert_eq!(want.len(), 4);
    let empty = repo().join("tests/data/logs/bad/empty.log");
    let empty = empty.to_str().unwrap();
    for (table, cols) in &want {
        let got = sql(&[
            &format!("SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid"),
            "--input",
            empty,
        ]);
        let got: Vec<(String, String)> = got[1..]
            .iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
        assert!(
            got.len() > cols.len(),
            "{table}: raudit adds columns after osquery's"
        );
        assert_eq!(
            &got[..cols.len()],
            &cols[..],
            "{table}: osquery's columns first"
        );
        assert!(
            got[cols.len()..].iter().any(|(n, _)| n == "event_id"),
            "{table} has event_id"
        );
    }
}

#[test]
fn exec_event_values_from_a_real_log() {
    let Some(log) = corpus("elastic__go-libaudit/aucoalesce__testdata__execve.log") else {
        return;
    };
    let log = log.to_str().unwrap();
    let r = sql(&[
        "SELECT pid, parent, path, cmdline, cmdline_size, cwd, auid, uid, gid, euid, mode, owner_uid, time, eid, syscall, key FROM process_events",
        "--input",
        log,
    ]);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(
        r[1],
        [
            "13393",
            "12041",
            "/usr/bin/grep",
            "grep --color=auto mapping",
            "25",
            "/home/andrew_kroh",
            "1000",
            "1000",
            "1001",
            "1000",
            "0100755",
            "0",
            "1492037291",
            "1492037291.036:59",
            "execve",
            "user_commands"
        ]
    );
    // the raw view has every field of the event
    assert_eq!(
        one(&[
            "SELECT value FROM records WHERE type = 'EXECVE' AND field = 'a1'",
            "--input",
            log
        ]),
        "--color=auto"
    );
    // the PATH records are file rows
    let f = sql(&[
        "SELECT operation, path, executable, auid FROM process_file_events ORDER BY item",
        "--input",
        log,
    ]);
    assert_eq!(f[1], ["exec", "/usr/bin/grep", "/usr/bin/grep", "1000"]);
    assert_eq!(f[2][1], "/lib64/ld-linux-x86-64.so.2");
}

#[test]
fn nonblocking_connect_is_in_progress_not_failed() {
    let Some(log) = corpus("elastic__go-libaudit/testdata__normal.log") else {
        return;
    };
    let r = sql(&[
        "SELECT action, status, success, exit, pid, family, remote_address, remote_port, path FROM socket_events WHERE exit = -115",
        "--input",
        log.to_str().unwrap(),
    ]);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[1][..4], ["connect", "in_progress", "1", "-115"]);
    assert_eq!(r[1][4..8], ["1172", "2", "169.254.169.254", "80"]);
    // the hex-encoded exe is decoded
    assert!(r[1][8].starts_with("/usr/bin/python2.7"), "{:?}", r[1]);
}

#[test]
fn fork_and_clone_are_process_events() {
    // a shell's process tree: clone() children, then their execve()
    let Some(log) = corpus("threathunters-io__laurel/src__testdata__shell-proc-trace.txt") else {
        return;
    };
    let log = log.to_str().unwrap();
    let r = sql(&[
        "SELECT syscall, pid, parent, path, cmdline FROM process_events WHERE eid = '1682609045.526:29237'",
        "--input",
        log,
    ]);
    assert_eq!(r.len(), 2, "{r:?}");
    // a clone's row names the child as pid and the caller as parent; no cmdline
    assert_eq!(r[1][..3], ["clone", "71505", "71432"]);
    assert_eq!(r[1][4], "");
    let r = sql(&[
        "SELECT syscall, count(*) FROM process_events GROUP BY syscall ORDER BY syscall",
        "--input",
        log,
    ]);
    let names: Vec<&str> = r[1..].iter().map(|x| x[0].as_str()).collect();
    assert!(
        names.contains(&"clone") && names.contains(&"execve"),
        "{r:?}"
    );
    let bad = one(&[
        "SELECT count(*) FROM process_events p JOIN events e USING (event_id) \
         WHERE p.syscall IN ('clone','clone3','fork','vfork') AND (p.pid != e.exit OR p.parent != e.pid)",
        "--input",
        log,
    ]);
    assert_eq!(bad, "0");
}

#[test]
fn user_events_from_a_real_log() {
    let Some(log) = corpus("elastic__go-libaudit/auparse__testdata__audit-rhel7.log") else {
        return;
    };
    let log = log.to_str().unwrap();
    let n: u64 = one(&["SELECT count(*) FROM user_events", "--input", log])
        .parse()
        .unwrap();
    assert!(n > 0);
    // every user row's type is a user message type and its record exists
    assert_eq!(
        one(&[
            "SELECT count(*) FROM user_events WHERE type < 1100 OR type > 1199 OR type_name IS NULL",
            "--input",
            log
        ]),
        "0"
    );
}

#[test]
fn bad_input_is_never_an_error() {
    let dir = repo().join("tests/data/logs/bad");
    let mut total = 0u64;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let ps = p.to_str().unwrap();
        let n: u64 = one(&["SELECT count(*) FROM events", "--input", ps])
            .parse()
            .unwrap();
        total += n;
        // every table and the raw view can be read whole
        for t in [
            "process_events",
            "socket_events",
            "user_events",
            "process_file_events",
            "records",
        ] {
            sql(&[&format!("SELECT * FROM {t}"), "--input", ps]);
        }
    }
    assert!(total > 0);
    // unknown record types are events like any other
    let u = dir.join("unknown-type.log");
    let r = sql(&[
        "SELECT DISTINCT type FROM events WHERE type LIKE 'UNKNOWN%'",
        "--input",
        u.to_str().unwrap(),
    ]);
    assert!(r.len() > 1, "{r:?}");
}

#[test]
fn invalid_sql_gives_the_message_and_the_tables() {
    let log = recorded("raw.log");
    let o = raudit(&["sql", "SELEC pid FROM process_events", "--input", &log]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("syntax error"), "{err}");
    for t in [
        "process_events(pid, path,",
        "socket_events(action,",
        "user_events(uid,",
        "process_file_events(operation,",
        "events(event_id,",
        "records(event_id, type, field, value",
    ] {
        assert!(err.contains(t), "{t} listed: {err}");
    }
    let o = raudit(&["sql", "SELECT nope FROM process_events", "--input", &log]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such column: nope"));
}

#[test]
fn json_and_table_output() {
    let Some(log) = corpus("elastic__go-libaudit/aucoalesce__testdata__execve.log") else {
        return;
    };
    let log = log.to_str().unwrap();
    let o = raudit(&[
        "sql",
        "SELECT pid, path, atime FROM process_events",
        "--input",
        log,
        "--format",
        "json",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"pid": 13393, "path": "/usr/bin/grep", "atime": null}])
    );
    let o = raudit(&[
        "sql",
        "SELECT pid, path FROM process_events",
        "--input",
        log,
        "--format",
        "table",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "pid    path\n-----  -------------\n13393  /usr/bin/grep\n"
    );
}

/// Byte offsets of line starts where a new event begins (the previous line has
/// another identity), so a log cut there splits no event.
fn event_boundaries(text: &[u8]) -> Vec<usize> {
    let id = |l: &[u8]| -> Vec<u8> {
        let s = l.windows(6).position(|w| w == b"audit(").map(|i| i + 6);
        match s {
            Some(s) => l[s..].iter().take_while(|&&b| b != b')').copied().collect(),
            None => Vec::new(),
        }
    };
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev: Vec<u8> = Vec::new();
    for l in text.split_inclusive(|&b| b == b'\n') {
        let i = id(l);
        if pos > 0 && i != prev {
            out.push(pos);
        }
        prev = i;
        pos += l.len();
    }
    out
}

#[test]
fn index_is_incremental_across_appends_and_rotation() {
    let text = std::fs::read(recorded("raw.log")).unwrap();
    let cuts = event_boundaries(&text);
    let (a, b) = (cuts[cuts.len() / 3], cuts[2 * cuts.len() / 3]);
    let dir = TempDir::with_subdirs("sql-test", &["logs"]);
    let log = dir.join("logs/audit.log");
    let db = dir.join("index.db");
    let (dbs, logs) = (db.to_str().unwrap(), dir.join("logs"));
    let logs = logs.to_str().unwrap();

    // the reference: everything indexed in one go
    let whole = dir.join("whole.log");
    std::fs::write(&whole, &text).unwrap();
    let q = "SELECT count(*), count(DISTINCT eid), (SELECT count(*) FROM process_events), \
             (SELECT count(*) FROM process_file_events), (SELECT count(*) FROM raw_events) FROM events";
    let want = sql(&[q, "--input", whole.to_str().unwrap()]);

    let index = || {
        let o = raudit(&["index", "--db", dbs, "-if", logs, "-q"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    // 1: the first third, plus half a line that must not be indexed yet
    let half = a + (text[a..].iter().position(|&c| c == b'\n').unwrap() / 2);
    std::fs::write(&log, &text[..half]).unwrap();
    index();
    let first = sql(&[q, "--db", dbs]);
    assert!(first[1][0].parse::<u64>().unwrap() > 0);
    // 2: append up to the second cut and re-index: only the new bytes are read
    std::fs::write(&log, &text[..b]).unwrap();
    index();
    // 3: rotate (audit.log → audit.log.1), the rest goes to a new audit.log
    std::fs::rename(&log, dir.join("logs/audit.log.1")).unwrap();
    std::fs::write(&log, &text[b..]).unwrap();
    index();
    // 4: nothing new: nothing changes
    index();
    let got = sql(&[q, "--db", dbs]);
    assert_eq!(got, want, "incremental index equals a one-shot index");
    // 5: the same files again, also through a link: read once
    std::os::unix::fs::symlink(&log, dir.join("link.log")).unwrap();
    let o = raudit(&[
        "index",
        "--db",
        dbs,
        "-if",
        logs,
        log.to_str().unwrap(),
        dir.join("link.log").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("(2 given twice, read once)"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(sql(&[q, "--db", dbs]), want);
    let w = whole.to_str().unwrap();
    assert_eq!(sql(&[q, "--input", w, "--input", w]), want);
    let files = one(&["SELECT count(*) FROM raudit_files", "--db", dbs]);
    assert_eq!(files, "2");
}

#[test]
fn index_keeps_an_event_whole_when_its_records_straddle_runs() {
    let dir = TempDir::with_subdirs("sql-split", &["logs"]);
    let log = dir.join("logs/audit.log");
    let db = dir.join("i.db");
    let (dbs, logs) = (db.to_str().unwrap(), dir.join("logs"));
    let logs = logs.to_str().unwrap();
    let index = || {
        let o = raudit(&["index", "--db", dbs, "-if", logs]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let sys = "type=SYSCALL msg=audit(100.000:1): arch=c000003e syscall=59 success=yes exit=0 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 comm=\"ls\" exe=\"/bin/ls\" key=(null)\n";
    let login = "type=USER_LOGIN msg=audit(100.500:2): pid=3 uid=0 auid=0 ses=1 msg='op=login acct=\"u\" exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=success'\n";
    let execve = "type=EXECVE msg=audit(100.000:1): argc=2 a0=\"ls\" a1=\"-l\"\n";
    let cwd = "type=CWD msg=audit(100.000:1): cwd=\"/root\"\n";
    let path = "type=PATH msg=audit(100.000:1): item=0 name=\"/bin/ls\" inode=1 dev=00:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n";
    let later = "type=USER_LOGIN msg=audit(200.000:3): pid=4 uid=0 auid=0 ses=2 msg='op=login acct=\"v\" exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=success'\n";
    // run 1: the SYSCALL record and an unrelated single-record event
    std::fs::write(&log, format!("{sys}{login}")).unwrap();
    index();
    assert_eq!(one(&["SELECT count(*) FROM events", "--db", dbs]), "2");
    // run 2: more records of the same exec event arrive
    std::fs::write(&log, format!("{sys}{login}{execve}{cwd}")).unwrap();
    index();
    // run 3: rotation, the last record lands in the new file, then a much later event
    std::fs::rename(&log, dir.join("logs/audit.log.1")).unwrap();
    std::fs::write(&log, format!("{path}{later}")).unwrap();
    index();
    let r = sql(&["SELECT eid, records FROM events ORDER BY eid", "--db", dbs]);
    assert_eq!(
        r[1..],
        [
            vec!["100.000:1".to_string(), "4".to_string()],
            vec!["100.500:2".to_string(), "1".to_string()],
            vec!["200.000:3".to_string(), "1".to_string()],
        ]
    );
    let p = sql(&["SELECT cmdline, cwd, mode FROM process_events", "--db", dbs]);
    assert_eq!(p[1..], [vec!["ls -l", "/root", "0100755"]]);
    assert_eq!(one(&["SELECT count(*) FROM user_events", "--db", dbs]), "2");
    // nothing new: no bytes read, nothing added
    let summary = index();
    assert!(summary.contains("0.0 MB new"), "{summary}");
    assert_eq!(one(&["SELECT count(*) FROM events", "--db", dbs]), "3");
}

#[test]
fn stdin_input_and_column_order_in_json() {
    use std::io::Write;
    let text = std::fs::read(recorded("raw.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_raudit"))
        .args([
            "sql",
            "SELECT count(*) AS n, 'x' AS a FROM events",
            "--input",
            "-",
            "--format",
            "json",
        ])
        .env("RAUDIT_AUDITD_CONF", "/nonexistent")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let want = one(&[
        "SELECT count(*) FROM events",
        "--input",
        &recorded("raw.log"),
    ]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("[\n  {{\"n\": {want}, \"a\": \"x\"}}\n]\n")
    );
}
