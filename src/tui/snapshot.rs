//! What the console shows, read from the store in one go: the screens render from this
//! immutable snapshot and never touch the store themselves.

use chrono::{DateTime, Duration, Utc};

use crate::config::Site;
use crate::domain::IncidentId;
use crate::domain::alarm::{AlarmKey, AlarmLedger, alarm_of};
use crate::domain::check::CheckState;
use crate::domain::contract::{ContractCounter, contract_counter};
use crate::domain::sla::{ClockName, ClockState, clocks};
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
        let incidents = store.incidents(true)?;
        let contract = Some(contract_counter(&incidents, &site.policy, site.contract, site.tz, now));
        let rows = order_by_urgency(incidents, site, now);
        let (timeline, timeline_for) = match detail {
            Some(id) => (store.timeline(&id.0)?, Some(id.clone())),
            None => (Vec::new(), None),
        };
        Ok(Snapshot {
            head,
            rows,
            contract,
            ledger: store.alarm_ledger()?,
            checks: store.check_states()?,
            lease: store.lease()?,
            sources: store.source_states()?,
            maintenance: store.maintenance_windows()?.into_iter().filter(|w| w.until > now).collect(),
            agenda: {
                let today = now.with_timezone(&site.tz).date_naive();
                let yesterday = today.pred_opt().unwrap_or(today);
                crate::agenda::load(store, site, yesterday, today, now)?
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
                    .collect()
            },
            timeline,
            timeline_for,
            duty: crate::duty::view(store, site, now)?,
        })
    }

    /// The row of an incident.
    pub fn row(&self, id: &IncidentId) -> Option<&Row> {
        self.rows.iter().find(|r| &r.incident.id == id)
    }

    /// Live alarms not yet acknowledged, loudest first, and the next instant at which
    /// the set can change (a clock crossing into due soon or breached). Only incidents
    /// whose most urgent clock is close enough are looked at, and the caller needs to
    /// ask again only at that instant or when the data changes, so this stays cheap with
    /// thousands of incidents.
    pub fn open_alarms(&self, site: &Site, now: DateTime<Utc>) -> (Vec<AlarmKey>, Option<DateTime<Utc>>) {
        let warn = &site.policy.due_soon;
        let warning = |name: ClockName| match name {
            ClockName::Confirm => warn.confirm,
            ClockName::SecurityReport => warn.security_report,
            ClockName::Response => warn.response,
            ClockName::OnSite => warn.onsite,
            ClockName::Resolution => warn.resolution,
            ClockName::Report => warn.report,
            ClockName::Inspection | ClockName::LeadDecision => Duration::zero(),
        };
        let longest_warning = warn.longest();
        let mut alarms: Vec<(AlarmKey, Duration)> = Vec::new();
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
            for clock in clocks(&row.incident, &site.policy, now) {
                match (clock.state, clock.due_at) {
                    (ClockState::Running, Some(due)) => sooner(due - warning(clock.name)),
                    (ClockState::DueSoon, Some(due)) => sooner(due),
                    _ => {}
                }
                if let Some(key) = alarm_of(&row.incident, &clock)
                    && !self.ledger.acknowledged.contains(&key)
                {
                    alarms.push((key, clock.remaining.unwrap_or_else(Duration::zero)));
                }
            }
        }
        for item in &self.agenda {
            let (raised, next) = crate::agenda::inspection_alarms(item, now);
            if let Some(next) = next {
                sooner(next);
            }
            for (key, remaining) in raised {
                if !self.ledger.acknowledged.contains(&key) {
                    alarms.push((key, remaining));
                }
            }
        }
        alarms.sort_by_key(|(key, remaining)| (std::cmp::Reverse(key.level), *remaining));
        (alarms.into_iter().map(|(key, _)| key).collect(), next_change)
    }
}
