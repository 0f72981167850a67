//! SSH triage: running the site's catalog of actions on its machines (libssh2), with
//! host keys checked against known_hosts, output made harmless before it is shown, and
//! every run recorded in the hash-chained log.

pub mod capture;
pub mod known_hosts;
pub mod runner;
pub mod session;
