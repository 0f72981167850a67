//! Files the way the record needs them: written whole or not at all, never through a
//! symlink somebody planted, readable by their owner only whatever the umask; and read
//! with a bound, refusing FIFOs and devices, so a site file pointed at `/dev/zero` or a
//! pipe cannot fill memory or hang a command.

use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Owner read and write only.
pub const PRIVATE: u32 = 0o600;
/// Owner read and write, group read.
pub const GROUP_READABLE: u32 = 0o640;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("it is not a regular file (a FIFO, a device or a folder): not read")]
    NotAFile,
    #[error("it is larger than {limit} bytes: not read")]
    TooLarge { limit: u64 },
}

/// Reads a regular file of at most `limit` bytes. The file is opened without blocking
/// (a FIFO would otherwise wait for a writer) and looked at before it is read.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow while it is read: never take more than the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Reads a bounded regular file as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_bounded(path, limit)?;
    String::from_utf8(bytes)
        .map_err(|_| ReadError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text")))
}

/// Writes `bytes` to `path` with `mode`: into a new file beside it (created with
/// `O_EXCL | O_NOFOLLOW`, so neither a planted file nor a symlink is followed), synced,
/// then renamed over `path` (a rename replaces a symlink itself, never its target).
pub fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&temporary)?;
        // The umask may have taken bits away; never more than asked for.
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// `write_atomically` with owner-only permissions.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically(path, bytes, PRIVATE)
}

/// Fills `bytes` from the kernel's random source.
pub fn random_bytes(bytes: &mut [u8]) -> std::io::Result<()> {
    std::fs::File::open("/dev/urandom")?.read_exact(bytes)
}

/// Writes a new file, owner-only, that must not exist yet (nor be a symlink): a key
/// handed to someone is never written over another file.
pub fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = create_new_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates a new file, owner-only, that must not exist yet (nor be a symlink), to be
/// written later.
pub fn create_new_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Makes an existing file readable by its owner only (a store the moment SQLite made it).
pub fn make_private(path: &Path) {
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(PRIVATE));
}

/// Creates a folder (and its parents) that only its owner may enter, if it is missing.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

/// A number that differs between calls in one process (for temporary names).
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_files_are_private_whole_and_never_follow_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let path = dir.path().join("report.md");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write_private(&path, b"report").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep", "the link's target is untouched");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "report");
        let mode = std::fs::symlink_metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn reads_are_bounded_and_refuse_fifos_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 2000]).unwrap();
        assert!(matches!(read_bounded(&big, 1000), Err(ReadError::TooLarge { limit: 1000 })));
        assert_eq!(read_bounded(&big, 2000).unwrap().len(), 2000);
        assert!(matches!(read_bounded(Path::new("/dev/zero"), 1000), Err(ReadError::NotAFile)));
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_bounded(&fifo, 1000), Err(ReadError::NotAFile)));
    }
}
