//! `raudit sql "QUERY" [--input FILE…] [--db PATH] [--format table|csv|json]` and
//! `raudit index [--db PATH] [-if FILE|DIR]…`: osquery's audit event tables over the
//! logs, in SQLite (see `raudit-sql`).
//!
//! Logs: `--input`/`-if` FILE (that file) or DIR (`DIR/audit.log` and its rotated set),
//! `-` for stdin (sql only); without them, `log_file` of auditd.conf and its rotated
//! set, oldest first. `raudit sql` with `--input` indexes into memory for the one
//! query; with `--db` (or when the default index exists) it queries the index.
//!
//! Exit codes: 0; 1 on SQL errors (the message and the table list go to stderr);
//! 2 on usage or I/O errors.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Arg, ArgAction, Command};
use raudit_sql::output::{self, Format};

/// Where `raudit index` keeps the index unless `--db` says otherwise.
pub const DEFAULT_DB: &str = "/var/lib/raudit/index.db";

fn input_arg() -> Arg {
    Arg::new("input")
        .short('i')
        .long("input")
        .value_name("FILE|DIR")
        .action(ArgAction::Append)
        .num_args(1..)
        .value_parser(clap::value_parser!(PathBuf))
        .help("logs to read: a file, or a directory's audit.log and its rotated set (also -if)")
}

fn db_arg() -> Arg {
    Arg::new("db")
        .long("db")
        .value_name("PATH")
        .value_parser(clap::value_parser!(PathBuf))
        .help(format!("the index database (default {DEFAULT_DB})"))
}

/// `-if` (ausearch's spelling) is taken as `--input`.
fn normalise(args: Vec<OsString>) -> Vec<OsString> {
    args.into_iter()
        .map(|a| {
            if a == "-if" {
                OsString::from("--input")
            } else {
                a
            }
        })
        .collect()
}

/// `log`, then `log.1`, `log.2`… while they exist; returned oldest first.
fn rotated_set(log: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if log.exists() {
        v.push(log.to_path_buf());
    }
    for n in 1.. {
        let mut p = log.as_os_str().to_owned();
        p.push(format!(".{n}"));
        let p = PathBuf::from(p);
        if !p.exists() {
            break;
        }
        v.push(p);
    }
    v.reverse();
    v
}

/// The files to read, oldest first, and the end-of-event timeout.
fn log_set(inputs: Option<Vec<PathBuf>>) -> (Vec<PathBuf>, i64) {
    let conf_path = std::env::var("RAUDIT_AUDITD_CONF")
        .unwrap_or_else(|_| raudit_search::config::DEFAULT_CONFIG.to_string());
    let (conf, _) = raudit_search::config::load(&conf_path);
    let files = match inputs {
        Some(list) => {
            let mut v = Vec::new();
            for p in list {
                if p.as_os_str() == "-" {
                    v.push(PathBuf::from("/dev/stdin"));
                } else if p.is_dir() {
                    v.extend(rotated_set(&p.join("audit.log")));
                } else {
                    v.push(p);
                }
            }
            v
        }
        None => {
            use std::os::unix::ffi::OsStrExt;
            rotated_set(Path::new(std::ffi::OsStr::from_bytes(&conf.log_file)))
        }
    };
    (files, conf.eoe_timeout)
}

fn sql_command() -> Command {
    Command::new("raudit sql")
        .about("query audit logs with SQL: osquery's process_events, socket_events, user_events, process_file_events, plus events and records")
        .arg(Arg::new("query").value_name("QUERY").required(true).help("one SQL statement"))
        .arg(input_arg())
        .arg(db_arg())
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["table", "csv", "json"])
                .help("output format (default: table on a terminal, csv otherwise)"),
        )
        .arg(
            Arg::new("timer")
                .long("timer")
                .action(ArgAction::SetTrue)
                .help("print the query's run time (ms) on stderr"),
        )
}

fn index_command() -> Command {
    Command::new("raudit index")
        .about("build or update the on-disk SQL index of audit logs (only new bytes are read)")
        .arg(input_arg())
        .arg(db_arg())
        .arg(
            Arg::new("quiet")
                .short('q')
                .long("quiet")
                .action(ArgAction::SetTrue)
                .help("no summary on stderr"),
        )
}

