//! The duty log (值班记录): what the record of a shift holds besides incidents and
//! inspections — the room's environment, power, equipment used, visitors, users'
//! requests and complaints, and free notes. Each entry is one `duty.entry` event whose
//! subject is the shift occurrence it belongs to.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::DomainError;
use super::incident::{TEXT_MAX, TITLE_MAX};

/// One entry of the duty log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// 机房环境: temperature (°C), relative humidity (%), the weather outside.
    Environment { temperature: f64, humidity: f64, weather: String },
    /// 供电: normal, or interrupted from–to (local times).
    Power { normal: bool, from: Option<NaiveTime>, to: Option<NaiveTime>, note: String },
    /// 设备使用: who used what, its state before and after.
    Equipment { who: String, what: String, before: String, after: String },
    /// 来访: who entered the room, why, from–to, escorted by whom.
    Visitor { who: String, why: String, from: NaiveTime, to: Option<NaiveTime>, escort: String },
    /// 用户诉求 / 投诉: who asked, what, and what came of it.
    Request { from: String, complaint: bool, what: String, outcome: String },
    /// 其他: free text.
    Note { text: String },
}

impl Entry {
    /// A short stable name of the kind: `environment`, `power`, …
    pub fn key(&self) -> &'static str {
        match self {
            Entry::Environment { .. } => "environment",
            Entry::Power { .. } => "power",
            Entry::Equipment { .. } => "equipment",
            Entry::Visitor { .. } => "visitor",
            Entry::Request { .. } => "request",
            Entry::Note { .. } => "note",
        }
    }
}

/// Room conditions outside these bounds are certainly typing mistakes.
const TEMPERATURE: std::ops::RangeInclusive<f64> = -30.0..=70.0;
const HUMIDITY: std::ops::RangeInclusive<f64> = 0.0..=100.0;

/// The values a field may plausibly take, for the message that refuses another.
pub fn plausible(field: &str) -> Option<std::ops::RangeInclusive<f64>> {
    match field {
        "temperature" => Some(TEMPERATURE),
        "humidity" => Some(HUMIDITY),
        _ => None,
    }
}

fn required(field: &'static str, text: &str, max: usize) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::Empty { field });
    }
    optional(field, text, max)
}

fn optional(field: &'static str, text: &str, max: usize) -> Result<(), DomainError> {
    if text.chars().count() > max {
        return Err(DomainError::TooLong { field, max });
    }
    Ok(())
}

/// The room's conditions the site keeps to (default 18–27 °C, 35–75 % RH): a reading
/// outside them is taken, and flagged.
#[derive(Clone, Debug, PartialEq)]
pub struct RoomLimits {
    pub temperature: std::ops::RangeInclusive<f64>,
    pub humidity: std::ops::RangeInclusive<f64>,
}

impl Default for RoomLimits {
    fn default() -> Self {
        RoomLimits { temperature: 18.0..=27.0, humidity: 35.0..=75.0 }
    }
}

/// A reading outside the site's limits: the field, the value, the limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    pub field: &'static str,
    pub value: f64,
    pub limits: std::ops::RangeInclusive<f64>,
}

/// What an entry reads outside the room's limits.
pub fn flags(entry: &Entry, limits: &RoomLimits) -> Vec<Flag> {
    let Entry::Environment { temperature, humidity, .. } = entry else { return Vec::new() };
    [("temperature", *temperature, &limits.temperature), ("humidity", *humidity, &limits.humidity)]
        .into_iter()
        .filter(|(_, value, range)| !range.contains(value))
        .map(|(field, value, range)| Flag { field, value, limits: range.clone() })
        .collect()
}

/// Where in its shift an entry is written: when the shift began and now, local times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InShift {
    pub start: NaiveTime,
    pub now: NaiveTime,
}

impl InShift {
    /// A shift from midnight to the end of the day, written at its end (for checks that
    /// know no shift).
    pub fn whole_day() -> InShift {
        InShift { start: NaiveTime::MIN, now: NaiveTime::from_hms_opt(23, 59, 59).expect("a time") }
    }

