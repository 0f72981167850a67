//! `ssh.toml` (optional): how the console reaches the machines, and the catalog of
//! triage actions it may run on them.
//!
//! ```toml
//! known_hosts = "known_hosts"     # in the site folder; a missing file refuses every host
//! identity_files = ["/home/duty/.ssh/id_ed25519"]   # after ssh-agent; no passwords ever
//! connect_timeout_ms = 5000
//! max_parallel = 16
//! idle_seconds = 300              # duty serve keeps each host's connection this long
//! keepalive_seconds = 30          # and asks a connection at rest whether it still lives
//! free_form = false               # allow typing any command (always audited)
//! two_person_rule = false         # dangerous actions need a second operator too,
//! second_person_minutes = 10      # who confirms from their own session within this
//!
//! [[actions]]
//! name = "uptime"
//! description = "运行时间与负载"
//! command = "uptime"
//! timeout_seconds = 10
//! dangerous = false
//! ```
//! Hosts say `ssh_user`, `ssh_port` and `ssh_jump` (another host) in `hosts.toml`.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigProblem, SourceFile};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SshFile {
    known_hosts: Option<String>,
    #[serde(default)]
    identity_files: Vec<String>,
    connect_timeout_ms: Option<Spanned<i64>>,
    max_parallel: Option<Spanned<i64>>,
    idle_seconds: Option<Spanned<i64>>,
    keepalive_seconds: Option<Spanned<i64>>,
    #[serde(default)]
    free_form: bool,
    #[serde(default)]
    two_person_rule: bool,
    second_person_minutes: Option<Spanned<i64>>,
    #[serde(default)]
    actions: Vec<ActionEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionEntry {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    command: Spanned<String>,
    timeout_seconds: Option<Spanned<i64>>,
    #[serde(default)]
    dangerous: bool,
}

/// One action of the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshAction {
    pub name: String,
    pub description: String,
    /// The command, with `{host}`, `{ip}` and `{label}` replaced per host.
    pub command: String,
    pub timeout: Duration,
    /// Changes state: needs a typed confirmation (and a second operator if the site says so).
    pub dangerous: bool,
}

/// SSH settings of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshSettings {
    pub known_hosts: PathBuf,
    pub identity_files: Vec<PathBuf>,
    pub connect_timeout: Duration,
    pub max_parallel: usize,
    /// How long a connection at rest is kept open for the next run (0: never kept).
    pub idle_limit: Duration,
    /// How often a connection at rest is asked whether it still lives.
    pub keepalive: Duration,
    pub free_form: bool,
    pub two_person_rule: bool,
    /// How long an ask for a second person stays open (to be confirmed, then run).
    pub second_person_limit: Duration,
    pub actions: Vec<SshAction>,
}

impl SshSettings {
    /// The settings of a site without `ssh.toml`: the user's known_hosts, no actions.
    pub fn none() -> SshSettings {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        SshSettings {
            known_hosts: home.join(".ssh/known_hosts"),
            identity_files: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            max_parallel: 16,
            idle_limit: Duration::from_secs(300),
            keepalive: Duration::from_secs(30),
            free_form: false,
            two_person_rule: false,
            second_person_limit: Duration::from_secs(600),
            actions: Vec::new(),
        }
    }

    pub fn action(&self, name: &str) -> Option<&SshAction> {
        self.actions.iter().find(|a| a.name == name)
    }
}

pub fn validate(
    file: &SourceFile,
    raw: SshFile,
    site_dir: &std::path::Path,
    problems: &mut Vec<ConfigProblem>,
) -> SshSettings {
    let mut settings = SshSettings::none();
    if let Some(path) = raw.known_hosts {
        settings.known_hosts = site_dir.join(path);
    }
    settings.identity_files = raw.identity_files.into_iter().map(PathBuf::from).collect();
    if let Some(ms) = &raw.connect_timeout_ms {
        if (100..=60_000).contains(ms.get_ref()) {
            settings.connect_timeout = Duration::from_millis(*ms.get_ref() as u64);
        } else {
            problems.push(file.problem(
                ms.span(),
                format!("connect_timeout_ms {} must be between 100 and 60000", ms.get_ref()),
            ));
        }
    }
    if let Some(n) = &raw.max_parallel {
        if (1..=256).contains(n.get_ref()) {
            settings.max_parallel = *n.get_ref() as usize;
        } else {
            problems.push(
                file.problem(n.span(), format!("max_parallel {} must be between 1 and 256", n.get_ref())),
            );
        }
    }
    for (setting, value, target) in [
        ("idle_seconds", &raw.idle_seconds, &mut settings.idle_limit),
        ("keepalive_seconds", &raw.keepalive_seconds, &mut settings.keepalive),
    ] {
        if let Some(seconds) = value {
            if (0..=86_400).contains(seconds.get_ref()) {
                *target = Duration::from_secs(*seconds.get_ref() as u64);
            } else {
                problems.push(file.problem(
                    seconds.span(),
                    format!("{setting} {} must be between 0 and 86400", seconds.get_ref()),
                ));
            }
        }
    }
    settings.free_form = raw.free_form;
    settings.two_person_rule = raw.two_person_rule;
    if let Some(minutes) = &raw.second_person_minutes {
        if (1..=120).contains(minutes.get_ref()) {
            settings.second_person_limit = Duration::from_secs(*minutes.get_ref() as u64 * 60);
        } else {
            problems.push(file.problem(
                minutes.span(),
                format!("second_person_minutes {} must be between 1 and 120", minutes.get_ref()),
            ));
        }
    }
    for action in raw.actions {
        let name = action.name.get_ref().trim().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) {
            problems.push(file.problem(
                action.name.span(),
                format!("action name \"{name}\" must be letters, digits, '-' or '_'"),
            ));
            continue;
        }
        if settings.actions.iter().any(|a| a.name == name) || name == FREE_FORM {
            problems.push(file.problem(action.name.span(), format!("duplicate action \"{name}\"")));
            continue;
        }
        if action.command.get_ref().trim().is_empty() {
            problems.push(file.problem(action.command.span(), "command must not be empty"));
            continue;
        }
        // Values are substituted already quoted: quotes around them would open the
        // value to the shell again.
        if let Some(quoted) = ["{host}", "{ip}", "{label}"].iter().find(|v| {
            let command = action.command.get_ref();
            command.contains(&format!("'{v}")) || command.contains(&format!("\"{v}"))
        }) {
            problems.push(file.problem(
                action.command.span(),
                format!("{quoted} is put in the command already quoted; remove the quotes around it"),
            ));
            continue;
        }
        let timeout = match &action.timeout_seconds {
            None => 30,
            Some(t) if (1..=3600).contains(t.get_ref()) => *t.get_ref(),
            Some(t) => {
                problems.push(file.problem(
                    t.span(),
                    format!("timeout_seconds {} must be between 1 and 3600", t.get_ref()),
                ));
                30
            }
        };
        settings.actions.push(SshAction {
            name,
            description: action.description,
            command: action.command.into_inner(),
            timeout: Duration::from_secs(timeout as u64),
            dangerous: action.dangerous,
        });
    }
    settings
}

/// The name of the free-form command action (when the site enables it).
pub const FREE_FORM: &str = "free-form";
