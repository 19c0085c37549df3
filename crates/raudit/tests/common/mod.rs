//! Helpers shared by the integration tests (each test binary uses a subset).
#![allow(dead_code)]

pub mod collector;
pub mod daemon;
pub mod digest;
pub mod json;
pub mod kernel;
pub mod pki;
pub mod tmp;
pub mod tools;
