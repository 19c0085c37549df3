//! User and group names for the ENRICHED format: the cached system databases,
//! flushed as auditd's auparse flushes them (a record that changes accounts).

pub use raudit_sysdb::SystemNames;
