//! SSH rules, once for the CLI, the console and the service: what an ask means on the
//! site (its hosts or group, its catalog action, free-form only where allowed), which
//! actions may run as asked (a dangerous one needs its name typed back, and where the
//! site says so a second operator's confirmation from their own session — see
//! `domain::second`), running them, and trusting a host key after checking its
//! fingerprint.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::config::ssh::{FREE_FORM, SshAction};
use crate::config::{Host, Site};
use crate::domain::second::{self, Asked, SecondAsk, SecondEvent};
use crate::domain::{DomainError, Operator};
use crate::ssh::runner::RunRecord;
use crate::ssh::session::Stream;
use crate::store::StoreError;
use chrono::{DateTime, Utc};

/// What an engineer asks to run: an action of the site's catalog (or, where the site
/// allows it, a free-form command) on hosts, each a host's name or `@group`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshAsk {
    pub hosts: Vec<String>,
    pub action: String,
    pub command: Option<String>,
    pub confirm: Option<String>,
    /// The ask for a second person this run is for (`ssh.second_asked`'s seq).
    #[serde(default)]
    pub second: Option<u64>,
}

/// An ask as the site reads it: the hosts and the action, authorised.
#[derive(Clone, Debug)]
pub struct SshPlan {
    pub hosts: Vec<Host>,
    pub action: SshAction,
    /// The second operator who confirmed it, and their ask: kept on the record.
    pub second: Option<(u64, String)>,
}

impl SshPlan {
    /// What a second person confirms for this plan.
    pub fn asked(&self) -> Asked {
        let command = (self.action.name == FREE_FORM).then(|| self.action.command.clone());
        Asked {
            hosts: self.hosts.iter().map(|h| h.name.clone()).collect(),
            action: self.action.name.clone(),
            command,
        }
    }

    /// Whether it needs a second person on `site`.
    pub fn needs_second(&self, site: &Site) -> bool {
        self.action.dangerous && site.ssh.two_person_rule
    }
}

/// Reads an ask on `site` for `operator` at `now`: every host named exists, the action
/// is in the catalog (or free-form where allowed), and it may run as asked — confirmed
/// by its name typed back and, where the site asks for two, by the second person of
/// `asks` who confirmed this very ask.
pub fn plan(
    site: &Site,
    operator: &Operator,
    ask: &SshAsk,
    asks: &[SecondAsk],
    now: DateTime<Utc>,
) -> Result<SshPlan, DomainError> {
    let mut plan = read(site, ask)?;
    if plan.action.dangerous && ask.confirm.as_deref() != Some(plan.action.name.as_str()) {
        return Err(DomainError::Ssh(SshRefusal::NotConfirmed { action: plan.action.name.clone() }));
    }
    if plan.needs_second(site) {
        let Some(id) = ask.second else {
            return Err(DomainError::Ssh(SshRefusal::NeedsSecond { action: plan.action.name.clone() }));
        };
        let second = second::find(asks, id)
            .and_then(|a| a.second_for(&operator.id, &plan.asked(), now))
            .map_err(DomainError::Second)?;
        plan.second = Some((id, second));
    }
    Ok(plan)
}

/// What an ask means on `site`: its hosts and its action, not yet authorised.
pub fn read(site: &Site, ask: &SshAsk) -> Result<SshPlan, DomainError> {
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
    Ok(SshPlan { hosts, action, second: None })
}

/// The asks for a second person on `store` that may still be open at `now` (an ask
/// lives no longer than the site's limit, so only that much of the log is read).
pub fn second_asks(
    store: &dyn crate::store::Store,
    site: &Site,
    now: DateTime<Utc>,
) -> Result<Vec<SecondAsk>, crate::store::StoreError> {
    let limit = chrono::Duration::from_std(site.ssh.second_person_limit).unwrap_or_default();
    let events = store.events_of("ssh.", Some(now - limit - chrono::Duration::minutes(5)))?;
    Ok(second::fold(events.iter().filter_map(second_event)))
}

