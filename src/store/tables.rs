//! The store over SQL tables, written once for every backend: the event log with its
//! hash chain, the projections, and each command decided and recorded in one write
//! transaction. A backend (`sqlite.rs`, `postgres.rs`) only says how to open a
//! transaction and run a statement.

use chrono::{DateTime, Utc};

use super::chain::{ChainWalker, GENESIS, event_hash};
use super::projection::{
    MaintenanceChange, alarm_event, apply_stored, check_change, is_incident_event, maintenance_change,
};
use super::sql::{Backend, Conn, SqlRow, params};
use super::{
    AlarmRequest, AlertRules, CONSOLE_SUBJECT, Committed, Decide, Declined, IncidentRequest, Lease,
    ProbeRules, RunRequest, SourcePoll, SourceState, Store, StoreError, StoredEvent, Target, VerifyReport,
    Writeback,
};
use crate::domain::alarm::{AlarmEvent, AlarmKey, AlarmLedger, decide_alarm};
use crate::domain::check::{CheckOutcome, CheckResult, CheckState, check_key, observe};
use crate::domain::checklist::{Run, RunEvent, RunRefusal, Slot, apply_run, decide_run};
use crate::domain::incident::{NewIncident, decide};
use crate::domain::maintenance::Window;
use crate::domain::{EventClass, FaultArea, Incident, IncidentCommand, IncidentId, Operator, Source};

type SqlResult<T> = Result<T, StoreError>;

/// The store on a backend.
pub struct SqlStore<B> {
    pub(super) backend: B,
}

const EVENT_COLUMNS: &str =
    "seq, occurred_at, recorded_at, actor, origin, kind, subject, payload, prev_hash, hash";

/// Events are read this many at a time when the whole log is walked.
const PAGE: i64 = 5000;

fn read_event(row: &SqlRow) -> SqlResult<StoredEvent> {
    Ok(StoredEvent {
        seq: row.int(0)? as u64,
        occurred_at: row.time(1)?,
        recorded_at: row.time(2)?,
        actor: row.text(3)?,
        origin: row.text(4)?,
        kind: row.text(5)?,
        subject: row.text(6)?,
        payload: row.text(7)?,
        prev_hash: row.text(8)?,
        hash: row.text(9)?,
    })
}

/// Whether a source reference names an alert of a source that takes acknowledgements.
fn is_alert_ref(source_ref: &str) -> bool {
    source_ref.starts_with("am:") || source_ref.starts_with("zbx:")
}

