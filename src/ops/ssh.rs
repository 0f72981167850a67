//! SSH rules, once for the CLI, the console and the service: what an ask means on the
//! site (its hosts or group, its catalog action, free-form only where allowed), which
//! actions may run as asked (a dangerous one needs its name typed back, and where the
//! site says so a second operator), running them, and trusting a host key after
//! checking its fingerprint.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::config::ssh::{FREE_FORM, SshAction};
use crate::config::{Host, Site};
use crate::domain::{DomainError, Operator};
use crate::ssh::runner::RunRecord;
use crate::ssh::session::Stream;

/// What an engineer asks to run: an action of the site's catalog (or, where the site
/// allows it, a free-form command) on hosts, each a host's name or `@group`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshAsk {
    pub hosts: Vec<String>,
    pub action: String,
    pub command: Option<String>,
    pub confirm: Option<String>,
    pub witness: Option<String>,
}

/// An ask as the site reads it: the hosts and the action, authorised.
#[derive(Clone, Debug)]
pub struct SshPlan {
    pub hosts: Vec<Host>,
    pub action: SshAction,
    /// The second operator, kept on the record of a dangerous action.
    pub witness: Option<String>,
}

/// Reads an ask on `site` for `operator`: every host named exists, the action is in the
/// catalog (or free-form where allowed), and it may run as asked.
pub fn plan(site: &Site, operator: &Operator, ask: &SshAsk) -> Result<SshPlan, DomainError> {
    let mut hosts: Vec<Host> = Vec::new();
    for spec in &ask.hosts {
        let named: Vec<&Host> = match spec.strip_prefix('@') {
            Some(group) => site.hosts.iter().filter(|h| h.group == group || h.role == group).collect(),
            None => site.host(spec).into_iter().collect(),
        };
        if named.is_empty() {
            let known = site.hosts.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(", ");
            return Err(DomainError::Ssh(SshRefusal::NoSuchHost { spec: spec.clone(), known }));
        }
        for host in named {
            if !hosts.iter().any(|h| h.name == host.name) {
                hosts.push(host.clone());
            }
        }
    }
    let ssh = &site.ssh;
    let action = match (ask.action.as_str(), &ask.command) {
        (FREE_FORM, Some(command)) if ssh.free_form => SshAction {
            name: FREE_FORM.into(),
            description: String::new(),
            command: command.clone(),
            timeout: std::time::Duration::from_secs(60),
            dangerous: true,
        },
        (FREE_FORM, _) if !ssh.free_form => return Err(DomainError::Ssh(SshRefusal::FreeFormOff)),
        (name, _) => ssh.action(name).cloned().ok_or_else(|| {
            let known = ssh.actions.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
            DomainError::Ssh(SshRefusal::NoSuchAction { name: name.to_string(), known })
        })?,
    };
    authorise(site, operator, &action, ask.confirm.as_deref(), ask.witness.as_deref())?;
    let witness = ask.witness.clone().filter(|_| action.dangerous);
    Ok(SshPlan { hosts, action, witness })
}

/// Runs a plan through `pool` as `default_user` on hosts that name no login, streaming
/// output to `on_chunk`; one record per host, each carrying the witness. Recording them
/// is the caller's (as the operator who asked).
pub fn run(
    site: &Site,
    plan: &SshPlan,
    pool: &crate::ssh::pool::Pool,
    default_user: &str,
    clock: crate::clock::Clock,
    cancel: &Arc<AtomicBool>,
    on_chunk: &(dyn Fn(&str, Stream, &[u8]) + Sync),
) -> Vec<RunRecord> {
    let job = crate::ssh::ActionJob {
        hosts: plan.hosts.clone(),
        jumps: site.hosts.clone(),
        action: plan.action.clone(),
        settings: site.ssh.clone(),
        default_user: default_user.to_string(),
        clock,
    };
    let mut records = crate::ssh::run_action(&job, pool, cancel, on_chunk);
    for record in &mut records {
        record.witness = plan.witness.clone();
    }
    records
}

