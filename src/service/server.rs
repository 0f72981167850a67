//! `duty serve`: the one process that owns the store and runs the engine, listening on
//! a Unix socket. Each client's identity comes from the socket's peer credentials (the
//! kernel's uid, its passwd login, the site's operator list), never from what it sends;
//! the service's clock stamps every event. Calls take the store one after the other (a
//! command is one transaction; a client that vanishes mid-call leaves it done or not
//! done, never half); each connection has a task of its own, so a slow client stalls nobody but itself: the events pushed to it are dropped
//! when it falls behind, and it is told to read again.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{broadcast, watch};

use super::protocol::{
    Answer, CLIENT_FRAME_LIMIT, Call, ClientFrame, Read, ServiceFrame, VERSION, frame, service_error,
};
use crate::clock::Clock;
use crate::config::Site;
use crate::engine::health::Health;
use crate::identity::Identity;
use crate::ops::{Ops, Seat};
use crate::store::{Opened, RemoteError, Store, StoreError, StoredEvent};

/// How long a client has to say hello.
const HELLO_WITHIN: Duration = Duration::from_secs(10);
/// Commits pushed to a client that reads slowly before it is told it lagged.
const PUSH_BACKLOG: usize = 1024;
/// How often the service looks for commits it did not make (the engine's, another
/// service's on the same PostgreSQL).
const LOOK: Duration = Duration::from_millis(200);

/// The store as the service holds it, and the last event pushed.
struct Held {
    store: Opened,
    pushed: u64,
}

impl Held {
    /// Pushes every commit since the last one pushed, ours or anyone's, in order.
    fn push(&mut self, pushes: &broadcast::Sender<Arc<Vec<StoredEvent>>>) {
        if let Ok(events) = self.store.events_after(self.pushed, 10_000)
            && let Some(last) = events.last()
        {
            self.pushed = last.seq;
            self.store.remember();
            let _ = pushes.send(Arc::new(events));
        }
    }
}

/// What the service shares between its connections.
#[derive(Clone)]
pub struct Shared {
    store: Arc<std::sync::Mutex<Held>>,
    pushes: broadcast::Sender<Arc<Vec<StoredEvent>>>,
    sites: watch::Receiver<Site>,
    clock: Clock,
    engine: watch::Receiver<Health>,
    /// The service's SSH connections, kept warm between runs (its own key does the
    /// work: engineers never hold the machines' key).
    pool: Arc<crate::ssh::pool::Pool>,
    /// The login on hosts that name none: the service's own account.
    ssh_user: String,
    /// Wakes the pusher after a commit of ours.
    committed: Arc<tokio::sync::Notify>,
}

impl Shared {
    /// The service over `store`; every commit, however made, is pushed to subscribers.
    pub fn new(
        store: Opened,
        sites: watch::Receiver<Site>,
        clock: Clock,
        engine: watch::Receiver<Health>,
        ssh_user: String,
    ) -> Shared {
        let (pushes, _) = broadcast::channel(PUSH_BACKLOG);
        let pushed = store.head().unwrap_or(0);
        let pool = crate::ssh::pool::Pool::of(&sites.borrow().ssh);
        let shared = Shared {
            store: Arc::new(std::sync::Mutex::new(Held { store, pushed })),
            pushes,
            sites,
            clock,
            engine,
            pool,
            ssh_user,
            committed: Arc::new(tokio::sync::Notify::new()),
        };
        // Pushing is off the caller's path: a commit of ours wakes the pusher at once
        // (commits made while it reads go out together); commits the service did not
        // make itself (its engine's, another service's on the same PostgreSQL) are
        // looked for a few times a second.
        let watcher = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = watcher.committed.notified() => {}
                    _ = tokio::time::sleep(LOOK) => {}
                }
                let shared = watcher.clone();
                let _ = tokio::task::spawn_blocking(move || shared.held().push(&shared.pushes)).await;
            }
        });
        shared
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Answers one call: on this task's thread, the others' going on meanwhile. Calls
    /// take the store one after the other; a command is one transaction, done or not
    /// done whatever becomes of the caller.
    fn call(&self, seat: &mut Seat, call: Call) -> Result<Answer, RemoteError> {
        tokio::task::block_in_place(|| {
            let mut held = self.held();
            let writes = matches!(call, Call::Perform(_));
            let answer = {
                let site = self.sites.borrow();
                answer(&mut held.store, &site, self.clock, &self.engine, seat, call)
            };
            if writes {
                self.committed.notify_one();
            }
            answer.map_err(|e| RemoteError::of(&e))
        })
    }
}

