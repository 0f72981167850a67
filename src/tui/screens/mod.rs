//! One component per tab: each owns its state, its keys (`on_action`, reading `Env`
//! and answering with `Out`) and its drawing. None imports the app.

pub mod actions;
pub mod duty_log;
pub mod handover;
pub mod incident_detail;
pub mod incidents;
pub mod inspections;
pub mod knowledge;
pub mod overview;
