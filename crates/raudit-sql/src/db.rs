//! The SQLite store: tables of [`crate::schema`], each event's text once in
//! `raw_events`, the `records` view over it, and the incremental index of log files.
//!
//! `records(event_id, type, field, value, record)` is not stored: it is a view joining
//! `raw_events` with `audit_fields(text)`, an eponymous table-valued function that
//! splits an event's text into fields on demand ([`crate::fields`]). That keeps the
//! index about the size of the logs and the build fast; `WHERE event_id = N` reads one
//! event.
//!
//! Incremental indexing (`raudit index`): `raudit_files` remembers, per log file, the
//! hash and length of its first line (its identity, which survives renames such as
//! `audit.log` → `audit.log.1`), device, inode and how many bytes were indexed (always
//! up to a newline). A rerun reads each file from where it stopped, so a rotated file
//! is neither re-read nor duplicated and only appended bytes are parsed.

use std::borrow::Cow;
use std::ffi::{c_int, CStr};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use raudit_logfmt::Event;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::vtab::{
    Context, Filters, IndexConstraintOp, IndexInfo, Module, VTab, VTabConfig, VTabConnection,
    VTabCursor,
};
use rusqlite::{Connection, Statement, ToSql};

use crate::feed::Feeder;
use crate::rows::{extract, V};
use crate::schema::TABLES;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite said no.
    #[error("{0}")]
    Sql(#[from] rusqlite::Error),
    /// A log file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Result of this module.
pub type Result<T> = std::result::Result<T, Error>;

const READ_CHUNK: usize = 1 << 20;

/// Tables raudit keeps for itself (index state), not listed to users.
const STATE_SQL: &str = "
CREATE TABLE IF NOT EXISTS raw_events (event_id INTEGER PRIMARY KEY, text TEXT);
CREATE TABLE IF NOT EXISTS raudit_files (
    id INTEGER PRIMARY KEY, path TEXT, dev INTEGER, ino INTEGER,
    head_len INTEGER, head_hash INTEGER, indexed_to INTEGER, pending_from INTEGER);
CREATE TABLE IF NOT EXISTS raudit_pending (sec INTEGER, milli INTEGER, serial INTEGER, node BLOB);
CREATE TABLE IF NOT EXISTS raudit_state (key TEXT PRIMARY KEY, value INTEGER);
CREATE INDEX IF NOT EXISTS raudit_files_head ON raudit_files (head_hash, head_len);
";

impl ToSql for V<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            V::Null | V::EventId => ToSqlOutput::Borrowed(ValueRef::Null),
            V::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            V::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
                Err(_) => ToSqlOutput::Owned(rusqlite::types::Value::Text(
                    String::from_utf8_lossy(t).into_owned(),
                )),
            },
        })
    }
}

/// Opens (creating if needed) a store: a file, or memory when `path` is `None`.
/// The tables exist afterwards and `records` is usable.
pub fn open(path: Option<&Path>) -> Result<Connection> {
    let conn = match path {
        Some(p) => Connection::open(p)?,
        None => Connection::open_in_memory()?,
    };
    // 16 KiB pages (new stores only): event texts of ~1 KB fill them well
    conn.execute_batch(
        "PRAGMA page_size = 16384; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;",
    )?;
    let mut sql = String::new();
    for t in TABLES {
        if t.name == "events" {
            continue;
        }
        sql.push_str(&t.create_sql());
        sql.push_str(";\n");
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(&crate::schema::EVENTS.create_sql())?;
    tx.execute_batch(&sql)?;
    tx.execute_batch(STATE_SQL)?;
    tx.commit()?;
    register(&conn)?;
    Ok(conn)
}

/// Registers `audit_fields` and the temporary `records` view on a connection.
pub fn register(conn: &Connection) -> Result<()> {
    const MODULE: Module<FieldsTab> = Module::eponymous_only_module();
    conn.create_module(c"audit_fields", &MODULE, None)?;
    conn.execute_batch(
        "CREATE TEMP VIEW IF NOT EXISTS records AS \
         SELECT r.event_id AS event_id, f.type AS type, f.field AS field, f.value AS value, \
                f.record AS record \
         FROM raw_events r, audit_fields(r.text) f",
    )?;
    Ok(())
}

/// The tables and views a user can query, with their column names.
pub fn user_tables(conn: &Connection) -> Result<Vec<(String, Vec<String>)>> {
    let mut names: Vec<String> = TABLES.iter().map(|t| t.name.to_string()).collect();
    names.push("records".into());
    names.push("raw_events".into());
    let mut out = Vec::new();
    for n in names {
        let mut st = conn.prepare(&format!("PRAGMA table_info({n})"))?;
        let cols = st
            .query_map([], |r| r.get::<_, String>(1))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.push((n, cols));
    }
    Ok(out)
}

/// A value of a [`Batch`]: texts live in the batch's arena.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Null,
    Int(i64),
    Text(u32, u32),
    Blob(u32, u32),
    EventId,
}

