//! `raudit sql` and `raudit index`: osquery's audit event tables (`process_events`,
//! `socket_events`, `user_events`, `process_file_events`) plus `events` and a raw
//! `records(event_id, type, field, value)` view, over audit logs, in SQLite.
//!
//! - [`schema`] (pure): the tables, osquery's columns first.
//! - [`fields`] (pure): zero-copy `name=value` fields of a record.
//! - [`rows`] (pure): one assembled event → the rows of every table.
//! - [`feed`] (pure): log bytes → events (raudit-logfmt's splitter and assembler).
//! - [`db`] (I/O): the SQLite store, the `records` view, the incremental index.
//! - [`output`] (pure): query results as an aligned table, CSV or JSON.

pub mod db;
pub mod feed;
pub mod fields;
pub mod output;
pub mod rows;
pub mod schema;
