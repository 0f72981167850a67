//! SSH triage: running the site's catalog of actions on its machines (libssh2), with
//! host keys checked against known_hosts, output made harmless before it is shown, and
//! every run recorded in the hash-chained log.

pub mod capture;
pub mod known_hosts;
pub mod pool;
pub mod runner;
pub mod session;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::config::Host;
use crate::config::ssh::{SshAction, SshSettings};
use runner::{RunRecord, record, run_all};
use session::{Access, Stream, Target};

/// Where and as whom to reach a host (`default_user` when the site names none),
/// through its jump host if it has one (`jump_of` finds that host).
pub fn target_of(host: &Host, default_user: &str, jump_of: &dyn Fn(&str) -> Option<Host>) -> Target {
    Target {
        host: host.name.clone(),
        address: SocketAddr::new(host.ip, host.ssh_port),
        user: host.ssh_user.clone().unwrap_or_else(|| default_user.to_string()),
        jump: host.ssh_jump.as_deref().and_then(jump_of).map(|jump| {
            Box::new(Target {
                host: jump.name.clone(),
                address: SocketAddr::new(jump.ip, jump.ssh_port),
                user: jump.ssh_user.clone().unwrap_or_else(|| default_user.to_string()),
                jump: None,
            })
        }),
    }
}

/// The site's way in: known_hosts, key files, connect timeout.
pub fn access_of(settings: &SshSettings, clock: crate::clock::Clock) -> Access {
    Access {
        known_hosts: settings.known_hosts.clone(),
        identity_files: settings.identity_files.clone(),
        connect_timeout: settings.connect_timeout,
        clock,
    }
}

/// The command of an action for one host, with its variables filled in, each quoted
/// as one word for the remote shell (the template must not quote them again: the
/// site check says so).
pub fn command_for(action: &SshAction, host: &Host) -> String {
    use crate::text::shell_quote;
    action
        .command
        .replace("{host}", &shell_quote(&host.name))
        .replace("{ip}", &shell_quote(&host.ip.to_string()))
        .replace("{label}", &shell_quote(&host.label))
}

/// A catalog action to run on some of the site's hosts.
#[derive(Clone, Debug)]
pub struct ActionJob {
    pub hosts: Vec<Host>,
    /// Every host of the site, for finding jump hosts.
    pub jumps: Vec<Host>,
    pub action: SshAction,
    pub settings: SshSettings,
    /// The login on hosts that name none.
    pub default_user: String,
    pub clock: crate::clock::Clock,
}

/// Runs a catalog action on hosts (in parallel, bounded by the site) through `pool`,
/// streaming output to `on_chunk`; returns one audit record per host. Hosts whose
/// variables give the same command run together.
pub fn run_action(
    job: &ActionJob,
    pool: &pool::Pool,
    cancel: &Arc<AtomicBool>,
    on_chunk: &(dyn Fn(&str, Stream, &[u8]) + Sync),
) -> Vec<RunRecord> {
    let (action, settings) = (&job.action, &job.settings);
    let access = access_of(settings, job.clock);
    let jump_of = |name: &str| job.jumps.iter().find(|h| h.name == name).cloned();
    let mut by_command: std::collections::BTreeMap<String, Vec<Target>> = Default::default();
    for host in &job.hosts {
        by_command.entry(command_for(action, host)).or_default().push(target_of(
            host,
            &job.default_user,
            &jump_of,
        ));
    }
    let mut records = Vec::new();
    for (command, targets) in by_command {
        for run in
            run_all(pool, targets, &access, &command, action.timeout, settings.max_parallel, cancel, on_chunk)
        {
            records.push(record(
                &run.target,
                &action.name,
                &command,
                action.timeout,
                run.started_at,
                run.ended_at,
                &run.result,
            ));
        }
    }
    records
}
