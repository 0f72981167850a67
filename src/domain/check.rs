//! Checks of the centre's machines: their results, and what a new result means — a
//! change of status (an event), an incident to open after N critical runs in a row
//! (never a second while one is open), a recovery. Pure: results come in as values.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::IncidentId;

vocabulary! {
    /// A check's verdict. Unknown means the check could not judge (no permission, not
    /// run yet): it is never shown as normal.
    CheckStatus {
        Normal => "normal" | "正常",
        Warning => "warning" | "警告",
        Critical => "critical" | "严重",
        Unknown => "unknown" | "未知",
    }
}

impl CheckStatus {
    /// The sheet's mark: √ normal, ! warning, × critical, ? unknown.
    pub fn mark(self) -> &'static str {
        match self {
            CheckStatus::Normal => "√",
            CheckStatus::Warning => "!",
            CheckStatus::Critical => "×",
            CheckStatus::Unknown => "?",
        }
    }

    /// Worse first: critical, warning, unknown, normal.
    pub fn badness(self) -> u8 {
        match self {
            CheckStatus::Critical => 3,
            CheckStatus::Warning => 2,
            CheckStatus::Unknown => 1,
            CheckStatus::Normal => 0,
        }
    }
}

vocabulary! {
    /// Which column of the inspection sheet a check fills.
    SheetColumn {
        Network => "network" | "网络",
        System => "system" | "系统",
        App1 => "app1" | "应用1",
        App2 => "app2" | "应用2",
        Backup => "backup" | "备份",
    }
}

/// What a probe saw.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub latency_ms: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status_code: Option<u16>,
    /// A short excerpt of what came back (body, command output).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub excerpt: Option<String>,
    /// What went wrong, in the words of the system that said it (an OS error, a
    /// library's message); kept as it came, shown beside the reason.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// Why the check judged as it did, language-neutral: shown in the reader's language.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<Reason>,
}

impl Evidence {
    /// Evidence of a reason, with what the system said when there is more to it.
    pub fn of(reason: Reason, error: Option<String>) -> Evidence {
        Evidence { reason: Some(reason), error, ..Evidence::default() }
    }
}

/// Why a check judged as it did. Stored as data, rendered in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The connection was refused.
    Refused {
        address: String,
    },
    /// The connection failed otherwise (the OS's words in `error`).
    ConnectFailed {
        address: String,
    },
    /// Nothing came back in time.
    NoAnswer {
        ms: u64,
    },
    /// An answer began but did not finish in time.
    Incomplete {
        ms: u64,
    },
    /// The request failed (the library's words in `error`).
    Failed,
    Status {
        code: u16,
        expected: u16,
    },
    BodyMissing {
        wanted: String,
    },
    Exit {
        code: i32,
    },
    Killed {
        signal: String,
    },
    /// A number at or above a limit.
    AtLeast {
        value: f64,
        limit: f64,
    },
    NoReply,
    PingUnfinished,
    /// The check could not judge: SSH is not set up for probes.
    SshNotSetUp,
    /// The check could not judge: the site has no such host.
    NoHost {
        host: String,
    },
    /// The check could not judge: ping is not installed.
    PingMissing,
    /// The check could not judge: no permission to send ICMP.
    NoIcmpPermission,
    /// The check could not judge: its output holds no number.
    NoNumber,
    /// The check could not judge (the reason in `error`).
    CannotJudge,
    /// No file in the folder matches the backup's pattern.
    BackupMissing {
        dir: String,
        pattern: String,
    },
    /// The newest backup is older than the check allows.
    BackupStale {
        file: String,
        hours: i64,
        limit_hours: i64,
    },
    /// The newest backup is smaller than the check's least size.
    BackupSmall {
        file: String,
        bytes: u64,
        min_bytes: u64,
    },
}

/// One run of one check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub host: String,
    pub check: String,
    pub status: CheckStatus,
    pub evidence: Evidence,
    pub at: DateTime<Utc>,
}

impl CheckResult {
    /// The key of the check: `host/check`.
    pub fn key(&self) -> String {
        check_key(&self.host, &self.check)
    }
}

pub fn check_key(host: &str, check: &str) -> String {
    format!("{host}/{check}")
}

/// How many recent latencies are kept for the sparkline.
pub const LATENCY_HISTORY: usize = 30;

/// Where one check stands (the projection; only changes of status are events).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckState {
    pub host: String,
    pub check: String,
    pub status: CheckStatus,
    /// Since when the status has been what it is.
    pub since: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub consecutive_critical: u32,
    pub evidence: Evidence,
    pub latencies: Vec<u32>,
    /// The incident this check opened and that is still being worked on.
    pub incident: Option<IncidentId>,
}

