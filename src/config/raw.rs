//! The files as written, with spans for error positions. Unknown keys are errors.

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    pub site: SiteSection,
    pub contract: ContractSection,
    #[serde(default)]
    pub operators: Vec<OperatorEntry>,
    pub alarms: Option<AlarmsSection>,
    pub engine: Option<EngineSection>,
    #[serde(default)]
    pub shifts: Vec<ShiftEntry>,
    pub service: Option<ServiceSection>,
    pub room: Option<RoomSection>,
    pub signin: Option<SigninSection>,
}

/// Signing in at the shared terminal: `terminals = ["dutyroom"]`, `idle = "15min"`,
/// `failures = 5`, `within = "10min"`, `lock = "10min"`, `second_factor = true`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigninSection {
    #[serde(default)]
    pub terminals: Vec<Spanned<String>>,
    pub idle: Option<Spanned<String>>,
    pub failures: Option<Spanned<i64>>,
    pub within: Option<Spanned<String>>,
    pub lock: Option<Spanned<String>>,
    pub second_factor: Option<bool>,
}

/// The machine room's limits: `temperature = [18, 27]`, `humidity = [35, 75]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomSection {
    pub temperature: Option<Spanned<[f64; 2]>>,
    pub humidity: Option<Spanned<[f64; 2]>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSection {
    pub socket: Option<Spanned<String>>,
    pub group: Option<Spanned<String>>,
    pub metrics: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftEntry {
    pub name: Spanned<String>,
    pub start: Spanned<String>,
    pub end: Spanned<String>,
    #[serde(default)]
    pub on_duty: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineSection {
    pub open_incident_after: Option<Spanned<i64>>,
    pub resolve_on_recovery: Option<bool>,
    pub concurrency: Option<Spanned<i64>>,
    pub store_outage_limit_seconds: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmsSection {
    pub repeat_seconds: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSection {
    pub name: Spanned<String>,
    pub timezone: Spanned<String>,
    pub incident_prefix: Spanned<String>,
    pub language: Option<Spanned<String>>,
    pub store: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractSection {
    pub start: Spanned<toml::value::Datetime>,
    pub end: Spanned<toml::value::Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorEntry {
    pub user: Spanned<String>,
    pub name: String,
    pub role: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaFile {
    pub response_minutes: Option<Spanned<i64>>,
    pub onsite_minutes: Option<Spanned<i64>>,
    pub report_hours: Option<Spanned<i64>>,
    pub backdate_hours: Option<Spanned<i64>>,
    pub lead_backdate_days: Option<Spanned<i64>>,
    pub auto_confirm: Option<AutoConfirmRule>,
    pub changes: Option<ChangesRule>,
    pub handover_sign_minutes: Option<Spanned<i64>>,
    pub resolution_hours: Option<ResolutionHours>,
    pub confirm: Option<OptionalRule>,
    pub security_report: Option<OptionalRule>,
    pub due_soon_minutes: Option<DueSoonMinutes>,
    pub contract: Option<ContractRules>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResolutionHours {
    pub ordinary: Option<Spanned<i64>>,
    pub serious: Option<Spanned<i64>>,
    pub critical: Option<Spanned<i64>>,
}

/// `[changes] working_hours = ["08:30", "17:30"], emergency_record_hours = 24`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ChangesRule {
    pub working_hours: Option<Spanned<Vec<Spanned<String>>>>,
    pub emergency_record_hours: Option<Spanned<i64>>,
}

/// `[auto_confirm] enabled = true, days = 7`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoConfirmRule {
    pub enabled: bool,
    pub days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionalRule {
    pub enabled: bool,
    pub minutes: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DueSoonMinutes {
    pub confirm: Option<Spanned<i64>>,
    pub response: Option<Spanned<i64>>,
    pub onsite: Option<Spanned<i64>>,
    pub resolution: Option<Spanned<i64>>,
    pub report: Option<Spanned<i64>>,
    pub security_report: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ContractRules {
    pub late_responses_per_breach: Option<Spanned<i64>>,
    pub penalty_percent_per_breach: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct HostsFile {
    #[serde(default)]
    pub hosts: Vec<HostEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostEntry {
    pub name: Spanned<String>,
    pub label: Option<String>,
    pub role: String,
    pub ip: Spanned<String>,
    pub group: Option<String>,
    pub os: Option<String>,
    pub ssh_user: Option<String>,
    pub ssh_port: Option<Spanned<i64>>,
    pub ssh_jump: Option<Spanned<String>>,
    #[serde(default)]
    pub checks: Vec<CheckEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckEntry {
    pub name: Spanned<String>,
    pub kind: Spanned<String>,
    pub column: Spanned<String>,
    pub port: Option<Spanned<i64>>,
    pub url: Option<Spanned<String>>,
    pub method: Option<Spanned<String>>,
    pub expect_status: Option<Spanned<i64>>,
    pub body_contains: Option<String>,
    pub tls_verify: Option<bool>,
    pub interval_seconds: Option<Spanned<i64>>,
    pub timeout_ms: Option<Spanned<i64>>,
    pub retries: Option<Spanned<i64>>,
    pub severity: Option<Spanned<String>>,
    pub command: Option<Spanned<String>>,
    pub warning: Option<f64>,
    pub critical: Option<f64>,
    /// A backup check: the folder, the file pattern, the age and size the newest must
    /// keep, and whether the folder is on this machine (else on the host, over SSH).
    pub path: Option<Spanned<String>>,
    pub pattern: Option<Spanned<String>>,
    pub max_age_hours: Option<Spanned<i64>>,
    pub min_bytes: Option<Spanned<i64>>,
    pub local: Option<bool>,
}
