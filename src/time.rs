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

/// Reads a time an operator typed: RFC 3339 with an offset (`2026-11-21T08:30:00+08:00`).
pub fn parse_user_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(6))
        .map_err(|e| format!("\"{text}\" is not an RFC 3339 time such as 2026-11-21T08:30:00+08:00 ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_round_trips_and_sorts() {
        let t = parse_user_time("2026-11-21T08:30:00.123456789+08:00").unwrap();
        let text = canonical(t);
        assert_eq!(text, "2026-11-21T00:30:00.123456Z");
        assert_eq!(parse_canonical(&text).unwrap(), t);
        assert!(canonical(t) < canonical(t + chrono::Duration::microseconds(1)));
    }

    #[test]
    fn user_time_needs_an_offset() {
        assert!(parse_user_time("2026-11-21 08:30").is_err());
        assert!(parse_user_time("2026-11-21T08:30:00").is_err());
        assert!(parse_user_time("2026-11-21T08:30:00Z").is_ok());
    }
}