/// Why an SSH action or a trust was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SshRefusal {
    /// A dangerous action whose name was not typed back.
    NotConfirmed { action: String },
    /// The site asks for a second operator and none (or not an operator) was named.
    NoWitness,
    /// The second operator is the one asking.
    WitnessSelf,
    /// The host presents another key than the fingerprint given.
    OtherKey { presented: String, given: String },
    /// The key is known already.
    AlreadyTrusted { host: String },
    /// The connection did not get as far as the host key.
    Unreachable { host: String, why: String },
    /// No host or group of that name.
    NoSuchHost { spec: String, known: String },
    /// No action of that name in the catalog.
    NoSuchAction { name: String, known: String },
    /// A free-form command on a site that does not allow them.
    FreeFormOff,
}

/// Whether `operator` may run `action` as asked.
pub fn authorise(
    site: &Site,
    operator: &Operator,
    action: &SshAction,
    confirmed: Option<&str>,
    witness: Option<&str>,
) -> Result<(), DomainError> {
    if !action.dangerous {
        return Ok(());
    }
    if confirmed != Some(action.name.as_str()) {
        return Err(DomainError::Ssh(SshRefusal::NotConfirmed { action: action.name.clone() }));
    }
    if site.ssh.two_person_rule {
        match witness {
            Some(w) if w == operator.id => return Err(DomainError::Ssh(SshRefusal::WitnessSelf)),
            Some(w) if site.operator(w).is_some() => {}
            _ => return Err(DomainError::Ssh(SshRefusal::NoWitness)),
        }
    }
    Ok(())
}

impl super::Ops<'_> {
    /// Trusts the key `host` presents, if it is the one with `fingerprint` (checked out of
    /// band): its known_hosts line is added and the trust is an event.
    pub(super) fn trust_host_key(
        &mut self,
        actor: &super::Actor,
        host: &str,
        fingerprint: &str,
    ) -> Result<super::Done, crate::store::StoreError> {
        use crate::ssh::session::{SshError, connect};
        let refuse = |why: SshRefusal| crate::store::StoreError::Refused(DomainError::Ssh(why));
        // Trusting a key decides which machine every later command reaches: a lead's.
        if actor.operator.role != crate::domain::Role::Lead {
            return Err(crate::store::StoreError::Refused(DomainError::LeadOnly { command: "trust" }));
        }
        let spec = self.site.host(host).ok_or_else(|| {
            crate::store::StoreError::Refused(DomainError::UnknownHost { host: host.to_string() })
        })?;
        let target = crate::ssh::target_of(spec, &actor.operator.id, &|name| self.site.host(name).cloned());
        let access = crate::ssh::access_of(&self.site.ssh, self.clock);
        match connect(&target, &access) {
            Err(SshError::UnknownKey { fingerprint: presented, line, file, key_type, .. }) => {
                if presented != fingerprint {
                    return Err(refuse(SshRefusal::OtherKey { presented, given: fingerprint.to_string() }));
                }
                append_line(std::path::Path::new(&file), &line)
                    .map_err(crate::store::StoreError::backend("adding the key to known_hosts"))?;
                let payload = serde_json::json!({
                    "host": host, "address": target.address.to_string(), "key_type": key_type,
                    "fingerprint": presented, "file": file,
                });
                self.host_event(actor, "ssh.key_trusted", host, payload.to_string())
            }
            Err(SshError::Auth { .. }) | Ok(_) => {
                Err(refuse(SshRefusal::AlreadyTrusted { host: host.to_string() }))
            }
            Err(e) => Err(refuse(SshRefusal::Unreachable { host: host.to_string(), why: e.to_string() })),
        }
    }
}

/// Appends one line to a file, never through a symlink.
fn append_line(path: &std::path::Path, line: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(crate::files::GROUP_READABLE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    writeln!(file, "{line}")
}
