//! The site: a folder with `site.toml` (name, time zone, contract, operators),
//! `sla.toml` (clock rules; contract values by default) and `hosts.toml` (inventory).
//! Loading validates everything and reports every problem as `file:line:col: message`.

mod checklists;
mod checks;
mod error;
mod plans;
mod raw;
pub mod sample;
mod sources;
pub mod ssh;
pub mod watch;

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use toml::Spanned;

pub use checks::{CheckKind, CheckSpec};
pub use error::{ConfigErrors, ConfigProblem, SourceFile};
pub use sources::{AlertmanagerSource, ZabbixSource};

use crate::domain::Operator;
use crate::domain::contract::ContractPeriod;
use crate::domain::sla::{DueSoon, SlaPolicy};
use crate::i18n::Lang;

/// A machine of the centre.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Short unique name used in commands (`central-db`).
    pub name: String,
    /// The name on the inspection sheet (中心数据库服务器).
    pub label: String,
    pub role: String,
    pub ip: IpAddr,
    pub group: String,
    pub os: String,
    pub checks: Vec<CheckSpec>,
    /// SSH login: user (default: the operator's login), port, and a jump host.
    pub ssh_user: Option<String>,
    pub ssh_port: u16,
    pub ssh_jump: Option<String>,
}

/// How the engine turns check results into incidents.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineSettings {
    /// Critical runs in a row that open an incident.
    pub open_incident_after: u32,
    /// Resolve the incident a check opened when the check recovers (if it was responded to).
    pub resolve_on_recovery: bool,
    /// Checks running at once.
    pub concurrency: usize,
    /// How long a headless engine goes on without reaching the store before it exits
    /// non-zero, so that systemd restarts it (and whoever watches systemd hears of it).
    pub store_outage_limit: std::time::Duration,
}

/// A loaded, validated site.
#[derive(Clone, Debug)]
pub struct Site {
    pub dir: PathBuf,
    pub name: String,
    pub tz: Tz,
    /// Prefix of incident numbers (`GZ` → `GZ-20261121-003`).
    pub incident_prefix: String,
    /// Forced UI language; None follows the locale.
    pub language: Option<Lang>,
    /// Where the centre's store is, if the site says (`--store` and `DUTY_STORE` win).
    pub store: Option<crate::store::Location>,
    pub contract: ContractPeriod,
    pub operators: Vec<Operator>,
    pub policy: SlaPolicy,
    pub hosts: Vec<Host>,
    /// How often an alarm nobody acknowledged rings again.
    pub alarm_repeat: Duration,
    /// The machine room's temperature and humidity limits (readings outside are flagged).
    pub room: crate::domain::duty_log::RoomLimits,
    pub engine: EngineSettings,
    pub alertmanagers: Vec<AlertmanagerSource>,
    pub zabbixes: Vec<ZabbixSource>,
    /// Inspection templates, by id (file name).
    pub checklists: Vec<crate::domain::checklist::Template>,
    /// Emergency plans (`plans/*.toml`).
    pub plans: Vec<crate::domain::plan::Plan>,
    pub calendar: crate::domain::checklist::Calendar,
    pub ssh: ssh::SshSettings,
    /// Duty periods, e.g. day 08:00–20:00 and night 20:00–08:00.
    pub shifts: Vec<crate::domain::shift::Shift>,
    /// `duty serve`, when the site has one: every console and command goes through it.
    pub service: Option<ServiceSettings>,
    /// Signing in at the shared terminal, where the site has it.
    pub signin: Option<SigninSettings>,
}

/// How engineers sign in at the shared machine-room terminal and when a console locks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigninSettings {
    /// The OS accounts of shared terminals: logged in all day, acting for nobody until an
    /// engineer signs in (they are not operators themselves).
    pub terminals: Vec<String>,
    /// After this long without a key a console locks, hiding the centre's text.
    pub idle: Duration,
    pub limits: crate::domain::signin::Limits,
    /// Whether every engineer must also give a time-based code.
    pub second_factor: bool,
}

impl SigninSettings {
    pub fn is_terminal(&self, login: &str) -> bool {
        self.terminals.iter().any(|t| t == login)
    }
}

/// Where the service listens and who may connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceSettings {
    /// The Unix socket (default `/run/duty/duty.sock`).
    pub socket: PathBuf,
    /// The group whose members may connect (the socket is made 0660 and given to it).
    pub group: String,
    /// Where the service answers Prometheus's scrapes (`GET /metrics`): a loopback
    /// address only, the centre's Prometheus on the same machine or a proxy before it.
    pub metrics: Option<std::net::SocketAddr>,
}

