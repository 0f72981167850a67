//! The incident queue's order, the same in the console and in `duty incident list`:
//! the nearest due time of a live clock first (breached ones are past due, so they come
//! first); finished incidents after, open before closed, newest first.

use chrono::{DateTime, Utc};

use crate::config::Site;
use crate::domain::sla::{clocks, most_urgent};
use crate::domain::{Incident, IncidentId, State};

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
    rows.sort_by(order);
}

/// Puts changed rows where they belong in a queue already in order: a few changes cost
/// a search each, many cost one sort.
pub fn place(rows: &mut Vec<Row>, changed: Vec<Row>) {
    if changed.len() > 64 {
        rows.extend(changed);
        return sort(rows);
    }
    for row in changed {
        let at = rows.partition_point(|other| order(other, &row) == std::cmp::Ordering::Less);
        rows.insert(at, row);
    }
}

/// Where a row stands in the queue, with its id: enough to find it again by halving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rank {
    pub due: Option<DateTime<Utc>>,
    pub closed: bool,
}

impl Row {
    pub fn rank(&self) -> Rank {
        Rank { due: self.urgent_due, closed: self.incident.state == State::Closed }
    }
}

/// The index of the row with this rank and id in rows in the queue's order.
pub fn find(rows: &[Row], rank: Rank, id: &IncidentId) -> Option<usize> {
    rows.binary_search_by(|row| order_of((row.rank(), &row.incident.id), (rank, id))).ok()
}

fn order(a: &Row, b: &Row) -> std::cmp::Ordering {
    order_of((a.rank(), &a.incident.id), (b.rank(), &b.incident.id))
}

/// The queue's order: the nearest due time first, ties by id; rows with no live clock
/// after, open before closed, the newest first.
fn order_of((a, a_id): (Rank, &IncidentId), (b, b_id): (Rank, &IncidentId)) -> std::cmp::Ordering {
    match (a.due, b.due) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a_id.cmp(b_id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.closed.cmp(&b.closed).then_with(|| b_id.cmp(a_id)),
    }
}