fn parse(cmd: Command, name: &str, args: Vec<OsString>) -> Result<clap::ArgMatches, i32> {
    let argv = std::iter::once(OsString::from(name)).chain(normalise(args));
    cmd.try_get_matches_from(argv).map_err(|e| {
        let _ = e.print();
        if e.use_stderr() {
            2
        } else {
            0
        }
    })
}

fn inputs(m: &clap::ArgMatches) -> Option<Vec<PathBuf>> {
    m.get_many::<PathBuf>("input").map(|v| v.cloned().collect())
}

fn table_list(conn: &rusqlite::Connection) -> String {
    let mut s = String::from("tables:\n");
    if let Ok(t) = raudit_sql::db::user_tables(conn) {
        for (name, cols) in t {
            s.push_str(&format!("  {name}({})\n", cols.join(", ")));
        }
    }
    s
}

/// `raudit sql`.
pub fn main(args: Vec<OsString>) -> i32 {
    let m = match parse(sql_command(), "raudit sql", args) {
        Ok(m) => m,
        Err(c) => return c,
    };
    let query = m.get_one::<String>("query").cloned().unwrap_or_default();
    let fmt = match m.get_one::<String>("format").map(String::as_str) {
        Some("table") => Format::Table,
        Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        _ if std::io::stdout().is_terminal() => Format::Table,
        _ => Format::Csv,
    };
    let db = m.get_one::<PathBuf>("db").cloned();
    let inputs = inputs(&m);
    let conn = if let (Some(db), None) = (&db, &inputs) {
        if !db.exists() {
            eprintln!(
                "raudit sql: no index at {} (build it with `raudit index --db {}`)",
                db.display(),
                db.display()
            );
            return 2;
        }
        raudit_sql::db::open(Some(db))
    } else if inputs.is_none() && Path::new(DEFAULT_DB).exists() {
        raudit_sql::db::open(Some(Path::new(DEFAULT_DB)))
    } else {
        // a throw-away index of the logs, in memory (or in --db when both are given)
        let (files, eoe) = log_set(inputs);
        if files.is_empty() {
            eprintln!("raudit sql: no log files to read");
            return 2;
        }
        raudit_sql::db::open(db.as_deref()).and_then(|c| {
            raudit_sql::db::index_files(&c, &files, eoe, db.is_some())?;
            Ok(c)
        })
    };
    let conn = match conn {
        Ok(c) => c,
        Err(e) => {
            eprintln!("raudit sql: {e}");
            return 2;
        }
    };
    let t = Instant::now();
    let result = raudit_sql::db::query(&conn, &query);
    if m.get_flag("timer") {
        eprintln!("query: {:.3} ms", t.elapsed().as_secs_f64() * 1e3);
    }
    match result {
        Ok((cols, rows)) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            if output::write(&mut out, fmt, &cols, &rows)
                .and_then(|_| out.flush())
                .is_err()
            {
                return 2;
            }
            0
        }
        Err(e) => {
            eprint!("raudit sql: {e}\n{}", table_list(&conn));
            1
        }
    }
}

/// `raudit index`.
pub fn index_main(args: Vec<OsString>) -> i32 {
    let m = match parse(index_command(), "raudit index", args) {
        Ok(m) => m,
        Err(c) => return c,
    };
    let db = m
        .get_one::<PathBuf>("db")
        .cloned()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DB));
    let (files, eoe) = log_set(inputs(&m));
    if files.iter().any(|f| f.as_os_str() == "/dev/stdin") {
        eprintln!("raudit index: stdin cannot be indexed incrementally; use raudit sql --input -");
        return 2;
    }
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("raudit index: {}: {e}", dir.display());
            return 2;
        }
    }
    let t = Instant::now();
    let r = raudit_sql::db::open(Some(&db))
        .and_then(|c| raudit_sql::db::index_files(&c, &files, eoe, true));
    match r {
        Ok(s) => {
            if !m.get_flag("quiet") {
                let secs = t.elapsed().as_secs_f64();
                eprintln!(
                    "raudit index: {}: {} files{}, {:.1} MB new, {} events added in {:.2} s ({:.0} MB/s)",
                    db.display(),
                    s.files,
                    match s.duplicates {
                        0 => String::new(),
                        n => format!(" ({n} given twice, read once)"),
                    },
                    s.bytes as f64 / 1e6,
                    s.events,
                    secs,
                    s.bytes as f64 / 1e6 / secs.max(1e-9)
                );
            }
            0
        }
        Err(e) => {
            eprintln!("raudit index: {e}");
            2
        }
    }
}
