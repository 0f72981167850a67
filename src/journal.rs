//! The system journal, as a second place the record's anchor is kept: each seal's
//! epoch and the chain head it covers are sent to journald (its native protocol: one
//! datagram of `KEY=value` lines on its socket), where the machine's own log keeps
//! them out of the store's reach. Where no journal listens, nothing is sent and the
//! caller is told once.

use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;

/// journald's socket for native messages.
const SOCKET: &str = "/run/systemd/journal/socket";
/// The variable a test build may point the journal at (read only in test builds).
pub const TEST_SOCKET_VAR: &str = "DUTY_JOURNAL_SOCKET";

fn socket() -> PathBuf {
    #[cfg(feature = "test-clock")]
    if let Some(path) = std::env::var_os(TEST_SOCKET_VAR) {
        return PathBuf::from(path);
    }
    PathBuf::from(SOCKET)
}

/// One message: `fields` are upper-case journal field names and their values.
pub fn send(fields: &[(&str, String)]) -> std::io::Result<()> {
    send_to(&socket(), fields)
}

fn send_to(path: &std::path::Path, fields: &[(&str, String)]) -> std::io::Result<()> {
    UnixDatagram::unbound()?.send_to(&datagram(fields), path).map(|_| ())
}

/// The native protocol's datagram: `NAME=value` lines, a value with a newline in the
/// length-prefixed form.
fn datagram(fields: &[(&str, String)]) -> Vec<u8> {
    let mut datagram: Vec<u8> = Vec::new();
    for (name, value) in [("SYSLOG_IDENTIFIER", "duty".to_string())].iter().chain(fields) {
        datagram.extend_from_slice(name.as_bytes());
        if value.contains('\n') {
            datagram.push(b'\n');
            datagram.extend_from_slice(&(value.len() as u64).to_le_bytes());
        } else {
            datagram.push(b'=');
        }
        datagram.extend_from_slice(value.as_bytes());
        datagram.push(b'\n');
    }
    datagram
}

/// Sends a seal to the journal: the store, the epoch and the head it covers.
pub fn seal(store_id: &str, seal: &crate::seal::Seal) -> std::io::Result<()> {
    send(&[
        ("MESSAGE", format!("duty: sealed epoch {} at event {} (head {})", seal.epoch, seal.seq, seal.head)),
        ("PRIORITY", "5".to_string()),
        ("DUTY_STORE_ID", store_id.to_string()),
        ("DUTY_SEAL_EPOCH", seal.epoch.to_string()),
        ("DUTY_HEAD_SEQ", seal.seq.to_string()),
        ("DUTY_HEAD_HASH", seal.head.clone()),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_message_is_one_datagram_of_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.socket");
        let listener = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
        let fields = [("MESSAGE", "two\nlines".to_string()), ("PRIORITY", "5".to_string())];
        super::send_to(&path, &fields).unwrap();
        let datagram = super::datagram(&fields);
        let mut buffer = vec![0u8; 4096];
        let n = listener.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..n], datagram.as_slice());
        let text = String::from_utf8_lossy(&buffer[..n]);
        assert!(text.starts_with("SYSLOG_IDENTIFIER=duty\nMESSAGE\n"), "{text}");
        assert!(text.ends_with("PRIORITY=5\n"), "{text}");
    }
}