/// What a new result means.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckOutcome {
    /// The status changed: recorded as an event.
    Changed { from: Option<CheckStatus>, to: CheckStatus },
    /// Critical for long enough and no incident open for it: open one.
    OpenIncident,
    /// Back to normal while its incident is open.
    Recovered { incident: IncidentId },
}

/// Folds a result into the check's state. `open_after` is how many critical runs in a
/// row open an incident; inside a maintenance window none is opened.
pub fn observe(
    previous: Option<&CheckState>,
    result: &CheckResult,
    open_after: u32,
    in_maintenance: bool,
) -> (CheckState, Vec<CheckOutcome>) {
    let mut outcomes = Vec::new();
    let from = previous.map(|p| p.status);
    let changed = from != Some(result.status);
    if changed {
        outcomes.push(CheckOutcome::Changed { from, to: result.status });
    }
    let consecutive_critical = match (result.status, previous) {
        (CheckStatus::Critical, Some(p)) => p.consecutive_critical + 1,
        (CheckStatus::Critical, None) => 1,
        _ => 0,
    };
    let mut incident = previous.and_then(|p| p.incident.clone());
    if result.status == CheckStatus::Critical
        && consecutive_critical >= open_after.max(1)
        && incident.is_none()
        && !in_maintenance
    {
        outcomes.push(CheckOutcome::OpenIncident);
    }
    if result.status == CheckStatus::Normal
        && let Some(open) = incident.take()
    {
        outcomes.push(CheckOutcome::Recovered { incident: open });
    }
    let mut latencies = previous.map(|p| p.latencies.clone()).unwrap_or_default();
    if let Some(ms) = result.evidence.latency_ms {
        latencies.push(ms);
        if latencies.len() > LATENCY_HISTORY {
            latencies.remove(0);
        }
    }
    let state = CheckState {
        host: result.host.clone(),
        check: result.check.clone(),
        status: result.status,
        since: if changed { result.at } else { previous.map_or(result.at, |p| p.since) },
        last_at: result.at,
        consecutive_critical,
        evidence: result.evidence.clone(),
        latencies,
        incident,
    };
    (state, outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn result(status: CheckStatus, minute: u32) -> CheckResult {
        CheckResult {
            host: "frontend-1".into(),
            check: "fte".into(),
            status,
            evidence: Evidence { latency_ms: Some(minute), ..Evidence::default() },
            at: Utc.with_ymd_and_hms(2026, 11, 21, 1, minute, 0).unwrap(),
        }
    }

    #[test]
    fn only_changes_are_events_and_n_criticals_open_one_incident() {
        let (s1, o1) = observe(None, &result(CheckStatus::Normal, 0), 3, false);
        assert_eq!(o1, vec![CheckOutcome::Changed { from: None, to: CheckStatus::Normal }]);
        let (s2, o2) = observe(Some(&s1), &result(CheckStatus::Normal, 1), 3, false);
        assert!(o2.is_empty(), "a repeat is not an event");
        assert_eq!(s2.since, s1.since);
        let (s3, o3) = observe(Some(&s2), &result(CheckStatus::Critical, 2), 3, false);
        assert_eq!(
            o3,
            vec![CheckOutcome::Changed { from: Some(CheckStatus::Normal), to: CheckStatus::Critical }]
        );
        let (s4, o4) = observe(Some(&s3), &result(CheckStatus::Critical, 3), 3, false);
        assert!(o4.is_empty());
        let (mut s5, o5) = observe(Some(&s4), &result(CheckStatus::Critical, 4), 3, false);
        assert_eq!(o5, vec![CheckOutcome::OpenIncident]);
        s5.incident = Some(IncidentId("GZ-20261121-001".into()));
        let (s6, o6) = observe(Some(&s5), &result(CheckStatus::Critical, 5), 3, false);
        assert!(o6.is_empty(), "never a second incident while one is open");
        let (s7, o7) = observe(Some(&s6), &result(CheckStatus::Normal, 6), 3, false);
        assert_eq!(o7.len(), 2);
        assert_eq!(o7[1], CheckOutcome::Recovered { incident: IncidentId("GZ-20261121-001".into()) });
        assert_eq!(s7.incident, None);
        assert_eq!(s7.latencies, vec![0, 1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn maintenance_shows_failures_but_opens_nothing() {
        let (s1, _) = observe(None, &result(CheckStatus::Critical, 0), 1, true);
        assert_eq!(s1.status, CheckStatus::Critical);
        let (_, outcomes) = observe(Some(&s1), &result(CheckStatus::Critical, 1), 1, true);
        assert!(!outcomes.contains(&CheckOutcome::OpenIncident));
    }
}
