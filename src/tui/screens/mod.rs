//! One screen, one file. Each draws from `&App` and a frame area, nothing else.

pub mod actions;
pub mod incident_detail;
pub mod incidents;
pub mod inspections;
pub mod not_built;
pub mod overview;
