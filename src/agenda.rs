//! The inspection agenda: every scheduled occurrence in a range of local dates, with
//! its run (if started), any declaration, and where it stands. Shared by the CLI, the
//! console and the reports.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::config::Site;
use crate::domain::checklist::{Run, RunState, Slot, slots, state_of};
use crate::report::inspection::Entry;
use crate::store::{Declined, Store, StoreError};

#[derive(Clone, Debug)]
pub struct AgendaItem {
    pub slot: Slot,
    pub name: String,
    pub run: Option<Run>,
    pub declined: Option<Declined>,
    pub state: RunState,
    /// Missed, and the shift that owned it has handed over since: on the record (and in
    /// the reports) as missed, no longer ringing.
    pub handed_over: bool,
}

impl AgendaItem {
    pub fn entry(&self) -> Entry<'_> {
        Entry { slot: &self.slot, name: &self.name, run: self.run.as_ref(), declined: self.declined.as_ref() }
    }
}

/// The slots of local dates `from..=to`, due-time order, and the UTC range they cover.
pub fn slots_of(site: &Site, from: NaiveDate, to: NaiveDate) -> Vec<(Slot, String)> {
    let mut all: Vec<(Slot, String)> = site
        .checklists
        .iter()
        .flat_map(|t| {
            slots(t, &site.calendar, site.tz, from, to).into_iter().map(move |s| (s, t.name.clone()))
        })
        .collect();
    all.sort_by(|a, b| a.0.due_at.cmp(&b.0.due_at).then_with(|| a.0.run.cmp(&b.0.run)));
    all
}

/// Combines slots with the runs and declarations read from the store.
pub fn assemble(
    slots: Vec<(Slot, String)>,
    runs: &[Run],
    declined: &[Declined],
    now: DateTime<Utc>,
) -> Vec<AgendaItem> {
    slots
        .into_iter()
        .map(|(slot, name)| {
            let run = runs.iter().find(|r| r.id == slot.run).cloned();
            let declined = declined.iter().find(|d| d.slot.run == slot.run).cloned();
            let state = state_of(&slot, run.as_ref(), declined.is_some(), now);
            AgendaItem { slot, name, run, declined, state, handed_over: false }
        })
        .collect()
}

/// The agenda of local dates `from..=to`, read from the store. Occurrences whose
/// deadline passed before the record began (its first event, or now for an empty one)
/// were never anyone's to do: they are left out, not counted as missed.
pub fn load(
    store: &dyn Store,
    site: &Site,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<AgendaItem>, StoreError> {
    let began = store.events_after(0, 1)?.first().map_or(now, |e| e.occurred_at.min(e.recorded_at));
    let slots: Vec<(Slot, String)> =
        slots_of(site, from, to).into_iter().filter(|(slot, _)| slot.deadline_at >= began).collect();
    let (Some(first), Some(last)) = (slots.first(), slots.last()) else { return Ok(Vec::new()) };
    let (start, end) = (first.0.due_at, last.0.due_at + Duration::seconds(1));
    let runs = store.runs_between(start, end)?;
    let declined = store.declined_between(start, end)?;
    Ok(assemble(slots, &runs, &declined, now))
}

/// The event a missed occurrence is recorded with, once, on its run's subject.
pub const MISSED_KIND: &str = "inspection.missed";

/// Records each occurrence of yesterday and today that was never started by its
/// deadline (漏检) as an event, once: the lease-holding engine calls this as time
/// passes, so the record says what was missed even if no console was looking. Returns
/// how many it recorded now.
pub fn record_missed(
    store: &mut dyn Store,
    site: &Site,
    actor: &crate::domain::Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let today = now.with_timezone(&site.tz).date_naive();
    let items = load(store, site, today.pred_opt().unwrap_or(today), today, now)?;
    let missed: Vec<&AgendaItem> = items.iter().filter(|a| a.state == RunState::Missed).collect();
    // One read of what is recorded already, from the earliest of these deadlines on (a
    // slot is recorded missed only once its deadline has passed).
    let Some(since) = missed.iter().map(|a| a.slot.deadline_at).min() else { return Ok(0) };
    let known: std::collections::HashSet<String> =
        store.events_of(MISSED_KIND, Some(since))?.into_iter().map(|e| e.subject).collect();
    let mut recorded = 0;
    for item in missed {
        let subject = format!("run:{}", item.slot.run);
        if known.contains(&subject) {
            continue;
        }
        let payload = serde_json::to_string(&item.slot).expect("slots serialise");
        store.record_event(MISSED_KIND, &subject, payload, actor, origin, now)?;
        recorded += 1;
    }
    Ok(recorded)
}

/// The state of the check an item names as `host/check`.
fn state_of_check<'a>(
    check: &str,
    states: &'a [crate::domain::check::CheckState],
) -> Option<&'a crate::domain::check::CheckState> {
    let (host, name) = check.split_once('/')?;
    states.iter().find(|s| s.host == host && s.check == name)
}

