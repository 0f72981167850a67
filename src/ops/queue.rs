//! The incident queue's order, the same in the console and in `duty incident list`:
//! the nearest due time of a live clock first (breached ones are past due, so they come
//! first); finished incidents after, open before closed, newest first.

use chrono::{DateTime, Utc};

use crate::config::Site;
use crate::domain::sla::{clocks, most_urgent};
use crate::domain::{Incident, State};

/// An incident with the due time of its most urgent live clock (the queue's sort key).
#[derive(Clone, Debug)]
pub struct Row {
    /// Boxed: the queue is sorted often, and moves only pointers.
    pub incident: Box<Incident>,
    pub urgent_due: Option<DateTime<Utc>>,
}

/// Sorts incidents: the nearest due time of a live clock first (breached ones are past
/// due, so they come first); finished incidents after, newest first.
pub fn order_by_urgency(incidents: Vec<Incident>, site: &Site, now: DateTime<Utc>) -> Vec<Row> {
    let mut rows: Vec<Row> = incidents.into_iter().map(|incident| Row::of(incident, site, now)).collect();
    // Collected in place, the rows would keep the whole buffer of the incidents they
    // were made from (each row is a pointer; each incident a kilobyte).
    rows.shrink_to_fit();
    sort(&mut rows);
    rows
}

impl Row {
    /// An incident with its most urgent live clock's due time, worked out at `now`.
    pub fn of(incident: Incident, site: &Site, now: DateTime<Utc>) -> Row {
        let clocks = clocks(&incident, &site.policy, now);
        let urgent_due = most_urgent(&clocks).and_then(|c| c.remaining.map(|r| now + r));
        Row { incident: Box::new(incident), urgent_due }
    }
}

/// Puts rows in the queue's order by the due times they carry.
pub fn sort(rows: &mut [Row]) {
    rows.sort_by(|a, b| match (a.urgent_due, b.urgent_due) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.incident.id.cmp(&b.incident.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => closed_last(&a.incident, &b.incident),
    });
}

fn closed_last(a: &Incident, b: &Incident) -> std::cmp::Ordering {
    (a.state == State::Closed).cmp(&(b.state == State::Closed)).then_with(|| b.id.cmp(&a.id))
}
