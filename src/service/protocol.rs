//! The service's protocol, kept boring: frames of a 4-byte big-endian length and that
//! many bytes of JSON. The client speaks first (`Hello`, stating its version); the
//! service answers `Welcome` with who the kernel says the client is, or `Error` and
//! closes. Then each `Call` has one `Reply` with the same id; a subscribed client also
//! gets `Pushed` frames with the events of every commit. A frame that is not JSON or
//! not a known message gets an `Error` and changes nothing; a frame longer than the
//! limit, or cut short, ends the connection (its framing is lost) and changes nothing.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::alarm::AlarmLedger;
use crate::domain::check::CheckState;
use crate::domain::checklist::Run;
use crate::domain::maintenance::Window;
use crate::domain::{Incident, IncidentId, Operator};
use crate::engine::health::Health;
use crate::i18n::Lang;
use crate::ops::{Done, Request};
use crate::store::{Declined, Lease, RemoteError, SourceState, StoredEvent, VerifyReport};

/// The protocol's version; a client of another version is turned away with a reason.
pub const VERSION: u32 = 2;
/// The largest frame a client may send.
pub const CLIENT_FRAME_LIMIT: u32 = 1024 * 1024;
/// The largest frame the service sends (a whole queue of incidents fits).
pub const SERVICE_FRAME_LIMIT: u32 = 256 * 1024 * 1024;

/// What a client sends.
// Externally tagged, every one of them: serde reads such a frame as it comes, where an
// internally tagged one would first be copied whole into memory (a queue of 10,000
// incidents twice over).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientFrame {
    /// The first frame: the client's version, its program (`cli`, `console`), the
    /// language it wants errors in and, for root only, whom it acts as.
    Hello {
        version: u32,
        program: String,
        lang: Lang,
        act_as: Option<String>,
    },
    Call {
        id: u64,
        call: Call,
    },
    /// From now on, push the events of every commit on this connection.
    Subscribe,
    /// Ends the SSH run of call `id` at once (the console's cancel).
    Cancel {
        id: u64,
    },
}

/// One request of a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// An operation, for the person the kernel says is asking.
    Perform(Request),
    /// A read of the record.
    Read(Read),
    /// Runs an SSH action with the service's own key, for the caller: its output comes
    /// as `Output` frames, then the reply with one record per host (recorded as the
    /// caller's).
    Ssh(crate::ops::ssh::SshAsk),
}

/// The reads a front end makes: the store's reading methods.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Read {
    Incident(IncidentId),
    Incidents {
        include_closed: bool,
    },
    Timeline(String),
    Events {
        since: Option<DateTime<Utc>>,
    },
    EventsAfter {
        seq: u64,
        limit: u64,
    },
    Head,
    Verify,
    VerifyTail(u64),
    Identity,
    HashAt(u64),
    AlarmLedger,
    CheckStates,
    Lease,
    SourceStates,
    MaintenanceWindows,
    Run(String),
    RunsBetween {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    DeclinedBetween {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    EventsOf {
        prefix: String,
        since: Option<DateTime<Utc>>,
    },
    /// How the service's engine is doing.
    Engines,
    Knowledge(String),
    SearchKnowledge {
        query: String,
        limit: usize,
    },
}

/// The answer to a call.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Done(Box<Done>),
    Incident(Option<Box<Incident>>),
    Incidents(Vec<Incident>),
    Events(Vec<StoredEvent>),
    Head(u64),
    Verify(VerifyReport),
    Identity(String, Option<(u64, String)>),
    Hash(Option<String>),
    AlarmLedger(AlarmLedger),
    CheckStates(Vec<CheckState>),
    Lease(Option<Lease>),
    SourceStates(Vec<SourceState>),
    Windows(Vec<Window>),
    Run(Option<Box<Run>>),
    Runs(Vec<Run>),
    Declined(Vec<Declined>),
    Engines(Vec<Health>),
    SshRuns(Vec<crate::ssh::runner::RunRecord>),
    Entry(Option<Box<crate::domain::knowledge::Entry>>),
    Entries(Vec<crate::domain::knowledge::Entry>),
}

