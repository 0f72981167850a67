//! Probes: run one check once, with its timeout and retries, and judge the result.
//! A probe that cannot judge says unknown with the reason — never normal.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use crate::config::{CheckKind, CheckSpec};
use crate::domain::check::{CheckResult, CheckStatus, Evidence, Reason};

/// The most of a response body a probe reads; a huge answer cannot fill memory.
const BODY_LIMIT: usize = 64 * 1024;
/// The excerpt kept as evidence.
const EXCERPT_CHARS: usize = 200;

/// What SSH checks need: the site's SSH settings, its hosts (for ports, users and
/// jump hosts) and the login to use by default.
#[derive(Clone)]
pub struct SshReach {
    pub settings: crate::config::ssh::SshSettings,
    pub hosts: Vec<crate::config::Host>,
    pub user: String,
    /// Connections kept warm between runs of the checks.
    pub pool: std::sync::Arc<crate::ssh::pool::Pool>,
}

/// Runs checks. Holds the HTTP clients so connections are reused between runs.
pub struct Prober {
    http: reqwest::Client,
    http_no_verify: reqwest::Client,
    ssh: Option<SshReach>,
    /// Stamps each result.
    clock: crate::clock::Clock,
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
    pub fn new(clock: crate::clock::Clock) -> anyhow::Result<Prober> {
        let build = |verify: bool| {
            reqwest::Client::builder()
                .no_proxy()
                .danger_accept_invalid_certs(!verify)
                .redirect(reqwest::redirect::Policy::limited(3))
                .pool_max_idle_per_host(4)
                .build()
        };
        Ok(Prober { http: build(true)?, http_no_verify: build(false)?, ssh: None, clock })
    }

    /// A prober that can also run SSH checks.
    pub fn with_ssh(reach: SshReach, clock: crate::clock::Clock) -> anyhow::Result<Prober> {
        Ok(Prober { ssh: Some(reach), ..Prober::new(clock)? })
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
                    at: self.clock.now(),
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
            CheckKind::Ssh { command, warning, critical } => match &self.ssh {
                Some(reach) => ssh(reach, self.clock, spec, command, *warning, *critical).await,
                None => (CheckStatus::Unknown, Evidence::of(Reason::SshNotSetUp, None)),
            },
            CheckKind::Backup { rule, local: true } => {
                let dir = rule.dir.clone();
                match tokio::task::spawn_blocking(move || local_files(&dir)).await {
                    Ok(Ok(files)) => crate::domain::backup::judge(rule, &files, self.clock.now()),
                    Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                        let reason =
                            Reason::BackupMissing { dir: rule.dir.clone(), pattern: rule.pattern.clone() };
                        (CheckStatus::Critical, Evidence::of(reason, Some(e.to_string())))
                    }
                    Ok(Err(e)) => {
                        (CheckStatus::Unknown, Evidence::of(Reason::CannotJudge, Some(e.to_string())))
                    }
                    Err(e) => (CheckStatus::Unknown, Evidence::of(Reason::CannotJudge, Some(e.to_string()))),
                }
            }
            CheckKind::Backup { rule, local: false } => match &self.ssh {
                Some(reach) => backup_on_host(reach, self.clock, spec, rule).await,
                None => (CheckStatus::Unknown, Evidence::of(Reason::SshNotSetUp, None)),
            },
        }
    }
}

/// The regular files of a folder on this machine (links followed), with their times
/// and sizes.
fn local_files(dir: &str) -> std::io::Result<Vec<crate::domain::backup::BackupFile>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(meta) = std::fs::metadata(entry.path()) else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified: chrono::DateTime<chrono::Utc> = meta.modified()?.into();
        files.push(crate::domain::backup::BackupFile {
            name: entry.file_name().to_string_lossy().into_owned(),
            modified,
            bytes: meta.len(),
        });
    }
    Ok(files)
}

