//! Checks as the site declares them under each host, validated.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use super::raw::CheckEntry;
use super::{ConfigProblem, SourceFile};
use crate::domain::Severity;
use crate::domain::check::SheetColumn;
use toml::Spanned;

/// What a check does.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckKind {
    /// Connect to host:port.
    Tcp { address: SocketAddr },
    /// Fetch a URL and judge status (and optionally the body).
    Http { method: String, url: String, expect_status: u16, body_contains: Option<String>, tls_verify: bool },
    /// ICMP echo through the system `ping`.
    Ping { address: IpAddr },
    /// A read-only command over SSH (the site's SSH settings): judged by its exit
    /// status, or by the first number it prints against warning / critical thresholds.
    Ssh { command: String, warning: Option<f64>, critical: Option<f64> },
    /// The newest file matching a pattern in a folder — on this machine (`local`), or on
    /// the host over the site's SSH settings — is young and big enough.
    Backup { rule: crate::domain::backup::BackupRule, local: bool },
}

/// One check of one host.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckSpec {
    pub host: String,
    pub name: String,
    pub kind: CheckKind,
    pub column: SheetColumn,
    pub interval: Duration,
    pub timeout: Duration,
    /// Extra tries before a failure counts.
    pub retries: u32,
    /// Severity of the incident a sustained failure opens.
    pub severity: Severity,
}

/// A text field a check kind needs: the value when `wrong` finds nothing against it,
/// else its problem at the value; missing, `needs` at the kind.
fn required(
    value: &Option<Spanned<String>>,
    entry: &CheckEntry,
    needs: &str,
    wrong: impl Fn(&str) -> Option<String>,
    file: &SourceFile,
    problems: &mut Vec<ConfigProblem>,
) -> Option<String> {
    let Some(value) = value else {
        problems.push(file.problem(entry.kind.span(), needs));
        return None;
    };
    match wrong(value.get_ref()) {
        Some(problem) => {
            problems.push(file.problem(value.span(), problem));
            None
        }
        None => Some(value.get_ref().clone()),
    }
}

/// A backup check: an absolute folder, a file-name pattern, the hours the newest may be
/// old (default 26: a daily backup and its slack) and the bytes it must have (default 1).
fn backup(entry: &CheckEntry, file: &SourceFile, problems: &mut Vec<ConfigProblem>) -> Option<CheckKind> {
    let before = problems.len();
    let dir = required(
        &entry.path,
        entry,
        "a backup check needs a path (the folder)",
        |path| (!path.starts_with('/')).then(|| format!("path \"{path}\" must be an absolute folder")),
        file,
        problems,
    )
    .map(|path| path.trim_end_matches('/').to_string());
    // `*` and `?` only: what find's -name and our own matcher read alike.
    let pattern = required(
        &entry.pattern,
        entry,
        "a backup check needs a pattern (such as incr-*.tar.gz)",
        |p| {
            (p.is_empty() || p.contains(['/', '[', ']', '\\']))
                .then(|| format!("pattern \"{p}\" must be a file name with * and ?"))
        },
        file,
        problems,
    );
    let hours = file.in_range(&entry.max_age_hours, 26, 1..=24 * 62, "max_age_hours", problems);
    let bytes = file.in_range(&entry.min_bytes, 1, 0..=i64::MAX, "min_bytes", problems);
    if problems.len() > before {
        return None;
    }
    let rule = crate::domain::backup::BackupRule {
        dir: dir?,
        pattern: pattern?,
        max_age: chrono::Duration::hours(hours),
        min_bytes: bytes as u64,
    };
    Some(CheckKind::Backup { rule, local: entry.local.unwrap_or(false) })
}

