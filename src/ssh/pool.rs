//! Warm connections: a host is connected to once (handshake, host key checked against
//! known_hosts, authenticated) and each run after that opens a channel on the same
//! connection. A connection found dead when a run wants it is replaced by a new one,
//! whose host key is checked again. Connections at rest are asked by keep-alive
//! whether they still live and closed after the site's idle limit.
//!
//! One-shot processes (a CLI command on a local store) use a cold pool that keeps
//! nothing; `duty serve` and the engine keep theirs.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use super::session::{
    Access, Connection, Ending, Outcome, SshError, Stream, Target, connect, exec, protocol,
};

/// How often connections at rest are looked at.
const SWEEP: Duration = Duration::from_secs(1);

struct Resting {
    connection: Connection,
    since: Instant,
    /// The last keep-alive sent, or when it came to rest.
    asked: Instant,
}

pub struct Pool {
    resting: Mutex<HashMap<Target, Vec<Resting>>>,
    idle_limit: Duration,
    keepalive: Duration,
    /// Connections made (handshakes), for the record and for measuring.
    made: std::sync::atomic::AtomicU64,
    /// The pool itself, for the sweeper it starts when a first connection comes to rest.
    me: Weak<Pool>,
    sweeping: std::sync::Once,
}

impl Pool {
    /// A pool that keeps connections for `idle_limit` (none when zero), sending a
    /// keep-alive every `keepalive` (none when zero). Once a connection rests, a thread
    /// of its own closes the ones over the limit and the ones that no longer answer; it
    /// ends with the pool.
    pub fn new(idle_limit: Duration, keepalive: Duration) -> Arc<Pool> {
        Arc::new_cyclic(|me| Pool {
            resting: Mutex::new(HashMap::new()),
            idle_limit,
            keepalive,
            made: Default::default(),
            me: me.clone(),
            sweeping: std::sync::Once::new(),
        })
    }

    /// A pool that keeps nothing: every run connects, and the connection ends with it.
    pub fn cold() -> Arc<Pool> {
        Pool::new(Duration::ZERO, Duration::ZERO)
    }

    /// The site's pool: its idle limit and keep-alive.
    pub fn of(settings: &crate::config::ssh::SshSettings) -> Arc<Pool> {
        Pool::new(settings.idle_limit, settings.keepalive)
    }

    /// Handshakes made so far.
    pub fn connections_made(&self) -> u64 {
        self.made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Connections at rest now.
    pub fn resting(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Target, Vec<Resting>>> {
        self.resting.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn take(&self, target: &Target) -> Option<Connection> {
        let mut resting = self.lock();
        let list = resting.get_mut(target)?;
        let found = list.pop().map(|r| r.connection);
        if list.is_empty() {
            resting.remove(target);
        }
        found
    }

    fn rest(&self, target: &Target, connection: Connection) {
        if self.idle_limit.is_zero() {
            return;
        }
        let now = Instant::now();
        self.lock().entry(target.clone()).or_default().push(Resting { connection, since: now, asked: now });
        self.sweeping.call_once(|| {
            let me = self.me.clone();
            std::thread::Builder::new()
                .name("duty-ssh-pool".into())
                .spawn(move || sweep_while_alive(me))
                .expect("starting the SSH pool's sweeper");
        });
    }

    /// Runs `command` on `target` within `limit`: on a connection at rest if one
    /// answers, on a new one otherwise. A run that ended as it should leaves its
    /// connection at rest for the next; one cut short (timed out, cancelled) closes it.
    pub fn run(
        &self,
        target: &Target,
        access: &Access,
        command: &str,
        limit: Duration,
        cancel: &Arc<AtomicBool>,
        sink: &mut dyn FnMut(Stream, &[u8]),
    ) -> Result<Outcome, SshError> {
        let started = Instant::now();
        // A connection that cannot open a channel is dead (the host restarted, a
        // firewall forgot it): it is dropped and a new one made.
        let warm = self.take(target).and_then(|c| c.session.channel_session().ok().map(|ch| (c, ch)));
        let (connection, channel) = match warm {
            Some(warm) => warm,
            None => {
                let connection = connect(target, access)?;
                self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if !self.keepalive.is_zero() {
                    connection.session.set_keepalive(false, self.keepalive.as_secs().max(1) as u32);
                }
                let channel = connection.session.channel_session().map_err(protocol)?;
                (connection, channel)
            }
        };
        let outcome = exec(&connection, channel, command, limit, started, cancel, sink)?;
        if matches!(outcome.ending, Ending::Exited(_) | Ending::Signal(_)) {
            self.rest(target, connection);
        }
        Ok(outcome)
    }

    /// Closes connections over the idle limit and those a keep-alive finds gone.
    fn sweep(&self) {
        let now = Instant::now();
        let mut resting = self.lock();
        for list in resting.values_mut() {
            list.retain_mut(|r| {
                if now.duration_since(r.since) >= self.idle_limit {
                    return false;
                }
                if self.keepalive.is_zero() || now.duration_since(r.asked) < self.keepalive {
                    return true;
                }
                r.asked = now;
                r.connection.session.keepalive_send().is_ok()
            });
        }
        resting.retain(|_, list| !list.is_empty());
    }
}

fn sweep_while_alive(pool: Weak<Pool>) {
    loop {
        std::thread::sleep(SWEEP);
        match pool.upgrade() {
            Some(pool) => pool.sweep(),
            None => return,
        }
    }
}