/// The newest matching file in a folder on the host, listed by GNU find over the site's
/// SSH settings (the folder and pattern quoted for the remote shell).
async fn backup_on_host(
    reach: &SshReach,
    clock: crate::clock::Clock,
    spec: &CheckSpec,
    rule: &crate::domain::backup::BackupRule,
) -> (CheckStatus, Evidence) {
    let command = format!(
        // Lines end in NUL, newlines in names become `?`: a file name cannot forge a line.
        // Files dated ahead are left out by the rule, so every line comes back (a few
        // hundred bytes each way a day's backups take).
        "find -L {} -maxdepth 1 -type f -name {} -printf '%T@ %s %f\\0' | tr '\\n\\0' '?\\n' | sort -n | tail -n 64",
        crate::text::shell_quote(&rule.dir),
        crate::text::shell_quote(&rule.pattern)
    );
    let (outcome, latency_ms) = match ssh_outcome(reach, clock, spec, &command).await {
        Ok(done) => done,
        Err(judged) => return judged,
    };
    let listing: Vec<u8> = outcome.stdout.tail.iter().copied().collect();
    let listed = crate::domain::backup::parse_listing(&String::from_utf8_lossy(&listing));
    let (status, mut evidence) = crate::domain::backup::judge(rule, &listed, clock.now());
    evidence.latency_ms = latency_ms;
    if listed.is_empty() {
        let said = outcome.stderr.first_line();
        evidence.error = (!said.trim().is_empty()).then(|| excerpt(&said));
    }
    (status, evidence)
}

fn elapsed_ms(start: Instant) -> Option<u32> {
    Some(start.elapsed().as_millis().min(u128::from(u32::MAX)) as u32)
}

async fn tcp(address: SocketAddr, timeout: Duration) -> (CheckStatus, Evidence) {
    let start = Instant::now();
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(address)).await {
        Ok(Ok(_)) => (CheckStatus::Normal, Evidence { latency_ms: elapsed_ms(start), ..Evidence::default() }),
        Ok(Err(e)) => (CheckStatus::Critical, {
            let address = address.to_string();
            let (reason, detail) = match e.kind() {
                std::io::ErrorKind::ConnectionRefused => (Reason::Refused { address }, None),
                _ => (Reason::ConnectFailed { address }, Some(e.to_string())),
            };
            Evidence { latency_ms: elapsed_ms(start), ..Evidence::of(reason, detail) }
        }),
        Err(_) => (
            CheckStatus::Critical,
            Evidence {
                latency_ms: elapsed_ms(start),
                ..Evidence::of(Reason::NoAnswer { ms: timeout.as_millis() as u64 }, None)
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
                ..Evidence::of(Reason::Incomplete { ms: timeout.as_millis() as u64 }, None)
            },
        ),
        Ok(Err(e)) => (
            CheckStatus::Critical,
            Evidence { latency_ms: elapsed_ms(start), ..Evidence::of(Reason::Failed, Some(root_cause(&e))) },
        ),
        Ok(Ok((code, body))) => {
            let mut evidence = Evidence {
                latency_ms: elapsed_ms(start),
                status_code: Some(code),
                excerpt: Some(excerpt(&body)),
                ..Evidence::default()
            };
            if code != expect_status {
                evidence.reason = Some(Reason::Status { code, expected: expect_status });
                return (CheckStatus::Critical, evidence);
            }
            if let Some(wanted) = body_contains
                && !body.contains(wanted)
            {
                evidence.reason = Some(Reason::BodyMissing { wanted: wanted.to_string() });
                return (CheckStatus::Critical, evidence);
            }
            (CheckStatus::Normal, evidence)
        }
    }
}

/// The first word of a text that is a number, a trailing `%` allowed
/// (`/dev/sda1 93% /data` → 93, `load: 0.52,` → 0.52; `sda1` is not a number).
pub fn first_number(text: &str) -> Option<f64> {
    text.split_whitespace()
        .map(|word| word.trim_end_matches([',', ';']).trim_end_matches('%'))
        .find_map(|word| word.parse::<f64>().ok().filter(|n| n.is_finite()))
}

