//! One command on one host over SSH (libssh2, blocking: run it on a blocking thread).
//! Every step has a deadline of our own: connect, handshake, authentication and the
//! command. Host keys are checked before authenticating. The command is wrapped in
//! `timeout` so it cannot outlive us on the host, and both output streams are read
//! every turn so neither can fill up and stall the other.

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ssh2::Session;

use super::capture::Capture;
use super::known_hosts::{KnownHosts, Verdict};

/// Where and as whom to connect.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    /// The site's host name (for known_hosts it is the address that counts).
    pub host: String,
    pub address: SocketAddr,
    pub user: String,
    /// Reach it through this host (`ssh -W`), whose key the same known_hosts vouches for.
    pub jump: Option<Box<Target>>,
}

/// The way to the host: a direct socket, or a socket pair to `ssh -W` on a jump host.
enum Link {
    Direct(TcpStream),
    Jump(std::os::unix::net::UnixStream, std::process::Child),
}

/// Kills the `ssh -W` helper when the session ends.
pub struct Connection {
    pub session: Session,
    control: Option<TcpStream>,
    helper: Option<std::process::Child>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(mut helper) = self.helper.take() {
            let _ = helper.kill();
            let _ = helper.wait();
        }
    }
}

impl Connection {
    /// Ends any blocked call at once (the cancel button): shuts the socket down.
    pub fn interrupt(&self) {
        if let Some(control) = &self.control {
            let _ = control.shutdown(std::net::Shutdown::Both);
        }
    }
}

fn link(target: &Target, access: &Access) -> Result<Link, SshError> {
    let Some(jump) = &target.jump else {
        let tcp = TcpStream::connect_timeout(&target.address, access.connect_timeout)
            .map_err(|e| SshError::Connect(target.address.to_string(), e.to_string()))?;
        // A run is a handful of small packets each way (channel open, exec, eof, close):
        // with Nagle's algorithm each waits for the other side's delayed ACK.
        let _ = tcp.set_nodelay(true);
        return Ok(Link::Direct(tcp));
    };
    let (ours, theirs) = std::os::unix::net::UnixStream::pair()
        .map_err(|e| SshError::Connect(jump.host.clone(), e.to_string()))?;
    let theirs_out = theirs.try_clone().map_err(|e| SshError::Connect(jump.host.clone(), e.to_string()))?;
    let mut command = std::process::Command::new("ssh");
    command
        .arg("-W")
        .arg(target.address.to_string())
        .args(["-p", &jump.address.port().to_string(), "-l", &jump.user])
        .arg("-o")
        .arg(format!("UserKnownHostsFile={}", access.known_hosts.display()))
        .args(["-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"])
        .arg("-o")
        .arg(format!("ConnectTimeout={}", access.connect_timeout.as_secs().max(1)));
    for identity in &access.identity_files {
        command.arg("-i").arg(identity);
    }
    command.arg(jump.address.ip().to_string());
    let child = command
        .stdin(std::process::Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .stdout(std::process::Stdio::from(std::os::fd::OwnedFd::from(theirs_out)))
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| SshError::Connect(format!("{} via {}", target.address, jump.host), e.to_string()))?;
    Ok(Link::Jump(ours, child))
}

/// How to authenticate and how long to wait.
#[derive(Clone, Debug)]
pub struct Access {
    pub known_hosts: PathBuf,
    pub identity_files: Vec<PathBuf>,
    pub connect_timeout: Duration,
    /// Stamps the start and end of each run.
    pub clock: crate::clock::Clock,
}

/// Which stream a chunk came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    /// Killed by a signal (libssh2 reports exit status 0 then: the signal is checked first).
    Signal(String),
    /// Our deadline passed: the channel was closed; `timeout` on the host ends the command.
    TimedOut,
    Cancelled,
}

