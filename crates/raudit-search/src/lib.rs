//! `ausearch` and `aureport` over log files and rotated log sets.