/// The rows of many events, flattened into one arena: what the parsing thread hands
/// the SQLite thread (no allocation per value).
#[derive(Debug, Default)]
pub struct Batch {
    arena: Vec<u8>,
    slots: Vec<Slot>,
    /// Table of each row, in order: an index into [`TABLES`], or `RAW` for `raw_events`.
    rows: Vec<u8>,
    /// Events in the batch.
    pub events: usize,
}

const RAW: u8 = 255;

impl Batch {
    fn text(&mut self, t: &[u8]) -> Slot {
        let s = self.arena.len() as u32;
        self.arena.extend_from_slice(t);
        Slot::Text(s, t.len() as u32)
    }

    fn row(&mut self, table: u8, row: &[V<'_>]) {
        self.rows.push(table);
        for v in row {
            let slot = match v {
                V::Null => Slot::Null,
                V::Int(i) => Slot::Int(*i),
                V::Text(t) => self.text(t),
                V::EventId => Slot::EventId,
            };
            self.slots.push(slot);
        }
    }

    /// Adds one event: its rows in every table and its text.
    pub fn push(&mut self, ev: &Event) {
        let rows = extract(ev);
        self.row(0, &rows.events);
        if let Some(r) = &rows.process {
            self.row(1, r);
        }
        if let Some(r) = &rows.socket {
            self.row(2, r);
        }
        for r in &rows.user {
            self.row(3, r);
        }
        for r in &rows.files {
            self.row(4, r);
        }
        self.rows.push(RAW);
        self.slots.push(Slot::EventId);
        let s = self.arena.len() as u32;
        for (i, r) in ev.records().enumerate() {
            if i > 0 {
                self.arena.push(b'\n');
            }
            self.arena.extend_from_slice(r.msg);
            if let Some(t) = r.interp {
                self.arena.push(raudit_logfmt::INTERP_SEPARATOR);
                self.arena.extend_from_slice(t);
            }
        }
        self.slots.push(Slot::Blob(s, self.arena.len() as u32 - s));
        self.events += 1;
    }

    /// Empties the batch, keeping its storage.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.slots.clear();
        self.rows.clear();
        self.events = 0;
    }
}

/// Inserts events' rows. Holds the prepared statements; the caller owns the transaction.
pub struct Writer<'c> {
    stmts: Vec<Statement<'c>>,
    raw: Statement<'c>,
    next_id: i64,
    one: Batch,
    /// Events written.
    pub events: u64,
}