impl Shared {
    /// The figures for Prometheus, read from the store now (the error in English: a
    /// scrape's reader is a program).
    pub fn metrics(&self) -> Result<String, String> {
        let held = self.held();
        let site = self.sites.borrow();
        let engine = self.engine.borrow();
        super::metrics::families(&*held.store, &site, &engine, self.clock.now())
            .map(|families| super::metrics::render(&families))
            .map_err(|e| crate::i18n::store_error(&e, crate::i18n::Lang::En))
    }

    /// Runs an SSH ask for whoever acts at `seat` with the service's key and
    /// connections, its output going out as it comes; every run is recorded as theirs. A
    /// cancel from the client, or the client going away, ends the run at once (and it is
    /// still recorded).
    async fn ssh(
        &self,
        seat: &mut Seat,
        id: u64,
        ask: crate::ops::ssh::SshAsk,
        out: &tokio::sync::mpsc::Sender<ServiceFrame>,
        reader: &mut tokio::net::unix::OwnedReadHalf,
    ) -> Result<Answer, RemoteError> {
        use std::sync::atomic::{AtomicBool, Ordering};
        let site = self.sites.borrow().clone();
        let actor = seat.acting(&site).map_err(|e| RemoteError::of(&e))?;
        let now = self.clock.now();
        let asks = match ask.second {
            Some(_) => tokio::task::block_in_place(|| {
                crate::ops::ssh::second_asks(&*self.held().store, &site, now).map_err(|e| RemoteError::of(&e))
            })?,
            None => Vec::new(),
        };
        let plan = crate::ops::ssh::plan(&site, &actor.operator, &ask, &asks, now)
            .map_err(|refusal| RemoteError::of(&StoreError::Refused(refusal)))?;
        let cancel = Arc::new(AtomicBool::new(false));
        let mut running = {
            let (pool, clock, user, out, cancel) =
                (self.pool.clone(), self.clock, self.ssh_user.clone(), out.clone(), cancel.clone());
            tokio::task::spawn_blocking(move || {
                let on_chunk = |host: &str, stream: crate::ssh::session::Stream, bytes: &[u8]| {
                    let stderr = stream == crate::ssh::session::Stream::Stderr;
                    let frame =
                        ServiceFrame::Output { id, host: host.to_string(), stderr, bytes: bytes.to_vec() };
                    let _ = out.blocking_send(frame);
                };
                crate::ops::ssh::run(&site, &plan, &pool, &user, clock, &cancel, &on_chunk)
            })
        };
        let mut gone = false;
        let records = loop {
            tokio::select! {
                done = &mut running => break done.map_err(|e| {
                    service_error(format!("SSH 运行失败：{e}"), format!("the SSH run failed: {e}"))
                })?,
                received = receive(reader), if !gone => match received {
                    Received::Frame(body) => match serde_json::from_slice(&body) {
                        Ok(ClientFrame::Cancel { id: which }) if which == id => cancel.store(true, Ordering::Relaxed),
                        // One call at a time: anything else while a run goes on is
                        // answered, not lost in silence.
                        _ => {
                            let error = service_error(
                                "SSH 运行进行中：只接受取消",
                                "an SSH run is going on: only its cancel is taken",
                            );
                            let _ = out.send(ServiceFrame::Error { id: None, error }).await;
                        }
                    },
                    Received::Broken(_) | Received::Closed => {
                        gone = true;
                        cancel.store(true, Ordering::Relaxed);
                    }
                },
            }
        };
        for record in &records {
            let request = crate::ops::Request::RecordSshRun(Box::new(record.clone()));
            self.call(seat, Call::Perform(request))?;
        }
        Ok(Answer::SshRuns(records))
    }
}

