//! The duty log, the roster and the handover as the console and the CLI use them:
//! reading and writing their events through the store, with the domain deciding.

pub mod walkthrough;

use chrono::{DateTime, Utc};

use crate::config::Site;
use crate::domain::duty_log::{self, Entry};
use crate::domain::handover::{self, Handover, HandoverCommand};
use crate::domain::shift::{self, RosterChange, ShiftSlot};
use crate::domain::{DomainError, Operator};
use crate::store::{Store, StoreError, StoredEvent};

/// The subject of a shift occurrence's duty-log entries.
pub fn shift_subject(slot: &ShiftSlot) -> String {
    format!("shift@{}", slot.key)
}

/// The subject of roster changes.
pub const ROSTER_SUBJECT: &str = "roster";

/// An entry as written: who, when, what.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LoggedEntry {
    pub seq: u64,
    pub by: String,
    pub at: DateTime<Utc>,
    /// The entry with its completions applied.
    pub entry: Entry,
    /// Who completed it later, and when (a visitor's departure, a request's outcome).
    pub completed: Option<(String, DateTime<Utc>)>,
}

/// The shift in force and the one after it, if the site has shifts.
pub fn shifts_at(site: &Site, now: DateTime<Utc>) -> Option<(ShiftSlot, ShiftSlot)> {
    let current = shift::slot_at(&site.shifts, site.tz, now)?;
    let next = shift::next_slot(&site.shifts, site.tz, &current)?;
    Some((current, next))
}

