//! Probes: run one check once, with its timeout and retries, and judge the result.
//! A probe that cannot judge says unknown with the reason — never normal.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use crate::config::{CheckKind, CheckSpec};
use crate::domain::check::{CheckResult, CheckStatus, Evidence};

/// The most of a response body a probe reads; a huge answer cannot fill memory.
const BODY_LIMIT: usize = 64 * 1024;
/// The excerpt kept as evidence.
const EXCERPT_CHARS: usize = 200;

/// Runs checks. Holds the HTTP clients so connections are reused between runs.
pub struct Prober {
    http: reqwest::Client,
    http_no_verify: reqwest::Client,
}

fn excerpt(text: &str) -> String {
    text.chars().take(EXCERPT_CHARS).collect()
}

/// The innermost cause of an error, which is what an engineer needs to read.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let outer = error.to_string();
    let inner = cause.to_string();
    if outer == inner { outer } else { format!("{outer}: {inner}") }
}

impl Prober {
    pub fn new() -> anyhow::Result<Prober> {
        let build = |verify: bool| {
            reqwest::Client::builder()
                .no_proxy()
                .danger_accept_invalid_certs(!verify)
                .redirect(reqwest::redirect::Policy::limited(3))
                .pool_max_idle_per_host(4)
                .build()
        };
        Ok(Prober { http: build(true)?, http_no_verify: build(false)? })
    }

    /// Runs a check, retrying a failure up to `retries` times.
    pub async fn run(&self, spec: &CheckSpec) -> CheckResult {
        let mut attempt = 0;
        loop {
            let (status, evidence) = self.once(spec).await;
            if status == CheckStatus::Normal || attempt >= spec.retries {
                return CheckResult {
                    host: spec.host.clone(),
                    check: spec.name.clone(),
                    status,
                    evidence,
                    at: crate::time::now(),
                };
            }
            attempt += 1;
        }
    }

    async fn once(&self, spec: &CheckSpec) -> (CheckStatus, Evidence) {
        match &spec.kind {
            CheckKind::Tcp { address } => tcp(*address, spec.timeout).await,
            CheckKind::Http { method, url, expect_status, body_contains, tls_verify } => {
                let client = if *tls_verify { &self.http } else { &self.http_no_verify };
                http(client, method, url, *expect_status, body_contains.as_deref(), spec.timeout).await
            }
            CheckKind::Ping { address } => ping(*address, spec.timeout).await,
        }
    }
}

fn elapsed_ms(start: Instant) -> Option<u32> {
    Some(start.elapsed().as_millis().min(u128::from(u32::MAX)) as u32)
}

async fn tcp(address: SocketAddr, timeout: Duration) -> (CheckStatus, Evidence) {
    let start = Instant::now();
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(address)).await {
        Ok(Ok(_)) => (CheckStatus::Normal, Evidence { latency_ms: elapsed_ms(start), ..Evidence::default() }),
        Ok(Err(e)) => (
            CheckStatus::Critical,
            Evidence {
                latency_ms: elapsed_ms(start),
                error: Some(format!("connect {address}: {e}")),
                ..Evidence::default()
            },
        ),
        Err(_) => (
            CheckStatus::Critical,
            Evidence {
                latency_ms: elapsed_ms(start),
                error: Some(format!("connect {address}: no answer within {} ms", timeout.as_millis())),
                ..Evidence::default()
            },
        ),
    }
}

async fn http(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    expect_status: u16,
    body_contains: Option<&str>,
    timeout: Duration,
) -> (CheckStatus, Evidence) {
    let start = Instant::now();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let fetch = async {
        let mut response = client.request(method, url).send().await?;
        let code = response.status().as_u16();
        let mut body = Vec::new();
        while body.len() < BODY_LIMIT {
            match response.chunk().await? {
                Some(chunk) => body.extend_from_slice(&chunk[..chunk.len().min(BODY_LIMIT - body.len())]),
                None => break,
            }
        }
        Ok::<_, reqwest::Error>((code, String::from_utf8_lossy(&body).into_owned()))
    };
    match tokio::time::timeout(timeout, fetch).await {
        Err(_) => (
            CheckStatus::Critical,
            Evidence {
                latency_ms: elapsed_ms(start),
                error: Some(format!("no complete answer within {} ms", timeout.as_millis())),
                ..Evidence::default()
            },
        ),
        Ok(Err(e)) => (
            CheckStatus::Critical,
            Evidence { latency_ms: elapsed_ms(start), error: Some(root_cause(&e)), ..Evidence::default() },
        ),
        Ok(Ok((code, body))) => {
            let mut evidence = Evidence {
                latency_ms: elapsed_ms(start),
                status_code: Some(code),
                excerpt: Some(excerpt(&body)),
                error: None,
            };
            if code != expect_status {
                evidence.error = Some(format!("status {code}, expected {expect_status}"));
                return (CheckStatus::Critical, evidence);
            }
            if let Some(wanted) = body_contains
                && !body.contains(wanted)
            {
                evidence.error = Some(format!("body does not contain \"{wanted}\""));
                return (CheckStatus::Critical, evidence);
            }
            (CheckStatus::Normal, evidence)
        }
    }
}

/// Reads the round-trip time from ping's output (`time=0.045 ms`).
fn ping_time_ms(output: &str) -> Option<u32> {
    let at = output.find("time=")? + 5;
    let number: String = output[at..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    number.parse::<f64>().ok().map(|ms| ms.ceil() as u32)
}

async fn ping(address: IpAddr, timeout: Duration) -> (CheckStatus, Evidence) {
    let start = Instant::now();
    let wait_seconds = timeout.as_secs().max(1).to_string();
    let mut command = tokio::process::Command::new("ping");
    command.args(["-n", "-c", "1", "-W", &wait_seconds, &address.to_string()]).kill_on_drop(true);
    let output = match tokio::time::timeout(timeout + Duration::from_secs(1), command.output()).await {
        Err(_) => {
            return (
                CheckStatus::Critical,
                Evidence { error: Some("ping did not finish".into()), ..Evidence::default() },
            );
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return (
                CheckStatus::Unknown,
                Evidence { error: Some("unknown: ping is not installed".into()), ..Evidence::default() },
            );
        }
        Ok(Err(e)) => {
            return (
                CheckStatus::Unknown,
                Evidence { error: Some(format!("unknown: cannot run ping: {e}")), ..Evidence::default() },
            );
        }
        Ok(Ok(output)) => output,
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        let latency = ping_time_ms(&stdout).or_else(|| elapsed_ms(start));
        return (CheckStatus::Normal, Evidence { latency_ms: latency, ..Evidence::default() });
    }
    let lower = stderr.to_lowercase();
    if lower.contains("permitted") || lower.contains("permission") {
        return (
            CheckStatus::Unknown,
            Evidence {
                error: Some("unknown: no permission to send ICMP".into()),
                excerpt: Some(excerpt(stderr.trim())),
                ..Evidence::default()
            },
        );
    }
    (
        CheckStatus::Critical,
        Evidence {
            latency_ms: elapsed_ms(start),
            error: Some("no reply to ping".into()),
            excerpt: Some(excerpt(stdout.lines().rev().find(|l| !l.is_empty()).unwrap_or_default())),
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ping_times() {
        assert_eq!(ping_time_ms("64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms"), Some(1));
        assert_eq!(ping_time_ms("time=12.3 ms"), Some(13));
        assert_eq!(ping_time_ms("no reply"), None);
    }
}
