//! `sources.toml` (optional): the monitoring systems whose alarms become incidents.
//!
//! ```toml
//! [[alertmanager]]
//! name = "prometheus"
//! url = "http://127.0.0.1:9093"
//! interval_seconds = 30
//! host_label = "instance"          # the label that names the machine
//! silence_minutes = 120            # the silence written back on acknowledgement
//! [alertmanager.severity]          # label severity -> ordinary | serious | critical
//! critical = "serious"
//!
//! [[zabbix]]
//! name = "zabbix"
//! url = "http://127.0.0.1/api_jsonrpc.php"
//! token_env = "DUTY_ZABBIX_TOKEN"  # the API token comes from the environment
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigProblem, SourceFile};
use crate::domain::Severity;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    #[serde(default)]
    alertmanager: Vec<AlertmanagerEntry>,
    #[serde(default)]
    zabbix: Vec<ZabbixEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertmanagerEntry {
    name: Spanned<String>,
    url: Spanned<String>,
    interval_seconds: Option<Spanned<i64>>,
    timeout_ms: Option<Spanned<i64>>,
    host_label: Option<String>,
    silence_minutes: Option<Spanned<i64>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ZabbixEntry {
    name: Spanned<String>,
    url: Spanned<String>,
    interval_seconds: Option<Spanned<i64>>,
    timeout_ms: Option<Spanned<i64>>,
    token_env: Option<String>,
}

/// A Prometheus Alertmanager.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertmanagerSource {
    pub name: String,
    pub url: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub host_label: String,
    pub silence_minutes: i64,
    severity: BTreeMap<String, Severity>,
}

impl AlertmanagerSource {
    /// The incident severity for an alert's `severity` label.
    pub fn severity_for(&self, label: &str) -> Severity {
        if let Some(severity) = self.severity.get(label) {
            return *severity;
        }
        match label {
            "disaster" | "emergency" => Severity::Critical,
            "critical" | "page" | "error" => Severity::Serious,
            _ => Severity::Ordinary,
        }
    }
}

/// A Zabbix server.
#[derive(Clone, Debug, PartialEq)]
pub struct ZabbixSource {
    pub name: String,
    pub url: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub token_env: Option<String>,
}

impl ZabbixSource {
    /// The API token, from the environment variable the site names.
    pub fn token(&self) -> Option<String> {
        self.token_env.as_ref().and_then(|name| std::env::var(name).ok()).filter(|t| !t.is_empty())
    }
}

fn check_name_and_url(
    name: &Spanned<String>,
    url: &Spanned<String>,
    seen: &mut Vec<String>,
    file: &SourceFile,
    problems: &mut Vec<ConfigProblem>,
) {
    let text = name.get_ref();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) {
        problems.push(
            file.problem(name.span(), format!("source name \"{text}\" must be letters, digits, '-' or '_'")),
        );
    } else if seen.contains(text) {
        problems.push(file.problem(name.span(), format!("duplicate source \"{text}\"")));
    } else {
        seen.push(text.clone());
    }
    if !(url.get_ref().starts_with("http://") || url.get_ref().starts_with("https://")) {
        problems.push(
            file.problem(
                url.span(),
                format!("url \"{}\" must start with http:// or https://", url.get_ref()),
            ),
        );
    }
}

/// How often a source is polled and how long one poll may take.
fn polling(
    interval_seconds: &Option<Spanned<i64>>,
    timeout_ms: &Option<Spanned<i64>>,
    file: &SourceFile,
    problems: &mut Vec<ConfigProblem>,
) -> (Duration, Duration) {
    let interval = file.in_range(interval_seconds, 30, 5..=3600, "interval_seconds", problems);
    let timeout = file.in_range(timeout_ms, 5000, 100..=120_000, "timeout_ms", problems);
    (Duration::from_secs(interval as u64), Duration::from_millis(timeout as u64))
}

/// Validates the sources file.
pub fn validate(
    file: &SourceFile,
    raw: SourcesFile,
    problems: &mut Vec<ConfigProblem>,
) -> (Vec<AlertmanagerSource>, Vec<ZabbixSource>) {
    let mut seen = Vec::new();
    let alertmanagers = raw
        .alertmanager
        .into_iter()
        .map(|entry| {
            check_name_and_url(&entry.name, &entry.url, &mut seen, file, problems);
            let polling = polling(&entry.interval_seconds, &entry.timeout_ms, file, problems);
            let mut severity = BTreeMap::new();
            for (label, value) in entry.severity {
                match value.get_ref().parse::<Severity>() {
                    Ok(s) => {
                        severity.insert(label, s);
                    }
                    Err(e) => problems.push(file.problem(
                        value.span(),
                        format!("unknown severity \"{}\" (expected one of: {})", e.given, e.expected),
                    )),
                }
            }
            AlertmanagerSource {
                name: entry.name.into_inner(),
                url: entry.url.into_inner(),
                interval: polling.0,
                timeout: polling.1,
                host_label: entry.host_label.unwrap_or_else(|| "instance".into()),
                silence_minutes: file.in_range(
                    &entry.silence_minutes,
                    120,
                    1..=1440,
                    "silence_minutes",
                    problems,
                ),
                severity,
            }
        })
        .collect();
    let zabbixes = raw
        .zabbix
        .into_iter()
        .map(|entry| {
            check_name_and_url(&entry.name, &entry.url, &mut seen, file, problems);
            let polling = polling(&entry.interval_seconds, &entry.timeout_ms, file, problems);
            ZabbixSource {
                name: entry.name.into_inner(),
                url: entry.url.into_inner(),
                interval: polling.0,
                timeout: polling.1,
                token_env: entry.token_env,
            }
        })
        .collect();
    (alertmanagers, zabbixes)
}
