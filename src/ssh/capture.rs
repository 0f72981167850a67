//! Output of a remote command, kept bounded: byte counts, a streaming SHA-256, the first
//! lines and the last bytes. Tens of megabytes pass through without being held.

use std::collections::VecDeque;

use sha2::{Digest, Sha256};

/// How much of the start and the end of a stream is kept.
pub const HEAD_BYTES: usize = 8 * 1024;
pub const TAIL_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, Default)]
pub struct Capture {
    pub bytes: u64,
    digest: Sha256,
    pub head: Vec<u8>,
    pub tail: VecDeque<u8>,
}

impl Capture {
    pub fn push(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        self.digest.update(chunk);
        let room = HEAD_BYTES.saturating_sub(self.head.len());
        self.head.extend_from_slice(&chunk[..chunk.len().min(room)]);
        self.tail.extend(chunk.iter().copied());
        let excess = self.tail.len().saturating_sub(TAIL_BYTES);
        self.tail.drain(..excess);
    }

    /// The hex SHA-256 of everything pushed.
    pub fn sha256(&self) -> String {
        hex::encode(self.digest.clone().finalize())
    }

    /// The first non-empty line, decoded leniently.
    pub fn first_line(&self) -> String {
        String::from_utf8_lossy(&self.head)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .to_string()
    }

    /// The last non-empty line, decoded leniently.
    pub fn last_line(&self) -> String {
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        String::from_utf8_lossy(&tail)
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_with_exact_counts_and_digest() {
        let mut capture = Capture::default();
        let mut all = Sha256::new();
        for i in 0..2000u32 {
            let line = format!("line {i}\n");
            capture.push(line.as_bytes());
            all.update(line.as_bytes());
        }
        assert_eq!(capture.sha256(), hex::encode(all.finalize()));
        assert!(capture.head.len() <= HEAD_BYTES && capture.tail.len() <= TAIL_BYTES);
        assert_eq!(capture.first_line(), "line 0");
        assert_eq!(capture.last_line(), "line 1999");
        assert_eq!(capture.bytes, (0..2000).map(|i: u32| format!("line {i}\n").len() as u64).sum::<u64>());
    }
}