impl<'c> Writer<'c> {
    /// Statements for `conn`; event ids continue after the largest one stored.
    pub fn new(conn: &'c Connection) -> Result<Writer<'c>> {
        let next_id: i64 = conn.query_row(
            "SELECT coalesce(max(event_id), 0) + 1 FROM events",
            [],
            |r| r.get(0),
        )?;
        let stmts = TABLES
            .iter()
            .map(|t| conn.prepare(&t.insert_sql()))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let raw = conn.prepare("INSERT INTO raw_events VALUES (?1, ?2)")?;
        Ok(Writer {
            stmts,
            raw,
            next_id,
            one: Batch::default(),
            events: 0,
        })
    }

    /// Writes every row of a batch.
    pub fn batch(&mut self, b: &Batch) -> Result<()> {
        let mut at = 0usize;
        let mut id = self.next_id - 1;
        for &t in &b.rows {
            let (st, width) = if t == RAW {
                (&mut self.raw, 2)
            } else {
                if t == 0 {
                    id += 1;
                }
                (&mut self.stmts[t as usize], TABLES[t as usize].width())
            };
            let Some(slots) = b.slots.get(at..at + width) else {
                break;
            };
            at += width;
            for (i, v) in slots.iter().enumerate() {
                let text = |s: u32, l: u32| &b.arena[s as usize..(s + l) as usize];
                let val = match *v {
                    Slot::Null => ValueRef::Null,
                    Slot::Int(n) => ValueRef::Integer(n),
                    Slot::EventId => ValueRef::Integer(id),
                    // SQLite takes TEXT bytes as they are (no UTF-8 check here)
                    Slot::Text(s, l) => ValueRef::Text(text(s, l)),
                    Slot::Blob(s, l) => ValueRef::Blob(text(s, l)),
                };
                st.raw_bind_parameter(i + 1, ToSqlOutput::Borrowed(val))?;
            }
            st.raw_execute()?;
        }
        self.next_id = id + 1;
        self.events += b.events as u64;
        Ok(())
    }

    /// Writes one event: its `events` row, its text, and its rows in the other tables.
    pub fn event(&mut self, ev: &Event) -> Result<()> {
        let mut one = std::mem::take(&mut self.one);
        one.clear();
        one.push(ev);
        let r = self.batch(&one);
        self.one = one;
        r
    }
}

/// What an index run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Files looked at.
    pub files: u64,
    /// Bytes read (new bytes only, when incremental).
    pub bytes: u64,
    /// Events added.
    pub events: u64,
    /// Lines that were not audit records.
    pub skipped: u64,
    /// Inputs skipped because they are a file already given (same device and
    /// inode: the same path twice, a link, a directory and a file in it).
    pub duplicates: u64,
}

/// FNV-1a, 64 bits (stable across runs and builds, unlike std's hasher).
fn fnv(b: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as i64
}

/// The identity of a log file: length and hash of its first line (newline included);
/// `None` while the file has no complete first line.
fn head_of(f: &mut File) -> std::io::Result<Option<(i64, i64)>> {
    let mut buf = vec![0u8; 8192];
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(memchr::memchr(b'\n', &buf[..n]).map(|i| ((i + 1) as i64, fnv(&buf[..=i]))))
}

/// Tables whose rows are appended per event, in the order rows are inserted; rows
/// of events still open at the end of an incremental run are their tail.
const APPENDED: &[&str] = &[
    "events",
    "process_events",
    "socket_events",
    "user_events",
    "process_file_events",
    "raw_events",
];

/// Per-run state of one file.
struct FileRun {
    state_id: Option<i64>,
    path: PathBuf,
    dev: u64,
    ino: u64,
    head: (i64, i64),
    /// Where reading starts, and below which only pending events' lines are taken.
    start: u64,
    filter_below: u64,
    /// Set by the parser: how far the file was read (up to a newline).
    indexed_to: u64,
    /// Set by the parser: (second, offset) of lines raising the file's highest second.
    marks: Vec<(i64, u64)>,
}

fn opt_row<T>(r: rusqlite::Result<T>) -> rusqlite::Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What the parsing thread sends.
enum Msg {
    /// Rows of finished events.
    Rows(Batch),
    /// Everything after this is an event still open at the end of the input.
    OpenFollow,
}

/// Events per batch handed from the parsing thread to the SQLite thread.
const BATCH_EVENTS: usize = 512;

