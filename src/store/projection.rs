//! From stored events to projection state: the fold shared by live commands and rebuild.

use crate::domain::alarm::AlarmEvent;
use crate::domain::check::{CheckState, CheckStatus, Evidence};
use crate::domain::incident::{EventMeta, apply};
use crate::domain::{DomainError, Incident, IncidentEvent};

use super::StoredEvent;

/// Whether a stored event belongs to the incident projection.
pub fn is_incident_event(event: &StoredEvent) -> bool {
    event.kind.starts_with("incident.")
}

/// Applies a stored incident event to the incident it concerns.
pub fn apply_stored(incident: Option<Incident>, event: &StoredEvent) -> Result<Incident, DomainError> {
    let decoded = IncidentEvent::from_stored(&event.kind, &event.payload)
        .map_err(|_| DomainError::CorruptLog { kind: "undecodable incident event" })?;
    let meta =
        EventMeta { actor: &event.actor, occurred_at: event.occurred_at, recorded_at: event.recorded_at };
    apply(incident, &decoded, &meta)
}

/// The alarm event a stored event carries, if it is one.
pub fn alarm_event(event: &StoredEvent) -> Result<Option<AlarmEvent>, DomainError> {
    if !event.kind.starts_with("alarm.") {
        return Ok(None);
    }
    AlarmEvent::from_stored(&event.kind, &event.payload)
        .map(Some)
        .map_err(|_| DomainError::CorruptLog { kind: "undecodable alarm event" })
}

/// The check status a `check.changed` event leaves, if it is one. Only changes are in
/// the log, so a rebuilt check has its status, since when, and the evidence of the
/// change; run counters and latency history start again.
pub fn check_change(event: &StoredEvent) -> Result<Option<CheckState>, DomainError> {
    if event.kind != "check.changed" {
        return Ok(None);
    }
    #[derive(serde::Deserialize)]
    struct Changed {
        host: String,
        check: String,
        to: CheckStatus,
        #[serde(default)]
        evidence: Evidence,
    }
    let changed: Changed = serde_json::from_str(&event.payload)
        .map_err(|_| DomainError::CorruptLog { kind: "undecodable check event" })?;
    Ok(Some(CheckState {
        host: changed.host,
        check: changed.check,
        status: changed.to,
        since: event.occurred_at,
        last_at: event.occurred_at,
        consecutive_critical: 0,
        evidence: changed.evidence,
        latencies: Vec::new(),
        incident: None,
    }))
}

/// What a `maintenance.*` event did.
pub enum MaintenanceChange {
    Scheduled(crate::domain::maintenance::Window),
    Ended { id: String, until: chrono::DateTime<chrono::Utc> },
}

/// The maintenance change a stored event carries, if it is one.
pub fn maintenance_change(event: &StoredEvent) -> Result<Option<MaintenanceChange>, DomainError> {
    let corrupt = |_| DomainError::CorruptLog { kind: "undecodable maintenance event" };
    match event.kind.as_str() {
        "maintenance.scheduled" => {
            Ok(Some(MaintenanceChange::Scheduled(serde_json::from_str(&event.payload).map_err(corrupt)?)))
        }
        "maintenance.ended" => {
            #[derive(serde::Deserialize)]
            struct Ended {
                id: String,
                until: chrono::DateTime<chrono::Utc>,
            }
            let ended: Ended = serde_json::from_str(&event.payload).map_err(corrupt)?;
            Ok(Some(MaintenanceChange::Ended { id: ended.id, until: ended.until }))
        }
        _ => Ok(None),
    }
}
