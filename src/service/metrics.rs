//! Metrics for the centre's Prometheus: `duty serve` answers `GET /metrics` on the
//! loopback address the site names (`[service] metrics`), in Prometheus's text format,
//! with the figures the store holds at the scrape — open incidents by severity and
//! state, clocks due soon and breached, the contract counter, this month's inspections,
//! each alert source's and check's health, and who holds the engine — so an existing
//! Grafana charts them. Names and labels follow Prometheus's conventions.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::config::Site;
use crate::domain::sla::{ClockState, clocks};
use crate::domain::{Severity, State};
use crate::store::{Store, StoreError};

/// One sample: its labels and value.
type Sample = (Vec<(&'static str, String)>, f64);

/// One metric family as exposed.
pub struct Family {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: &'static str,
    pub samples: Vec<Sample>,
}

impl Family {
    fn gauge(name: &'static str, help: &'static str) -> Family {
        Family { name, help, kind: "gauge", samples: Vec::new() }
    }

    fn with(mut self, labels: Vec<(&'static str, String)>, value: f64) -> Family {
        self.samples.push((labels, value));
        self
    }
}

/// A label value as the text format wants it: backslash, double quote and line feed
/// escaped (names of sources and hosts come from outside).
fn label_value(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The families in Prometheus's text exposition format (version 0.0.4).
pub fn render(families: &[Family]) -> String {
    let mut out = String::new();
    for family in families {
        let _ = writeln!(out, "# HELP {} {}", family.name, family.help);
        let _ = writeln!(out, "# TYPE {} {}", family.name, family.kind);
        for (labels, value) in &family.samples {
            let labels: Vec<String> =
                labels.iter().map(|(k, v)| format!("{k}=\"{}\"", label_value(v))).collect();
            let labels = if labels.is_empty() { String::new() } else { format!("{{{}}}", labels.join(",")) };
            let _ = writeln!(out, "{}{labels} {value}", family.name);
        }
    }
    out
}

/// The figures the store holds now.
pub fn families(
    store: &dyn Store,
    site: &Site,
    engine: &crate::engine::health::Health,
    now: DateTime<Utc>,
) -> Result<Vec<Family>, StoreError> {
    let everything = store.incidents(true)?;
    let incidents: Vec<&crate::domain::Incident> =
        everything.iter().filter(|i| i.state != State::Closed).collect();
    let mut open = Family::gauge("duty_incidents_open", "Incidents not closed, by severity and state.");
    for severity in Severity::ALL {
        for state in State::ALL.iter().filter(|s| **s != State::Closed) {
            let n = incidents.iter().filter(|i| i.severity == *severity && i.state == *state).count();
            open =
                open.with(vec![("severity", severity.key().into()), ("state", state.key().into())], n as f64);
        }
    }
    let mut due =
        Family::gauge("duty_clocks", "Clocks of incidents not closed that are due soon or breached.");
    let all_clocks: Vec<_> = incidents.iter().flat_map(|i| clocks(i, &site.policy, now)).collect();
    for name in crate::domain::sla::ClockName::ALL {
        for (state, key) in [(ClockState::DueSoon, "due_soon"), (ClockState::Breached, "breached")] {
            let n = all_clocks.iter().filter(|c| c.name == *name && c.state == state).count();
            due = due.with(vec![("clock", name.key().into()), ("state", key.into())], n as f64);
        }
    }
    let contract =
        crate::domain::contract::contract_counter(&everything, &site.policy, site.contract, site.tz, now);
    let today = now.with_timezone(&site.tz).date_naive();
    let (first, last) = crate::report::build::month_of(today);
    let agenda = crate::agenda::load(store, site, first, last, now)?;
    let i = &crate::report::service::InspectionTally::of(&agenda, first, last, site.tz);
    let mut inspections = Family::gauge(
        "duty_inspections",
        "This month's scheduled inspections so far, by how they stand (on_time, late, declined, missed, open).",
    );
    for (state, n) in [
        ("on_time", i.on_time),
        ("late", i.late),
        ("declined", i.declined),
        ("missed", i.missed),
        ("open", i.open),
    ] {
        inspections = inspections.with(vec![("state", state.into())], f64::from(n));
    }
    let on_time = match i.scheduled {
        0 => Vec::new(),
        n => vec![(Vec::new(), f64::from(i.on_time) / f64::from(n))],
    };
    let mut sources = Family::gauge("duty_source_up", "Whether each alert source answered at its last poll.");
    for state in store.source_states()? {
        sources = sources.with(vec![("source", state.name.clone())], f64::from(u8::from(state.ok)));
    }
    let mut checks =
        Family::gauge("duty_checks", "Live-status checks by status (a check not run yet is unknown).");
    let states = store.check_states()?;
    for status in ["normal", "warning", "critical", "unknown"] {
        let ran = states.iter().filter(|s| s.status.key() == status).count();
        let never = if status == "unknown" { site.checks().count().saturating_sub(states.len()) } else { 0 };
        checks = checks.with(vec![("status", status.into())], (ran + never) as f64);
    }
    let lease = store.lease()?;
    let mut holder = Family::gauge(
        "duty_engine_holder",
        "The engine's lease: 1 for the holder, while it has not expired.",
    );
    if let Some(lease) = &lease {
        let live = f64::from(u8::from(lease.expires_at > now));
        holder = holder.with(vec![("holder", lease.holder.clone())], live);
    }
    let store_up = f64::from(u8::from(engine.store_down_since.is_none()));
    Ok(vec![
        open,
        due,
        Family::gauge("duty_contract_late_responses", "Late responses in the contract period.")
            .with(Vec::new(), f64::from(contract.late_responses)),
        Family::gauge(
            "duty_contract_breaches",
            "Breaches of the contract in its period (two late responses each).",
        )
        .with(Vec::new(), f64::from(contract.breaches)),
        Family::gauge(
            "duty_contract_penalty_percent",
            "The contract price withheld for breaches, in percent.",
        )
        .with(Vec::new(), f64::from(contract.penalty_percent)),
        inspections,
        Family {
            name: "duty_inspections_on_time_ratio",
            help: "This month's inspections done on time, of those due so far.",
            kind: "gauge",
            samples: on_time,
        },
        sources,
        checks,
        holder,
        Family::gauge("duty_engine_store_up", "Whether the service's engine reaches the store.")
            .with(Vec::new(), store_up),
        Family {
            name: "duty_events",
            help: "Events in the log.",
            kind: "counter",
            samples: vec![(Vec::new(), store.head()? as f64)],
        },
    ])
}

/// Answers HTTP requests on `listener`: `GET /metrics` with the figures, anything else
/// 404. One request a connection; a request over 8 KiB or slower than five seconds is
/// dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    figures: impl Fn() -> Result<String, String> + Send + Sync + Clone + 'static,
) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { continue };
        let figures = figures.clone();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            let read = tokio::time::timeout(std::time::Duration::from_secs(5), async {
                while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 8192 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return false,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                true
            })
            .await;
            if !matches!(read, Ok(true)) {
                return;
            }
            let line = String::from_utf8_lossy(&request);
            let target = line.split_whitespace().take(2).collect::<Vec<_>>();
            let (status, kind, body) = match target[..] {
                ["GET", path] if path == "/metrics" || path.starts_with("/metrics?") => {
                    match tokio::task::spawn_blocking(figures).await {
                        Ok(Ok(body)) => ("200 OK", "text/plain; version=0.0.4; charset=utf-8", body),
                        Ok(Err(error)) => ("503 Service Unavailable", "text/plain; charset=utf-8", error),
                        Err(_) => ("500 Internal Server Error", "text/plain; charset=utf-8", String::new()),
                    }
                }
                _ => ("404 Not Found", "text/plain; charset=utf-8", "GET /metrics\n".to_string()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_escapes_what_comes_from_outside() {
        let family = Family::gauge("duty_source_up", "Whether each alert source answered.")
            .with(vec![("source", "am \"main\"\\\nx".into())], 1.0)
            .with(vec![("source", "zbx".into())], 0.0);
        assert_eq!(
            render(&[family]),
            "# HELP duty_source_up Whether each alert source answered.\n# TYPE duty_source_up gauge\n\
             duty_source_up{source=\"am \\\"main\\\"\\\\\\nx\"} 1\nduty_source_up{source=\"zbx\"} 0\n"
        );
    }
}
