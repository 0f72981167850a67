//! What the console shows, read from the store in one go: the screens render from this
//! immutable snapshot and never touch the store themselves.

use chrono::{DateTime, Duration, Utc};

use crate::config::Site;
use crate::domain::alarm::{AlarmKey, AlarmLedger, Raised, alarm_of};
use crate::domain::check::CheckState;
use crate::domain::contract::{ContractCounter, contract_part, counter_of_parts};
use crate::domain::sla::{ClockName, ClockState, clocks};
use crate::domain::{Incident, IncidentId};
use crate::store::{Lease, SourceState, Store, StoreError, StoredEvent};

pub use crate::ops::queue::{Row, order_by_urgency};

#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The last event seq seen; a different head means something changed.
    pub head: u64,
    /// Every incident, most urgent first, finished ones (no live clock) last by id.
    pub rows: Vec<Row>,
    pub contract: Option<ContractCounter>,
    pub ledger: AlarmLedger,
    /// Where every check stands.
    pub checks: Vec<CheckState>,
    /// Who runs the engine.
    pub lease: Option<Lease>,
    /// Whether each alert source answered.
    pub sources: Vec<SourceState>,
    /// Yesterday's and today's inspections.
    pub agenda: Vec<crate::agenda::AgendaItem>,
    /// Maintenance windows not yet over.
    pub maintenance: Vec<crate::domain::maintenance::Window>,
    /// The timeline of the incident open in detail.
    pub timeline: Vec<StoredEvent>,
    pub timeline_for: Option<IncidentId>,
    /// The shift, its duty log and the nearest handover (None without shifts).
    pub duty: Option<crate::duty::DutyView>,
    /// Asks for a second person that may still be open.
    pub seconds: Vec<crate::domain::second::SecondAsk>,
    /// Every change in the record.
    pub changes: Vec<crate::domain::change::Change>,
    /// Every problem, and the months whose review a lead recorded.
    pub problems: Vec<crate::domain::problem::Problem>,
    pub reviewed: Vec<String>,
    /// What is kept of each incident so that a change costs only its own incident.
    kept: std::collections::HashMap<IncidentId, Kept>,
    /// How many incidents are in each state, kept as changes come.
    states: std::collections::BTreeMap<crate::domain::State, usize>,
    /// Clocks breached and due soon (acknowledged or not), worked out with the alarms.
    pub clock_counts: (usize, usize),
}

/// What the snapshot keeps of one incident, beside its row.
#[derive(Clone, Debug)]
struct Kept {
    /// Where its row stands in the queue, to find it without a scan.
    rank: crate::ops::queue::Rank,
    /// What it adds to the contract counter.
    contract: Option<crate::domain::contract::Part>,
    /// Its alarms, worked out when first needed (see `open_alarms`).
    alarms: Option<RowAlarms>,
}

impl Kept {
    fn of(row: &Row, contract: Option<crate::domain::contract::Part>, alarms: Option<RowAlarms>) -> Kept {
        Kept { rank: row.rank(), contract, alarms }
    }
}

/// The alarms one incident's clocks raise, with their due times, and until when that
/// holds (the next clock to cross into due soon or breached).
#[derive(Clone, Debug, PartialEq)]
struct RowAlarms {
    alarms: Vec<(AlarmKey, DateTime<Utc>)>,
    until: Option<DateTime<Utc>>,
    /// Its clocks breached, and due soon.
    breached: usize,
    due_soon: usize,
}

impl RowAlarms {
    /// Whether what was worked out still holds at `now`.
    fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.until.is_none_or(|until| until > now)
    }

    fn of(incident: &Incident, site: &Site, now: DateTime<Utc>) -> RowAlarms {
        let warn = &site.policy.due_soon;
        let warning = |name: ClockName| match name {
            ClockName::Confirm => warn.confirm,
            ClockName::SecurityReport => warn.security_report,
            ClockName::Response => warn.response,
            ClockName::OnSite => warn.onsite,
            ClockName::Resolution => warn.resolution,
            ClockName::Report => warn.report,
            ClockName::Inspection
            | ClockName::LeadDecision
            | ClockName::Notice
            | ClockName::Missed
            | ClockName::PlanStep
            | ClockName::ChangeRecord => Duration::zero(),
        };
        let mut until: Option<DateTime<Utc>> = None;
        let mut alarms = Vec::new();
        let (mut breached, mut due_soon) = (0, 0);
        for clock in clocks(incident, &site.policy, now) {
            match clock.state {
                ClockState::Breached => breached += 1,
                ClockState::DueSoon => due_soon += 1,
                _ => {}
            }
            let next = match (clock.state, clock.due_at) {
                (ClockState::Running, Some(due)) => Some(due - warning(clock.name)),
                (ClockState::DueSoon, Some(due)) => Some(due),
                _ => None,
            };
            if let Some(next) = next {
                until = Some(until.map_or(next, |u| u.min(next)));
            }
            if let Some(key) = alarm_of(incident, &clock) {
                alarms.push((key, now + clock.remaining.unwrap_or_else(Duration::zero)));
            }
        }
        RowAlarms { alarms, until, breached, due_soon }
    }
}

