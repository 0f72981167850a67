//! SSH rules, once for the CLI and the console: which actions may run as asked (a
//! dangerous one needs its name typed back, and where the site says so a second
//! operator), and trusting a host key after checking its fingerprint.

use crate::config::Site;
use crate::config::ssh::SshAction;
use crate::domain::{DomainError, Operator};

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
