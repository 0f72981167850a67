//! The console's own log: a file, never the screen (the screen belongs to the console).
//! `$XDG_STATE_HOME/duty/console.log`, else `~/.local/state/duty/console.log`.

use std::io::Write;
use std::path::PathBuf;

fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")))?;
    Some(base.join("duty").join("console.log"))
}

/// Appends one line with a UTC timestamp; a log that cannot be written is not an error
/// worth stopping the console for.
pub fn write(line: &str) {
    let Some(path) = path() else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(
            file,
            "{} pid {} {line}",
            crate::time::canonical(crate::clock::Clock::system().now()),
            std::process::id()
        );
    }
}
