//! The client's end of `duty serve`: `Remote` is the record for a CLI command or a
//! console's worker when the site has a service. It reads through `RemoteStore`, which
//! answers the store's reading methods from the service, and performs requests there;
//! who is asking is for the service to find out from the kernel.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::protocol::{
    Answer, Call, ClientFrame, Read, SERVICE_FRAME_LIMIT, ServiceFrame, VERSION, read_frame, service_error,
    write_frame,
};
use crate::domain::alarm::AlarmLedger;
use crate::domain::check::{CheckResult, CheckState};
use crate::domain::checklist::{Run, Slot};
use crate::domain::maintenance::Window;
use crate::domain::{Incident, IncidentId, Operator};
use crate::i18n::Lang;
use crate::ops::record::Record;
use crate::ops::{Done, Request};
use crate::ssh::runner::RunRecord;
use crate::ssh::session::Stream;
use crate::store::{
    AlarmRequest, AlertRules, Committed, Decide, Declined, IncidentRequest, Lease, ProbeRules, RemoteError,
    RunRequest, SourcePoll, SourceState, Store, StoreError, StoredEvent, VerifyReport, Writeback,
};

/// How long a call may take before the service counts as gone (a store lock is given up
/// after 5 s, a statement after 15 s: the service answers well within this).
const CALL_LIMIT: Duration = Duration::from_secs(30);

/// One connection to the service, after the handshake.
pub struct Connection {
    stream: UnixStream,
    next: u64,
    /// Who the service says we are (None: a shared terminal nobody is signed in at).
    pub operator: Option<Operator>,
    pub origin: String,
}

fn unreachable(path: &Path, error: &dyn std::fmt::Display) -> StoreError {
    StoreError::Remote(service_error(
        format!("值班服务不可达（{}）：{error}", path.display()),
        format!("the duty service is unreachable ({}): {error}", path.display()),
    ))
}

impl Connection {
    /// Connects and says hello; the service says who we are, or why not.
    pub fn open(path: &Path, program: &str, lang: Lang) -> Result<Connection, StoreError> {
        let stream = UnixStream::connect(path).map_err(|e| unreachable(path, &e))?;
        stream.set_read_timeout(Some(CALL_LIMIT)).map_err(|e| unreachable(path, &e))?;
        stream.set_write_timeout(Some(CALL_LIMIT)).map_err(|e| unreachable(path, &e))?;
        let act_as = crate::identity::Identity::of_process().ok().and_then(|i| i.acting_as);
        let mut stream = stream;
        let hello = ClientFrame::Hello { version: VERSION, program: program.to_string(), lang, act_as };
        write_frame(&mut stream, &hello).map_err(|e| unreachable(path, &e))?;
        let body = read_frame(&mut stream, SERVICE_FRAME_LIMIT).map_err(|e| unreachable(path, &e))?;
        match serde_json::from_slice::<ServiceFrame>(&body) {
            Ok(ServiceFrame::Welcome { operator, origin, .. }) => {
                Ok(Connection { stream, next: 0, operator, origin })
            }
            Ok(ServiceFrame::Error { error, .. }) => Err(StoreError::Remote(error)),
            Ok(other) => Err(unreachable(path, &format!("unexpected answer {other:?}"))),
            Err(e) => Err(unreachable(path, &e)),
        }
    }

    /// One call and its reply.
    pub fn call(&mut self, call: Call) -> Result<Answer, StoreError> {
        self.call_hearing(call, &mut |_, _, _| {})
    }