/// What the check bound to an item judges now; one not run yet could not judge.
pub fn judged(check: &str, states: &[crate::domain::check::CheckState]) -> crate::domain::check::CheckStatus {
    state_of_check(check, states).map_or(crate::domain::check::CheckStatus::Unknown, |s| s.status)
}

/// What the check bound to an item says now: its status, when, and why — the evidence
/// that pre-fills the item.
pub fn evidence_of(
    check: &str,
    states: &[crate::domain::check::CheckState],
    tz: chrono_tz::Tz,
    lang: crate::i18n::Lang,
) -> String {
    use crate::i18n::Label;
    match state_of_check(check, states) {
        None => format!("{check}: {}", lang.pick("尚未运行", "not run yet")),
        Some(s) => {
            let mut text = format!(
                "{check}: {} {} {}",
                s.status.mark(),
                s.status.label(lang),
                crate::i18n::local_time(s.last_at, tz)
            );
            if let Some(ms) = s.evidence.latency_ms {
                text.push_str(&format!(" {ms} ms"));
            }
            if let Some(why) = crate::i18n::evidence_reason(&s.evidence, lang) {
                text.push_str(&format!(" {why}"));
            }
            text
        }
    }
}

/// How long after its due time an inspection may stay unstarted before it rings.
pub const START_GRACE_MINUTES: i64 = 15;
/// How long before its deadline an unfinished inspection rings.
pub const FINISH_WARNING_MINUTES: i64 = 30;
/// How long a lead has to decide on a paused inspection.
pub const LEAD_DECISION_MINUTES: i64 = 60;

/// The alarms an inspection raises now (with the time left, negative once late), and
/// the next instant at which that can change: not started 15 minutes after its time,
/// not finished near or by its deadline, paused an hour without a lead's decision, a
/// finding not reported to the owner and the lead within a minute.
pub fn inspection_alarms(
    item: &AgendaItem,
    now: DateTime<Utc>,
) -> (Vec<(crate::domain::alarm::AlarmKey, Duration)>, Option<DateTime<Utc>>) {
    use crate::domain::IncidentId;
    use crate::domain::alarm::{AlarmKey, AlarmLevel};
    use crate::domain::sla::ClockName;
    let key = |clock, level| AlarmKey { incident: IncidentId(item.slot.run.clone()), clock, level };
    let left = item.slot.deadline_at - now;
    let mut alarms = Vec::new();
    let mut next = None;
    let at_or_later = |at: DateTime<Utc>, next: &mut Option<DateTime<Utc>>| {
        if at > now {
            *next = Some(next.map_or(at, |n: DateTime<Utc>| n.min(at)));
            false
        } else {
            true
        }
    };
    match item.state {
        RunState::Overdue => alarms.push((key(ClockName::Inspection, AlarmLevel::Breached), left)),
        // A missed one rings until its shift has handed over (or a lead acknowledges it).
        RunState::Missed if item.handed_over => {}
        RunState::Missed => alarms.push((key(ClockName::Missed, AlarmLevel::Breached), left)),
        RunState::Due => {
            if at_or_later(item.slot.due_at + Duration::minutes(START_GRACE_MINUTES), &mut next) {
                alarms.push((key(ClockName::Inspection, AlarmLevel::DueSoon), left));
            }
            at_or_later(item.slot.deadline_at, &mut next);
        }
        RunState::InProgress => {
            if at_or_later(item.slot.deadline_at - Duration::minutes(FINISH_WARNING_MINUTES), &mut next) {
                alarms.push((key(ClockName::Inspection, AlarmLevel::DueSoon), left));
            }
            at_or_later(item.slot.deadline_at, &mut next);
        }
        RunState::Paused => {
            if let Some((_, since)) = item.run.as_ref().and_then(|r| r.paused.clone())
                && at_or_later(since + Duration::minutes(LEAD_DECISION_MINUTES), &mut next)
            {
                alarms.push((
                    key(ClockName::LeadDecision, AlarmLevel::Breached),
                    since + Duration::minutes(LEAD_DECISION_MINUTES) - now,
                ));
            }
            at_or_later(item.slot.deadline_at, &mut next);
        }
        RunState::Upcoming => {
            at_or_later(item.slot.due_at + Duration::minutes(START_GRACE_MINUTES), &mut next);
        }
        RunState::Done | RunState::DoneLate | RunState::Declined => {}
    }
    // A warning or critical item not yet reported: a one-minute clock of its own (a
    // signed run has told everyone).
    if let Some(due) = item.run.as_ref().and_then(|r| r.notice_due()) {
        let level = if at_or_later(due, &mut next) { AlarmLevel::Breached } else { AlarmLevel::DueSoon };
        alarms.push((key(ClockName::Notice, level), due - now));
    }
    (alarms, next)
}