/// The service's socket when the site names none.
pub const DEFAULT_SOCKET: &str = "/run/duty/duty.sock";
/// The group whose members may reach the service when the site names none.
pub const DEFAULT_GROUP: &str = "duty";

impl Default for ServiceSettings {
    fn default() -> ServiceSettings {
        ServiceSettings {
            socket: PathBuf::from(DEFAULT_SOCKET),
            group: DEFAULT_GROUP.to_string(),
            metrics: None,
        }
    }
}

/// The files of a site folder.
pub const SITE_FILE: &str = "site.toml";
pub const SLA_FILE: &str = "sla.toml";
pub const HOSTS_FILE: &str = "hosts.toml";
/// Optional: checklist templates, one file each.
pub const CHECKLISTS_DIR: &str = "checklists";
/// Optional: emergency plans, one file per kind of incident.
pub const PLANS_DIR: &str = "plans";
/// Optional: public holidays and adjusted working days.
pub const CALENDAR_FILE: &str = "calendar.toml";
/// Optional: SSH settings and the catalog of triage actions.
pub const SSH_FILE: &str = "ssh.toml";
/// Optional: the monitoring systems whose alarms become incidents.
pub const SOURCES_FILE: &str = "sources.toml";

impl Site {
    /// The language the site writes in: its own, else the locale's.
    pub fn lang(&self) -> Lang {
        self.language.unwrap_or_else(Lang::from_locale)
    }

    /// Loads and validates the site in `dir`.
    pub fn load(dir: &Path) -> Result<Site, ConfigErrors> {
        Site::load_without(dir, &[])
    }

    /// Loads the site, leaving out any file that has problems but that the site can do
    /// without for the moment (hosts, checks, sources, SSH, checklists, the calendar):
    /// a typo in `hosts.toml` must not stop anyone acknowledging or noting an incident.
    /// Returns the site and the problems of the files left out. `site.toml` and
    /// `sla.toml` (who may act, the clocks) cannot be left out.
    pub fn load_lenient(dir: &Path) -> Result<(Site, Option<ConfigErrors>), ConfigErrors> {
        let essential = [dir.join(SITE_FILE), dir.join(SLA_FILE)];
        let mut skipped: Vec<PathBuf> = Vec::new();
        let mut left_out: Vec<ConfigProblem> = Vec::new();
        loop {
            match Site::load_without(dir, &skipped) {
                Ok(site) => {
                    return Ok((site, (!left_out.is_empty()).then_some(ConfigErrors(left_out))));
                }
                Err(errors) => {
                    let broken: Vec<PathBuf> =
                        errors.0.iter().map(|p| p.file.clone()).filter(|f| !skipped.contains(f)).collect();
                    if broken.is_empty() || broken.iter().any(|f| essential.contains(f)) {
                        left_out.extend(errors.0);
                        left_out.dedup();
                        return Err(ConfigErrors(left_out));
                    }
                    left_out.extend(errors.0);
                    skipped.extend(broken);
                }
            }
        }
    }