    /// One call and its reply, handing the output frames that come before the reply to
    /// `on_output` (host, stream, bytes).
    fn call_hearing(
        &mut self,
        call: Call,
        on_output: &mut dyn FnMut(&str, Stream, &[u8]),
    ) -> Result<Answer, StoreError> {
        self.next += 1;
        let id = self.next;
        let lost = |e: &dyn std::fmt::Display| {
            StoreError::Remote(service_error(
                format!("与值班服务的连接中断：{e}"),
                format!("the connection to the duty service was lost: {e}"),
            ))
        };
        write_frame(&mut self.stream, &ClientFrame::Call { id, call }).map_err(|e| lost(&e))?;
        loop {
            let body = read_frame(&mut self.stream, SERVICE_FRAME_LIMIT).map_err(|e| lost(&e))?;
            match serde_json::from_slice::<ServiceFrame>(&body).map_err(|e| lost(&e))? {
                ServiceFrame::Reply { id: got, result } if got == id => {
                    return result.map_err(StoreError::Remote);
                }
                ServiceFrame::Error { error, .. } => return Err(StoreError::Remote(error)),
                ServiceFrame::Output { id: got, host, stderr, bytes } if got == id => {
                    let stream = if stderr { Stream::Stderr } else { Stream::Stdout };
                    on_output(&host, stream, &bytes);
                }
                // Pushes and stale replies are not for this call.
                _ => {}
            }
        }
    }
}

/// The record at the service.
pub struct Remote {
    path: PathBuf,
    program: String,
    lang: Lang,
    store: RemoteStore,
}

impl Remote {
    pub fn connect(path: &Path, program: &str, lang: Lang) -> Result<Remote, StoreError> {
        let connection = Connection::open(path, program, lang)?;
        Ok(Remote {
            path: path.to_path_buf(),
            program: program.to_string(),
            lang,
            store: RemoteStore { connection: Mutex::new(connection) },
        })
    }

    /// Who the service says we are (None: a shared terminal nobody is signed in at).
    pub fn operator(&self) -> Option<Operator> {
        self.store.lock().operator.clone()
    }