/// Writes one entry in the duty log of the shift in force.
pub fn log_entry(
    store: &mut dyn Store,
    site: &Site,
    entry: &Entry,
    actor: &Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<StoredEvent, StoreError> {
    let (slot, shift) = shift_now(site, now).ok_or(DomainError::NoShift)?;
    duty_log::check(entry, shift)?;
    let payload = serde_json::to_string(entry).expect("entries serialise");
    store.record_event("duty.entry", &shift_subject(&slot), payload, actor, origin, now)
}

/// The shift in force at `now`, and where in it `now` is (for what the duty log checks).
pub fn shift_now(site: &Site, now: DateTime<Utc>) -> Option<(ShiftSlot, duty_log::InShift)> {
    let slot = shift::slot_at(&site.shifts, site.tz, now)?;
    let local = |at: DateTime<Utc>| at.with_timezone(&site.tz).time();
    let within = duty_log::InShift { start: local(slot.start), now: local(now) };
    Some((slot, within))
}

/// The duty log of one shift occurrence, oldest first, each entry as completed since.
pub fn entries(store: &dyn Store, slot: &ShiftSlot) -> Result<Vec<LoggedEntry>, StoreError> {
    Ok(fold_entries(&store.timeline(&shift_subject(slot))?))
}

fn fold_entries(events: &[StoredEvent]) -> Vec<LoggedEntry> {
    let mut logged: Vec<LoggedEntry> = Vec::new();
    for e in events {
        match e.kind.as_str() {
            "duty.entry" => {
                if let Ok(entry) = serde_json::from_str(&e.payload) {
                    logged.push(LoggedEntry {
                        seq: e.seq,
                        by: e.actor.clone(),
                        at: e.occurred_at,
                        entry,
                        completed: None,
                    });
                }
            }
            "duty.completed" => {
                let Ok(completed) = serde_json::from_str::<duty_log::Completed>(&e.payload) else { continue };
                if let Some(target) = logged.iter_mut().find(|l| l.seq == completed.entry)
                    && let Ok(entry) = duty_log::complete(&target.entry, &completed.completion)
                {
                    target.entry = entry;
                    target.completed = Some((e.actor.clone(), e.occurred_at));
                }
            }
            _ => {}
        }
    }
    logged
}

/// Completes an entry of any shift's duty log (a visitor's departure, a request's
/// outcome) with an event of its own on that shift's log: the entry stays as written.
pub fn complete_entry(
    store: &mut dyn Store,
    completed: &duty_log::Completed,
    actor: &Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<StoredEvent, StoreError> {
    let missing = || StoreError::NotFound(crate::domain::IncidentId(format!("#{}", completed.entry)));
    let written = store.events_after(completed.entry.saturating_sub(1), 1)?;
    let event =
        written.first().filter(|e| e.seq == completed.entry && e.kind == "duty.entry").ok_or_else(missing)?;
    let subject = event.subject.clone();
    let logged = fold_entries(&store.timeline(&subject)?);
    let entry = logged.iter().find(|l| l.seq == completed.entry).ok_or_else(missing)?;
    duty_log::complete(&entry.entry, &completed.completion)?;
    let payload = serde_json::to_string(completed).expect("completions serialise");
    store.record_event("duty.completed", &subject, payload, actor, origin, now)
}

/// Every roster change, oldest first.
pub fn roster_changes(store: &dyn Store) -> Result<Vec<RosterChange>, StoreError> {
    Ok(store.timeline(ROSTER_SUBJECT)?.iter().filter_map(|e| serde_json::from_str(&e.payload).ok()).collect())
}

/// Changes who is on duty in one shift on one date (leads only).
pub fn change_roster(
    store: &mut dyn Store,
    site: &Site,
    change: &RosterChange,
    actor: &Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<StoredEvent, StoreError> {
    let known: Vec<&str> = site.operators.iter().map(|o| o.id.as_str()).collect();
    shift::decide_roster(actor, change, &site.shifts, &known)?;
    let payload = serde_json::to_string(change).expect("roster changes serialise");
    store.record_event("roster.changed", ROSTER_SUBJECT, payload, actor, origin, now)
}

/// Who is on duty in `slot`, with the roster changes applied.
pub fn on_duty(site: &Site, changes: &[RosterChange], slot: &ShiftSlot) -> Vec<String> {
    shift::on_duty(&site.shifts, changes, slot)
}

fn fold(id: &str, events: &[StoredEvent]) -> Result<Option<Handover>, DomainError> {
    handover::fold(id, events.iter().filter(|e| e.kind.starts_with("handover.")).map(StoredEvent::fields))
}

/// The handover of that id, as it stands.
pub fn load_handover(store: &dyn Store, id: &str) -> Result<Option<Handover>, StoreError> {
    Ok(fold(id, &store.timeline(id)?)?)
}

/// Every handover, oldest first.
pub fn handovers(store: &dyn Store) -> Result<Vec<Handover>, StoreError> {
    // One read of every handover event, folded per handover in the order they began.
    let events = store.events_of("handover.", None)?;
    let mut all = Vec::new();
    for (id, own) in crate::store::by_subject(&events) {
        let own: Vec<StoredEvent> = own.into_iter().cloned().collect();
        all.extend(fold(id, &own)?);
    }
    Ok(all)
}

/// Decides and records one handover command, in one transaction with the handover's
/// history, and returns the handover as it stands afterwards.
pub fn handover_command(
    store: &mut dyn Store,
    id: &str,
    command: &HandoverCommand,
    actor: &Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<Handover, StoreError> {
    let mut after = None;
    store.append_decided(
        id,
        &mut |history| {
            let before = fold(id, history)?;
            let event = handover::decide(before.as_ref(), command, actor)?;
            after = Some(handover::apply(before, &event, id, &actor.id, now)?);
            Ok(vec![(event.kind().to_string(), event.payload_json())])
        },
        actor,
        origin,
        now,
    )?;
    Ok(after.expect("a committed command folded the handover"))
}

/// Signs one side of a handover with the roster of that side's shift as it stands.
pub fn sign(
    store: &mut dyn Store,
    site: &Site,
    id: &str,
    side: handover::Side,
    actor: &Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<Handover, StoreError> {
    let roster = match load_handover(store, id)? {
        Some(h) => {
            let slot = match side {
                handover::Side::Outgoing => h.outgoing,
                handover::Side::Incoming => h.incoming,
            };
            on_duty(site, &roster_changes(store)?, &slot)
        }
        None => Vec::new(),
    };
    let command = HandoverCommand::Sign { side, roster, at: now, early: site.policy.handover_early };
    handover_command(store, id, &command, actor, origin, now)
}

/// The handover nearest `now`: at the end of the shift in force when that is nearer
/// than its start, else the one that began it. (outgoing, incoming).
pub fn boundary(site: &Site, now: DateTime<Utc>) -> Option<(ShiftSlot, ShiftSlot)> {
    let (current, next) = shifts_at(site, now)?;
    if current.end - now <= now - current.start {
        Some((current, next))
    } else {
        let previous = shift::previous_slot(&site.shifts, site.tz, &current)?;
        Some((previous, current))
    }
}

/// How long before the end of a shift the console starts reminding of the handover. It
/// goes on reminding while the handover is the nearest one and not signed by both: into
/// the middle of the next shift.
pub const REMIND_BEFORE: chrono::Duration = chrono::Duration::minutes(30);

/// What the Duty log tab and the handover show.
#[derive(Clone, Debug)]
pub struct DutyView {
    pub current: ShiftSlot,
    pub next: ShiftSlot,
    pub on_duty: Vec<String>,
    pub next_on_duty: Vec<String>,
    /// The duty log of the shift in force.
    pub log: Vec<LoggedEntry>,
    /// The nearest handover's two shifts, who is on each, and the handover if started.
    pub outgoing: ShiftSlot,
    pub incoming: ShiftSlot,
    pub outgoing_on_duty: Vec<String>,
    pub incoming_on_duty: Vec<String>,
    pub handover: Option<Handover>,
    /// The outgoing shift's duty log and SSH runs, for the walkthrough.
    pub outgoing_log: Vec<LoggedEntry>,
    pub ssh_runs: Vec<StoredEvent>,
}

impl DutyView {
    pub fn handover_id(&self) -> String {
        Handover::id_of(&self.outgoing)
    }

    /// Whether the console should remind both engineers of the handover now.
    pub fn reminds(&self, now: DateTime<Utc>) -> bool {
        now >= self.outgoing.end - REMIND_BEFORE && !self.handover.as_ref().is_some_and(Handover::is_done)
    }
}

/// Reads the duty view at `now` (None when the site has no shifts).
pub fn view(store: &dyn Store, site: &Site, now: DateTime<Utc>) -> Result<Option<DutyView>, StoreError> {
    let (Some((current, next)), Some((outgoing, incoming))) = (shifts_at(site, now), boundary(site, now))
    else {
        return Ok(None);
    };
    let changes = roster_changes(store)?;
    // Read on every reload: only the outgoing shift's runs, not the whole history.
    let ssh_runs = store
        .events_of("ssh.run", Some(outgoing.start))?
        .into_iter()
        .filter(|e| e.occurred_at >= outgoing.start && e.occurred_at < outgoing.end)
        .collect();
    let log = entries(store, &current)?;
    // Near the end of a shift the outgoing shift is the one in force: one read.
    let outgoing_log = if outgoing.key == current.key { log.clone() } else { entries(store, &outgoing)? };
    Ok(Some(DutyView {
        on_duty: on_duty(site, &changes, &current),
        next_on_duty: on_duty(site, &changes, &next),
        log,
        outgoing_on_duty: on_duty(site, &changes, &outgoing),
        incoming_on_duty: on_duty(site, &changes, &incoming),
        handover: load_handover(store, &Handover::id_of(&outgoing))?,
        outgoing_log,
        ssh_runs,
        current,
        next,
        outgoing,
        incoming,
    }))
}