    /// Loads the site as if the files in `skipped` were not there.
    fn load_without(dir: &Path, skipped: &[PathBuf]) -> Result<Site, ConfigErrors> {
        let mut problems = Vec::new();
        let site = load_file::<raw::SiteFile>(&dir.join(SITE_FILE), &mut problems);
        let sla = load_file::<raw::SlaFile>(&dir.join(SLA_FILE), &mut problems);
        let hosts_path = dir.join(HOSTS_FILE);
        let hosts = if skipped.contains(&hosts_path) {
            Some((SourceFile { path: hosts_path, text: String::new() }, raw::HostsFile::default()))
        } else {
            load_file::<raw::HostsFile>(&hosts_path, &mut problems)
        };

        let sources_path = dir.join(SOURCES_FILE);
        let sources = if sources_path.exists() && !skipped.contains(&sources_path) {
            load_file::<sources::SourcesFile>(&sources_path, &mut problems)
                .map(|(file, raw)| sources::validate(&file, raw, &mut problems))
        } else {
            Some((Vec::new(), Vec::new()))
        };
        let policy = sla.map(|(file, sla)| sla_policy(&file, sla, &mut problems));
        let hosts = hosts.map(|(file, hosts)| validate_hosts(&file, hosts, &mut problems));
        let site = site.map(|(file, site)| validate_site(&file, site, &mut problems));
        match (site, policy, hosts) {
            (Some(Some(mut site)), Some(policy), Some(hosts)) => {
                site.checklists =
                    checklists::load_templates(&dir.join(CHECKLISTS_DIR), &hosts, skipped, &mut problems);
                site.plans = plans::load_plans(&dir.join(PLANS_DIR), skipped, &mut problems);
                let calendar_path = dir.join(CALENDAR_FILE);
                if !skipped.contains(&calendar_path) {
                    site.calendar = checklists::load_calendar(&calendar_path, &mut problems);
                }
                let ssh_path = dir.join(SSH_FILE);
                if ssh_path.exists()
                    && !skipped.contains(&ssh_path)
                    && let Some((file, raw)) = load_file::<ssh::SshFile>(&ssh_path, &mut problems)
                {
                    site.ssh = ssh::validate(&file, raw, dir, &mut problems);
                }
                if !problems.is_empty() {
                    return Err(ConfigErrors(problems));
                }
                site.dir = dir.to_path_buf();
                site.policy = policy;
                site.hosts = hosts;
                (site.alertmanagers, site.zabbixes) = sources.unwrap_or_default();
                Ok(site)
            }
            _ => Err(ConfigErrors(problems)),
        }
    }

    /// The operator with this OS login, if the site knows them.
    pub fn operator(&self, user: &str) -> Option<&Operator> {
        self.operators.iter().find(|o| o.id == user)
    }

    /// Whether the engine has anything to do: checks or alert sources.
    pub fn has_engine_work(&self) -> bool {
        self.checks().next().is_some() || !self.alertmanagers.is_empty() || !self.zabbixes.is_empty()
    }

    /// Every check of every host.
    pub fn checks(&self) -> impl Iterator<Item = &CheckSpec> {
        self.hosts.iter().flat_map(|h| h.checks.iter())
    }

    /// The checklist template with this id.
    pub fn checklist(&self, id: &str) -> Option<&crate::domain::checklist::Template> {
        self.checklists.iter().find(|t| t.id == id)
    }

    /// The emergency plan with this id.
    pub fn plan(&self, id: &str) -> Option<&crate::domain::plan::Plan> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// The host with this name.
    pub fn host(&self, name: &str) -> Option<&Host> {
        self.hosts.iter().find(|h| h.name == name)
    }
}

fn load_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    problems: &mut Vec<ConfigProblem>,
) -> Option<(SourceFile, T)> {
    let file = SourceFile::read(path).map_err(|p| problems.push(p)).ok()?;
    let parsed = file.parse::<T>().map_err(|p| problems.push(p)).ok()?;
    Some((file, parsed))
}