async fn ssh(
    reach: &SshReach,
    clock: crate::clock::Clock,
    spec: &CheckSpec,
    command: &str,
    warning: Option<f64>,
    critical: Option<f64>,
) -> (CheckStatus, Evidence) {
    use crate::ssh::session::Ending;
    let (outcome, latency_ms) = match ssh_outcome(reach, clock, spec, command).await {
        Ok(done) => done,
        Err(judged) => return judged,
    };
    let first = outcome.stdout.first_line();
    let mut evidence = Evidence { latency_ms, excerpt: Some(excerpt(&first)), ..Evidence::default() };
    match outcome.ending {
        Ending::Exited(0) => {}
        Ending::Exited(code) => {
            evidence.reason = Some(Reason::Exit { code });
            return (CheckStatus::Critical, evidence);
        }
        Ending::Signal(signal) => {
            evidence.reason = Some(Reason::Killed { signal: signal.to_string() });
            return (CheckStatus::Critical, evidence);
        }
        Ending::TimedOut | Ending::Cancelled => {
            evidence.reason = Some(Reason::NoAnswer { ms: spec.timeout.as_millis() as u64 });
            return (CheckStatus::Critical, evidence);
        }
    }
    if warning.is_none() && critical.is_none() {
        return (CheckStatus::Normal, evidence);
    }
    let Some(value) = first_number(&first) else {
        evidence.reason = Some(Reason::NoNumber);
        return (CheckStatus::Unknown, evidence);
    };
    if critical.is_some_and(|c| value >= c) {
        evidence.reason = Some(Reason::AtLeast { value, limit: critical.unwrap_or_default() });
        (CheckStatus::Critical, evidence)
    } else if warning.is_some_and(|w| value >= w) {
        evidence.reason = Some(Reason::AtLeast { value, limit: warning.unwrap_or_default() });
        (CheckStatus::Warning, evidence)
    } else {
        (CheckStatus::Normal, evidence)
    }
}

/// Runs a probe's command on the check's host over the site's SSH settings: what it
/// produced and how long it took, or the verdict when it could not run (the host
/// unreachable is critical; a key or login problem leaves the check unjudged).
async fn ssh_outcome(
    reach: &SshReach,
    clock: crate::clock::Clock,
    spec: &CheckSpec,
    command: &str,
) -> Result<(crate::ssh::session::Outcome, Option<u32>), (CheckStatus, Evidence)> {
    use crate::ssh::session::SshError;
    let Some(host) = reach.hosts.iter().find(|h| h.name == spec.host) else {
        return Err((CheckStatus::Unknown, Evidence::of(Reason::NoHost { host: spec.host.clone() }, None)));
    };
    let hosts = reach.hosts.clone();
    let target =
        crate::ssh::target_of(host, &reach.user, &|name| hosts.iter().find(|h| h.name == name).cloned());
    let access = crate::ssh::access_of(&reach.settings, clock);
    let (command, limit, pool) = (command.to_string(), spec.timeout, reach.pool.clone());
    let started = Instant::now();
    let outcome = tokio::task::spawn_blocking(move || {
        let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        pool.run(&target, &access, &command, limit, &cancel, &mut |_, _| {})
    })
    .await;
    let latency_ms = elapsed_ms(started);
    let outcome = match outcome {
        Ok(result) => result,
        Err(e) => return Err((CheckStatus::Unknown, Evidence::of(Reason::CannotJudge, Some(e.to_string())))),
    };
    match outcome {
        Ok(outcome) => Ok((outcome, latency_ms)),
        // Reachability failures are the host's; key and login failures leave it unjudged.
        Err(e @ (SshError::Connect(..) | SshError::Handshake(..) | SshError::Protocol(_))) => Err((
            CheckStatus::Critical,
            Evidence { latency_ms, ..Evidence::of(Reason::Failed, Some(e.to_string())) },
        )),
        Err(e) => Err((
            CheckStatus::Unknown,
            Evidence { latency_ms, ..Evidence::of(Reason::CannotJudge, Some(e.to_string())) },
        )),
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
            return (CheckStatus::Critical, Evidence::of(Reason::PingUnfinished, None));
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return (CheckStatus::Unknown, Evidence::of(Reason::PingMissing, None));
        }
        Ok(Err(e)) => {
            return (CheckStatus::Unknown, Evidence::of(Reason::CannotJudge, Some(format!("ping: {e}"))));
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
                excerpt: Some(excerpt(stderr.trim())),
                ..Evidence::of(Reason::NoIcmpPermission, None)
            },
        );
    }
    (
        CheckStatus::Critical,
        Evidence {
            latency_ms: elapsed_ms(start),
            reason: Some(Reason::NoReply),
            excerpt: Some(excerpt(stdout.lines().rev().find(|l| !l.is_empty()).unwrap_or_default())),
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_first_number() {
        assert_eq!(first_number("/dev/sda1 93% /data"), Some(93.0));
        assert_eq!(first_number("load: 0.52, 0.40"), Some(0.52));
        assert_eq!(first_number("none sda1"), None);
    }

    #[test]
    fn reads_ping_times() {
        assert_eq!(ping_time_ms("64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms"), Some(1));
        assert_eq!(ping_time_ms("time=12.3 ms"), Some(13));
        assert_eq!(ping_time_ms("no reply"), None);
    }
}
