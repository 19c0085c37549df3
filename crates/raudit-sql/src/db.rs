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
    conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")?;
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

/// Inserts events' rows. Holds the prepared statements; the caller owns the transaction.
pub struct Writer<'c> {
    stmts: Vec<Statement<'c>>,
    raw: Statement<'c>,
    next_id: i64,
    buf: Vec<u8>,
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
            buf: Vec::with_capacity(8192),
            events: 0,
        })
    }

    fn insert(st: &mut Statement<'_>, id: i64, row: &[V<'_>]) -> rusqlite::Result<()> {
        for (i, v) in row.iter().enumerate() {
            match v {
                V::EventId => st.raw_bind_parameter(i + 1, id)?,
                v => st.raw_bind_parameter(i + 1, v)?,
            }
        }
        st.raw_execute()?;
        Ok(())
    }

    /// Writes one event: its `events` row, its text, and its rows in the other tables.
    pub fn event(&mut self, ev: &Event) -> Result<()> {
        let id = self.next_id;
        self.next_id += 1;
        let rows = extract(ev);
        Self::insert(&mut self.stmts[0], id, &rows.events)?;
        if let Some(r) = &rows.process {
            Self::insert(&mut self.stmts[1], id, r)?;
        }
        if let Some(r) = &rows.socket {
            Self::insert(&mut self.stmts[2], id, r)?;
        }
        for r in &rows.user {
            Self::insert(&mut self.stmts[3], id, r)?;
        }
        for r in &rows.files {
            Self::insert(&mut self.stmts[4], id, r)?;
        }
        self.buf.clear();
        for (i, r) in ev.records().enumerate() {
            if i > 0 {
                self.buf.push(b'\n');
            }
            self.buf.extend_from_slice(r.msg);
            if let Some(t) = r.interp {
                self.buf.push(raudit_logfmt::INTERP_SEPARATOR);
                self.buf.extend_from_slice(t);
            }
        }
        self.raw.raw_bind_parameter(1, id)?;
        match std::str::from_utf8(&self.buf) {
            Ok(s) => self.raw.raw_bind_parameter(2, s)?,
            Err(_) => self.raw.raw_bind_parameter(2, &self.buf[..])?,
        }
        self.raw.raw_execute()?;
        self.events += 1;
        Ok(())
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
    indexed_to: u64,
    /// (second, offset) of lines raising the file's highest second.
    maxes_from: Option<Vec<(i64, u64)>>,
}

fn opt_row<T>(r: rusqlite::Result<T>) -> rusqlite::Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e),
    }
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
pub fn index_files(
    conn: &Connection,
    files: &[PathBuf],
    eoe_timeout: i64,
    incremental: bool,
) -> Result<Stats> {
    conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA journal_mode = TRUNCATE;")?;
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
    let mut runs: Vec<FileRun> = Vec::new();
    {
        let mut w = Writer::new(conn)?;
        let mut err: Option<Error> = None;
        let mut buf = vec![0u8; READ_CHUNK];
        for path in files {
            let io = |source| Error::Io {
                path: path.clone(),
                source,
            };
            let mut f = File::open(path).map_err(io)?;
            let meta = f.metadata().map_err(io)?;
            stats.files += 1;
            let (mut start, mut filter_below) = (0u64, 0u64);
            let mut run = FileRun {
                state_id: None,
                path: path.clone(),
                dev: meta.dev(),
                ino: meta.ino(),
                head: (0, 0),
                indexed_to: 0,
                maxes_from: None,
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
                        filter_below = to as u64;
                        start = pending_from.map_or(filter_below, |p| (p as u64).min(filter_below));
                    }
                }
                f.seek(SeekFrom::Start(start)).map_err(io)?;
            }
            feeder.start_file(start, filter_below);
            let mut pos = start;
            let mut last_nl = start; // offset just past the last newline seen
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
                if pos > filter_below {
                    stats.bytes += pos - filter_below.max(pos - n as u64);
                }
                feeder.feed(chunk, &mut |ev| {
                    if err.is_none() {
                        if let Err(e) = w.event(ev) {
                            err = Some(e);
                        }
                    }
                });
                if let Some(e) = err.take() {
                    return Err(e);
                }
            }
            if incremental {
                // the partial last line is read again next time
                feeder.drop_partial();
                stats.bytes = stats.bytes.saturating_sub(pos - last_nl);
                run.indexed_to = last_nl.max(filter_below);
                run.maxes_from = Some(feeder.take_marks());
                runs.push(run);
            } else {
                feeder.end_file(&mut |ev| {
                    if err.is_none() {
                        if let Err(e) = w.event(ev) {
                            err = Some(e);
                        }
                    }
                });
            }
            if let Some(e) = err.take() {
                return Err(e);
            }
        }
        // events still open: stored now, provisional when incremental
        let mut open: Vec<crate::feed::EventKey> = Vec::new();
        if incremental {
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
        }
        feeder.finish(&mut |ev| {
            if incremental {
                open.push(crate::feed::key_of(ev));
            }
            if err.is_none() {
                if let Err(e) = w.event(ev) {
                    err = Some(e);
                }
            }
        });
        if let Some(e) = err.take() {
            return Err(e);
        }
        stats.events = w.events;
        stats.skipped = feeder.skipped;
        if incremental {
            conn.execute("DELETE FROM raudit_pending", [])?;
            let mut ins = conn.prepare(
                "INSERT INTO raudit_pending (sec, milli, serial, node) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (sec, milli, serial, node) in &open {
                ins.execute((sec, *milli as i64, *serial as i64, node))?;
            }
            let oldest = open.iter().map(|k| k.0).min();
            for r in &runs {
                let pending_from = oldest.and_then(|sec| {
                    let m = r.maxes_from.as_deref().unwrap_or(&[]);
                    let i = m.partition_point(|&(s, _)| s < sec);
                    m.get(i).map(|&(_, o)| o as i64)
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
    }
    tx.commit()?;
    conn.execute_batch("PRAGMA synchronous = FULL;")?;
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
