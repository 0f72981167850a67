//! Zabbix JSON-RPC: `problem.get` for current problems, `event.acknowledge` (action 6:
//! acknowledge with a message) written back. The API token goes in the Authorization
//! header (Zabbix 6.4+); it comes from the environment, never from the site's files.

use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;

use super::{SourceAlert, SourceError, exchange, host_for};
use crate::config::{Site, ZabbixSource};
use crate::domain::Severity;

#[derive(Debug, Deserialize)]
struct Problem {
    eventid: String,
    name: String,
    severity: String,
    clock: String,
    #[serde(default)]
    r_eventid: String,
    #[serde(default)]
    opdata: String,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Debug, Deserialize)]
struct Tag {
    tag: String,
    value: String,
}

#[derive(Debug, Deserialize)]
struct RpcError {
    code: i64,
    message: String,
    #[serde(default)]
    data: String,
}

#[derive(Debug, Deserialize)]
struct Reply<T> {
    result: Option<T>,
    error: Option<RpcError>,
}

/// Zabbix severities 0–5 (not classified, information, warning, average, high,
/// disaster) as the contract's three.
pub fn severity_of(zabbix: &str) -> Result<Severity, SourceError> {
    match zabbix {
        "5" => Ok(Severity::Critical),
        "4" => Ok(Severity::Serious),
        "0" | "1" | "2" | "3" => Ok(Severity::Ordinary),
        other => Err(SourceError::Payload(format!("severity \"{other}\" is not 0 to 5"))),
    }
}

fn parse_reply<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, SourceError> {
    let reply: Reply<T> = serde_json::from_slice(body).map_err(|e| SourceError::Payload(e.to_string()))?;
    match (reply.result, reply.error) {
        (_, Some(e)) => {
            Err(SourceError::Refused(format!("{} ({}) {}", e.message, e.code, e.data).trim().to_string()))
        }
        (Some(result), None) => Ok(result),
        (None, None) => Err(SourceError::Payload("neither result nor error in the reply".into())),
    }
}

/// Reads a `problem.get` reply into alerts for the console.
pub fn parse(body: &[u8], source: &ZabbixSource, site: &Site) -> Result<Vec<SourceAlert>, SourceError> {
    let problems: Vec<Problem> = parse_reply(body)?;
    problems
        .into_iter()
        .map(|p| {
            let seconds: i64 = p
                .clock
                .parse()
                .map_err(|_| SourceError::Payload(format!("clock \"{}\" is not a number", p.clock)))?;
            let started_at: DateTime<Utc> = Utc
                .timestamp_opt(seconds, 0)
                .single()
                .ok_or_else(|| SourceError::Payload(format!("clock {seconds} out of range")))?;
            // problem.get names no hosts: a `host` tag, or a site host named in the problem.
            let mut hosts: Vec<String> =
                p.tags.iter().filter(|t| t.tag == "host").filter_map(|t| host_for(site, &t.value)).collect();
            if hosts.is_empty() {
                hosts = site
                    .hosts
                    .iter()
                    .filter(|h| p.name.contains(&h.name) || p.name.contains(&h.label))
                    .map(|h| h.name.clone())
                    .take(1)
                    .collect();
            }
            let mut labels: std::collections::BTreeMap<String, String> =
                p.tags.iter().map(|t| (format!("tag:{}", t.tag), t.value.clone())).collect();
            labels.insert("eventid".into(), p.eventid.clone());
            Ok(SourceAlert {
                key: format!("zbx:{}:{}", source.name, p.eventid),
                title: p.name,
                description: p.opdata,
                severity: severity_of(&p.severity)?,
                hosts,
                started_at,
                ended: !p.r_eventid.is_empty() && p.r_eventid != "0",
                labels,
            })
        })
        .collect()
}

async fn call(
    client: &reqwest::Client,
    source: &ZabbixSource,
    body: serde_json::Value,
) -> Result<Vec<u8>, SourceError> {
    let mut request = client.post(&source.url).json(&body);
    if let Some(token) = source.token() {
        request = request.bearer_auth(token);
    }
    exchange(request, source.timeout).await
}

/// Fetches current and recently ended problems.
pub async fn fetch(
    client: &reqwest::Client,
    source: &ZabbixSource,
    site: &Site,
) -> Result<Vec<SourceAlert>, SourceError> {
    let body = call(
        client,
        source,
        serde_json::json!({
            "jsonrpc": "2.0", "method": "problem.get", "id": 1,
            "params": { "output": "extend", "selectTags": "extend", "recent": true, "sortfield": ["eventid"], "sortorder": "DESC" }
        }),
    )
    .await?;
    parse(&body, source, site)
}

/// Writes an acknowledgement back: `event.acknowledge` with action 6 (acknowledge and
/// add a message).
pub async fn acknowledge(
    client: &reqwest::Client,
    source: &ZabbixSource,
    eventid: &str,
    message: &str,
) -> Result<String, SourceError> {
    let body = call(
        client,
        source,
        serde_json::json!({
            "jsonrpc": "2.0", "method": "event.acknowledge", "id": 1,
            "params": { "eventids": [eventid], "action": 6, "message": message }
        }),
    )
    .await?;
    #[derive(Deserialize)]
    struct Acked {
        eventids: Vec<serde_json::Value>,
    }
    let acked: Acked = parse_reply(&body)?;
    Ok(format!("event {}", acked.eventids.first().map(|v| v.to_string()).unwrap_or_default()))
}