fn validate_site(file: &SourceFile, raw: raw::SiteFile, problems: &mut Vec<ConfigProblem>) -> Option<Site> {
    let before = problems.len();
    let mut bad = |span: std::ops::Range<usize>, message: String| problems.push(file.problem(span, message));

    let name = raw.site.name.get_ref().trim().to_string();
    if name.is_empty() {
        bad(raw.site.name.span(), "site name must not be empty".into());
    }
    let tz = match raw.site.timezone.get_ref().parse::<Tz>() {
        Ok(tz) => tz,
        Err(_) => {
            bad(
                raw.site.timezone.span(),
                format!(
                    "unknown time zone \"{}\" (expected an IANA name such as Asia/Shanghai)",
                    raw.site.timezone.get_ref()
                ),
            );
            Tz::UTC
        }
    };
    let prefix = raw.site.incident_prefix.get_ref().clone();
    if prefix.is_empty() || prefix.len() > 8 || !prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
        bad(
            raw.site.incident_prefix.span(),
            format!("incident_prefix \"{prefix}\" must be 1 to 8 letters or digits"),
        );
    }
    let language = match raw.site.language.as_ref().map(|l| (l.get_ref().as_str(), l.span())) {
        None | Some(("auto", _)) => None,
        Some((text, span)) => match text.parse::<Lang>() {
            Ok(lang) => Some(lang),
            Err(_) => {
                bad(span, format!("unknown language \"{text}\" (expected auto, zh or en)"));
                None
            }
        },
    };
    let store = raw.site.store.as_ref().and_then(|text| {
        let location = crate::store::Location::parse(std::path::Path::new(text.get_ref()));
        let problem = match &location {
            crate::store::Location::Postgres(url) => match url.parse::<postgres::Config>() {
                Err(e) => Some(format!(
                    "store \"{}\" is not a PostgreSQL URL: {e}",
                    crate::store::Location::Postgres(url.clone()).label()
                )),
                Ok(config) if config.get_password().is_some() => {
                    Some(crate::store::postgres::PASSWORD_IN_URL.to_string())
                }
                Ok(_) => None,
            },
            crate::store::Location::File(path) if !path.is_absolute() => Some(format!(
                "store \"{}\" must be a postgres:// URL or an absolute file path",
                path.display()
            )),
            crate::store::Location::File(_) => None,
        };
        match problem {
            Some(problem) => {
                bad(text.span(), problem);
                None
            }
            None => Some(location),
        }
    });
    let service = raw.service.as_ref().map(|section| {
        let socket = match &section.socket {
            Some(text) if !std::path::Path::new(text.get_ref()).is_absolute() => {
                bad(text.span(), format!("socket \"{}\" must be an absolute path", text.get_ref()));
                PathBuf::from(DEFAULT_SOCKET)
            }
            Some(text) => PathBuf::from(text.get_ref()),
            None => PathBuf::from(DEFAULT_SOCKET),
        };
        let group = section.group.as_ref().map_or_else(|| DEFAULT_GROUP.to_string(), |g| g.get_ref().clone());
        let metrics = section.metrics.as_ref().and_then(|text| {
            match text.get_ref().parse::<std::net::SocketAddr>() {
                Ok(address) if address.ip().is_loopback() => Some(address),
                Ok(_) => {
                    bad(text.span(), format!(
                        "metrics \"{}\" must be a loopback address (such as 127.0.0.1:9464): the centre's figures are not for the network",
                        text.get_ref()
                    ));
                    None
                }
                Err(_) => {
                    bad(text.span(), format!("metrics \"{}\" is not an address and port (such as 127.0.0.1:9464)", text.get_ref()));
                    None
                }
            }
        });
        ServiceSettings { socket, group, metrics }
    });
    let start = date_of(&raw.contract.start, "contract start", &mut bad);
    let end = date_of(&raw.contract.end, "contract end", &mut bad);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        bad(raw.contract.end.span(), format!("contract end {e} is before its start {s}"));
    }

    let mut operators: Vec<Operator> = Vec::new();
    for op in &raw.operators {
        let user = op.user.get_ref().trim();
        if user.is_empty() || user.chars().any(|c| c.is_whitespace() || c.is_control()) {
            bad(op.user.span(), format!("operator user \"{user}\" must be an OS login without spaces"));
            continue;
        }
        if operators.iter().any(|o| o.id == user) {
            bad(op.user.span(), format!("duplicate operator \"{user}\""));
            continue;
        }
        let role = match op.role.get_ref().parse() {
            Ok(role) => role,
            Err(_) => {
                bad(
                    op.role.span(),
                    format!("unknown role \"{}\" (expected operator or lead)", op.role.get_ref()),
                );
                continue;
            }
        };
        operators.push(Operator { id: user.to_string(), name: op.name.trim().to_string(), role });
    }
    let signin = raw.signin.as_ref().map(|section| {
        let mut span_of = |value: &Option<Spanned<String>>, default: Duration| match value {
            None => default,
            Some(text) => match crate::time::parse_span(text.get_ref()) {
                Ok(span) => span,
                Err(problem) => {
                    bad(text.span(), problem);
                    default
                }
            },
        };
        let defaults = crate::domain::signin::Limits::default();
        let idle = span_of(&section.idle, Duration::minutes(15));
        let within = span_of(&section.within, defaults.within);
        let lock = span_of(&section.lock, defaults.lock);
        let failures = match &section.failures {
            None => defaults.failures,
            Some(n) if (1..=100).contains(n.get_ref()) => *n.get_ref() as u32,
            Some(n) => {
                bad(n.span(), format!("failures {} must be between 1 and 100", n.get_ref()));
                defaults.failures
            }
        };
        let mut terminals = Vec::new();
        // A terminal account that held the store itself could read every hash and
        // write any row: only the service keeps the store from it.
        if let (Some(first), None) = (section.terminals.first(), &raw.service) {
            bad(
                first.span(),
                "shared terminals need the service ([service] in site.toml): without it the terminal's account holds the store and its secrets".to_string(),
            );
        }
        for terminal in &section.terminals {
            let login = terminal.get_ref().trim();
            if operators.iter().any(|o| o.id == login) {
                bad(
                    terminal.span(),
                    format!("terminal account \"{login}\" is an operator: a shared account acts for nobody until someone signs in"),
                );
            } else if login.is_empty() || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
                bad(terminal.span(), format!("terminal account \"{login}\" must be an OS login without spaces"));
            } else {
                terminals.push(login.to_string());
            }
        }
        SigninSettings {
            terminals,
            idle,
            limits: crate::domain::signin::Limits { failures, within, lock, daily: failures * 4 },
            second_factor: section.second_factor.unwrap_or(false),
        }
    });
    let alarm_repeat = match raw.alarms.as_ref().and_then(|a| a.repeat_seconds.as_ref()) {
        None => Duration::seconds(60),
        Some(v) if (10..=3600).contains(v.get_ref()) => Duration::seconds(*v.get_ref()),
        Some(v) => {
            bad(v.span(), format!("repeat_seconds {} must be between 10 and 3600", v.get_ref()));
            Duration::seconds(60)
        }
    };
    let default_room = crate::domain::duty_log::RoomLimits::default();
    let mut limits = |value: Option<&Spanned<[f64; 2]>>, field: &str| {
        let [low, high] = value.map(|v| *v.get_ref())?;
        let plausible = crate::domain::duty_log::plausible(field)?;
        if low < high && plausible.contains(&low) && plausible.contains(&high) {
            return Some(low..=high);
        }
        let span = value.map(|v| v.span()).unwrap_or_default();
        bad(
            span,
            format!(
                "{field} = [{low}, {high}]: give [lowest, highest] within {}–{}",
                plausible.start(),
                plausible.end()
            ),
        );
        None
    };
    let room_raw = raw.room.as_ref();
    let room = crate::domain::duty_log::RoomLimits {
        temperature: limits(room_raw.and_then(|r| r.temperature.as_ref()), "temperature")
            .unwrap_or(default_room.temperature),
        humidity: limits(room_raw.and_then(|r| r.humidity.as_ref()), "humidity")
            .unwrap_or(default_room.humidity),
    };
    let engine_raw = raw.engine.as_ref();
    let engine_number =
        |value: Option<&Spanned<i64>>,
         default: i64,
         range: std::ops::RangeInclusive<i64>,
         bad: &mut dyn FnMut(std::ops::Range<usize>, String)| match value {
            None => default,
            Some(v) if range.contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                bad(
                    v.span(),
                    format!("{} must be between {} and {}", v.get_ref(), range.start(), range.end()),
                );
                default
            }
        };
    let engine = EngineSettings {
        open_incident_after: engine_number(
            engine_raw.and_then(|e| e.open_incident_after.as_ref()),
            3,
            1..=100,
            &mut bad,
        ) as u32,
        resolve_on_recovery: engine_raw.and_then(|e| e.resolve_on_recovery).unwrap_or(false),
        concurrency: engine_number(engine_raw.and_then(|e| e.concurrency.as_ref()), 64, 1..=1024, &mut bad)
            as usize,
        store_outage_limit: std::time::Duration::from_secs(engine_number(
            engine_raw.and_then(|e| e.store_outage_limit_seconds.as_ref()),
            120,
            5..=86_400,
            &mut bad,
        ) as u64),
    };
    let mut shifts: Vec<crate::domain::shift::Shift> = Vec::new();
    for entry in &raw.shifts {
        let time = |value: &Spanned<String>, bad: &mut dyn FnMut(std::ops::Range<usize>, String)| {
            chrono::NaiveTime::parse_from_str(value.get_ref().trim(), "%H:%M")
                .map_err(|_| {
                    bad(
                        value.span(),
                        format!("bad time \"{}\" (expected HH:MM such as 08:00)", value.get_ref()),
                    )
                })
                .ok()
        };
        let (start, end) = (time(&entry.start, &mut bad), time(&entry.end, &mut bad));
        let name = entry.name.get_ref().trim().to_string();
        if name.is_empty() || shifts.iter().any(|s| s.name == name) {
            bad(entry.name.span(), format!("shift name \"{name}\" must be given once"));
            continue;
        }
        let mut on_duty = Vec::new();
        for who in &entry.on_duty {
            let id = who.get_ref().trim();
            if !operators.iter().any(|o| o.id == id) {
                bad(who.span(), format!("\"{id}\" is on duty but not among the [[operators]]"));
            } else if !on_duty.iter().any(|o| o == id) {
                on_duty.push(id.to_string());
            }
        }
        if let (Some(start), Some(end)) = (start, end) {
            shifts.push(crate::domain::shift::Shift { name, start, end, on_duty });
        }
    }
    if raw.operators.is_empty() {
        bad(0..0, "the site lists no operators: add at least one [[operators]] with role = \"lead\"".into());
    }
    if problems.len() > before {
        return None;
    }
    Some(Site {
        dir: PathBuf::new(),
        name,
        tz,
        incident_prefix: prefix,
        language,
        store,
        contract: ContractPeriod { start: start?, end: end? },
        operators,
        policy: SlaPolicy::default(),
        hosts: Vec::new(),
        alarm_repeat,
        room,
        engine,
        alertmanagers: Vec::new(),
        zabbixes: Vec::new(),
        checklists: Vec::new(),
        plans: Vec::new(),
        calendar: Default::default(),
        ssh: ssh::SshSettings::none(),
        shifts,
        service,
        signin,
    })
}