/// An ask's part of a stored event.
fn second_event(event: &crate::store::StoredEvent) -> Option<SecondEvent> {
    let payload: serde_json::Value = serde_json::from_str(&event.payload).ok()?;
    let id = || payload["second"].as_u64();
    match event.kind.as_str() {
        ASKED => Some(SecondEvent::Asked {
            id: event.seq,
            by: event.actor.clone(),
            at: event.recorded_at,
            until: crate::time::parse_canonical(payload["until"].as_str()?).ok()?,
            asked: serde_json::from_value(payload["asked"].clone()).ok()?,
        }),
        CONFIRMED => {
            Some(SecondEvent::Confirmed { id: id()?, by: event.actor.clone(), at: event.recorded_at })
        }
        "ssh.run" => Some(SecondEvent::Spent { id: id()?, by: event.actor.clone() }),
        _ => None,
    }
}

/// The event of an ask for a second person.
pub const ASKED: &str = "ssh.second_asked";
/// The event of a second person's confirmation.
pub const CONFIRMED: &str = "ssh.second_confirmed";

/// Runs a plan through `pool` as `default_user` on hosts that name no login, streaming
/// output to `on_chunk`; one record per host, each carrying the second person. Recording them
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
        if let Some((id, by)) = &plan.second {
            (record.second, record.witness) = (Some(*id), Some(by.clone()));
        }
    }
    records
}

/// Why an SSH action or a trust was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SshRefusal {
    /// A dangerous action whose name was not typed back.
    NotConfirmed { action: String },
    /// The site asks for a second operator's confirmation and the run names no ask.
    NeedsSecond { action: String },
    /// An ask for a second person where none is needed.
    NothingToAsk { action: String },
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

impl super::Ops<'_> {
    /// Asks for a second person to confirm a dangerous action `actor` will run: the ask
    /// is read as a run would be (hosts, action, its name typed back) and stays open
    /// for the site's limit.
    pub(super) fn ask_second(
        &mut self,
        actor: &super::Actor,
        ask: &SshAsk,
    ) -> Result<super::Done, StoreError> {
        let plan = read(self.site, ask).map_err(StoreError::Refused)?;
        let action = plan.action.name.clone();
        if !plan.needs_second(self.site) {
            return Err(StoreError::Refused(DomainError::Ssh(SshRefusal::NothingToAsk { action })));
        }
        if ask.confirm.as_deref() != Some(action.as_str()) {
            return Err(StoreError::Refused(DomainError::Ssh(SshRefusal::NotConfirmed { action })));
        }
        let limit = chrono::Duration::from_std(self.site.ssh.second_person_limit).unwrap_or_default();
        let until = self.clock.now() + limit;
        let payload = serde_json::json!({ "asked": plan.asked(), "until": crate::time::canonical(until) });
        self.host_event(actor, ASKED, &plan.hosts[0].name, payload.to_string())
    }

    /// Records a run of `actor`'s: one that names a second person must be of `actor`'s
    /// own ask, with the confirmation that ask carries.
    pub(super) fn record_run(
        &mut self,
        actor: &super::Actor,
        record: &crate::ssh::runner::RunRecord,
    ) -> Result<super::Done, StoreError> {
        if record.second.is_some() || record.witness.is_some() {
            let asks = second_asks(&*self.store, self.site, self.clock.now())?;
            let refused = |why| StoreError::Refused(DomainError::Second(why));
            let id = record.second.unwrap_or_default();
            let ask = second::find(&asks, id).map_err(refused)?;
            ask.recorded_by(&actor.operator.id, record.witness.as_deref()).map_err(refused)?;
        }
        let payload = serde_json::to_string(record).expect("run records serialise");
        self.host_event(actor, "ssh.run", &record.host, payload)
    }

    /// `actor` confirms, as the second person, the ask numbered `id`.
    pub(super) fn confirm_second(
        &mut self,
        actor: &super::Actor,
        id: u64,
    ) -> Result<super::Done, StoreError> {
        let now = self.clock.now();
        let asks = second_asks(&*self.store, self.site, now)?;
        let refused = |why| StoreError::Refused(DomainError::Second(why));
        let ask = second::find(&asks, id).map_err(refused)?;
        ask.confirm(&actor.operator.id, now).map_err(refused)?;
        let payload = serde_json::json!({ "second": id, "asked_by": ask.asked_by, "asked": ask.asked });
        let host = ask.asked.hosts.first().cloned().unwrap_or_default();
        self.host_event(actor, CONFIRMED, &host, payload.to_string())
    }

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