/// What the parsing thread found.
struct Parsed {
    runs: Vec<FileRun>,
    open: Vec<crate::feed::EventKey>,
    bytes: u64,
    skipped: u64,
}

/// The parsing side of an index run: reads the files, assembles events, extracts
/// rows into batches and sends them. Stops early when the receiver is gone.
fn parse_files(
    mut runs: Vec<FileRun>,
    mut feeder: Feeder,
    incremental: bool,
    tx: std::sync::mpsc::SyncSender<Msg>,
) -> Result<Parsed> {
    let mut bytes = 0u64;
    let mut batch = Batch::default();
    let mut gone = false;
    let mut buf = vec![0u8; READ_CHUNK];
    let flush = |batch: &mut Batch, gone: &mut bool| {
        if batch.events > 0 && !*gone {
            let full = std::mem::take(batch);
            *gone = tx.send(Msg::Rows(full)).is_err();
        }
    };
    for run in runs.iter_mut() {
        let path = run.path.clone();
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut f = File::open(&run.path).map_err(io)?;
        if run.start > 0 {
            f.seek(SeekFrom::Start(run.start)).map_err(io)?;
        }
        feeder.start_file(run.start, run.filter_below);
        let mut pos = run.start;
        let mut last_nl = run.start; // offset just past the last newline seen
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io(e)),
            };
            let chunk = &buf[..n];
            if let Some(i) = memchr::memrchr(b'\n', chunk) {
                last_nl = pos + i as u64 + 1;
            }
            pos += n as u64;
            if pos > run.filter_below {
                bytes += pos - run.filter_below.max(pos - n as u64);
            }
            feeder.feed(chunk, &mut |ev| batch.push(ev));
            if batch.events >= BATCH_EVENTS {
                flush(&mut batch, &mut gone);
            }
            if gone {
                break;
            }
        }
        if incremental {
            // the partial last line is read again next time
            feeder.drop_partial();
            bytes = bytes.saturating_sub(pos - last_nl);
            run.indexed_to = last_nl.max(run.filter_below);
            run.marks = feeder.take_marks();
        } else {
            feeder.end_file(&mut |ev| batch.push(ev));
        }
    }
    flush(&mut batch, &mut gone);
    let mut open = Vec::new();
    if !gone {
        gone = tx.send(Msg::OpenFollow).is_err();
    }
    feeder.finish(&mut |ev| {
        if incremental {
            open.push(crate::feed::key_of(ev));
        }
        batch.push(ev);
    });
    flush(&mut batch, &mut gone);
    Ok(Parsed {
        runs,
        open,
        bytes,
        skipped: feeder.skipped,
    })
}

