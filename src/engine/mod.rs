//! The engine: probes and alert sources feeding the store, run by exactly one process at
//! a time (the one holding the lease).

pub mod health;
pub mod probe;
pub mod runner;
pub mod scheduler;
pub mod sources;
pub mod supervisor;