    /// How far into the shift a local time is (a night shift's 00:20 comes after its
    /// 23:30).
    fn position(&self, t: NaiveTime) -> i64 {
        (t - self.start).num_seconds().rem_euclid(86_400)
    }
}

/// Whether an entry may be written as it stands, in its shift: an end not before its
/// start, and nothing that has not happened yet.
pub fn check(entry: &Entry, shift: InShift) -> Result<(), DomainError> {
    let (from, to) = match entry {
        Entry::Power { from, to, .. } => (*from, *to),
        Entry::Visitor { from, to, .. } => (Some(*from), *to),
        _ => (None, None),
    };
    for at in [from, to].into_iter().flatten() {
        if shift.position(at) > shift.position(shift.now) {
            return Err(DomainError::LaterThanNow { at, now: shift.now });
        }
    }
    if let (Some(from), Some(to)) = (from, to)
        && shift.position(to) < shift.position(from)
    {
        return Err(DomainError::EndBeforeStart { from, to });
    }
    check_fields(entry)
}

/// What completes an entry later — a visitor's departure, a request's outcome: recorded
/// as a correction of its own (who, when, why), never as an edit of the entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Completion {
    Departure { to: NaiveTime },
    Outcome { outcome: String },
}

/// A completion of the entry recorded as event `entry`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Completed {
    pub entry: u64,
    pub completion: Completion,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// What an entry can still be completed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    Departure,
    Outcome,
}

/// What an entry lacks, or why it can be completed with nothing: a departure only for
/// a visitor, an outcome only for a request, each only once.
pub fn missing(entry: &Entry) -> Result<Missing, DomainError> {
    match entry {
        Entry::Visitor { to: None, .. } => Ok(Missing::Departure),
        Entry::Request { outcome, .. } if outcome.is_empty() => Ok(Missing::Outcome),
        Entry::Visitor { .. } | Entry::Request { .. } => Err(DomainError::AlreadyComplete),
        entry => Err(DomainError::NotCompletable { kind: entry.key() }),
    }
}

/// The entry as completed, or why not: what it lacks (see `missing`), and a departure
/// not before the visitor came (a visit that runs past midnight is one shift's: its
/// times are read in order).
pub fn complete(entry: &Entry, completion: &Completion) -> Result<Entry, DomainError> {
    missing(entry)?;
    let mut completed = entry.clone();
    match (&mut completed, completion) {
        (Entry::Visitor { from, .. }, Completion::Departure { to }) if to < from => {
            Err(DomainError::EndBeforeStart { from: *from, to: *to })
        }
        (Entry::Visitor { to, .. }, Completion::Departure { to: left }) => {
            *to = Some(*left);
            Ok(completed)
        }
        (Entry::Request { outcome, .. }, Completion::Outcome { outcome: told }) => {
            required("outcome", told, TEXT_MAX)?;
            *outcome = told.trim().to_string();
            Ok(completed)
        }
        // A departure for a request, an outcome for a visitor.
        _ => Err(DomainError::NotCompletable { kind: entry.key() }),
    }
}

