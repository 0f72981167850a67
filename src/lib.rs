//! Duty Console: the console of the duty engineers (值班人员) of a data-centre machine room.
//!
//! See `docs/ARCHITECTURE.md` for the shape: a pure `domain`, one `store` that writes
//! an append-only hash-chained event log with projections, `config` for the site, and
//! the `cli` on top.

pub mod agenda;
pub mod bundle;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod duty;
pub mod engine;
pub mod files;
pub mod i18n;
pub mod identity;
pub mod journal;
pub mod log;
pub mod ops;
pub mod paths;
pub mod report;
pub mod seal;
pub mod service;
pub mod ssh;
pub mod status;
pub mod store;
pub mod text;
pub mod time;
pub mod tui;