/// Why a run could not start or went wrong on the way.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SshError {
    #[error("cannot connect to {0}: {1}")]
    Connect(String, String),
    #[error("no SSH greeting from {0} within {1} ms")]
    Handshake(String, u128),
    #[error("known_hosts {0} cannot be read ({1}): refusing to connect without a host key check")]
    NoKnownHosts(String, String),
    #[error(
        "unknown host key for {host}: {key_type} {fingerprint}. If this is right, a lead trusts it (duty ssh trust): it adds to {file}: {line}"
    )]
    UnknownKey { host: String, key_type: String, fingerprint: String, file: String, line: String },
    #[error(
        "HOST KEY CHANGED for {host}: now {fingerprint}, {file} line {line} says otherwise. Refusing. Only editing known_hosts can change this."
    )]
    ChangedKey { host: String, fingerprint: String, file: String, line: usize },
    #[error("host key of {host} is REVOKED ({fingerprint}, {file} line {line}): refusing")]
    RevokedKey { host: String, fingerprint: String, file: String, line: usize },
    #[error("authentication as {user} on {host} failed: {tried}")]
    Auth { user: String, host: String, tried: String },
    #[error("{0}")]
    Protocol(String),
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub ending: Ending,
    pub stdout: Capture,
    pub stderr: Capture,
    pub duration: Duration,
}

/// The command as sent: bounded on the host by `timeout` (and a KILL 5 s later).
pub fn wrapped(command: &str, limit: Duration) -> String {
    format!("timeout -k 5 {} sh -c {}", limit.as_secs().max(1), crate::text::shell_quote(command))
}

/// Host-key algorithms, the known key types' first, then the rest libssh2 offers.
fn host_key_preference(known: &[String]) -> String {
    const ALL: [&str; 7] = [
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "rsa-sha2-512",
        "rsa-sha2-256",
        "ssh-rsa",
    ];
    // An RSA key is presented under the rsa-sha2 algorithms as well.
    let of = |key_type: &str| -> Vec<&'static str> {
        match key_type {
            "ssh-rsa" => vec!["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
            other => ALL.iter().copied().filter(|a| *a == other).collect(),
        }
    };
    let mut order: Vec<&str> = known.iter().flat_map(|k| of(k)).collect();
    let rest: Vec<&str> = ALL.iter().copied().filter(|a| !order.contains(a)).collect();
    order.extend(rest);
    order.join(",")
}

pub(super) fn protocol(e: ssh2::Error) -> SshError {
    SshError::Protocol(e.to_string())
}

/// Connects (directly or through the jump host), checks the host key, authenticates.
pub fn connect(target: &Target, access: &Access) -> Result<Connection, SshError> {
    let known = KnownHosts::load(&access.known_hosts)
        .map_err(|e| SshError::NoKnownHosts(access.known_hosts.display().to_string(), e.to_string()))?;
    let mut session = Session::new().map_err(protocol)?;
    let mut connection = match link(target, access)? {
        Link::Direct(tcp) => {
            let control =
                tcp.try_clone().map_err(|e| SshError::Connect(target.address.to_string(), e.to_string()))?;
            session.set_tcp_stream(tcp);
            Connection { session, control: Some(control), helper: None }
        }
        Link::Jump(stream, child) => {
            session.set_tcp_stream(stream);
            Connection { session, control: None, helper: Some(child) }
        }
    };
    let session = &mut connection.session;
    // libssh2's timeout fires late (about twice) on reads: a safety net under our own.
    session.set_timeout(access.connect_timeout.as_millis() as u32);
    // Ask first for the key types known for this host (as OpenSSH does): a server that
    // still has the known key presents it, so one that presents another type no longer
    // offers the known one — a changed key, not a new one to trust.
    let known_types = known.key_types(&target.address.ip().to_string(), target.address.port());
    if !known_types.is_empty() {
        session
            .method_pref(ssh2::MethodType::HostKey, &host_key_preference(&known_types))
            .map_err(protocol)?;
    }
    let started = Instant::now();
    session
        .handshake()
        .map_err(|_| SshError::Handshake(target.address.to_string(), started.elapsed().as_millis()))?;
    let (key, key_type) =
        session.host_key().ok_or_else(|| SshError::Protocol("the server sent no host key".into()))?;
    let key_type = match key_type {
        ssh2::HostKeyType::Rsa => "ssh-rsa",
        ssh2::HostKeyType::Dss => "ssh-dss",
        ssh2::HostKeyType::Ecdsa256 => "ecdsa-sha2-nistp256",
        ssh2::HostKeyType::Ecdsa384 => "ecdsa-sha2-nistp384",
        ssh2::HostKeyType::Ecdsa521 => "ecdsa-sha2-nistp521",
        ssh2::HostKeyType::Ed25519 => "ssh-ed25519",
        ssh2::HostKeyType::Unknown => "unknown",
    };
    let ip = target.address.ip().to_string();
    let file = access.known_hosts.display().to_string();
    match known.check(&ip, target.address.port(), key_type, key) {
        Verdict::Trusted => {}
        Verdict::Unknown { fingerprint, key_type, line_to_add } => {
            return Err(SshError::UnknownKey {
                host: target.host.clone(),
                key_type,
                fingerprint,
                file,
                line: line_to_add,
            });
        }
        Verdict::Changed { fingerprint, line } => {
            return Err(SshError::ChangedKey { host: target.host.clone(), fingerprint, file, line });
        }
        Verdict::Revoked { fingerprint, line } => {
            return Err(SshError::RevokedKey { host: target.host.clone(), fingerprint, file, line });
        }
    }
    authenticate(&connection.session, target, access)?;
    Ok(connection)
}

