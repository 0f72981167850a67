//! Shifts (班次): the site's duty periods, e.g. day 08:00–20:00 and night 20:00–08:00.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    pub name: String,
    pub start: NaiveTime,
    /// May be earlier than the start: the shift then ends the next day.
    pub end: NaiveTime,
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
            Shift { name: "白班".into(), start: t(8), end: t(20) },
            Shift { name: "夜班".into(), start: t(20), end: t(8) },
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
}