    /// Runs an SSH action at the service (its key, its connections), streaming each
    /// host's output to `on_chunk`, ended at once on every host when `cancel` is set;
    /// the service records every run as ours.
    pub fn run_ssh(
        &self,
        ask: &crate::ops::ssh::SshAsk,
        on_chunk: &dyn Fn(&str, Stream, &[u8]),
        cancel: Option<&std::sync::Arc<std::sync::atomic::AtomicBool>>,
    ) -> Result<Vec<RunRecord>, StoreError> {
        use std::sync::atomic::Ordering;
        let mut connection = self.store.lock();
        // A run takes as long as its action allows: no call limit on reading.
        connection.stream.set_read_timeout(None).map_err(|e| unreachable(&self.path, &e))?;
        let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        // The cancel goes out on a clone of the socket while this thread reads.
        if let Some(cancel) = cancel {
            let mut writer = connection.stream.try_clone().map_err(|e| unreachable(&self.path, &e))?;
            let (cancel, finished, id) = (cancel.clone(), finished.clone(), connection.next + 1);
            std::thread::spawn(move || {
                while !finished.load(Ordering::Relaxed) {
                    if cancel.load(Ordering::Relaxed) {
                        let _ = write_frame(&mut writer, &ClientFrame::Cancel { id });
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
        let answer = connection
            .call_hearing(Call::Ssh(ask.clone()), &mut |host, stream, bytes| on_chunk(host, stream, bytes));
        finished.store(true, Ordering::Relaxed);
        let _ = connection.stream.set_read_timeout(Some(CALL_LIMIT));
        match answer? {
            Answer::SshRuns(records) => Ok(records),
            other => Err(mismatch(&other)),
        }
    }

    /// The reading side, for what takes a store.
    pub fn into_store(self) -> RemoteStore {
        self.store
    }

    /// Opens a second connection on which the service pushes every commit: calls `on`
    /// with each batch of events (an empty batch: some were missed, read again) until
    /// it returns false or the connection ends.
    pub fn subscribe(&self, mut on: impl FnMut(Vec<StoredEvent>) -> bool) -> Result<(), StoreError> {
        let mut connection = Connection::open(&self.path, &self.program, self.lang)?;
        connection.stream.set_read_timeout(None).map_err(|e| unreachable(&self.path, &e))?;
        write_frame(&mut connection.stream, &ClientFrame::Subscribe)
            .map_err(|e| unreachable(&self.path, &e))?;
        loop {
            let body = read_frame(&mut connection.stream, SERVICE_FRAME_LIMIT)
                .map_err(|e| unreachable(&self.path, &e))?;
            if let Ok(ServiceFrame::Pushed { events, lagged }) = serde_json::from_slice(&body) {
                let events = if lagged { Vec::new() } else { events };
                if !on(events) {
                    return Ok(());
                }
            }
        }
    }
}

impl Record for Remote {
    fn reader(&self) -> &dyn Store {
        &self.store
    }

    fn perform(&mut self, request: Request, _lang: Lang) -> Result<Done, StoreError> {
        match self.store.lock().call(Call::Perform(request))? {
            Answer::Done(done) => Ok(*done),
            other => Err(mismatch(&other)),
        }
    }

    fn new_site(&mut self, _site: crate::config::Site) {}
}

/// The store's reading methods, answered by the service; writing is for its operations.
pub struct RemoteStore {
    connection: Mutex<Connection>,
}

fn mismatch(answer: &Answer) -> StoreError {
    StoreError::Remote(service_error(
        format!("值班服务的回答不对：{answer:?}"),
        format!("the duty service answered out of turn: {answer:?}"),
    ))
}

fn writes_go_through_the_service() -> StoreError {
    StoreError::Remote(RemoteError {
        kind: crate::store::RemoteKind::Refused,
        zh: "通过值班服务时，修改只能经由它的操作完成".into(),
        en: "through the duty service, changes are made by its operations only".into(),
    })
}

macro_rules! read {
    ($self:ident, $read:expr, $answer:pat => $value:expr) => {
        match $self.lock().call(Call::Read($read))? {
            $answer => Ok($value),
            other => Err(mismatch(&other)),
        }
    };
}

impl RemoteStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for RemoteStore {
    fn execute(&mut self, _request: IncidentRequest<'_>) -> Result<Committed, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn incident(&self, id: &IncidentId) -> Result<Option<Incident>, StoreError> {
        read!(self, Read::Incident(id.clone()), Answer::Incident(i) => i.map(|i| *i))
    }
    fn incidents(&self, include_closed: bool) -> Result<Vec<Incident>, StoreError> {
        read!(self, Read::Incidents { include_closed }, Answer::Incidents(v) => v)
    }
    fn timeline(&self, subject: &str) -> Result<Vec<StoredEvent>, StoreError> {
        read!(self, Read::Timeline(subject.to_string()), Answer::Events(v) => v)
    }
    fn events(&self, since: Option<DateTime<Utc>>) -> Result<Vec<StoredEvent>, StoreError> {
        read!(self, Read::Events { since }, Answer::Events(v) => v)
    }
    fn events_after(&self, seq: u64, limit: u64) -> Result<Vec<StoredEvent>, StoreError> {
        read!(self, Read::EventsAfter { seq, limit }, Answer::Events(v) => v)
    }
    fn head(&self) -> Result<u64, StoreError> {
        read!(self, Read::Head, Answer::Head(h) => h)
    }
    fn verify(&self) -> Result<VerifyReport, StoreError> {
        read!(self, Read::Verify, Answer::Verify(r) => r)
    }
    fn verify_tail(&self, count: u64) -> Result<VerifyReport, StoreError> {
        read!(self, Read::VerifyTail(count), Answer::Verify(r) => r)
    }
    fn identity(&self) -> Result<(String, Option<(u64, String)>), StoreError> {
        read!(self, Read::Identity, Answer::Identity(id, head) => (id, head))
    }
    fn hash_at(&self, seq: u64) -> Result<Option<String>, StoreError> {
        read!(self, Read::HashAt(seq), Answer::Hash(h) => h)
    }
    fn record_alarm(&mut self, _request: AlarmRequest<'_>) -> Result<StoredEvent, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn alarm_ledger(&self) -> Result<AlarmLedger, StoreError> {
        read!(self, Read::AlarmLedger, Answer::AlarmLedger(l) => l)
    }
    fn record_checks(
        &mut self,
        _results: &[CheckResult],
        _rules: &ProbeRules<'_>,
        _now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn check_states(&self) -> Result<Vec<CheckState>, StoreError> {
        read!(self, Read::CheckStates, Answer::CheckStates(v) => v)
    }
    fn acquire_lease(
        &mut self,
        _holder: &str,
        _now: DateTime<Utc>,
        _ttl: chrono::Duration,
    ) -> Result<Lease, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn release_lease(&mut self, _holder: &str) -> Result<(), StoreError> {
        Err(writes_go_through_the_service())
    }
    fn lease(&self) -> Result<Option<Lease>, StoreError> {
        read!(self, Read::Lease, Answer::Lease(l) => l)
    }
    fn record_alerts(
        &mut self,
        _poll: &SourcePoll<'_>,
        _rules: &AlertRules<'_>,
        _now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn source_states(&self) -> Result<Vec<SourceState>, StoreError> {
        read!(self, Read::SourceStates, Answer::SourceStates(v) => v)
    }
    fn pending_writebacks(&self) -> Result<Vec<Writeback>, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn finish_writeback(
        &mut self,
        _writeback: &Writeback,
        _outcome: Result<String, String>,
        _actor: &Operator,
        _origin: &str,
        _now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Err(writes_go_through_the_service())
    }
    fn schedule_maintenance(
        &mut self,
        _window: Window,
        _actor: &Operator,
        _origin: &str,
        _now: DateTime<Utc>,
    ) -> Result<Window, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn end_maintenance(
        &mut self,
        _id: &str,
        _actor: &Operator,
        _origin: &str,
        _now: DateTime<Utc>,
    ) -> Result<Window, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn maintenance_windows(&self) -> Result<Vec<Window>, StoreError> {
        read!(self, Read::MaintenanceWindows, Answer::Windows(v) => v)
    }
    fn execute_run(&mut self, _request: RunRequest<'_>) -> Result<Run, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn run(&self, id: &str) -> Result<Option<Run>, StoreError> {
        read!(self, Read::Run(id.to_string()), Answer::Run(r) => r.map(|r| *r))
    }
    fn runs_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Run>, StoreError> {
        read!(self, Read::RunsBetween { from, to }, Answer::Runs(v) => v)
    }
    fn decline_run(
        &mut self,
        _slot: &Slot,
        _reason: &str,
        _actor: &Operator,
        _origin: &str,
        _now: DateTime<Utc>,
    ) -> Result<Declined, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn declined_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Declined>, StoreError> {
        read!(self, Read::DeclinedBetween { from, to }, Answer::Declined(v) => v)
    }
    fn record_event(
        &mut self,
        _kind: &str,
        _subject: &str,
        _payload: String,
        _actor: &Operator,
        _origin: &str,
        _now: DateTime<Utc>,
    ) -> Result<StoredEvent, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn append_decided(
        &mut self,
        _subject: &str,
        _decide: &mut Decide<'_>,
        _actor: &Operator,
        _origin: &str,
        _now: DateTime<Utc>,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn events_of(&self, prefix: &str, since: Option<DateTime<Utc>>) -> Result<Vec<StoredEvent>, StoreError> {
        read!(self, Read::EventsOf { prefix: prefix.to_string(), since }, Answer::Events(v) => v)
    }
    fn knowledge(&self, id: &str) -> Result<Option<crate::domain::knowledge::Entry>, StoreError> {
        read!(self, Read::Knowledge(id.to_string()), Answer::Entry(v) => v.map(|e| *e))
    }
    fn search_knowledge(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<crate::domain::knowledge::Entry>, StoreError> {
        read!(self, Read::SearchKnowledge { query: query.to_string(), limit }, Answer::Entries(v) => v)
    }
    fn secret(&self, _operator: &str) -> Result<Option<crate::store::StoredSecret>, StoreError> {
        Err(StoreError::Remote(RemoteError {
            kind: crate::store::RemoteKind::Refused,
            zh: "登录口令只在服务内核对，不经套接字读取".into(),
            en: "secrets are checked inside the service and never read over its socket".into(),
        }))
    }
    fn set_secret(
        &mut self,
        _secret: &crate::store::StoredSecret,
        _payload: String,
        _actor: &Operator,
        _origin: &str,
        _now: DateTime<Utc>,
    ) -> Result<StoredEvent, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn rebuild(&mut self) -> Result<u64, StoreError> {
        Err(writes_go_through_the_service())
    }
    fn import(&mut self, _events: &[StoredEvent]) -> Result<u64, StoreError> {
        Err(writes_go_through_the_service())
    }
}