/// A new event, before the chain gives it its seq and hashes.
fn new_event(
    actor: &str,
    origin: &str,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    kind: &str,
    subject: &str,
    payload: String,
) -> StoredEvent {
    StoredEvent {
        seq: 0,
        occurred_at,
        recorded_at,
        actor: actor.to_string(),
        origin: origin.to_string(),
        kind: kind.to_string(),
        subject: subject.to_string(),
        payload,
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn decode<T: serde::de::DeserializeOwned>(what: &'static str, body: &str) -> SqlResult<T> {
    serde_json::from_str(body).map_err(StoreError::backend(what))
}

fn encode<T: serde::Serialize>(what: &'static str, value: &T) -> SqlResult<String> {
    serde_json::to_string(value).map_err(StoreError::backend(what))
}

fn query_events(
    db: &mut dyn Conn,
    filter: &str,
    params: &[super::sql::Value],
) -> SqlResult<Vec<StoredEvent>> {
    let rows = db.rows(
        "reading events",
        &format!("SELECT {EVENT_COLUMNS} FROM events {filter} ORDER BY seq"),
        params,
    )?;
    rows.iter().map(read_event).collect()
}

/// Walks the whole log in order, a page at a time; `f` may write through `db`.
fn for_each_event(
    db: &mut dyn Conn,
    mut f: impl FnMut(&mut dyn Conn, Result<StoredEvent, (u64, StoreError)>) -> SqlResult<bool>,
) -> SqlResult<()> {
    let mut after = 0_i64;
    loop {
        let rows = db.rows(
            "reading events",
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
            params![after, PAGE],
        )?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in &rows {
            let seq = row.int(0)?;
            after = seq;
            let event = read_event(row).map_err(|e| (seq as u64, e));
            if !f(db, event)? {
                return Ok(());
            }
        }
    }
}

fn head_of(db: &mut dyn Conn) -> SqlResult<Option<(u64, String)>> {
    db.chain_head()
}

/// Writes one event row as it is.
fn insert_event(db: &mut dyn Conn, event: &StoredEvent) -> SqlResult<()> {
    db.exec(
        "writing an event",
        &format!("INSERT INTO events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        params![
            event.seq,
            event.occurred_at,
            event.recorded_at,
            &event.actor,
            &event.origin,
            &event.kind,
            &event.subject,
            &event.payload,
            &event.prev_hash,
            &event.hash
        ],
    )?;
    Ok(())
}

/// Appends one event to the chain, filling seq and hashes.
fn append(db: &mut dyn Conn, mut event: StoredEvent) -> SqlResult<StoredEvent> {
    let (last_seq, prev_hash) = head_of(db)?.unwrap_or((0, GENESIS.to_string()));
    event.seq = last_seq + 1;
    event.prev_hash = prev_hash;
    event.hash = event_hash(&event.prev_hash, &event);
    insert_event(db, &event)?;
    db.move_head(event.seq, &event.hash)?;
    Ok(event)
}

fn load_incident(db: &mut dyn Conn, id: &IncidentId) -> SqlResult<Option<Incident>> {
    body_of(db, "reading an incident", "SELECT body FROM incidents WHERE id = ?1", &id.0)
}

fn next_id(db: &mut dyn Conn, prefix: &str, day_key: &str) -> SqlResult<IncidentId> {
    let stem = format!("{prefix}-{day_key}-");
    let last = db.row(
        "numbering the incident",
        "SELECT last FROM incident_numbers WHERE stem = ?1",
        params![&stem],
    )?;
    // A store from before the counter table: count the day's incidents once.
    let last = match last {
        Some(row) => row.int(0)?,
        None => db
            .row(
                "numbering the incident",
                "SELECT count(*) FROM incidents WHERE substr(id, 1, length(?1)) = ?1",
                params![&stem],
            )?
            .map_or(Ok(0), |r| r.int(0))?,
    };
    db.exec(
        "numbering the incident",
        "INSERT INTO incident_numbers (stem, last) VALUES (?1, ?2)
         ON CONFLICT (stem) DO UPDATE SET last = excluded.last",
        params![&stem, last + 1],
    )?;
    Ok(IncidentId::for_day(prefix, day_key, last as u32 + 1))
}

/// Fills the knowledge index from the incidents projection and the `kb.` events (a
/// store from before the index).
pub(super) fn index_knowledge(db: &mut dyn Conn) -> SqlResult<()> {
    let incidents: Vec<Incident> = bodies(db, "reading incidents", "SELECT body FROM incidents", &[])?;
    for incident in &incidents {
        if let Some(entry) = crate::domain::knowledge::of_incident(incident) {
            super::knowledge::save(db, &entry, true)?;
        }
    }
    for event in query_events(db, "WHERE kind LIKE 'kb.%'", &[])? {
        super::knowledge::index_event(db, &event)?;
    }
    Ok(())
}

fn save_incident(db: &mut dyn Conn, incident: &Incident, last_seq: u64) -> SqlResult<()> {
    // A resolved incident's cause and solution are an entry of the knowledge base.
    if let Some(entry) = crate::domain::knowledge::of_incident(incident) {
        super::knowledge::save(db, &entry, true)?;
    }
    let body = encode("encoding an incident", incident)?;
    db.exec(
        "writing the incident projection",
        "INSERT INTO incidents (id, state, severity, owner, reported_at, version, last_seq, body, source_ref)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, severity = excluded.severity,
            owner = excluded.owner, reported_at = excluded.reported_at, version = excluded.version,
            last_seq = excluded.last_seq, body = excluded.body, source_ref = excluded.source_ref",
        params![
            &incident.id.0,
            incident.state.key(),
            incident.severity.key(),
            incident.owner.clone(),
            incident.reported_at,
            incident.version,
            last_seq,
            body,
            incident.source_ref.clone()
        ],
    )?;
    Ok(())
}

fn save_alarm(db: &mut dyn Conn, event: &AlarmEvent, stored: &StoredEvent) -> SqlResult<()> {
    match event {
        AlarmEvent::Acknowledged { alarms } => {
            for alarm in alarms {
                let level = serde_json::to_value(alarm.level).expect("levels serialise");
                db.exec(
                    "recording an alarm acknowledgement",
                    "INSERT INTO alarm_acks (incident, clock, level, actor, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (incident, clock, level) DO NOTHING",
                    params![
                        &alarm.incident.0,
                        alarm.clock.key(),
                        level.as_str().unwrap_or_default(),
                        &stored.actor,
                        stored.seq
                    ],
                )?;
            }
        }
        AlarmEvent::Muted { until, .. } => {
            db.exec(
                "recording a mute",
                "INSERT INTO alarm_mute (id, until, actor, seq) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET until = excluded.until, actor = excluded.actor, seq = excluded.seq",
                params![*until, &stored.actor, stored.seq],
            )?;
        }
    }
    Ok(())
}

/// Decides and records one incident command inside an open write transaction.
fn execute_in(db: &mut dyn Conn, request: &IncidentRequest<'_>) -> SqlResult<Committed> {
    let (current, new_id, subject) = match &request.target {
        Target::New { prefix, day_key } => {
            let id = next_id(db, prefix, day_key)?;
            (None, Some(id.clone()), id)
        }
        Target::Existing(id) => {
            let incident = load_incident(db, id)?.ok_or_else(|| StoreError::NotFound(id.clone()))?;
            if let Some(expected) = request.expected_version
                && expected != incident.version
            {
                return Err(StoreError::Stale {
                    id: id.clone(),
                    expected,
                    current: incident.version,
                    by: incident.last_change.actor.clone(),
                    at: incident.last_change.recorded_at,
                });
            }
            (Some(incident), None, id.clone())
        }
    };
    let ctx = crate::domain::incident::Context {
        actor: request.actor,
        occurred_at: request.occurred_at,
        now: request.now,
        claim: request.claim.clone(),
    };
    let decided = decide(current.as_ref(), &request.command, &ctx, new_id.as_ref())?;
    let mut incident = current;
    let mut written = Vec::with_capacity(decided.len());
    for event in decided {
        let stored = append(
            db,
            new_event(
                &request.actor.id,
                &request.origin,
                request.occurred_at,
                request.now,
                event.kind(),
                &subject.0,
                event.payload_json(),
            ),
        )?;
        // The decided event is at hand: fold it directly rather than re-read its JSON.
        let meta = crate::domain::incident::EventMeta {
            actor: &stored.actor,
            occurred_at: stored.occurred_at,
            recorded_at: stored.recorded_at,
        };
        incident = Some(crate::domain::incident::apply(incident, &event, &meta)?);
        written.push(stored);
    }
    let incident = incident.expect("a decided command produces at least one event");
    let last_seq = written.last().map_or(0, |e| e.seq);
    save_incident(db, &incident, last_seq)?;
    let acknowledged = written.iter().any(|e| e.kind == "incident.acknowledged");
    if acknowledged && let Some(source_ref) = incident.source_ref.as_deref().filter(|r| is_alert_ref(r)) {
        enqueue_writeback(db, &incident, source_ref, &request.actor.id, request.now)?;
    }
    Ok(Committed { incident, events: written })
}

/// The incident still being worked on that came from this source item, if any.
fn active_incident_for(db: &mut dyn Conn, source_ref: &str) -> SqlResult<Option<IncidentId>> {
    db.row(
        "finding an incident by source",
        "SELECT id FROM incidents WHERE source_ref = ?1 AND state IN ('open', 'acknowledged', 'on_site')
         ORDER BY id DESC LIMIT 1",
        params![source_ref],
    )?
    .map(|r| Ok(IncidentId(r.text(0)?)))
    .transpose()
}

fn load_check(db: &mut dyn Conn, key: &str) -> SqlResult<Option<CheckState>> {
    body_of(db, "reading a check", "SELECT body FROM check_status WHERE key = ?1", key)
}

fn save_check(db: &mut dyn Conn, state: &CheckState) -> SqlResult<()> {
    let body = encode("encoding a check", state)?;
    db.exec(
        "writing a check",
        "INSERT INTO check_status (key, host, status, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (key) DO UPDATE SET host = excluded.host, status = excluded.status, body = excluded.body",
        params![check_key(&state.host, &state.check), &state.host, state.status.key(), body],
    )?;
    Ok(())
}

/// Records one check result; returns the events written.
fn record_check_in(
    db: &mut dyn Conn,
    result: &CheckResult,
    rules: &ProbeRules<'_>,
    windows: &[Window],
    now: DateTime<Utc>,
) -> SqlResult<usize> {
    let key = result.key();
    let mut previous = load_check(db, &key)?;
    // A link to an incident that is no longer being worked on is dropped, so a new
    // failure can open a new one; a link lost in a rebuild is found again.
    if let Some(state) = previous.as_mut() {
        state.incident = active_incident_for(db, &key)?;
    }
    let rule = (rules.rule_of)(result);
    let in_maintenance = windows.iter().any(|w| w.covers(&result.host, &result.check, result.at));
    let (mut state, outcomes) = observe(previous.as_ref(), result, rules.open_after, in_maintenance);
    let mut written = 0;
    let subject = format!("check:{key}");
    for outcome in outcomes {
        match outcome {
            CheckOutcome::Changed { from, to } => {
                let payload = serde_json::json!({
                    "host": result.host, "check": result.check, "from": from, "to": to, "evidence": result.evidence,
                });
                append(
                    db,
                    new_event(
                        &rules.actor.id,
                        &rules.origin,
                        result.at,
                        now,
                        "check.changed",
                        &subject,
                        payload.to_string(),
                    ),
                )?;
                written += 1;
            }
            CheckOutcome::OpenIncident => {
                if let Some(open) = active_incident_for(db, &key)? {
                    state.incident = Some(open);
                    continue;
                }
                let new = NewIncident {
                    title: format!(
                        "{}: {} {}",
                        result.host,
                        result.check,
                        crate::i18n::evidence_reason(&result.evidence, rules.lang).unwrap_or_else(|| {
                            crate::i18n::Label::label(&result.status, rules.lang).to_string()
                        })
                    ),
                    description: crate::i18n::evidence_line(&result.evidence, rules.lang),
                    severity: rule.severity,
                    class: EventClass::Fault,
                    area: rule.area,
                    hosts: vec![result.host.clone()],
                    source: Source::Probe,
                    reported_at: result.at,
                    onsite_required: false,
                    source_ref: Some(key.clone()),
                };
                let committed =
                    open_for_source(db, new, &rules.prefix, rules.tz, rules.actor, &rules.origin, now)?;
                written += committed.events.len();
                state.incident = Some(committed.incident.id);
            }
            CheckOutcome::Recovered { incident } => {
                let evidence = result.evidence.latency_ms.map_or(String::new(), |ms| format!(" ({ms} ms)"));
                let lang = rules.lang;
                let mut commands = vec![IncidentCommand::Note {
                    text: format!("{key} {}{evidence}", lang.pick("已恢复正常", "recovered: normal again")),
                }];
                if rules.resolve_on_recovery {
                    commands.push(IncidentCommand::Resolve {
                        cause: format!("{key} {}", lang.pick("检查失败", "failed")),
                        solution: format!("{key} {}", lang.pick("恢复正常", "returned to normal")),
                    });
                }
                for command in commands {
                    let request = IncidentRequest {
                        target: Target::Existing(incident.clone()),
                        command,
                        actor: rules.actor,
                        origin: rules.origin.clone(),
                        occurred_at: result.at,
                        now,
                        expected_version: None,
                        claim: None,
                    };
                    // An incident nobody has responded to is not resolved by the
                    // engine: the refusal leaves it for a person.
                    match execute_in(db, &request) {
                        Ok(committed) => written += committed.events.len(),
                        Err(StoreError::Refused(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    save_check(db, &state)?;
    Ok(written)
}

fn read_lease(db: &mut dyn Conn) -> SqlResult<Option<Lease>> {
    db.row(
        "reading the lease",
        "SELECT holder, heartbeat_at, expires_at FROM engine_lease WHERE id = 1",
        &[],
    )?
    .map(|r| Ok(Lease { holder: r.text(0)?, heartbeat_at: r.time(1)?, expires_at: r.time(2)? }))
    .transpose()
}

/// Opens an incident for the engine (a probe or an alert source), numbered by the
/// local day it was reported and dated at that report.
fn open_for_source(
    db: &mut dyn Conn,
    new: NewIncident,
    prefix: &str,
    tz: chrono_tz::Tz,
    actor: &Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> SqlResult<Committed> {
    let day_key = new.reported_at.with_timezone(&tz).format("%Y%m%d").to_string();
    let reported_at = new.reported_at;
    let request = IncidentRequest {
        target: Target::New { prefix: prefix.to_string(), day_key },
        command: IncidentCommand::Open(new),
        actor,
        origin: origin.to_string(),
        occurred_at: reported_at,
        now,
        expected_version: None,
        claim: None,
    };
    execute_in(db, &request)
}

fn enqueue_writeback(
    db: &mut dyn Conn,
    incident: &Incident,
    source_ref: &str,
    operator: &str,
    now: DateTime<Utc>,
) -> SqlResult<()> {
    let comment = match &incident.last_note {
        Some(note) => format!("{operator} acknowledged {} in Duty Console: {note}", incident.id),
        None => format!("{operator} acknowledged {} in Duty Console", incident.id),
    };
    db.exec(
        "queueing a write-back",
        "INSERT INTO writebacks (incident, source_ref, operator, comment, status, attempts, created_at)
         VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5)",
        params![&incident.id.0, source_ref, operator, comment, now],
    )?;
    Ok(())
}

/// Records the result of one poll of a source; returns the events written.
fn record_alerts_in(
    db: &mut dyn Conn,
    poll: &SourcePoll<'_>,
    rules: &AlertRules<'_>,
    now: DateTime<Utc>,
) -> SqlResult<usize> {
    let mut written = 0;
    let previous = db
        .row("reading a source", "SELECT ok, since FROM source_status WHERE name = ?1", params![poll.source])?
        .map(|r| Ok::<_, StoreError>((r.int(0)? != 0, r.text(1)?)))
        .transpose()?;
    let ok = poll.result.is_ok();
    let error = poll.result.as_ref().err().cloned();
    let changed = previous.as_ref().is_none_or(|(was_ok, _)| *was_ok != ok);
    let since = match (&previous, changed) {
        (Some((_, since)), false) => since.clone(),
        _ => crate::time::canonical(now),
    };
    if changed {
        let payload = serde_json::json!({ "source": poll.source, "ok": ok, "error": error });
        let subject = format!("source:{}", poll.source);
        append(
            db,
            new_event(
                &rules.actor.id,
                &rules.origin,
                now,
                now,
                "source.changed",
                &subject,
                payload.to_string(),
            ),
        )?;
        written += 1;
    }
    db.exec(
        "writing a source's status",
        "INSERT INTO source_status (name, ok, since, checked_at, error) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (name) DO UPDATE SET ok = excluded.ok, since = excluded.since,
            checked_at = excluded.checked_at, error = excluded.error",
        params![poll.source, ok, since, now, error],
    )?;
    let Ok(alerts) = &poll.result else { return Ok(written) };
    let mut seen = std::collections::HashSet::new();
    for alert in alerts {
        seen.insert(alert.key.as_str());
        let state = db
            .row(
                "reading an alert",
                "SELECT incident, firing FROM alert_state WHERE key = ?1",
                params![&alert.key],
            )?
            .map(|r| Ok::<_, StoreError>((r.opt_text(0)?, r.int(1)? != 0)))
            .transpose()?;
        if alert.ended {
            if let Some((Some(incident), true)) = state {
                written += alert_ended(db, &alert.key, &IncidentId(incident), rules, now)?;
            }
            continue;
        }
        if matches!(state, Some((_, true))) {
            continue;
        }
        let incident = match active_incident_for(db, &alert.key)? {
            Some(open) => open,
            None => {
                let new = NewIncident {
                    title: alert.title.chars().take(crate::domain::incident::TITLE_MAX).collect(),
                    description: alert.description.chars().take(crate::domain::incident::TEXT_MAX).collect(),
                    severity: alert.severity,
                    class: EventClass::Fault,
                    area: FaultArea::System,
                    hosts: alert.hosts.clone(),
                    source: rules.source,
                    reported_at: alert.started_at.min(now),
                    onsite_required: false,
                    source_ref: Some(alert.key.clone()),
                };
                let committed =
                    open_for_source(db, new, &rules.prefix, rules.tz, rules.actor, &rules.origin, now)?;
                written += committed.events.len();
                committed.incident.id
            }
        };
        let labels = encode("encoding labels", &alert.labels)?;
        db.exec(
            "writing an alert",
            "INSERT INTO alert_state (key, source, incident, firing, labels) VALUES (?1, ?2, ?3, 1, ?4)
             ON CONFLICT (key) DO UPDATE SET incident = excluded.incident, firing = 1, labels = excluded.labels",
            params![&alert.key, poll.source, &incident.0, labels],
        )?;
    }
    // Alertmanager drops a resolved alert from its list: what was firing and is no
    // longer listed has ended.
    let firing = db.rows(
        "reading alerts",
        "SELECT key, incident FROM alert_state WHERE source = ?1 AND firing = 1",
        params![poll.source],
    )?;
    for row in firing {
        let (key, incident) = (row.text(0)?, row.opt_text(1)?);
        if !seen.contains(key.as_str())
            && let Some(incident) = incident
        {
            written += alert_ended(db, &key, &IncidentId(incident), rules, now)?;
        }
    }
    Ok(written)
}

/// Marks an alert ended and notes it on its incident (once).
fn alert_ended(
    db: &mut dyn Conn,
    key: &str,
    incident: &IncidentId,
    rules: &AlertRules<'_>,
    now: DateTime<Utc>,
) -> SqlResult<usize> {
    db.exec("ending an alert", "UPDATE alert_state SET firing = 0 WHERE key = ?1", params![key])?;
    let request = IncidentRequest {
        target: Target::Existing(incident.clone()),
        command: IncidentCommand::Note { text: format!("{key}: the source reports the alert ended") },
        actor: rules.actor,
        origin: rules.origin.clone(),
        occurred_at: now,
        now,
        expected_version: None,
        claim: None,
    };
    match execute_in(db, &request) {
        Ok(committed) => Ok(committed.events.len()),
        // A closed incident takes no notes: the end is then only in alert_state.
        Err(StoreError::Refused(_)) => Ok(0),
        Err(e) => Err(e),
    }
}

/// The JSON body in the one row a key selects, decoded.
fn body_of<T: serde::de::DeserializeOwned>(
    db: &mut dyn Conn,
    what: &'static str,
    sql: &str,
    key: &str,
) -> SqlResult<Option<T>> {
    db.row(what, sql, params![key])?.map(|r| decode(what, &r.text(0)?)).transpose()
}

fn bodies<T: serde::de::DeserializeOwned>(
    db: &mut dyn Conn,
    what: &'static str,
    sql: &str,
    params: &[super::sql::Value],
) -> SqlResult<Vec<T>> {
    db.texts(what, sql, params)?.iter().map(|body| decode(what, body)).collect()
}

fn windows_in(db: &mut dyn Conn) -> SqlResult<Vec<Window>> {
    bodies(db, "reading maintenance", "SELECT body FROM maintenance ORDER BY until", &[])
}

fn save_window(db: &mut dyn Conn, window: &Window) -> SqlResult<()> {
    let body = encode("encoding a maintenance window", window)?;
    db.exec(
        "writing a maintenance window",
        "INSERT INTO maintenance (id, until, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET until = excluded.until, body = excluded.body",
        params![&window.id, window.until, body],
    )?;
    Ok(())
}

fn load_run(db: &mut dyn Conn, id: &str) -> SqlResult<Option<Run>> {
    body_of(db, "reading a run", "SELECT body FROM checklist_runs WHERE id = ?1", id)
}

fn save_run(db: &mut dyn Conn, run: &Run) -> SqlResult<()> {
    let body = encode("encoding a run", run)?;
    db.exec(
        "writing a run",
        "INSERT INTO checklist_runs (id, due_at, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, body = excluded.body",
        params![&run.id, run.due_at, body],
    )?;
    Ok(())
}

fn save_decline(db: &mut dyn Conn, declined: &Declined) -> SqlResult<()> {
    let body = encode("encoding a declaration", declined)?;
    db.exec(
        "writing a declaration",
        "INSERT INTO checklist_declines (run, due_at, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (run) DO UPDATE SET body = excluded.body",
        params![&declined.slot.run, declined.slot.due_at, body],
    )?;
    Ok(())
}

fn bodies_between<T: serde::de::DeserializeOwned>(
    db: &mut dyn Conn,
    table: &'static str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> SqlResult<Vec<T>> {
    let query = format!("SELECT body FROM {table} WHERE due_at >= ?1 AND due_at < ?2 ORDER BY due_at");
    bodies(db, "reading inspections", &query, params![from, to])
}

/// Folds one stored event into the projections (the rebuild); incidents are gathered
/// in `folded` and written at the end.
fn project(
    db: &mut dyn Conn,
    event: &StoredEvent,
    folded: &mut std::collections::BTreeMap<String, (Incident, u64)>,
) -> SqlResult<()> {
    if let Some(alarm) = alarm_event(event)? {
        return save_alarm(db, &alarm, event);
    }
    if let Some(state) = check_change(event)? {
        return save_check(db, &state);
    }
    if event.kind == "checklist.declined" {
        let declined: Declined = serde_json::from_str(&event.payload)
            .map_err(|_| crate::domain::DomainError::CorruptLog { kind: "undecodable declaration" })?;
        return save_decline(db, &declined);
    }
    if event.kind.starts_with("checklist.") {
        let decoded = RunEvent::from_stored(&event.kind, &event.payload)
            .map_err(|_| crate::domain::DomainError::CorruptLog { kind: "undecodable checklist event" })?;
        let id = event.subject.trim_start_matches("run:");
        let run = apply_run(load_run(db, id)?, &decoded, id, &event.actor, event.recorded_at)?;
        return save_run(db, &run);
    }
    if let Some(change) = maintenance_change(event)? {
        let window = match change {
            MaintenanceChange::Scheduled(window) => window,
            MaintenanceChange::Ended { id, until } => {
                let Some(mut window) = windows_in(db)?.into_iter().find(|w| w.id == id) else {
                    return Ok(());
                };
                window.until = until;
                window
            }
        };
        return save_window(db, &window);
    }
    if event.kind.starts_with("kb.") {
        return super::knowledge::index_event(db, event);
    }
    if is_incident_event(event) {
        let previous = folded.remove(&event.subject).map(|(incident, _)| incident);
        let incident = apply_stored(previous, event)?;
        folded.insert(event.subject.clone(), (incident, event.seq));
    }
    Ok(())
}

/// The tables every backend has, emptied before a rebuild folds them again.
const PROJECTIONS: [&str; 8] = [
    "incidents",
    "knowledge",
    "alarm_acks",
    "alarm_mute",
    "check_status",
    "maintenance",
    "checklist_runs",
    "checklist_declines",
];

/// Writes `events` as they are into the empty log (seq and hashes kept), checking the
/// chain on the way: a broken chain is not imported.
fn import_in(db: &mut dyn Conn, events: &[StoredEvent]) -> SqlResult<u64> {
    if head_of(db)?.is_some() {
        return Err(StoreError::NotEmpty);
    }
    let mut walker = ChainWalker::default();
    for event in events {
        walker.feed(event).map_err(StoreError::BrokenSource)?;
        insert_event(db, event)?;
    }
    if let Some(last) = events.last() {
        db.move_head(last.seq, &last.hash)?;
    }
    rebuild_in(db)
}

fn rebuild_in(db: &mut dyn Conn) -> SqlResult<u64> {
    // The log has every change of a check's status, not every run: what only the
    // runs give (when it last ran, its latencies, criticals in a row) is kept from the
    // table as it was, for each check whose status the log agrees with.
    let runs: Vec<CheckState> = bodies(db, "reading checks", "SELECT body FROM check_status", &[])?;
    for table in PROJECTIONS {
        db.exec("clearing projections", &format!("DELETE FROM {table}"), &[])?;
    }
    let mut folded = std::collections::BTreeMap::new();
    let mut count = 0;
    for_each_event(db, |db, event| {
        let event = event.map_err(|(_, e)| e)?;
        count += 1;
        project(db, &event, &mut folded)?;
        Ok(true)
    })?;
    for (incident, last_seq) in folded.values() {
        save_incident(db, incident, *last_seq)?;
    }
    for before in runs {
        let key = check_key(&before.host, &before.check);
        if let Some(mut rebuilt) = load_check(db, &key)?
            && rebuilt.status == before.status
            && rebuilt.since == before.since
        {
            rebuilt.last_at = before.last_at;
            rebuilt.latencies = before.latencies;
            rebuilt.consecutive_critical = before.consecutive_critical;
            rebuilt.incident = active_incident_for(db, &key)?;
            save_check(db, &rebuilt)?;
        }
    }
    Ok(count)
}

impl<B: Backend> Store for SqlStore<B> {
    fn execute(&mut self, request: IncidentRequest<'_>) -> SqlResult<Committed> {
        self.backend.write(|db| execute_in(db, &request))
    }

    fn incident(&self, id: &IncidentId) -> SqlResult<Option<Incident>> {
        self.backend.read(|db| load_incident(db, id))
    }

    fn incidents(&self, include_closed: bool) -> SqlResult<Vec<Incident>> {
        let query = if include_closed {
            "SELECT body FROM incidents ORDER BY id"
        } else {
            "SELECT body FROM incidents WHERE state <> 'closed' ORDER BY id"
        };
        self.backend.read(|db| bodies(db, "reading incidents", query, &[]))
    }

    fn timeline(&self, subject: &str) -> SqlResult<Vec<StoredEvent>> {
        self.backend.read(|db| query_events(db, "WHERE subject = ?1", params![subject]))
    }

    fn events(&self, since: Option<DateTime<Utc>>) -> SqlResult<Vec<StoredEvent>> {
        self.backend.read(|db| match since {
            Some(since) => query_events(db, "WHERE recorded_at >= ?1", params![since]),
            None => query_events(db, "", &[]),
        })
    }

    fn events_after(&self, seq: u64, limit: u64) -> SqlResult<Vec<StoredEvent>> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading events",
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
                params![seq, limit],
            )?;
            rows.iter().map(read_event).collect()
        })
    }

    fn head(&self) -> SqlResult<u64> {
        self.backend.read(|db| Ok(head_of(db)?.map_or(0, |(seq, _)| seq)))
    }

    fn verify_tail(&self, count: u64) -> SqlResult<VerifyReport> {
        self.backend.read(|db| {
            let head = head_of(db)?;
            let last = head.as_ref().map_or(0, |(seq, _)| *seq);
            let from = last.saturating_sub(count).max(1);
            let events = query_events(db, "WHERE seq >= ?1", params![from])?;
            let mut walker = match events.first() {
                Some(first) if first.seq > 1 => ChainWalker::resuming(first.seq, &first.prev_hash),
                _ => ChainWalker::default(),
            };
            for event in &events {
                if let Err(bad) = walker.feed(event) {
                    return Ok(VerifyReport { events: 0, head_hash: String::new(), first_bad: Some(bad) });
                }
            }
            let checked = events.len() as u64;
            Ok(match walker.finish(head) {
                Ok((_, hash)) => VerifyReport { events: checked, head_hash: hash, first_bad: None },
                Err(bad) => VerifyReport { events: checked, head_hash: String::new(), first_bad: Some(bad) },
            })
        })
    }

    fn identity(&self) -> SqlResult<(String, Option<(u64, String)>)> {
        self.backend.read(|db| {
            let id = db
                .row("reading the store's identity", "SELECT store_id FROM store_meta WHERE id = 1", &[])?
                .map(|r| r.text(0))
                .transpose()?
                .unwrap_or_default();
            Ok((id, head_of(db)?))
        })
    }

    fn hash_at(&self, seq: u64) -> SqlResult<Option<String>> {
        self.backend.read(|db| {
            db.row("reading an event's hash", "SELECT hash FROM events WHERE seq = ?1", params![seq])?
                .map(|r| r.text(0))
                .transpose()
        })
    }

    fn verify(&self) -> SqlResult<VerifyReport> {
        // One read snapshot, even while others append.
        self.backend.read(|db| {
            let head = head_of(db)?;
            let mut walker = ChainWalker::default();
            let mut count = 0;
            let mut first_bad = None;
            for_each_event(db, |_, event| {
                let event = match event {
                    Ok(event) => event,
                    Err((seq, _)) => {
                        first_bad = Some(super::BadLink { seq, problem: super::Break::HashMismatch });
                        return Ok(false);
                    }
                };
                if let Err(bad) = walker.feed(&event) {
                    first_bad = Some(bad);
                    return Ok(false);
                }
                count += 1;
                Ok(true)
            })?;
            if let Some(bad) = first_bad {
                return Ok(VerifyReport { events: count, head_hash: String::new(), first_bad: Some(bad) });
            }
            Ok(match walker.finish(head) {
                Ok((_, hash)) => VerifyReport { events: count, head_hash: hash, first_bad: None },
                Err(bad) => VerifyReport { events: count, head_hash: String::new(), first_bad: Some(bad) },
            })
        })
    }

    fn record_alarm(&mut self, request: AlarmRequest<'_>) -> SqlResult<StoredEvent> {
        let event = decide_alarm(&request.command, request.actor, request.now)?;
        self.backend.write(|db| {
            let stored = append(
                db,
                new_event(
                    &request.actor.id,
                    &request.origin,
                    request.now,
                    request.now,
                    event.kind(),
                    CONSOLE_SUBJECT,
                    event.payload_json(),
                ),
            )?;
            save_alarm(db, &event, &stored)?;
            Ok(stored)
        })
    }

    fn alarm_ledger(&self) -> SqlResult<AlarmLedger> {
        self.backend.read(|db| {
            let mut ledger = AlarmLedger::default();
            for row in db.rows("reading alarms", "SELECT incident, clock, level FROM alarm_acks", &[])? {
                let decoded = serde_json::from_value(serde_json::json!({
                    "incident": row.text(0)?, "clock": row.text(1)?, "level": row.text(2)?
                }));
                let key: AlarmKey = decoded.map_err(StoreError::backend("decoding an alarm"))?;
                ledger.acknowledged.insert(key);
            }
            ledger.muted_until = db
                .row("reading the mute", "SELECT until, actor FROM alarm_mute WHERE id = 1", &[])?
                .map(|r| Ok::<_, StoreError>((r.time(0)?, r.text(1)?)))
                .transpose()?;
            Ok(ledger)
        })
    }

    fn record_checks(
        &mut self,
        results: &[CheckResult],
        rules: &ProbeRules<'_>,
        now: DateTime<Utc>,
    ) -> SqlResult<usize> {
        self.backend.write(|db| {
            let windows = windows_in(db)?;
            let mut written = 0;
            for result in results {
                written += record_check_in(db, result, rules, &windows, now)?;
            }
            Ok(written)
        })
    }

    fn check_states(&self) -> SqlResult<Vec<CheckState>> {
        self.backend
            .read(|db| bodies(db, "reading checks", "SELECT body FROM check_status ORDER BY key", &[]))
    }

    fn acquire_lease(&mut self, holder: &str, now: DateTime<Utc>, ttl: chrono::Duration) -> SqlResult<Lease> {
        self.backend.write(|db| {
            // On a shared server the lease is judged by the server's clock.
            let now = db.server_now()?.unwrap_or(now);
            let before = read_lease(db)?;
            db.exec(
                "taking the lease",
                "INSERT INTO engine_lease (id, holder, heartbeat_at, expires_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, heartbeat_at = excluded.heartbeat_at,
                    expires_at = excluded.expires_at
                 WHERE engine_lease.holder = excluded.holder OR engine_lease.expires_at < excluded.heartbeat_at",
                params![holder, now, now + ttl],
            )?;
            let after = read_lease(db)?.expect("the lease row exists now");
            let taken_over = after.holder == holder && before.as_ref().is_none_or(|b| b.holder != holder);
            if taken_over {
                // Who ran the engine when is part of the record.
                let payload = serde_json::json!({ "holder": holder, "previous": before.map(|b| b.holder) });
                append(db, new_event(holder, "engine", now, now, "engine.lease_taken", "engine", payload.to_string()))?;
            }
            Ok(after)
        })
    }

    fn release_lease(&mut self, holder: &str) -> SqlResult<()> {
        self.backend.write(|db| {
            db.exec(
                "releasing the lease",
                "UPDATE engine_lease SET expires_at = heartbeat_at WHERE id = 1 AND holder = ?1",
                params![holder],
            )?;
            Ok(())
        })
    }

    fn lease(&self) -> SqlResult<Option<Lease>> {
        self.backend.read(read_lease)
    }

    fn record_alerts(
        &mut self,
        poll: &SourcePoll<'_>,
        rules: &AlertRules<'_>,
        now: DateTime<Utc>,
    ) -> SqlResult<usize> {
        self.backend.write(|db| record_alerts_in(db, poll, rules, now))
    }

    fn source_states(&self) -> SqlResult<Vec<SourceState>> {
        self.backend.read(|db| {
            db.rows(
                "reading sources",
                "SELECT name, ok, since, checked_at, error FROM source_status ORDER BY name",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(SourceState {
                    name: r.text(0)?,
                    ok: r.int(1)? != 0,
                    since: r.time(2)?,
                    checked_at: r.time(3)?,
                    error: r.opt_text(4)?,
                })
            })
            .collect()
        })
    }

    fn pending_writebacks(&self) -> SqlResult<Vec<Writeback>> {
        self.backend.read(|db| {
            db.rows(
                "reading write-backs",
                "SELECT w.id, w.incident, w.source_ref, w.operator, w.comment, w.attempts, w.last_error, a.labels
                 FROM writebacks w LEFT JOIN alert_state a ON a.key = w.source_ref
                 WHERE w.status = 'pending' ORDER BY w.id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(Writeback {
                    id: r.int(0)?,
                    incident: IncidentId(r.text(1)?),
                    source_ref: r.text(2)?,
                    operator: r.text(3)?,
                    comment: r.text(4)?,
                    attempts: r.int(5)? as u32,
                    last_error: r.opt_text(6)?,
                    labels: r.opt_text(7)?.and_then(|l| serde_json::from_str(&l).ok()).unwrap_or_default(),
                })
            })
            .collect()
        })
    }

    fn finish_writeback(
        &mut self,
        writeback: &Writeback,
        outcome: Result<String, String>,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<()> {
        self.backend.write(|db| {
            match outcome {
                Ok(detail) => {
                    db.exec(
                        "recording a write-back",
                        "UPDATE writebacks SET status = 'done', attempts = attempts + 1, last_error = NULL WHERE id = ?1",
                        params![writeback.id],
                    )?;
                    let payload = serde_json::json!({ "source_ref": writeback.source_ref, "operator": writeback.operator, "detail": detail });
                    append(
                        db,
                        new_event(&actor.id, origin, now, now, "writeback.done", &writeback.incident.0, payload.to_string()),
                    )?;
                }
                Err(error) => {
                    if writeback.attempts == 0 {
                        // The first failure is on the record; retries are counted, not logged.
                        let payload = serde_json::json!({ "source_ref": writeback.source_ref, "error": error });
                        append(
                            db,
                            new_event(
                                &actor.id,
                                origin,
                                now,
                                now,
                                "writeback.failed",
                                &writeback.incident.0,
                                payload.to_string(),
                            ),
                        )?;
                    }
                    db.exec(
                        "recording a write-back",
                        "UPDATE writebacks SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                        params![writeback.id, error],
                    )?;
                }
            }
            Ok(())
        })
    }

    fn schedule_maintenance(
        &mut self,
        mut window: Window,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<Window> {
        crate::domain::maintenance::validate(&window, now)?;
        self.backend.write(|db| {
            window.id = format!("MW-{}", head_of(db)?.map_or(0, |(seq, _)| seq) + 1);
            window.by = actor.id.clone();
            let payload = encode("encoding a maintenance window", &window)?;
            let subject = format!("maintenance:{}", window.id);
            append(db, new_event(&actor.id, origin, now, now, "maintenance.scheduled", &subject, payload))?;
            save_window(db, &window)?;
            Ok(window)
        })
    }

    fn end_maintenance(
        &mut self,
        id: &str,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<Window> {
        self.backend.write(|db| {
            let mut window =
                windows_in(db)?.into_iter().find(|w| w.id == id && w.until > now).ok_or_else(|| {
                    StoreError::Refused(crate::domain::DomainError::NoWindow { id: id.to_string() })
                })?;
            window.until = now.max(window.from);
            let payload = serde_json::json!({ "id": id, "until": window.until }).to_string();
            append(
                db,
                new_event(
                    &actor.id,
                    origin,
                    now,
                    now,
                    "maintenance.ended",
                    &format!("maintenance:{id}"),
                    payload,
                ),
            )?;
            save_window(db, &window)?;
            Ok(window)
        })
    }

    fn maintenance_windows(&self) -> SqlResult<Vec<Window>> {
        self.backend.read(windows_in)
    }

    fn execute_run(&mut self, request: RunRequest<'_>) -> SqlResult<Run> {
        self.backend.write(|db| {
            let current = load_run(db, &request.run)?;
            if let (Some(expected), Some(run)) = (request.expected_version, current.as_ref())
                && expected != run.version
            {
                let (by, at) = run
                    .marks
                    .values()
                    .map(|m| (m.by.clone(), m.at))
                    .chain(run.signed.clone())
                    .chain(std::iter::once((run.started_by.clone(), run.started_at)))
                    .max_by_key(|(_, at)| *at)
                    .unwrap_or_default();
                return Err(StoreError::StaleRun { run: request.run.clone(), by, at });
            }
            let event = decide_run(current.as_ref(), &request.command, request.actor)?;
            let subject = format!("run:{}", request.run);
            append(
                db,
                new_event(
                    &request.actor.id,
                    &request.origin,
                    request.now,
                    request.now,
                    event.kind(),
                    &subject,
                    event.payload_json(),
                ),
            )?;
            let run = apply_run(current, &event, &request.run, &request.actor.id, request.now)?;
            save_run(db, &run)?;
            Ok(run)
        })
    }

    fn run(&self, id: &str) -> SqlResult<Option<Run>> {
        self.backend.read(|db| load_run(db, id))
    }

    fn runs_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> SqlResult<Vec<Run>> {
        self.backend.read(|db| bodies_between(db, "checklist_runs", from, to))
    }

    fn decline_run(
        &mut self,
        slot: &Slot,
        reason: &str,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<Declined> {
        if reason.trim().is_empty() {
            return Err(StoreError::Refused(crate::domain::DomainError::Empty { field: "reason" }));
        }
        self.backend.write(|db| {
            if let Some(run) = load_run(db, &slot.run)? {
                return Err(StoreError::Refused(crate::domain::DomainError::Run(
                    RunRefusal::AlreadyStarted { by: run.started_by, at: run.started_at },
                )));
            }
            let declined = Declined {
                slot: slot.clone(),
                reason: reason.to_string(),
                by: actor.id.clone(),
                at: now,
                late_notice: now > slot.due_at - chrono::Duration::hours(2),
            };
            let payload = encode("encoding a declaration", &declined)?;
            append(
                db,
                new_event(
                    &actor.id,
                    origin,
                    now,
                    now,
                    "checklist.declined",
                    &format!("run:{}", slot.run),
                    payload,
                ),
            )?;
            save_decline(db, &declined)?;
            Ok(declined)
        })
    }

    fn declined_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> SqlResult<Vec<Declined>> {
        self.backend.read(|db| bodies_between(db, "checklist_declines", from, to))
    }

    fn record_event(
        &mut self,
        kind: &str,
        subject: &str,
        payload: String,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<StoredEvent> {
        self.backend.write(|db| append(db, new_event(&actor.id, origin, now, now, kind, subject, payload)))
    }

    fn append_decided(
        &mut self,
        subject: &str,
        decide: &mut Decide<'_>,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<Vec<StoredEvent>> {
        self.backend.write(|db| {
            let history = query_events(db, "WHERE subject = ?1", params![subject])?;
            let mut stored = Vec::new();
            for (kind, payload) in decide(&history)? {
                let event = append(db, new_event(&actor.id, origin, now, now, &kind, subject, payload))?;
                super::knowledge::index_event(db, &event)?;
                stored.push(event);
            }
            Ok(stored)
        })
    }

    fn secret(&self, operator: &str) -> SqlResult<Option<super::StoredSecret>> {
        self.backend.read(|db| {
            let row = db.row(
                "reading a secret",
                "SELECT phc, code_key FROM operator_secrets WHERE operator = ?1",
                params![operator],
            )?;
            row.map(|r| Ok(super::StoredSecret { phc: r.text(0)?, code_key: r.opt_text(1)? })).transpose()
        })
    }

    fn set_secret(
        &mut self,
        secret: &super::StoredSecret,
        payload: String,
        actor: &Operator,
        origin: &str,
        now: DateTime<Utc>,
    ) -> SqlResult<StoredEvent> {
        self.backend.write(|db| {
            let subject = format!("operator@{}", actor.id);
            let event =
                append(db, new_event(&actor.id, origin, now, now, "operator.secret_set", &subject, payload))?;
            db.exec(
                "keeping the secret",
                "INSERT INTO operator_secrets (operator, phc, code_key, set_seq) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (operator) DO UPDATE
                 SET phc = excluded.phc, code_key = excluded.code_key, set_seq = excluded.set_seq",
                params![&actor.id, &secret.phc, secret.code_key.clone(), event.seq],
            )?;
            Ok(event)
        })
    }

    fn events_of(&self, prefix: &str, since: Option<DateTime<Utc>>) -> SqlResult<Vec<StoredEvent>> {
        // A range on the kind (portable, uses no LIKE escaping; the kind column sorts
        // by code point on every backend). Every stored time sorts after "".
        let end = format!("{prefix}\u{10ffff}");
        let since = since.map_or_else(String::new, crate::time::canonical);
        self.backend.read(|db| {
            query_events(
                db,
                "WHERE kind >= ?1 AND kind < ?2 AND recorded_at >= ?3",
                params![prefix, end, since],
            )
        })
    }

    fn knowledge(&self, id: &str) -> SqlResult<Option<crate::domain::knowledge::Entry>> {
        self.backend.read(|db| super::knowledge::load(db, id))
    }

    fn search_knowledge(&self, query: &str, limit: usize) -> SqlResult<Vec<crate::domain::knowledge::Entry>> {
        self.backend.read(|db| {
            let search = db.text_search();
            super::knowledge::search(db, search, query, limit)
        })
    }

    fn rebuild(&mut self) -> SqlResult<u64> {
        self.backend.write(rebuild_in)
    }

    fn import(&mut self, events: &[StoredEvent]) -> SqlResult<u64> {
        self.backend.write(|db| import_in(db, events))
    }
}
