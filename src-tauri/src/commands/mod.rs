//! The window's commands, one file per area. Each body is one call into fidelia-ops.

pub mod app;
pub mod backup;
pub mod calls;
pub mod diagnostics;
pub mod import;
pub mod loyalty;
pub mod messages;
pub mod privacy;
pub mod records;
pub mod server;
pub mod surveys;
pub mod winback;
