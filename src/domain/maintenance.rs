//! Maintenance windows: a planned change (the documents put them at night) puts hosts,
//! or single checks, into maintenance for a time. Failures inside a window are shown
//! but open no incident. Scheduling and ending a window are events.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::DomainError;

/// The longest window that can be scheduled.
pub const LONGEST_DAYS: i64 = 7;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub id: String,
    pub hosts: Vec<String>,
    /// Only these checks; empty means every check of the hosts.
    #[serde(default)]
    pub checks: Vec<String>,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub reason: String,
    pub by: String,
}

impl Window {
    /// Whether a result of `host`/`check` at `at` falls inside this window.
    pub fn covers(&self, host: &str, check: &str, at: DateTime<Utc>) -> bool {
        self.from <= at
            && at < self.until
            && self.hosts.iter().any(|h| h == host)
            && (self.checks.is_empty() || self.checks.iter().any(|c| c == check))
    }

    /// Whether the window is in force at `at`.
    pub fn active_at(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.until
    }
}

/// Checks a window before it is scheduled.
pub fn validate(window: &Window, now: DateTime<Utc>) -> Result<(), DomainError> {
    if window.hosts.is_empty() {
        return Err(DomainError::Empty { field: "hosts" });
    }
    if window.reason.trim().is_empty() {
        return Err(DomainError::Empty { field: "reason" });
    }
    if window.until <= window.from {
        return Err(DomainError::BadWindow { from: window.from, until: window.until });
    }
    if window.until - window.from > Duration::days(LONGEST_DAYS) {
        return Err(DomainError::WindowTooLong { days: LONGEST_DAYS });
    }
    if window.until <= now {
        return Err(DomainError::BadWindow { from: window.from, until: window.until });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn window(checks: &[&str]) -> Window {
        Window {
            id: "MW-1".into(),
            hosts: vec!["central-db".into()],
            checks: checks.iter().map(|c| c.to_string()).collect(),
            from: Utc.with_ymd_and_hms(2026, 11, 21, 14, 0, 0).unwrap(),
            until: Utc.with_ymd_and_hms(2026, 11, 21, 16, 0, 0).unwrap(),
            reason: "patch the listener".into(),
            by: "lead".into(),
        }
    }

    #[test]
    fn covers_its_hosts_checks_and_time_only() {
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 15, 0, 0).unwrap();
        assert!(window(&[]).covers("central-db", "listener", at));
        assert!(window(&["listener"]).covers("central-db", "listener", at));
        assert!(!window(&["ping"]).covers("central-db", "listener", at));
        assert!(!window(&[]).covers("collect-db", "listener", at));
        assert!(!window(&[]).covers("central-db", "listener", at + Duration::hours(1)), "until is exclusive");
    }

    #[test]
    fn refuses_backwards_long_or_past_windows() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 13, 0, 0).unwrap();
        assert!(validate(&window(&[]), now).is_ok());
        let mut backwards = window(&[]);
        backwards.until = backwards.from;
        assert!(matches!(validate(&backwards, now), Err(DomainError::BadWindow { .. })));
        let mut long = window(&[]);
        long.until = long.from + Duration::days(8);
        assert_eq!(validate(&long, now), Err(DomainError::WindowTooLong { days: 7 }));
        assert!(validate(&window(&[]), now + Duration::days(1)).is_err(), "already over");
    }
}