/// Validates the checks of one host; problems are collected, bad checks skipped.
pub fn validate(
    host: &str,
    ip: IpAddr,
    entries: Vec<CheckEntry>,
    file: &SourceFile,
    problems: &mut Vec<ConfigProblem>,
) -> Vec<CheckSpec> {
    let mut specs: Vec<CheckSpec> = Vec::new();
    for entry in entries {
        let before = problems.len();
        let name = entry.name.get_ref().trim().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            problems.push(file.problem(
                entry.name.span(),
                format!("check name \"{name}\" must be letters, digits, '-', '_' or '.'"),
            ));
        } else if specs.iter().any(|s| s.name == name) {
            problems.push(
                file.problem(entry.name.span(), format!("duplicate check \"{name}\" on host \"{host}\"")),
            );
        }
        let column = entry.column.get_ref().parse::<SheetColumn>().map_err(|e| {
            problems.push(file.problem(
                entry.column.span(),
                format!("unknown column \"{}\" (expected one of: {})", e.given, e.expected),
            ))
        });
        let severity = match &entry.severity {
            None => Ok(Severity::Serious),
            Some(s) => s.get_ref().parse::<Severity>().map_err(|e| {
                problems.push(file.problem(
                    s.span(),
                    format!("unknown severity \"{}\" (expected one of: {})", e.given, e.expected),
                ))
            }),
        };
        let interval = file.in_range(&entry.interval_seconds, 60, 5..=86_400, "interval_seconds", problems);
        let timeout = file.in_range(&entry.timeout_ms, 5_000, 100..=120_000, "timeout_ms", problems);
        let retries = file.in_range(&entry.retries, 1, 0..=5, "retries", problems);
        let kind = match entry.kind.get_ref().as_str() {
            "tcp" => match &entry.port {
                Some(port) if (1..=65535).contains(port.get_ref()) => {
                    Some(CheckKind::Tcp { address: SocketAddr::new(ip, *port.get_ref() as u16) })
                }
                Some(port) => {
                    problems.push(file.problem(
                        port.span(),
                        format!("port {} must be between 1 and 65535", port.get_ref()),
                    ));
                    None
                }
                None => {
                    problems.push(file.problem(entry.kind.span(), "a tcp check needs a port"));
                    None
                }
            },
            "http" => {
                let url = required(
                    &entry.url,
                    &entry,
                    "an http check needs a url",
                    |url| {
                        (!url.starts_with("http://") && !url.starts_with("https://"))
                            .then(|| format!("url \"{url}\" must start with http:// or https://"))
                    },
                    file,
                    problems,
                );
                let method =
                    entry.method.as_ref().map_or("GET".to_string(), |m| m.get_ref().to_ascii_uppercase());
                if !matches!(method.as_str(), "GET" | "HEAD" | "POST") {
                    let span = entry.method.as_ref().map_or(0..0, |m| m.span());
                    problems.push(
                        file.problem(span, format!("method \"{method}\" (expected GET, HEAD or POST)")),
                    );
                }
                let expect = file.in_range(&entry.expect_status, 200, 100..=599, "expect_status", problems);
                url.map(|url| CheckKind::Http {
                    method,
                    url,
                    expect_status: expect as u16,
                    body_contains: entry.body_contains.clone(),
                    tls_verify: entry.tls_verify.unwrap_or(true),
                })
            }
            "ping" => Some(CheckKind::Ping { address: ip }),
            "ssh" => match &entry.command {
                Some(command) if !command.get_ref().trim().is_empty() => Some(CheckKind::Ssh {
                    command: command.get_ref().clone(),
                    warning: entry.warning,
                    critical: entry.critical,
                }),
                _ => {
                    problems.push(file.problem(entry.kind.span(), "an ssh check needs a command"));
                    None
                }
            },
            "backup" => backup(&entry, file, problems),
            other => {
                problems.push(file.problem(
                    entry.kind.span(),
                    format!("unknown check kind \"{other}\" (expected tcp, http, ping, ssh or backup)"),
                ));
                None
            }
        };
        if problems.len() > before {
            continue;
        }
        if let (Some(kind), Ok(column), Ok(severity)) = (kind, column, severity) {
            specs.push(CheckSpec {
                host: host.to_string(),
                name,
                kind,
                column,
                interval: Duration::from_secs(interval as u64),
                timeout: Duration::from_millis(timeout as u64),
                retries: retries as u32,
                severity,
            });
        }
    }
    specs
}
