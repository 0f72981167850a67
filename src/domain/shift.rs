//! Shifts (班次): the site's duty periods, e.g. day 08:00–20:00 and night 20:00–08:00,
//! and the roster (who is on duty in each), which a lead may change for a given day.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{DomainError, Operator, Role};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    pub name: String,
    pub start: NaiveTime,
    /// May be earlier than the start: the shift then ends the next day.
    pub end: NaiveTime,
    /// Who is on duty by default (operator ids).
    pub on_duty: Vec<String>,
}

/// One occurrence of a shift: the night shift of 22 November, say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftSlot {
    pub name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The local date the shift began on: the roster is kept per shift and date.
    pub date: NaiveDate,
    /// A stable name for the occurrence, `20261122T2000` (local start).
    pub key: String,
}

/// The occurrence of a shift in force at `now`.
pub fn slot_at(shifts: &[Shift], tz: Tz, now: DateTime<Utc>) -> Option<ShiftSlot> {
    let (shift, start, end) = current(shifts, tz, now)?;
    let local = start.with_timezone(&tz);
    Some(ShiftSlot {
        name: shift.name.clone(),
        start,
        end,
        date: local.date_naive(),
        key: local.format("%Y%m%dT%H%M").to_string(),
    })
}

/// The occurrence that follows `slot`, if the shifts cover the moment it ends.
pub fn next_slot(shifts: &[Shift], tz: Tz, slot: &ShiftSlot) -> Option<ShiftSlot> {
    slot_at(shifts, tz, slot.end)
}

/// The occurrence before `slot`.
pub fn previous_slot(shifts: &[Shift], tz: Tz, slot: &ShiftSlot) -> Option<ShiftSlot> {
    slot_at(shifts, tz, slot.start - Duration::seconds(1))
}

/// A lead's change of who is on duty in one shift on one date (event `roster.changed`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterChange {
    pub shift: String,
    pub date: NaiveDate,
    pub operators: Vec<String>,
}

/// Who is on duty in `slot`: the latest change for its shift and date, else the
/// shift's default.
pub fn on_duty(shifts: &[Shift], changes: &[RosterChange], slot: &ShiftSlot) -> Vec<String> {
    changes
        .iter()
        .rev()
        .find(|c| c.shift == slot.name && c.date == slot.date)
        .map(|c| c.operators.clone())
        .or_else(|| shifts.iter().find(|s| s.name == slot.name).map(|s| s.on_duty.clone()))
        .unwrap_or_default()
}

/// Whether `actor` may make `change`: leads only, a shift the site has, people it knows.
pub fn decide_roster(
    actor: &Operator,
    change: &RosterChange,
    shifts: &[Shift],
    known: &[&str],
) -> Result<(), DomainError> {
    if actor.role != Role::Lead {
        return Err(DomainError::LeadOnly { command: "roster" });
    }
    if !shifts.iter().any(|s| s.name == change.shift) {
        return Err(DomainError::UnknownShift { shift: change.shift.clone() });
    }
    if change.operators.is_empty() {
        return Err(DomainError::Empty { field: "operators" });
    }
    if let Some(who) = change.operators.iter().find(|o| !known.contains(&o.as_str())) {
        return Err(DomainError::UnknownOperator { who: who.clone() });
    }
    Ok(())
}

/// The shift in force at `now`, with its start and end.
pub fn current(
    shifts: &[Shift],
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<(&Shift, DateTime<Utc>, DateTime<Utc>)> {
    let today = now.with_timezone(&tz).date_naive();
    // A night shift in force now may have begun yesterday.
    for day in [today, today.pred_opt().unwrap_or(today)] {
        for shift in shifts {
            let start = tz.from_local_datetime(&day.and_time(shift.start)).earliest()?.with_timezone(&Utc);
            let mut end = tz.from_local_datetime(&day.and_time(shift.end)).earliest()?.with_timezone(&Utc);
            if end <= start {
                end += Duration::days(1);
            }
            if start <= now && now < end {
                return Some((shift, start, end));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shifts() -> Vec<Shift> {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        vec![
            Shift { name: "白班".into(), start: t(8), end: t(20), on_duty: vec!["li".into()] },
            Shift { name: "夜班".into(), start: t(20), end: t(8), on_duty: vec!["wang".into()] },
        ]
    }

    #[test]
    fn day_and_night_across_midnight() {
        let tz = chrono_tz::Asia::Shanghai;
        let at = |d, h, m| tz.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap().with_timezone(&Utc);
        let s = shifts();
        let (shift, start, end) = current(&s, tz, at(21, 10, 0)).unwrap();
        assert_eq!((shift.name.as_str(), start, end), ("白班", at(21, 8, 0), at(21, 20, 0)));
        let (shift, start, end) = current(&s, tz, at(22, 3, 0)).unwrap();
        assert_eq!((shift.name.as_str(), start, end), ("夜班", at(21, 20, 0), at(22, 8, 0)));
        let (shift, _, end) = current(&s, tz, at(21, 20, 0)).unwrap();
        assert_eq!((shift.name.as_str(), end), ("夜班", at(22, 8, 0)), "the night starts at 20:00 sharp");
        assert!(current(&[], tz, at(21, 10, 0)).is_none());
    }

    #[test]
    fn slots_follow_each_other_and_the_roster_can_change_for_one_day() {
        let tz = chrono_tz::Asia::Shanghai;
        let at = |d, h| tz.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap().with_timezone(&Utc);
        let s = shifts();
        let day = slot_at(&s, tz, at(22, 19)).unwrap();
        assert_eq!(day.key, "20261122T0800");
        let night = next_slot(&s, tz, &day).unwrap();
        assert_eq!((night.name.as_str(), night.start, night.end), ("夜班", at(22, 20), at(23, 8)));
        assert_eq!(previous_slot(&s, tz, &night).unwrap(), day);
        assert_eq!(on_duty(&s, &[], &night), vec!["wang".to_string()]);
        let change =
            RosterChange { shift: "夜班".into(), date: night.date, operators: vec!["zhao".into()] };
        assert_eq!(on_duty(&s, std::slice::from_ref(&change), &night), vec!["zhao".to_string()]);
        let next_night = next_slot(&s, tz, &next_slot(&s, tz, &night).unwrap()).unwrap();
        assert_eq!(on_duty(&s, &[change], &next_night), vec!["wang".to_string()], "one day only");
    }
}