/// Builds or updates the store from log files (oldest first; events may span files).
///
/// `incremental` (`raudit index`): each file is read from where the last run
/// stopped, only up to its last newline, and the positions are remembered. Events
/// still open when the input ends (no record `eoe_timeout` seconds newer yet) are
/// stored but marked provisional: the next run deletes their rows and reads their
/// lines again (only theirs: lines of finished events are skipped by identity), so
/// an event whose records straddle two runs, or a rotation, ends up whole and once.
///
/// Otherwise (`raudit sql --input`, into a fresh store) every file is read whole.
///
/// Two threads: one reads, assembles and extracts rows into batches, the calling
/// thread inserts them (SQLite).
pub fn index_files(
    conn: &Connection,
    files: &[PathBuf],
    eoe_timeout: i64,
    incremental: bool,
) -> Result<Stats> {
    // A first build needs no rollback journal (a failed one leaves a store to delete);
    // an update keeps one so a crash cannot damage what was indexed before.
    let empty: bool =
        conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM events)", [], |r| r.get(0))?;
    conn.execute_batch(if empty {
        "PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF;"
    } else {
        "PRAGMA synchronous = OFF; PRAGMA journal_mode = TRUNCATE;"
    })?;
    let tx = conn.unchecked_transaction()?;
    let mut stats = Stats::default();
    let mut feeder = Feeder::new(eoe_timeout);
    if incremental {
        // rows of the events left open last time go; their lines are read again
        let mut pending = std::collections::HashSet::new();
        {
            let mut st = conn.prepare("SELECT sec, milli, serial, node FROM raudit_pending")?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                pending.insert((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)? as u32,
                    r.get::<_, i64>(2)? as u64,
                    r.get::<_, Vec<u8>>(3)?,
                ));
            }
        }
        for t in APPENDED {
            let keep: Option<i64> = opt_row(conn.query_row(
                "SELECT value FROM raudit_state WHERE key = ?1",
                [t],
                |r| r.get(0),
            ))?;
            if let Some(k) = keep {
                conn.execute(&format!("DELETE FROM {t} WHERE rowid > ?1"), [k])?;
            }
        }
        feeder.set_pending(pending);
    }
    // where each file starts
    let mut runs: Vec<FileRun> = Vec::new();
    for path in files {
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut f = File::open(path).map_err(io)?;
        let meta = f.metadata().map_err(io)?;
        if runs
            .iter()
            .any(|r| r.dev == meta.dev() && r.ino == meta.ino())
        {
            stats.duplicates += 1;
            continue;
        }
        stats.files += 1;
        let mut run = FileRun {
            state_id: None,
            path: path.clone(),
            dev: meta.dev(),
            ino: meta.ino(),
            head: (0, 0),
            start: 0,
            filter_below: 0,
            indexed_to: 0,
            marks: Vec::new(),
        };
        if incremental {
            let Some((hl, hh)) = head_of(&mut f).map_err(io)? else {
                continue; // no complete line yet
            };
            run.head = (hl, hh);
            let found: Option<(i64, i64, Option<i64>)> = opt_row(conn.query_row(
                "SELECT id, indexed_to, pending_from FROM raudit_files \
                 WHERE head_hash = ?1 AND head_len = ?2",
                (hh, hl),
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ))?;
            if let Some((id, to, pending_from)) = found {
                run.state_id = Some(id);
                // a file shorter than what was indexed was rewritten: start over
                if (to as u64) <= meta.len() {
                    run.filter_below = to as u64;
                    run.start =
                        pending_from.map_or(run.filter_below, |p| (p as u64).min(run.filter_below));
                }
            }
        }
        runs.push(run);
    }
    let (parsed, added) = {
        let mut w = Writer::new(conn)?;
        let (send, recv) = std::sync::mpsc::sync_channel::<Msg>(4);
        let parsed = std::thread::scope(|scope| -> Result<Parsed> {
            let parser = scope.spawn(move || parse_files(runs, feeder, incremental, send));
            let mut failed = None;
            for msg in recv.iter() {
                let r = match msg {
                    Msg::Rows(b) => w.batch(&b),
                    // the rows of events still open start here: remember where
                    Msg::OpenFollow if incremental => (|| {
                        for t in APPENDED {
                            let max: i64 = conn.query_row(
                                &format!("SELECT coalesce(max(rowid), 0) FROM {t}"),
                                [],
                                |r| r.get(0),
                            )?;
                            conn.execute(
                                "INSERT OR REPLACE INTO raudit_state (key, value) VALUES (?1, ?2)",
                                (t, max),
                            )?;
                        }
                        Ok(())
                    })(),
                    Msg::OpenFollow => Ok(()),
                };
                if let Err(e) = r {
                    failed = Some(e);
                    break;
                }
            }
            drop(recv); // a parser still sending stops
            let parsed = parser
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            match failed {
                Some(e) => Err(e),
                None => parsed,
            }
        })?;
        (parsed, w.events)
    };
    stats.events = added;
    stats.bytes = parsed.bytes;
    stats.skipped = parsed.skipped;
    if incremental {
        conn.execute("DELETE FROM raudit_pending", [])?;
        let mut ins = conn.prepare(
            "INSERT INTO raudit_pending (sec, milli, serial, node) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (sec, milli, serial, node) in &parsed.open {
            ins.execute((sec, *milli as i64, *serial as i64, node))?;
        }
        let oldest = parsed.open.iter().map(|k| k.0).min();
        for r in &parsed.runs {
            let pending_from = oldest.and_then(|sec| {
                let i = r.marks.partition_point(|&(s, _)| s < sec);
                r.marks.get(i).map(|&(_, o)| o as i64)
            });
            let path_s = r.path.to_string_lossy();
            match r.state_id {
                Some(id) => conn.execute(
                    "UPDATE raudit_files SET path=?1, dev=?2, ino=?3, indexed_to=?4, \
                     pending_from=?5 WHERE id=?6",
                    (
                        &*path_s,
                        r.dev as i64,
                        r.ino as i64,
                        r.indexed_to as i64,
                        pending_from,
                        id,
                    ),
                )?,
                None => conn.execute(
                    "INSERT INTO raudit_files \
                     (path, dev, ino, head_len, head_hash, indexed_to, pending_from) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    (
                        &*path_s,
                        r.dev as i64,
                        r.ino as i64,
                        r.head.0,
                        r.head.1,
                        r.indexed_to as i64,
                        pending_from,
                    ),
                )?,
            };
        }
    }
    // "top executables" and per-exe filters without a table scan; built once after the
    // first bulk insert (a sort), maintained row by row on updates
    conn.execute_batch("CREATE INDEX IF NOT EXISTS events_exe ON events (exe)")?;
    tx.commit()?;
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA journal_mode = DELETE;")?;
    Ok(stats)
}