/// Answers one call on the store.
fn answer(
    store: &mut Opened,
    site: &Site,
    clock: Clock,
    engine: &watch::Receiver<Health>,
    seat: &mut Seat,
    call: Call,
) -> Result<Answer, StoreError> {
    let read = match call {
        Call::Perform(request) => {
            let done = Ops { store: &mut **store, site, clock }.perform(seat, request)?;
            return Ok(Answer::Done(Box::new(done)));
        }
        Call::Read(read) => read,
        // The connection hands these to `Shared::ssh`, which streams; they never reach
        // the store.
        Call::Ssh(_) => {
            return Err(StoreError::Remote(service_error(
                "SSH 运行不经由存储应答",
                "an SSH run is not answered by the store",
            )));
        }
    };
    let store: &dyn Store = &**store;
    Ok(match read {
        Read::Incident(id) => Answer::Incident(store.incident(&id)?.map(Box::new)),
        Read::Incidents { include_closed } => Answer::Incidents(store.incidents(include_closed)?),
        Read::Timeline(subject) => Answer::Events(store.timeline(&subject)?),
        Read::Events { since } => Answer::Events(store.events(since)?),
        Read::EventsAfter { seq, limit } => Answer::Events(store.events_after(seq, limit.min(10_000))?),
        Read::Head => Answer::Head(store.head()?),
        Read::Verify => Answer::Verify(store.verify()?),
        Read::VerifyTail(count) => Answer::Verify(store.verify_tail(count)?),
        Read::Identity => {
            let (id, head) = store.identity()?;
            Answer::Identity(id, head)
        }
        Read::HashAt(seq) => Answer::Hash(store.hash_at(seq)?),
        Read::AlarmLedger => Answer::AlarmLedger(store.alarm_ledger()?),
        Read::CheckStates => Answer::CheckStates(store.check_states()?),
        Read::Lease => Answer::Lease(store.lease()?),
        Read::SourceStates => Answer::SourceStates(store.source_states()?),
        Read::MaintenanceWindows => Answer::Windows(store.maintenance_windows()?),
        Read::Run(id) => Answer::Run(store.run(&id)?.map(Box::new)),
        Read::RunsBetween { from, to } => Answer::Runs(store.runs_between(from, to)?),
        Read::DeclinedBetween { from, to } => Answer::Declined(store.declined_between(from, to)?),
        Read::EventsOf { prefix, since } => Answer::Events(store.events_of(&prefix, since)?),
        Read::Engines => Answer::Engines(vec![engine.borrow().clone()]),
        Read::Knowledge(id) => Answer::Entry(store.knowledge(&id)?.map(Box::new)),
        Read::SearchKnowledge { query, limit } => Answer::Entries(store.search_knowledge(&query, limit)?),
    })
}