fn check_fields(entry: &Entry) -> Result<(), DomainError> {
    match entry {
        Entry::Environment { temperature, humidity, weather } => {
            if !TEMPERATURE.contains(temperature) {
                return Err(DomainError::OutOfRange { field: "temperature", value: *temperature });
            }
            if !HUMIDITY.contains(humidity) {
                return Err(DomainError::OutOfRange { field: "humidity", value: *humidity });
            }
            optional("weather", weather, TITLE_MAX)
        }
        Entry::Power { normal, from, note, .. } => {
            if !normal && from.is_none() {
                return Err(DomainError::Empty { field: "from" });
            }
            optional("note", note, TEXT_MAX)
        }
        Entry::Equipment { who, what, before, after } => {
            required("who", who, TITLE_MAX)?;
            required("what", what, TITLE_MAX)?;
            required("before", before, TITLE_MAX)?;
            optional("after", after, TITLE_MAX)
        }
        Entry::Visitor { who, why, escort, .. } => {
            required("who", who, TITLE_MAX)?;
            required("why", why, TEXT_MAX)?;
            required("escort", escort, TITLE_MAX)
        }
        Entry::Request { from, what, outcome, .. } => {
            required("from", from, TITLE_MAX)?;
            required("what", what, TEXT_MAX)?;
            optional("outcome", outcome, TEXT_MAX)
        }
        Entry::Note { text } => required("note", text, TEXT_MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_before_its_start_is_refused_across_midnight_too() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let visitor = |from, to| Entry::Visitor {
            who: "UPS 厂商 王工".into(),
            why: "更换电池".into(),
            from,
            to: Some(to),
            escort: "李四".into(),
        };
        let day = InShift { start: t(8, 0), now: t(12, 0) };
        let night = InShift { start: t(20, 0), now: t(2, 0) };
        assert!(check(&visitor(t(10, 0), t(11, 30)), day).is_ok());
        assert_eq!(
            check(&visitor(t(11, 30), t(10, 0)), day),
            Err(DomainError::EndBeforeStart { from: t(11, 30), to: t(10, 0) })
        );
        // On the night shift, 00:20 follows 23:30 and 23:30 does not follow 00:20.
        assert!(check(&visitor(t(23, 30), t(0, 20)), night).is_ok());
        assert!(check(&visitor(t(0, 20), t(23, 30)), night).is_err());
        let cut =
            |from, to| Entry::Power { normal: false, from: Some(from), to: Some(to), note: String::new() };
        assert!(check(&cut(t(11, 0), t(10, 0)), day).is_err());
        assert!(check(&cut(t(11, 0), t(11, 5)), day).is_ok());
        // Nothing after now: a visitor who will leave at 13:00 has not left yet.
        assert_eq!(
            check(&visitor(t(10, 0), t(13, 0)), day),
            Err(DomainError::LaterThanNow { at: t(13, 0), now: t(12, 0) })
        );
        assert!(check(&visitor(t(1, 0), t(3, 0)), night).is_err());
    }

    #[test]
    fn readings_outside_the_rooms_limits_are_flagged_not_refused() {
        let env = |t, h| Entry::Environment { temperature: t, humidity: h, weather: String::new() };
        let limits = RoomLimits::default();
        assert!(flags(&env(22.0, 50.0), &limits).is_empty());
        let hot = flags(&env(45.0, 80.0), &limits);
        assert_eq!(hot.iter().map(|f| f.field).collect::<Vec<_>>(), ["temperature", "humidity"]);
        assert!(check(&env(45.0, 80.0), InShift::whole_day()).is_ok());
    }

    #[test]
    fn impossible_or_missing_values_are_refused() {
        let check = |entry: &Entry| check(entry, InShift::whole_day());
        let env = |t, h| Entry::Environment { temperature: t, humidity: h, weather: "晴".into() };
        assert!(check(&env(22.5, 45.0)).is_ok());
        assert!(matches!(
            check(&env(220.0, 45.0)),
            Err(DomainError::OutOfRange { field: "temperature", .. })
        ));
        assert!(matches!(check(&env(22.0, 145.0)), Err(DomainError::OutOfRange { field: "humidity", .. })));
        let cut = Entry::Power { normal: false, from: None, to: None, note: String::new() };
        assert_eq!(check(&cut), Err(DomainError::Empty { field: "from" }));
        let visitor = Entry::Visitor {
            who: "UPS 厂商 王工".into(),
            why: "更换电池".into(),
            from: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            to: None,
            escort: " ".into(),
        };
        assert_eq!(check(&visitor), Err(DomainError::Empty { field: "escort" }));
        assert_eq!(check(&Entry::Note { text: "\n".into() }), Err(DomainError::Empty { field: "note" }));
    }

    #[test]
    fn entries_round_trip_as_tagged_json() {
        let entry = Entry::Request {
            from: "交易科".into(),
            complaint: true,
            what: "专网访问慢".into(),
            outcome: "已重启交换机端口".into(),
        };
        let json = serde_json::to_string(&entry).unwrap();
        assert!(json.starts_with("{\"kind\":\"request\""), "{json}");
        assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), entry);
    }
}