/// What changed since the last snapshot: each part that must be read again, and the
/// incidents that changed. A console applies it instead of reading everything again.
#[derive(Clone, Debug, Default)]
pub struct Delta {
    pub head: u64,
    pub incidents: Vec<Incident>,
    pub timeline: Option<(IncidentId, Vec<StoredEvent>)>,
    pub ledger: Option<AlarmLedger>,
    pub checks: Option<Vec<CheckState>>,
    pub lease: Option<Option<Lease>>,
    pub sources: Option<Vec<SourceState>>,
    pub agenda: Option<Vec<crate::agenda::AgendaItem>>,
    pub maintenance: Option<Vec<crate::domain::maintenance::Window>>,
    pub duty: Option<Option<crate::duty::DutyView>>,
    pub seconds: Option<Vec<crate::domain::second::SecondAsk>>,
    pub changes: Option<Vec<crate::domain::change::Change>>,
    pub problems: Option<(Vec<crate::domain::problem::Problem>, Vec<String>)>,
}

impl Delta {
    /// Whether a part other than the incidents changed (every part is listed here once:
    /// a part left out would never reach the screen).
    pub fn parts_changed(&self) -> bool {
        self.timeline.is_some()
            || self.ledger.is_some()
            || self.checks.is_some()
            || self.lease.is_some()
            || self.sources.is_some()
            || self.agenda.is_some()
            || self.maintenance.is_some()
            || self.duty.is_some()
            || self.seconds.is_some()
            || self.changes.is_some()
            || self.problems.is_some()
    }

    /// Whether it carries anything to apply.
    pub fn has_news(&self) -> bool {
        !self.incidents.is_empty() || self.parts_changed()
    }
}

/// Which parts of the snapshot a change to the log touches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    pub incidents: Vec<IncidentId>,
    pub ledger: bool,
    pub checks: bool,
    pub lease: bool,
    pub sources: bool,
    pub agenda: bool,
    pub maintenance: bool,
    pub duty: bool,
    pub seconds: bool,
    pub changes: bool,
    pub problems: bool,
}

impl Touched {
    /// What these events touch.
    pub fn by(events: &[StoredEvent]) -> Touched {
        let mut touched = Touched::default();
        for event in events {
            let family = event.kind.split('.').next().unwrap_or_default();
            match family {
                "incident" => {
                    let id = IncidentId(event.subject.clone());
                    // The duty view reads no incident event (its log, roster, handover
                    // and SSH runs are events of their own): only the incident is read.
                    if !touched.incidents.contains(&id) {
                        touched.incidents.push(id);
                    }
                }
                "alarm" => touched.ledger = true,
                "check" => touched.checks = true,
                "engine" => touched.lease = true,
                "source" => touched.sources = true,
                "checklist" => touched.agenda = true,
                "maintenance" => touched.maintenance = true,
                // A handover may silence a missed inspection of its shift.
                "handover" => (touched.duty, touched.agenda) = (true, true),
                "ssh" => (touched.duty, touched.seconds) = (true, true),
                "duty" | "roster" => touched.duty = true,
                "change" => touched.changes = true,
                "problem" | "problem_review" => touched.problems = true,
                _ => {}
            }
        }
        touched
    }
}

/// Every problem and the months reviewed.
fn problems(store: &dyn Store) -> Result<(Vec<crate::domain::problem::Problem>, Vec<String>), StoreError> {
    Ok((crate::ops::problem::problems(store)?, crate::ops::problem::reviewed_months(store)?))
}

fn states_of(rows: &[Row]) -> std::collections::BTreeMap<crate::domain::State, usize> {
    let mut states = std::collections::BTreeMap::new();
    for row in rows {
        *states.entry(row.incident.state).or_default() += 1;
    }
    states
}

fn kept_of(
    rows: &[Row],
    contract: impl Fn(&Incident) -> Option<crate::domain::contract::Part>,
) -> std::collections::HashMap<IncidentId, Kept> {
    rows.iter().map(|row| (row.incident.id.clone(), Kept::of(row, contract(&row.incident), None))).collect()
}

