//! Notices edits to a running site. The folder's files are looked at every couple of
//! seconds (their size, times and inode: a few `stat` calls); when anything changed, the
//! site is loaded again. A valid edit replaces the site in force; an invalid one keeps
//! the last good site running and is reported with its positions until it is mended.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::watch;

use super::{CHECKLISTS_DIR, ConfigErrors, Site};

/// How often the folder is looked at.
pub const EVERY: Duration = Duration::from_secs(2);

/// What the watcher last found wrong with the folder (None: the site in force is it).
pub type Problems = Option<ConfigErrors>;

/// A cheap fingerprint of every file in the site folder and its checklists folder.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, i64, i64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut files = Vec::new();
    for folder in [dir.to_path_buf(), dir.join(CHECKLISTS_DIR)] {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.filter_map(Result::ok) {
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                files.push((entry.path(), meta.len(), meta.mtime(), meta.mtime_nsec(), meta.ino()));
            }
        }
    }
    files.sort();
    files
}

/// Watches `dir` until every receiver of `sites` is gone, sending each valid new site
/// on `sites` and each problem (or its end) on `problems`.
pub async fn watch(dir: PathBuf, sites: watch::Sender<Site>, problems: watch::Sender<Problems>) {
    let mut seen = fingerprint(&dir);
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if sites.is_closed() {
            return;
        }
        let now = fingerprint(&dir);
        if now == seen {
            continue;
        }
        seen = now;
        let folder = dir.clone();
        let loaded = tokio::task::spawn_blocking(move || Site::load(&folder)).await;
        match loaded {
            Ok(Ok(site)) => {
                crate::log::write("site reloaded");
                problems.send_replace(None);
                sites.send_replace(site);
            }
            Ok(Err(errors)) => {
                crate::log::write(&format!("site edit not taken, the last good site stays: {errors}"));
                problems.send_replace(Some(errors));
            }
            Err(_) => {}
        }
    }
}
