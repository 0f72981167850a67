//! An alarm from a monitoring system (Prometheus Alertmanager, Zabbix), as the record
//! needs it whatever system raised it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Severity;

/// An alarm as the console needs it, whatever system raised it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceAlert {
    /// `am:<source>:<fingerprint>` or `zbx:<source>:<eventid>`: how a re-fetch finds it.
    pub key: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub hosts: Vec<String>,
    pub started_at: DateTime<Utc>,
    /// The source says it is over.
    pub ended: bool,
    /// What the source needs to be told about it later (labels for a silence, the
    /// eventid for an acknowledgement).
    pub labels: BTreeMap<String, String>,
}
