//! The programs' own log. A console writes to a file, never to the screen (the screen
//! belongs to the console): `$XDG_STATE_HOME/duty/console.log`, readable by its owner
//! only (it names incidents and people). A headless engine or service writes to stderr,
//! which systemd keeps in the journal.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::atomic::{AtomicBool, Ordering};

static TO_STDERR: AtomicBool = AtomicBool::new(false);

/// From now on, this process logs to stderr (headless programs).
pub fn to_stderr() {
    TO_STDERR.store(true, Ordering::Relaxed);
}

/// Appends one line with a UTC timestamp; a log that cannot be written is not an error
/// worth stopping anything for.
pub fn write(line: &str) {
    let stamp = crate::time::canonical(crate::clock::Clock::system().now());
    let line = crate::text::visible(line, false);
    if TO_STDERR.load(Ordering::Relaxed) {
        let _ = writeln!(std::io::stderr(), "{stamp} {line}");
        return;
    }
    let path = crate::paths::console_log();
    if let Some(dir) = path.parent() {
        let _ = crate::files::private_dir(dir);
    }
    let opened = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(crate::files::PRIVATE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path);
    if let Ok(mut file) = opened {
        let _ = writeln!(file, "{stamp} pid {} {line}", std::process::id());
    }
}