// ---- audit_fields(text): an event's text as (record, type, field, value) rows ----

#[repr(C)]
struct FieldsTab {
    /// Base class. Must be first.
    base: rusqlite::ffi::sqlite3_vtab,
}

const COL_RECORD: c_int = 0;
const COL_TYPE: c_int = 1;
const COL_FIELD: c_int = 2;
const COL_VALUE: c_int = 3;
const COL_TEXT: c_int = 4;

// SAFETY: FieldsTab is #[repr(C)] with the sqlite3_vtab base first, as rusqlite's
// VTab contract requires; it holds no other state.
unsafe impl<'vtab> VTab<'vtab> for FieldsTab {
    type Aux = ();
    type Cursor = FieldsCursor<'vtab>;

    fn connect(
        db: &mut VTabConnection,
        _aux: Option<&()>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> rusqlite::Result<(Cow<'static, CStr>, FieldsTab)> {
        let _ = db.config(VTabConfig::Innocuous);
        Ok((
            Cow::Borrowed(
                c"CREATE TABLE x(record INTEGER, type TEXT, field TEXT, value TEXT, text HIDDEN)",
            ),
            FieldsTab {
                base: rusqlite::ffi::sqlite3_vtab::default(),
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> rusqlite::Result<bool> {
        let mut arg = None;
        for (i, c) in info.constraints().enumerate() {
            if c.column() == COL_TEXT
                && c.is_usable()
                && c.operator() == IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_EQ
            {
                arg = Some(i);
            }
        }
        match arg {
            Some(i) => {
                let mut u = info.constraint_usage(i);
                u.set_argv_index(1);
                u.set_omit(true);
                info.set_idx_num(1);
                info.set_estimated_cost(10.0);
                info.set_estimated_rows(60);
            }
            None => {
                info.set_idx_num(0);
                info.set_estimated_cost(1e12);
            }
        }
        Ok(true)
    }

    fn open(&'vtab mut self) -> rusqlite::Result<FieldsCursor<'vtab>> {
        Ok(FieldsCursor {
            base: rusqlite::ffi::sqlite3_vtab_cursor::default(),
            text: Vec::new(),
            rows: Vec::new(),
            at: 0,
            _p: std::marker::PhantomData,
        })
    }
}

type Span = (u32, u32);

#[repr(C)]
struct FieldsCursor<'vtab> {
    /// Base class. Must be first.
    base: rusqlite::ffi::sqlite3_vtab_cursor,
    text: Vec<u8>,
    /// (record index, type, field, value) as spans of `text`.
    rows: Vec<(u32, Span, Span, Span)>,
    at: usize,
    _p: std::marker::PhantomData<&'vtab FieldsTab>,
}

fn span_of(base: &[u8], part: &[u8]) -> Span {
    let s = part.as_ptr() as usize - base.as_ptr() as usize;
    (s as u32, (s + part.len()) as u32)
}

/// Splits an event's text (records separated by newlines) into field rows.
fn split_event(text: &[u8], rows: &mut Vec<(u32, Span, Span, Span)>) {
    for (ri, line) in text.split(|&b| b == b'\n').enumerate() {
        let ty = crate::fields::type_name(line).unwrap_or(&line[..0]);
        for f in crate::fields::fields(crate::fields::body(line)) {
            let v = f.value;
            let v = match v.strip_prefix(b"\"") {
                Some(r) => r.strip_suffix(b"\"").unwrap_or(r),
                None => v,
            };
            rows.push((
                ri as u32,
                span_of(text, ty),
                span_of(text, f.name),
                span_of(text, v),
            ));
        }
    }
}

// SAFETY: #[repr(C)] with the sqlite3_vtab_cursor base first, as rusqlite requires.
unsafe impl VTabCursor for FieldsCursor<'_> {
    fn filter(
        &mut self,
        idx_num: c_int,
        _idx_str: Option<&str>,
        args: &Filters<'_>,
    ) -> rusqlite::Result<()> {
        self.rows.clear();
        self.text.clear();
        self.at = 0;
        if idx_num == 1 && !args.is_empty() {
            let raw: RawBytes = args.get(0)?;
            self.text = raw.0;
            split_event(&self.text, &mut self.rows);
        }
        Ok(())
    }

    fn next(&mut self) -> rusqlite::Result<()> {
        self.at += 1;
        Ok(())
    }

    fn eof(&self) -> bool {
        self.at >= self.rows.len()
    }

    fn column(&self, ctx: &mut Context, i: c_int) -> rusqlite::Result<()> {
        let Some(&(rec, ty, name, val)) = self.rows.get(self.at) else {
            return ctx.set_result(rusqlite::types::Null);
        };
        let s = |(a, b): Span| -> Cow<'_, str> {
            String::from_utf8_lossy(&self.text[a as usize..b as usize])
        };
        match i {
            COL_RECORD => ctx.set_result(rec as i64),
            COL_TYPE => ctx.set_result(&*s(ty)),
            COL_FIELD => ctx.set_result(&*s(name)),
            COL_VALUE => ctx.set_result(&*s(val)),
            _ => ctx.set_result(&*String::from_utf8_lossy(&self.text)),
        }
    }

    fn rowid(&self) -> rusqlite::Result<i64> {
        Ok(self.at as i64)
    }
}

/// A TEXT or BLOB argument as bytes (NULL is empty).
struct RawBytes(Vec<u8>);

impl rusqlite::types::FromSql for RawBytes {
    fn column_result(v: ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match v {
            ValueRef::Null => Ok(RawBytes(Vec::new())),
            v => v.as_bytes().map(|b| RawBytes(b.to_vec())),
        }
    }
}

/// Runs one SQL statement and collects its result: column names and rows.
pub fn query(conn: &Connection, sql: &str) -> Result<(Vec<String>, Vec<Vec<crate::output::Cell>>)> {
    use crate::output::Cell;
    let mut st = conn.prepare(sql)?;
    let cols: Vec<String> = st.column_names().map(|s| s.to_string()).collect();
    let n = cols.len();
    let mut rows = Vec::new();
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            row.push(match r.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Real(v) => Cell::Real(v),
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    Cell::Text(String::from_utf8_lossy(t).into_owned())
                }
            });
        }
        rows.push(row);
    }
    Ok((cols, rows))
}