/// Yesterday's inspections still open, and today's; a missed one knows whether the
/// shift that owned it has handed over since (then it no longer rings).
fn agenda(
    store: &dyn Store,
    site: &Site,
    now: DateTime<Utc>,
) -> Result<Vec<crate::agenda::AgendaItem>, StoreError> {
    use crate::domain::checklist::RunState;
    let today = now.with_timezone(&site.tz).date_naive();
    let yesterday = today.pred_opt().unwrap_or(today);
    let mut items = crate::agenda::load(store, site, yesterday, today, now)?;
    // Several missed inspections of one shift ask about one handover: read once.
    let mut done: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    for item in items.iter_mut().filter(|a| a.state == RunState::Missed) {
        let owner = crate::domain::shift::slot_at(
            &site.shifts,
            site.tz,
            item.slot.deadline_at - Duration::seconds(1),
        );
        if let Some(shift) = owner {
            let id = crate::domain::handover::Handover::id_of(&shift);
            item.handed_over = match done.get(&id) {
                Some(known) => *known,
                None => {
                    let signed = crate::duty::load_handover(store, &id)?.is_some_and(|h| h.is_done());
                    *done.entry(id).or_insert(signed)
                }
            };
        }
    }
    Ok(items
        .into_iter()
        .filter(|a| {
            a.slot.due_at.with_timezone(&site.tz).date_naive() == today
                || !matches!(
                    a.state,
                    crate::domain::checklist::RunState::Done
                        | crate::domain::checklist::RunState::DoneLate
                        | crate::domain::checklist::RunState::Declined
                )
        })
        .collect())
}

