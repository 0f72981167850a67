//! known_hosts, read and matched by us, because libssh2 gets it wrong: one bad line
//! voids its whole file, `@revoked` is ignored, and a plain entry matches any port. Here
//! a bad line is skipped (and reported), a revoked key refuses, `[host]:port` is matched
//! exactly, hashed entries (`ssh-keygen -H`) work, and a missing file refuses.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The OpenSSH fingerprint of a key blob: `SHA256:` and unpadded base64.
pub fn fingerprint(blob: &[u8]) -> String {
    format!("SHA256:{}", STANDARD_NO_PAD.encode(Sha256::digest(blob)))
}

/// How a host name appears in known_hosts for a port.
pub fn host_pattern(host: &str, port: u16) -> String {
    if port == 22 { host.to_string() } else { format!("[{host}]:{port}") }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Names {
    Plain(Vec<String>),
    /// `|1|salt|hash`: HMAC-SHA1 of the name keyed with the salt.
    Hashed {
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    line: usize,
    revoked: bool,
    names: Names,
    key_type: String,
    key: Vec<u8>,
}

impl Entry {
    fn names_host(&self, name: &str) -> bool {
        match &self.names {
            Names::Plain(names) => names.iter().any(|n| n == name),
            Names::Hashed { salt, hash } => {
                let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(salt) else { return false };
                mac.update(name.as_bytes());
                mac.verify_slice(hash).is_ok()
            }
        }
    }
}

/// The parsed file, with the lines that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownHosts {
    pub path: PathBuf,
    entries: Vec<Entry>,
    /// (line, why) for every line skipped.
    pub skipped: Vec<(usize, String)>,
}

/// What known_hosts says of a presented host key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Trusted,
    /// Not in the file: refuse, and show what a trust step would add.
    Unknown {
        fingerprint: String,
        key_type: String,
        line_to_add: String,
    },
    /// A different key of the same type is on record: refuse, loudly.
    Changed {
        fingerprint: String,
        line: usize,
    },
    /// The key is marked @revoked.
    Revoked {
        fingerprint: String,
        line: usize,
    },
}

/// A usable line: revoked?, names, key type, key blob.
type Parsed = (bool, Names, String, Vec<u8>);

fn parse_line(text: &str) -> Result<Option<Parsed>, String> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    let mut fields = text.split_whitespace();
    let mut first = fields.next().unwrap_or_default();
    let mut revoked = false;
    if first.starts_with('@') {
        match first {
            "@revoked" => revoked = true,
            "@cert-authority" => return Err("@cert-authority lines are not supported".into()),
            other => return Err(format!("unknown marker {other}")),
        }
        first = fields.next().ok_or("no host names")?;
    }
    let key_type = fields.next().ok_or("no key type")?.to_string();
    let key =
        STANDARD.decode(fields.next().ok_or("no key")?).map_err(|e| format!("the key is not base64: {e}"))?;
    let names = if let Some(hashed) = first.strip_prefix("|1|") {
        let (salt, hash) = hashed.split_once('|').ok_or("a hashed name needs |1|salt|hash")?;
        let decode = |s: &str| STANDARD.decode(s).map_err(|e| format!("a hashed name is not base64: {e}"));
        Names::Hashed { salt: decode(salt)?, hash: decode(hash)? }
    } else {
        let names: Vec<String> = first.split(',').map(str::to_string).collect();
        // A revoked key refuses whatever host it is for, so its names do not matter.
        if !revoked && names.iter().any(|n| n.contains(['*', '?', '!'])) {
            return Err("host patterns with * ? ! are not supported".into());
        }
        Names::Plain(names)
    };
    Ok(Some((revoked, names, key_type, key)))
}

impl KnownHosts {
    /// Reads the file. A missing or unreadable file is an error: it must refuse, never
    /// mean "no check".
    pub fn load(path: &Path) -> std::io::Result<KnownHosts> {
        let text = std::fs::read_to_string(path)?;
        let mut entries = Vec::new();
        let mut skipped = Vec::new();
        for (index, line) in text.lines().enumerate() {
            match parse_line(line) {
                Ok(Some((revoked, names, key_type, key))) => {
                    entries.push(Entry { line: index + 1, revoked, names, key_type, key })
                }
                Ok(None) => {}
                Err(why) => skipped.push((index + 1, why)),
            }
        }
        Ok(KnownHosts { path: path.to_path_buf(), entries, skipped })
    }

