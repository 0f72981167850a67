//! Instants as the store keeps them: UTC, microsecond precision, one text format that
//! sorts as it reads and hashes the same on every backend.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};

/// The stored form: `2026-11-21T08:30:00.000000Z`.
pub fn canonical(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads the stored form back.
pub fn parse_canonical(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
}

/// A time as typed on the command line, read in the site's zone once the site is known
/// (`parse_local`'s forms); a text that is none of them is refused as the line is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserTime(String);

impl std::str::FromStr for UserTime {
    type Err = String;

    fn from_str(text: &str) -> Result<UserTime, String> {
        match parse_local(text, chrono_tz::UTC, DateTime::UNIX_EPOCH + chrono::Duration::days(400)) {
            Some(_) => Ok(UserTime(text.to_string())),
            None => Err(format!(
                "\"{text}\" is not a time: 2026-11-21T08:30:00+08:00, 2026-11-21 08:30, 2026-11-21 (its midnight), 08:30, yesterday 23:10 or today 08:00 (the site's zone)"
            )),
        }
    }
}

impl UserTime {
    /// The instant it names in the site's zone `tz`, seen from `now` (a bare time is
    /// today's or yesterday's, whichever is nearer).
    pub fn at(&self, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
        parse_local(&self.0, tz, now).ok_or_else(|| format!("\"{}\" does not occur in {tz}", self.0))
    }
}

/// Reads a time as people type it, in the site's zone: `15:00` (today's or yesterday's,
/// whichever is nearer to now — a time ahead of now stays ahead, for the caller to
/// refuse), `昨天 23:10` / `yesterday 23:10`, `今天 08:00` / `today 08:00`,
/// `2026-12-01 15:00`, or RFC 3339. None when the text is none of these.
pub fn parse_local(text: &str, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc).trunc_subsecs(6));
    }
    let local = |date: NaiveDate, time: NaiveTime| {
        tz.from_local_datetime(&date.and_time(time)).earliest().map(|t| t.with_timezone(&Utc))
    };
    let time_of = |t: &str| {
        NaiveTime::parse_from_str(t.trim(), "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(t.trim(), "%H:%M:%S"))
            .ok()
    };
    for format in ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return local(at.date(), at.time());
        }
    }
    // A date alone is its first moment (`--until 2026-12-01`: up to that midnight).
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return local(date, NaiveTime::MIN);
    }
    let today = now.with_timezone(&tz).date_naive();
    let days_back = [("昨天", 1), ("yesterday", 1), ("今天", 0), ("today", 0)];
    for (word, back) in days_back {
        if let Some(rest) = text.strip_prefix(word) {
            return local(today - Duration::days(back), time_of(rest)?);
        }
    }
    let time = time_of(text)?;
    let candidates = [local(today, time)?, local(today - Duration::days(1), time)?];
    candidates.into_iter().min_by_key(|at| (*at - now).num_seconds().abs())
}

/// A length of time as people write it: `30s`, `15min`, `1h`, `1d` (at least a second).
pub fn parse_span(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| format!("{text:?}: a number and a unit such as 15min"))?;
    let seconds = match unit {
        "s" | "sec" => n,
        "m" | "min" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return Err(format!("{text:?}: the unit is s, min, h or d")),
    };
    if seconds < 1 {
        return Err(format!("{text:?}: at least one second"));
    }
    Ok(chrono::Duration::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_read_in_the_sites_zone() {
        let tz = chrono_tz::Asia::Shanghai;
        let at = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc);
        let now = at("2026-12-01T16:07:00+08:00");
        assert_eq!(parse_local("15:00", tz, now), Some(at("2026-12-01T15:00:00+08:00")));
        // 23:59 at 16:07 is tonight's, ahead of now — never yesterday's, 16 h back.
        assert_eq!(parse_local("23:59", tz, now), Some(at("2026-12-01T23:59:00+08:00")));
        assert_eq!(parse_local("昨天 23:10", tz, now), Some(at("2026-11-30T23:10:00+08:00")));
        assert_eq!(parse_local("yesterday 23:10", tz, now), Some(at("2026-11-30T23:10:00+08:00")));
        assert_eq!(parse_local("2026-11-29 08:00", tz, now), Some(at("2026-11-29T08:00:00+08:00")));
        assert_eq!(
            parse_local("2026-11-29", tz, now),
            Some(at("2026-11-29T00:00:00+08:00")),
            "a date is its midnight"
        );
        assert_eq!(parse_local("2026-11-29T08:00:00Z", tz, now), Some(at("2026-11-29T08:00:00Z")));
        // Just after midnight, 23:50 is last night's.
        let night = at("2026-12-01T00:10:00+08:00");
        assert_eq!(parse_local("23:50", tz, night), Some(at("2026-11-30T23:50:00+08:00")));
        assert_eq!(parse_local("25:00", tz, now), None);
        assert_eq!(parse_local("soon", tz, now), None);
    }

    #[test]
    fn canonical_round_trips_and_sorts() {
        let t =
            parse_local("2026-11-21T08:30:00.123456789+08:00", chrono_tz::UTC, DateTime::UNIX_EPOCH).unwrap();
        let text = canonical(t);
        assert_eq!(text, "2026-11-21T00:30:00.123456Z");
        assert_eq!(parse_canonical(&text).unwrap(), t);
        assert!(canonical(t) < canonical(t + chrono::Duration::microseconds(1)));
    }

    #[test]
    fn a_typed_time_is_read_in_the_sites_zone() {
        let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc);
        let tz = chrono_tz::Asia::Shanghai;
        let now = at("2026-12-01T16:00:00+08:00");
        let read = |text: &str| text.parse::<UserTime>().and_then(|t| t.at(tz, now));
        assert_eq!(read("2026-12-01 15:00"), Ok(at("2026-12-01T15:00:00+08:00")));
        assert_eq!(read("15:00"), Ok(at("2026-12-01T15:00:00+08:00")));
        assert_eq!(read("yesterday 23:10"), Ok(at("2026-11-30T23:10:00+08:00")));
        assert_eq!(read("2026-12-01T15:00:00Z"), Ok(at("2026-12-01T23:00:00+08:00")));
        for bad in ["2026-12-01T15:00:00", "soon", "25:00", "yesterday"] {
            assert!(bad.parse::<UserTime>().is_err(), "{bad}");
        }
    }
}