fn date_of(
    value: &Spanned<toml::value::Datetime>,
    what: &str,
    bad: &mut impl FnMut(std::ops::Range<usize>, String),
) -> Option<NaiveDate> {
    let dt = value.get_ref();
    let date = match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()),
        _ => None,
    };
    if date.is_none() {
        bad(value.span(), format!("{what} must be a date such as 2026-01-01, not \"{dt}\""));
    }
    date
}

fn sla_policy(file: &SourceFile, raw: raw::SlaFile, problems: &mut Vec<ConfigProblem>) -> SlaPolicy {
    let contract = raw.contract.unwrap_or_default();
    let late_responses_per_breach = count(
        &contract.late_responses_per_breach,
        SlaPolicy::default().late_responses_per_breach,
        file,
        problems,
    );
    let penalty_percent_per_breach = count(
        &contract.penalty_percent_per_breach,
        SlaPolicy::default().penalty_percent_per_breach,
        file,
        problems,
    );
    // Ten years is more than any clock of the job; anything longer is a typo.
    const LONGEST_MINUTES: i64 = 10 * 366 * 24 * 60;
    let mut minutes = |value: &Option<Spanned<i64>>, unit_minutes: i64, default: Duration| match value {
        None => default,
        Some(v) if *v.get_ref() > 0 && v.get_ref().saturating_mul(unit_minutes) <= LONGEST_MINUTES => {
            Duration::minutes(*v.get_ref() * unit_minutes)
        }
        Some(v) => {
            problems.push(file.problem(v.span(), format!("{} is not a positive duration", v.get_ref())));
            default
        }
    };
    let d = SlaPolicy::default();
    let soon = DueSoon::default();
    let ds = raw.due_soon_minutes.unwrap_or_default();
    let optional_rule = |rule: &Option<raw::OptionalRule>, default_minutes: i64| {
        rule.as_ref().filter(|r| r.enabled).map(|r| (r.minutes.clone(), default_minutes))
    };
    let confirm = optional_rule(&raw.confirm, 10);
    let security = optional_rule(&raw.security_report, 5);
    let res = raw.resolution_hours.unwrap_or_default();
    let mut policy = SlaPolicy {
        response: minutes(&raw.response_minutes, 1, d.response),
        onsite: minutes(&raw.onsite_minutes, 1, d.onsite),
        resolution_ordinary: minutes(&res.ordinary, 60, d.resolution_ordinary),
        resolution_serious: minutes(&res.serious, 60, d.resolution_serious),
        resolution_critical: minutes(&res.critical, 60, d.resolution_critical),
        report: minutes(&raw.report_hours, 60, d.report),
        confirm: confirm.map(|(m, def)| minutes(&m, 1, Duration::minutes(def))),
        security_report: security.map(|(m, def)| minutes(&m, 1, Duration::minutes(def))),
        due_soon: DueSoon {
            confirm: minutes(&ds.confirm, 1, soon.confirm),
            response: minutes(&ds.response, 1, soon.response),
            onsite: minutes(&ds.onsite, 1, soon.onsite),
            resolution: minutes(&ds.resolution, 1, soon.resolution),
            report: minutes(&ds.report, 1, soon.report),
            security_report: minutes(&ds.security_report, 1, soon.security_report),
        },
        late_responses_per_breach,
        penalty_percent_per_breach,
        backdate: minutes(&raw.backdate_hours, 60, d.backdate),
        lead_backdate: minutes(&raw.lead_backdate_days, 24 * 60, d.lead_backdate),
        handover_early: minutes(&raw.handover_sign_minutes, 1, d.handover_early),
        changes: crate::domain::change::ChangeRules {
            working: d.changes.working,
            record_within: minutes(
                &raw.changes.as_ref().and_then(|c| c.emergency_record_hours.clone()),
                60,
                d.changes.record_within,
            ),
        },
        auto_confirm: raw
            .auto_confirm
            .as_ref()
            .filter(|rule| rule.enabled)
            .map(|rule| minutes(&rule.days, 24 * 60, Duration::days(7))),
    };
    if let Some(hours) = working_hours(file, raw.changes.as_ref(), problems) {
        policy.changes.working = hours;
    }
    policy
}

