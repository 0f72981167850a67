//! `duty serve` and its clients: one process owns the store and the engine; consoles and
//! commands of every engineer reach it over a Unix socket, and the kernel says who each
//! one is.

pub mod client;
pub mod metrics;
pub mod protocol;
pub mod server;
