//! Alert sources: third-party monitoring whose alarms become incidents (Prometheus
//! Alertmanager, Zabbix). Each source is fetched on its interval by the engine; a source
//! that fails or goes quiet is shown as unreachable, never as silence.

pub mod alertmanager;
pub mod zabbix;

/// The most of a response the engine reads from a source.
pub const RESPONSE_LIMIT: usize = 32 * 1024 * 1024;

pub use crate::domain::alert::SourceAlert;

/// Why a poll of a source failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("unreachable: {0}")]
    Unreachable(String),
    #[error("answered HTTP {0}: {1}")]
    Status(u16, String),
    #[error("bad answer: {0}")]
    Payload(String),
    #[error("refused: {0}")]
    Refused(String),
}

/// Reads a response body up to `RESPONSE_LIMIT`, refusing anything larger.
pub async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, SourceError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| SourceError::Unreachable(e.to_string()))? {
        if body.len() + chunk.len() > RESPONSE_LIMIT {
            return Err(SourceError::Payload(format!("response larger than {} MiB", RESPONSE_LIMIT >> 20)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Sends a request and reads its answer, each within `timeout`, bounded in size; an
/// answer that is not a success is an error carrying the start of its body.
pub async fn exchange(
    request: reqwest::RequestBuilder,
    timeout: std::time::Duration,
) -> Result<Vec<u8>, SourceError> {
    let response = tokio::time::timeout(timeout, request.send())
        .await
        .map_err(|_| SourceError::Unreachable(format!("no answer within {} ms", timeout.as_millis())))?
        .map_err(|e| SourceError::Unreachable(e.to_string()))?;
    let status = response.status();
    let body = tokio::time::timeout(timeout, read_limited(response)).await.map_err(|_| {
        SourceError::Unreachable(format!("answer not complete within {} ms", timeout.as_millis()))
    })??;
    if !status.is_success() {
        return Err(SourceError::Status(
            status.as_u16(),
            String::from_utf8_lossy(&body).chars().take(200).collect(),
        ));
    }
    Ok(body)
}

/// The site host a label value names: a host name, a label, or an address with or
/// without a port.
pub fn host_for(site: &crate::config::Site, value: &str) -> Option<String> {
    let bare = value
        .rsplit_once(':')
        .map_or(value, |(host, port)| if port.parse::<u16>().is_ok() { host } else { value });
    site.hosts
        .iter()
        .find(|h| h.name == bare || h.label == bare || h.ip.to_string() == bare)
        .map(|h| h.name.clone())
}
