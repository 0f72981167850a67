//! One screen, one file. Each draws from `&App` and a frame area, nothing else.

pub mod actions;
pub mod duty_log;
pub mod handover;
pub mod incident_detail;
pub mod incidents;
pub mod inspections;
pub mod overview;
