//! Prometheus Alertmanager, API v2: `GET /api/v2/alerts` for what is firing, and a
//! short silence (`POST /api/v2/silences`) as the acknowledgement written back.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::{SourceAlert, SourceError, exchange, host_for};
use crate::config::{AlertmanagerSource, Site};

#[derive(Debug, Deserialize)]
struct Alert {
    fingerprint: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(rename = "startsAt")]
    starts_at: DateTime<Utc>,
    status: Status,
}

#[derive(Debug, Deserialize)]
struct Status {
    state: String,
}

/// Reads the body of `GET /api/v2/alerts` into alerts for the console.
pub fn parse(body: &[u8], source: &AlertmanagerSource, site: &Site) -> Result<Vec<SourceAlert>, SourceError> {
    let alerts: Vec<Alert> = serde_json::from_slice(body).map_err(|e| SourceError::Payload(e.to_string()))?;
    Ok(alerts
        .into_iter()
        .filter(|a| !a.fingerprint.is_empty())
        .map(|alert| {
            let name = alert.labels.get("alertname").cloned().unwrap_or_else(|| "alert".into());
            let summary = alert.annotations.get("summary").or_else(|| alert.annotations.get("description"));
            let hosts: Vec<String> = alert
                .labels
                .get(&source.host_label)
                .and_then(|value| host_for(site, value))
                .into_iter()
                .collect();
            let severity_label = alert.labels.get("severity").map(String::as_str).unwrap_or("");
            let description =
                alert.annotations.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n");
            SourceAlert {
                key: format!("am:{}:{}", source.name, alert.fingerprint),
                title: match summary {
                    Some(summary) => format!("{name}: {summary}"),
                    None => name,
                },
                description,
                severity: source.severity_for(severity_label),
                hosts,
                started_at: alert.starts_at,
                // The API lists active, suppressed and unprocessed alerts; a resolved
                // one disappears from the list.
                ended: alert.status.state == "resolved",
                labels: alert.labels,
            }
        })
        .collect())
}

/// Fetches what is firing now.
pub async fn fetch(
    client: &reqwest::Client,
    source: &AlertmanagerSource,
    site: &Site,
) -> Result<Vec<SourceAlert>, SourceError> {
    let url = format!("{}/api/v2/alerts", source.url.trim_end_matches('/'));
    let body = exchange(client.get(&url), source.timeout).await?;
    parse(&body, source, site)
}

/// Writes an acknowledgement back: a silence matching the alert's labels, for the
/// source's `silence_minutes` (Alertmanager has no acknowledge; a short silence is the
/// convention). Returns the silence id.
pub async fn silence(
    client: &reqwest::Client,
    source: &AlertmanagerSource,
    labels: &BTreeMap<String, String>,
    operator: &str,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<String, SourceError> {
    let matchers: Vec<serde_json::Value> = labels
        .iter()
        .map(|(name, value)| serde_json::json!({ "name": name, "value": value, "isRegex": false, "isEqual": true }))
        .collect();
    let body = serde_json::json!({
        "matchers": matchers,
        "startsAt": now,
        "endsAt": now + Duration::minutes(source.silence_minutes),
        "createdBy": operator,
        "comment": comment,
    });
    let url = format!("{}/api/v2/silences", source.url.trim_end_matches('/'));
    let text = exchange(client.post(&url).json(&body), source.timeout).await?;
    #[derive(Deserialize)]
    struct Created {
        #[serde(rename = "silenceID")]
        silence_id: String,
    }
    let created: Created = serde_json::from_slice(&text).map_err(|e| SourceError::Payload(e.to_string()))?;
    Ok(created.silence_id)
}
