//! The window's commands, one file per area. Each body is one call into the store.

pub mod app;
pub mod calls;
pub mod import;
pub mod loyalty;
pub mod records;