    /// Judges the key a host presented on a port.
    /// The key types known for a host, in file order.
    pub fn key_types(&self, host: &str, port: u16) -> Vec<String> {
        let name = host_pattern(host, port);
        let mut types: Vec<String> = Vec::new();
        for entry in self.entries.iter().filter(|e| !e.revoked && e.names_host(&name)) {
            if !types.contains(&entry.key_type) {
                types.push(entry.key_type.clone());
            }
        }
        types
    }

    pub fn check(&self, host: &str, port: u16, key_type: &str, key: &[u8]) -> Verdict {
        let fingerprint = fingerprint(key);
        if let Some(revoked) = self.entries.iter().find(|e| e.revoked && e.key == key) {
            return Verdict::Revoked { fingerprint, line: revoked.line };
        }
        let name = host_pattern(host, port);
        let mine: Vec<&Entry> = self.entries.iter().filter(|e| !e.revoked && e.names_host(&name)).collect();
        if mine.iter().any(|e| e.key_type == key_type && e.key == key) {
            return Verdict::Trusted;
        }
        // A key of another type than every known one: asked first for the known types,
        // the host no longer offers them (a downgrade, or another machine): changed.
        if let Some(changed) = mine.iter().find(|e| e.key_type == key_type).or(mine.first()) {
            return Verdict::Changed { fingerprint, line: changed.line };
        }
        Verdict::Unknown {
            fingerprint,
            key_type: key_type.to_string(),
            line_to_add: format!("{name} {key_type} {}", STANDARD.encode(key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIJdD7x8m4z5sXq3Xo6c8b0m0vWq2r7a4Qz9M0k5Wq1Zb";
    const OTHER: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIKqE1v6Yb3b2Jf0P8Nn1b3a9cB7yX0w2Vz8a1Q2r3s4t";

    fn file(text: &str) -> KnownHosts {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("known_hosts");
        std::fs::write(&path, text).unwrap();
        KnownHosts::load(&path).unwrap()
    }

    fn key(b64: &str) -> Vec<u8> {
        STANDARD.decode(b64).unwrap()
    }

    #[test]
    fn ports_are_matched_exactly_and_bad_lines_do_not_void_the_file() {
        let kh = file(&format!(
            "garbage line\n[127.0.0.1]:2222 ssh-ed25519 {KEY}\n@cert-authority * ssh-ed25519 {KEY}\n"
        ));
        assert_eq!(kh.skipped.len(), 2);
        assert_eq!(kh.check("127.0.0.1", 2222, "ssh-ed25519", &key(KEY)), Verdict::Trusted);
        assert!(matches!(kh.check("127.0.0.1", 2223, "ssh-ed25519", &key(KEY)), Verdict::Unknown { .. }));
        assert!(matches!(kh.check("127.0.0.1", 22, "ssh-ed25519", &key(KEY)), Verdict::Unknown { .. }));
    }

    #[test]
    fn changed_and_revoked_keys_refuse() {
        let kh = file(&format!("[h]:2222 ssh-ed25519 {KEY}\n@revoked * ssh-ed25519 {OTHER}\n"));
        assert!(kh.skipped.is_empty(), "a revoked line may name any host");
        assert_eq!(
            kh.check("h", 2222, "ssh-ed25519", &key(OTHER)),
            Verdict::Revoked { fingerprint: fingerprint(&key(OTHER)), line: 2 }
        );
        let kh = file(&format!("[h]:2222 ssh-ed25519 {KEY}\n"));
        assert_eq!(
            kh.check("h", 2222, "ssh-ed25519", &key(OTHER)),
            Verdict::Changed { fingerprint: fingerprint(&key(OTHER)), line: 1 }
        );
    }

    #[test]
    fn hashed_entries_match() {
        let salt = b"0123456789abcdefghij";
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(salt).unwrap();
        mac.update(b"[h]:2222");
        let hash = mac.finalize().into_bytes();
        let kh = file(&format!("|1|{}|{} ssh-ed25519 {KEY}\n", STANDARD.encode(salt), STANDARD.encode(hash)));
        assert_eq!(kh.check("h", 2222, "ssh-ed25519", &key(KEY)), Verdict::Trusted);
        assert!(matches!(kh.check("h", 2223, "ssh-ed25519", &key(KEY)), Verdict::Unknown { .. }));
    }

    #[test]
    fn fingerprints_read_like_openssh() {
        assert!(fingerprint(&key(KEY)).starts_with("SHA256:"));
        assert!(!fingerprint(&key(KEY)).ends_with('='));
    }
}