fn maintenance(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Vec<crate::domain::maintenance::Window>, StoreError> {
    Ok(store.maintenance_windows()?.into_iter().filter(|w| w.until > now).collect())
}

impl Delta {
    /// Reads the parts `touched` names, as they are now.
    pub fn read(
        store: &dyn Store,
        site: &Site,
        now: DateTime<Utc>,
        head: u64,
        touched: &Touched,
        detail: Option<&IncidentId>,
    ) -> Result<Delta, StoreError> {
        let mut incidents = Vec::with_capacity(touched.incidents.len());
        for id in &touched.incidents {
            incidents.extend(store.incident(id)?);
        }
        let timeline = match detail {
            Some(id) if touched.incidents.contains(id) => Some((id.clone(), store.timeline(&id.0)?)),
            _ => None,
        };
        Ok(Delta {
            head,
            incidents,
            timeline,
            ledger: touched.ledger.then(|| store.alarm_ledger()).transpose()?,
            checks: touched.checks.then(|| store.check_states()).transpose()?,
            lease: touched.lease.then(|| store.lease()).transpose()?,
            sources: touched.sources.then(|| store.source_states()).transpose()?,
            agenda: touched.agenda.then(|| agenda(store, site, now)).transpose()?,
            maintenance: touched.maintenance.then(|| maintenance(store, now)).transpose()?,
            duty: touched.duty.then(|| crate::duty::view(store, site, now)).transpose()?,
            seconds: touched.seconds.then(|| crate::ops::ssh::second_asks(store, site, now)).transpose()?,
            changes: touched.changes.then(|| crate::ops::change::changes(store)).transpose()?,
            problems: touched.problems.then(|| problems(store)).transpose()?,
        })
    }

    /// The parts that change with the time of day, not only with the log: the day's
    /// inspections (due, overdue) and the shift in force.
    pub fn of_the_hour(
        store: &dyn Store,
        site: &Site,
        now: DateTime<Utc>,
        head: u64,
    ) -> Result<Delta, StoreError> {
        let touched = Touched { agenda: true, duty: true, maintenance: true, ..Touched::default() };
        Delta::read(store, site, now, head, &touched, None)
    }

    /// The timeline of the incident now open in detail.
    pub fn timeline(store: &dyn Store, head: u64, id: &IncidentId) -> Result<Delta, StoreError> {
        Ok(Delta { head, timeline: Some((id.clone(), store.timeline(&id.0)?)), ..Delta::default() })
    }
}

impl Snapshot {
    /// Reads everything the console shows. `detail` names the incident whose timeline
    /// is needed.
    pub fn load(
        store: &dyn Store,
        site: &Site,
        now: DateTime<Utc>,
        detail: Option<&IncidentId>,
    ) -> Result<Snapshot, StoreError> {
        let head = store.head()?;
        let rows = order_by_urgency(store.incidents(true)?, site, now);
        let kept = kept_of(&rows, |i| contract_part(i, &site.policy, site.contract, site.tz, now));
        let contract = Some(counter_of_parts(kept.values().map(|k| k.contract), &site.policy, site.contract));
        let states = states_of(&rows);
        let (timeline, timeline_for) = match detail {
            Some(id) => (store.timeline(&id.0)?, Some(id.clone())),
            None => (Vec::new(), None),
        };
        let mut snapshot = Snapshot {
            head,
            rows,
            contract,
            ledger: store.alarm_ledger()?,
            checks: store.check_states()?,
            lease: store.lease()?,
            sources: store.source_states()?,
            maintenance: maintenance(store, now)?,
            agenda: agenda(store, site, now)?,
            timeline,
            timeline_for,
            duty: crate::duty::view(store, site, now)?,
            seconds: crate::ops::ssh::second_asks(store, site, now)?,
            changes: crate::ops::change::changes(store)?,
            problems: crate::ops::problem::problems(store)?,
            reviewed: crate::ops::problem::reviewed_months(store)?,
            kept,
            states,
            clock_counts: (0, 0),
        };
        // Every urgent incident's alarms worked out here, on the worker's thread, so
        // the console's first look at them after a full read costs it nothing.
        snapshot.open_alarms(site, now);
        Ok(snapshot)
    }

    /// Applies what changed: only the changed incidents' clocks are worked out again,
    /// and their rows found and put back in place by halving. Answers whether the
    /// alarms may have changed (a note or a new owner leaves every clock where it was,
    /// and the alarm list need not be worked out again across every incident).
    pub fn apply(&mut self, delta: Delta, site: &Site, now: DateTime<Utc>) -> bool {
        self.head = self.head.max(delta.head);
        let mut alarms_changed = delta.ledger.is_some() || delta.agenda.is_some();
        if !delta.incidents.is_empty() {
            let mut gone = Vec::new();
            let mut placed = Vec::new();
            for incident in delta.incidents {
                let contract = contract_part(&incident, &site.policy, site.contract, site.tz, now);
                let Some(index) = self.index_of(&incident.id) else {
                    alarms_changed = true;
                    let row = Row::of(incident, site, now);
                    self.kept.insert(row.incident.id.clone(), Kept::of(&row, contract, None));
                    placed.push(row);
                    continue;
                };
                let row = &self.rows[index];
                self.states.entry(row.incident.state).and_modify(|n| *n -= 1);
                let before = match self.kept.get_mut(&row.incident.id).and_then(|k| k.alarms.take()) {
                    Some(cached) if cached.holds_at(now) => cached,
                    _ => RowAlarms::of(&row.incident, site, now),
                };
                let after = RowAlarms::of(&incident, site, now);
                let new = Row::of(incident, site, now);
                // A plan's steps ring apart from the clocks (see `open_alarms`).
                alarms_changed |= new.urgent_due != row.urgent_due
                    || before != after
                    || new.incident.plans.last() != row.incident.plans.last();
                self.kept.insert(new.incident.id.clone(), Kept::of(&new, contract, Some(after)));
                gone.push(index);
                placed.push(new);
            }
            for row in &placed {
                *self.states.entry(row.incident.state).or_default() += 1;
            }
            gone.sort_unstable();
            // The rest of the queue stays in order (each row's due time is an instant):
            // the changed rows come out and go back in where they now belong.
            let mut index = 0;
            let mut gone = gone.into_iter().peekable();
            self.rows.retain(|_| {
                let keep = gone.peek() != Some(&index);
                if !keep {
                    gone.next();
                }
                index += 1;
                keep
            });
            crate::ops::queue::place(&mut self.rows, placed);
            let parts = self.kept.values().map(|k| k.contract);
            self.contract = Some(counter_of_parts(parts, &site.policy, site.contract));
        }
        if let Some((id, timeline)) = delta.timeline {
            self.timeline = timeline;
            self.timeline_for = Some(id);
        }
        if let Some(ledger) = delta.ledger {
            self.ledger = ledger;
        }
        if let Some(checks) = delta.checks {
            self.checks = checks;
        }
        if let Some(lease) = delta.lease {
            self.lease = lease;
        }
        if let Some(sources) = delta.sources {
            self.sources = sources;
        }
        if let Some(agenda) = delta.agenda {
            self.agenda = agenda;
        }
        if let Some(maintenance) = delta.maintenance {
            self.maintenance = maintenance;
        }
        if let Some(duty) = delta.duty {
            self.duty = duty;
        }
        if let Some(seconds) = delta.seconds {
            self.seconds = seconds;
        }
        if let Some((problems, reviewed)) = delta.problems {
            (self.problems, self.reviewed) = (problems, reviewed);
        }
        if let Some(changes) = delta.changes {
            self.changes = changes;
            alarms_changed = true;
        }
        alarms_changed
    }

    /// A snapshot of these rows and nothing else (for measuring the queue alone).
    pub fn with_rows(rows: Vec<Row>) -> Snapshot {
        Snapshot { kept: kept_of(&rows, |_| None), states: states_of(&rows), rows, ..Snapshot::default() }
    }

    /// How many incidents are in `state`.
    pub fn count(&self, state: crate::domain::State) -> usize {
        self.states.get(&state).copied().unwrap_or(0)
    }

    /// Where an incident's row is in the queue.
    pub fn index_of(&self, id: &IncidentId) -> Option<usize> {
        crate::ops::queue::find(&self.rows, self.kept.get(id)?.rank, id)
    }

    /// The row of an incident.
    pub fn row(&self, id: &IncidentId) -> Option<&Row> {
        self.index_of(id).map(|index| &self.rows[index])
    }

    /// Live alarms not yet acknowledged, most urgent first, and the next instant at which
    /// the set can change (a clock crossing into due soon or breached). Only incidents
    /// whose most urgent clock is close enough are looked at, and the caller needs to
    /// ask again only at that instant or when the data changes, so this stays cheap with
    /// thousands of incidents.
    pub fn open_alarms(&mut self, site: &Site, now: DateTime<Utc>) -> (Vec<Raised>, Option<DateTime<Utc>>) {
        let longest_warning = site.policy.due_soon.longest();
        let mut alarms: Vec<Raised> = Vec::new();
        let mut counts = (0, 0);
        let mut next_change: Option<DateTime<Utc>> = None;
        let mut sooner =
            |at: DateTime<Utc>| next_change = Some(next_change.map_or(at, |n: DateTime<Utc>| n.min(at)));
        for row in &self.rows {
            match row.urgent_due {
                Some(due) if due - longest_warning <= now => {}
                Some(due) => {
                    sooner(due - longest_warning);
                    break;
                }
                None => break,
            }
            // Worked out once per incident, and again when it changes or the time comes.
            let Some(kept) = self.kept.get_mut(&row.incident.id) else { continue };
            if !kept.alarms.as_ref().is_some_and(|a| a.holds_at(now)) {
                kept.alarms = Some(RowAlarms::of(&row.incident, site, now));
            }
            let Some(cached) = kept.alarms.as_ref() else { continue };
            if let Some(until) = cached.until {
                sooner(until);
            }
            counts.0 += cached.breached;
            counts.1 += cached.due_soon;
            for (key, due) in &cached.alarms {
                if !self.ledger.acknowledged.contains(key) {
                    alarms.push(Raised { key: key.clone(), due: *due });
                }
            }
        }
        // The steps of emergency plans running on incidents not yet closed.
        for row in &self.rows {
            let Some(run) =
                row.incident.plans.last().filter(|_| row.incident.state != crate::domain::State::Closed)
            else {
                continue;
            };
            let (raised, next) = run.alarms(now);
            if let Some(next) = next {
                sooner(next);
            }
            for step in raised {
                match step.level {
                    crate::domain::alarm::AlarmLevel::Breached => counts.0 += 1,
                    crate::domain::alarm::AlarmLevel::DueSoon => counts.1 += 1,
                }
                let key = step.key(&row.incident.id);
                if !self.ledger.acknowledged.contains(&key) {
                    alarms.push(Raised { key, due: step.due });
                }
            }
        }
        // Emergency changes not written up in time.
        for change in &self.changes {
            let (level, next) = change.record_alarm(&site.policy.changes, now);
            if let Some(next) = next {
                sooner(next);
            }
            let Some(level) = level else { continue };
            match level {
                crate::domain::alarm::AlarmLevel::Breached => counts.0 += 1,
                crate::domain::alarm::AlarmLevel::DueSoon => counts.1 += 1,
            }
            let key =
                AlarmKey { incident: IncidentId(change.id.clone()), clock: ClockName::ChangeRecord, level };
            if !self.ledger.acknowledged.contains(&key) {
                let due = change.record_due(&site.policy.changes).unwrap_or(now);
                alarms.push(Raised { key, due });
            }
        }
        for item in &self.agenda {
            let (raised, next) = crate::agenda::inspection_alarms(item, now);
            if let Some(next) = next {
                sooner(next);
            }
            for (key, remaining) in raised {
                if !self.ledger.acknowledged.contains(&key) {
                    alarms.push(Raised { key, due: now + remaining });
                }
            }
        }
        self.clock_counts = counts;
        crate::domain::alarm::by_urgency(&mut alarms);
        (alarms, next_change)
    }
}
