//! The local user, group and protocol databases, as the C tools consult them
//! (`getpwuid`, `getgrgid`, `getprotobynumber`), cached: logs repeat ids.

pub use raudit_sysdb::SystemNames;