/// What the service sends.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceFrame {
    /// The handshake's answer: who the client is, by the kernel, and the service's time.
    Welcome {
        version: u32,
        /// None: a shared terminal's account, acting for nobody until someone signs in.
        operator: Option<Operator>,
        origin: String,
        now: DateTime<Utc>,
    },
    Reply {
        id: u64,
        result: Result<Answer, RemoteError>,
    },
    /// The events of a commit (or, `lagged`, a sign that some were not sent because the
    /// client was too slow: it reads again).
    Pushed {
        events: Vec<StoredEvent>,
        lagged: bool,
    },
    /// A chunk of a host's output, for the SSH run of call `id`.
    Output {
        id: u64,
        host: String,
        stderr: bool,
        bytes: Vec<u8>,
    },
    /// A frame that could not be taken (`id` when it was a call), or why the service
    /// closes the connection.
    Error {
        id: Option<u64>,
        error: RemoteError,
    },
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The connection ended (cleanly, between frames).
    #[error("the connection was closed")]
    Closed,
    /// The connection ended inside a frame.
    #[error("the connection was closed inside a frame")]
    Truncated,
    #[error("a frame of {length} bytes is over the limit of {limit}")]
    TooLarge { length: u32, limit: u32 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads one frame's bytes (blocking).
pub fn read_frame(reader: &mut impl std::io::Read, limit: u32) -> Result<Vec<u8>, FrameError> {
    let mut length = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match reader.read(&mut length[got..])? {
            0 if got == 0 => return Err(FrameError::Closed),
            0 => return Err(FrameError::Truncated),
            n => got += n,
        }
    }
    let length = u32::from_be_bytes(length);
    if length > limit {
        return Err(FrameError::TooLarge { length, limit });
    }
    let mut body = vec![0u8; length as usize];
    reader.read_exact(&mut body).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => FrameError::Truncated,
        _ => FrameError::Io(e),
    })?;
    Ok(body)
}

/// The frame of a message.
pub fn frame(message: &impl Serialize) -> Vec<u8> {
    let body = serde_json::to_vec(message).expect("protocol messages serialise");
    let mut out = Vec::with_capacity(body.len() + 4);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Writes one message as a frame (blocking).
pub fn write_frame(writer: &mut impl Write, message: &impl Serialize) -> std::io::Result<()> {
    writer.write_all(&frame(message))?;
    writer.flush()
}

/// An error of the service itself, in both languages.
pub fn service_error(zh: impl Into<String>, en: impl Into<String>) -> RemoteError {
    RemoteError { kind: crate::store::RemoteKind::Service, zh: zh.into(), en: en.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_bad_ones_are_named() {
        let hello =
            ClientFrame::Hello { version: VERSION, program: "cli".into(), lang: Lang::Zh, act_as: None };
        let bytes = frame(&hello);
        let body = read_frame(&mut &bytes[..], CLIENT_FRAME_LIMIT).unwrap();
        assert_eq!(serde_json::from_slice::<ClientFrame>(&body).unwrap(), hello);
        assert!(matches!(read_frame(&mut &bytes[..3], CLIENT_FRAME_LIMIT), Err(FrameError::Truncated)));
        assert!(matches!(
            read_frame(&mut &bytes[..bytes.len() - 1], CLIENT_FRAME_LIMIT),
            Err(FrameError::Truncated)
        ));
        assert!(matches!(read_frame(&mut &[][..], CLIENT_FRAME_LIMIT), Err(FrameError::Closed)));
        let huge = (CLIENT_FRAME_LIMIT + 1).to_be_bytes();
        assert!(matches!(read_frame(&mut &huge[..], CLIENT_FRAME_LIMIT), Err(FrameError::TooLarge { .. })));
    }
}