/// `[changes] working_hours`: two HH:MM, the opening before the closing.
fn working_hours(
    file: &SourceFile,
    raw: Option<&raw::ChangesRule>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<(chrono::NaiveTime, chrono::NaiveTime)> {
    let hours = raw?.working_hours.as_ref()?;
    let times: Vec<_> =
        hours.get_ref().iter().filter_map(|t| checklists::time_of(t, file, problems)).collect();
    match times[..] {
        [open, close] if open < close => Some((open, close)),
        _ if times.len() < hours.get_ref().len() => None,
        _ => {
            problems.push(file.problem(
                hours.span(),
                "working_hours is two times, the opening before the closing (such as [\"08:30\", \"17:30\"])",
            ));
            None
        }
    }
}

fn count(
    value: &Option<Spanned<i64>>,
    default: u32,
    file: &SourceFile,
    problems: &mut Vec<ConfigProblem>,
) -> u32 {
    match value {
        None => default,
        Some(v) if (1..=100).contains(v.get_ref()) => *v.get_ref() as u32,
        Some(v) => {
            problems.push(file.problem(v.span(), format!("{} must be between 1 and 100", v.get_ref())));
            default
        }
    }
}

fn validate_hosts(file: &SourceFile, raw: raw::HostsFile, problems: &mut Vec<ConfigProblem>) -> Vec<Host> {
    let mut hosts: Vec<Host> = Vec::new();
    let mut jumps: Vec<Option<Spanned<String>>> = Vec::new();
    for host in raw.hosts {
        let name = host.name.get_ref().trim();
        let valid_name = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid_name {
            problems.push(file.problem(
                host.name.span(),
                format!("host name \"{name}\" must be 1 to 64 letters, digits, '-', '_' or '.'"),
            ));
            continue;
        }
        if hosts.iter().any(|h| h.name == name) {
            problems.push(file.problem(host.name.span(), format!("duplicate host \"{name}\"")));
            continue;
        }
        let ip = match host.ip.get_ref().parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => {
                problems.push(
                    file.problem(host.ip.span(), format!("\"{}\" is not an IP address", host.ip.get_ref())),
                );
                continue;
            }
        };
        let checks = checks::validate(name, ip, host.checks, file, problems);
        let ssh_port = match &host.ssh_port {
            None => 22,
            Some(p) if (1..=65535).contains(p.get_ref()) => *p.get_ref() as u16,
            Some(p) => {
                problems.push(
                    file.problem(p.span(), format!("ssh_port {} must be between 1 and 65535", p.get_ref())),
                );
                22
            }
        };
        jumps.push(host.ssh_jump.clone());
        hosts.push(Host {
            name: name.to_string(),
            label: host.label.unwrap_or_else(|| name.to_string()),
            role: host.role,
            ip,
            group: host.group.unwrap_or_default(),
            os: host.os.unwrap_or_default(),
            checks,
            ssh_user: host.ssh_user,
            ssh_port,
            ssh_jump: host.ssh_jump.map(|j| j.into_inner()),
        });
    }
    // A jump host must be another host of the site.
    for jump in jumps.into_iter().flatten() {
        if !hosts.iter().any(|h| h.name == *jump.get_ref()) {
            problems.push(
                file.problem(
                    jump.span(),
                    format!("ssh_jump \"{}\" is not a host of this file", jump.get_ref()),
                ),
            );
        }
    }
    hosts
}