/// Makes the socket: its folder if missing, a stale socket of a service that is gone
/// taken away (a live one is refused), mode 0660, group `group` when it exists.
pub fn bind(path: &Path, group: &str) -> anyhow::Result<UnixListener> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            anyhow::bail!("{} exists and is not a socket: not replaced", path.display());
        }
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            anyhow::bail!("another service listens on {} already", path.display());
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))?;
    if let Some(gid) = crate::identity::gid_of(group) {
        let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())?;
        // SAFETY: a NUL-terminated path; -1 leaves the owner as it is.
        if unsafe { libc::chown(name.as_ptr(), u32::MAX, gid) } != 0 {
            crate::log::write(&format!(
                "the socket stays in the service's own group: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    Ok(listener)
}

/// Takes connections until the listener fails.
pub async fn accept(listener: UnixListener, shared: Shared) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, shared.clone()));
            }
            Err(e) => {
                crate::log::write(&format!("serve: accept failed: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Why a client's frame could not be read.
enum Received {
    Frame(Vec<u8>),
    /// Framing is lost (over the limit, or the connection ended inside a frame).
    Broken(RemoteError),
    Closed,
}

async fn receive(stream: &mut tokio::net::unix::OwnedReadHalf) -> Received {
    let mut length = [0u8; 4];
    match stream.read_exact(&mut length).await {
        Ok(_) => {}
        Err(_) => return Received::Closed,
    }
    let length = u32::from_be_bytes(length);
    if length > CLIENT_FRAME_LIMIT {
        return Received::Broken(service_error(
            format!("帧长 {length} 字节，超过上限 {CLIENT_FRAME_LIMIT}：连接关闭"),
            format!("a frame of {length} bytes is over the limit of {CLIENT_FRAME_LIMIT}: closing"),
        ));
    }
    let mut body = vec![0u8; length as usize];
    match stream.read_exact(&mut body).await {
        Ok(_) => Received::Frame(body),
        Err(_) => Received::Broken(service_error("帧不完整：连接关闭", "a frame was cut short: closing")),
    }
}

async fn send(stream: &mut tokio::net::unix::OwnedWriteHalf, message: &ServiceFrame) -> bool {
    stream.write_all(&frame(message)).await.is_ok()
}

/// One client, from hello to goodbye.
async fn connection(stream: UnixStream, shared: Shared) {
    let uid = match stream.peer_cred() {
        Ok(cred) => cred.uid(),
        Err(e) => {
            crate::log::write(&format!("serve: no peer credentials: {e}"));
            return;
        }
    };
    let (mut reader, mut writer) = stream.into_split();
    let refuse = |error: RemoteError| ServiceFrame::Error { id: None, error };
    let hello = match tokio::time::timeout(HELLO_WITHIN, receive(&mut reader)).await {
        Ok(Received::Frame(body)) => serde_json::from_slice::<ClientFrame>(&body).ok(),
        _ => None,
    };
    let Some(ClientFrame::Hello { version, program, lang, act_as }) = hello else {
        let error = service_error("首帧必须是 hello", "the first frame must be a hello");
        send(&mut writer, &refuse(error)).await;
        return;
    };
    if version != VERSION {
        let error = service_error(
            format!("协议版本 {version} 不受支持（本服务为 {VERSION}）"),
            format!("protocol version {version} is not spoken here (this service speaks {VERSION})"),
        );
        send(&mut writer, &refuse(error)).await;
        return;
    }
    // Who it is, by the kernel; root alone may act as another.
    let identity = match Identity::of_uid(uid, act_as) {
        Ok(identity) => identity,
        Err(forbidden) => {
            let error = service_error(
                crate::i18n::forbidden(&forbidden, crate::i18n::Lang::Zh),
                crate::i18n::forbidden(&forbidden, crate::i18n::Lang::En),
            );
            send(&mut writer, &refuse(error)).await;
            return;
        }
    };
    // A shared terminal's account is let in acting for nobody: it reads, and acts once
    // an engineer signs in on this connection.
    let (terminal, operator) = {
        let site = shared.sites.borrow();
        (crate::ops::signin::is_terminal(&site, identity.login()), site.operator(identity.login()).cloned())
    };
    if operator.is_none() && !terminal {
        let login = crate::text::visible(identity.login(), false).into_owned();
        let error = service_error(
            format!("“{login}”不在本站点的值班人员名单中：服务拒绝连接"),
            format!("\"{login}\" is not on the site's operator list: the service turns it away"),
        );
        crate::log::write(&format!("serve: refused uid {uid} ({login}): not an operator"));
        send(&mut writer, &refuse(error)).await;
        return;
    }
    let program: String =
        program.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(16).collect();
    let origin = format!("{} (duty serve)", identity.origin(&program));
    let mut seat = crate::ops::Seat::new(identity.login(), origin.clone(), lang, operator.clone());
    let welcome = ServiceFrame::Welcome { version: VERSION, operator, origin, now: shared.clock.now() };
    if !send(&mut writer, &welcome).await {
        return;
    }
    let (out_tx, mut out_rx) = tokio::sync::mpsc::channel::<ServiceFrame>(64);
    // Writing on a task of its own: a client that does not read blocks only this.
    let writing = tokio::spawn(async move {
        while let Some(message) = out_rx.recv().await {
            if !send(&mut writer, &message).await {
                return;
            }
        }
    });
    let mut pushes: Option<broadcast::Receiver<Arc<Vec<StoredEvent>>>> = None;
    loop {
        tokio::select! {
            received = receive(&mut reader) => {
                let body = match received {
                    Received::Frame(body) => body,
                    Received::Broken(error) => {
                        let _ = out_tx.send(ServiceFrame::Error { id: None, error }).await;
                        break;
                    }
                    Received::Closed => break,
                };
                match serde_json::from_slice::<ClientFrame>(&body) {
                    Ok(ClientFrame::Call { id, call: Call::Ssh(ask) }) => {
                        let result = shared.ssh(&mut seat, id, ask, &out_tx, &mut reader).await;
                        if out_tx.send(ServiceFrame::Reply { id, result }).await.is_err() {
                            break;
                        }
                    }
                    // A cancel that came after its run ended.
                    Ok(ClientFrame::Cancel { .. }) => {}
                    Ok(ClientFrame::Call { id, call }) => {
                        let result = shared.call(&mut seat, call);
                        if out_tx.send(ServiceFrame::Reply { id, result }).await.is_err() {
                            break;
                        }
                    }
                    Ok(ClientFrame::Subscribe) => pushes = Some(shared.pushes.subscribe()),
                    Ok(ClientFrame::Hello { .. }) => {
                        let error = service_error("已经打过招呼", "hello was said already");
                        let _ = out_tx.send(ServiceFrame::Error { id: None, error }).await;
                    }
                    Err(e) => {
                        let error = service_error(
                            format!("无法读取的帧：{e}；未做任何修改"),
                            format!("a frame that could not be read: {e}; nothing was changed"),
                        );
                        let _ = out_tx.send(ServiceFrame::Error { id: None, error }).await;
                    }
                }
            }
            pushed = async {
                match pushes.as_mut() {
                    Some(receiver) => receiver.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                let message = match pushed {
                    Ok(events) => ServiceFrame::Pushed { events: (*events).clone(), lagged: false },
                    Err(broadcast::error::RecvError::Lagged(_)) => ServiceFrame::Pushed { events: Vec::new(), lagged: true },
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                // A client too slow to take its pushes is told it lagged, not waited for.
                if out_tx.try_send(message).is_err() {
                    let _ = out_tx.try_send(ServiceFrame::Pushed { events: Vec::new(), lagged: true });
                }
            }
        }
    }
    // Whoever signed in at a shared terminal on this connection is signed out with it.
    if seat.active.is_some() {
        let sign_out = crate::ops::Request::SignOut { why: crate::ops::signin::SignOutWhy::Closed };
        if let Err(e) = shared.call(&mut seat, Call::Perform(sign_out)) {
            crate::log::write(&format!("serve: recording a sign-out failed: {}", e.en));
        }
    }
    drop(out_tx);
    let _ = writing.await;
}