/// ssh-agent first — every identity it holds, not only the first — then key files.
fn authenticate(session: &Session, target: &Target, access: &Access) -> Result<(), SshError> {
    let mut tried = Vec::new();
    if std::env::var_os("SSH_AUTH_SOCK").is_some()
        && let Ok(mut agent) = session.agent()
        && agent.connect().is_ok()
        && agent.list_identities().is_ok()
    {
        for identity in agent.identities().unwrap_or_default() {
            if agent.userauth(&target.user, &identity).is_ok() && session.authenticated() {
                return Ok(());
            }
            tried.push(format!("agent key {}", identity.comment()));
        }
    }
    for file in &access.identity_files {
        if session.userauth_pubkey_file(&target.user, None, file, None).is_ok() && session.authenticated() {
            return Ok(());
        }
        tried.push(format!("key file {}", file.display()));
    }
    if tried.is_empty() {
        tried.push("no agent identity and no key file configured".into());
    }
    Err(SshError::Auth { user: target.user.clone(), host: target.host.clone(), tried: tried.join(", ") })
}

/// Runs `command` on `channel`, a fresh channel of `connection`, within `limit` from
/// `started`, handing each chunk of output to `sink` as it comes. `cancel` ends the run
/// at once when set (the connection is shut down under it).
pub fn exec(
    connection: &Connection,
    mut channel: ssh2::Channel,
    command: &str,
    limit: Duration,
    started: Instant,
    cancel: &Arc<AtomicBool>,
    sink: &mut dyn FnMut(Stream, &[u8]),
) -> Result<Outcome, SshError> {
    let session = &connection.session;
    channel.exec(&wrapped(command, limit)).map_err(protocol)?;
    session.set_blocking(false);
    let deadline = started + limit;
    let (mut stdout, mut stderr) = (Capture::default(), Capture::default());
    let mut buffer = vec![0u8; 32 * 1024];
    let mut ending = None;
    loop {
        let mut moved = false;
        for stream in [Stream::Stdout, Stream::Stderr] {
            let read = match stream {
                Stream::Stdout => channel.read(&mut buffer),
                Stream::Stderr => channel.stderr().read(&mut buffer),
            };
            match read {
                Ok(0) => {}
                Ok(n) => {
                    moved = true;
                    let chunk = &buffer[..n];
                    match stream {
                        Stream::Stdout => stdout.push(chunk),
                        Stream::Stderr => stderr.push(chunk),
                    }
                    sink(stream, chunk);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(SshError::Protocol(format!("reading output: {e}"))),
            }
        }
        if channel.eof() && !moved {
            break;
        }
        if cancel.load(Ordering::Relaxed) {
            ending = Some(Ending::Cancelled);
            break;
        }
        if Instant::now() >= deadline {
            ending = Some(Ending::TimedOut);
            break;
        }
        if !moved {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    session.set_blocking(true);
    let ending = match ending {
        Some(early) => {
            // Closing a channel whose process still runs blocks until the session
            // timeout (about twice it): keep that short. A cancel wants control back
            // at once, so it ends the connection under the close; the command on the
            // host stays bounded by `timeout`. At the deadline `timeout` fires on the
            // host at the same moment, and a graceful close lets it clean up.
            if early == Ending::Cancelled {
                connection.interrupt();
            }
            session.set_timeout(250);
            let _ = channel.close();
            early
        }
        None => {
            let _ = channel.wait_close();
            match channel.exit_signal() {
                Ok(signal) if signal.exit_signal.is_some() => {
                    Ending::Signal(signal.exit_signal.unwrap_or_default())
                }
                _ => Ending::Exited(channel.exit_status().unwrap_or(-1)),
            }
        }
    };
    Ok(Outcome { ending, stdout, stderr, duration: started.elapsed() })
}
