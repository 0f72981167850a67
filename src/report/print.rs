//! A printable page made into a PDF by a headless Chromium, where one is installed.
//! The page goes to the browser as a file in a directory only this user can read, and
//! the browser runs with a profile of its own that is thrown away after.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The names Chromium is installed under (Debian's, Ubuntu's, Google's).
const BROWSERS: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/// How long a page may take to print before the browser is stopped.
const DEADLINE: Duration = Duration::from_secs(90);

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("no browser to print with: none of {} is on PATH (install Debian's chromium, or write --format html and print that)", BROWSERS.join(", "))]
    NoBrowser,
    #[error("{browser} did not print the page: {detail}")]
    Failed { browser: String, detail: String },
    #[error("the page could not be handed to the browser: {0}")]
    Io(#[from] std::io::Error),
}

impl PrintError {
    /// What went wrong, in the reader's language.
    pub fn say(&self, lang: crate::i18n::Lang) -> String {
        match (self, lang) {
            (PrintError::NoBrowser, crate::i18n::Lang::Zh) => format!(
                "没有可用于打印的浏览器：PATH 中没有 {}（请安装 Debian 的 chromium，或用 --format html 写出页面再打印）",
                BROWSERS.join("、")
            ),
            (PrintError::Failed { browser, detail }, crate::i18n::Lang::Zh) => {
                format!("{browser} 未能打印该页面：{detail}")
            }
            (PrintError::Io(e), crate::i18n::Lang::Zh) => format!("无法把页面交给浏览器：{e}"),
            (e, crate::i18n::Lang::En) => e.to_string(),
        }
    }
}

/// The first browser found on PATH.
pub fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| BROWSERS.iter().map(move |name| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A directory of our own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        let mut random = [0u8; 8];
        crate::files::random_bytes(&mut random)?;
        let dir = std::env::temp_dir().join(format!("duty-print-{}", hex::encode(random)));
        // Made new (never an existing path or a link planted there), readable by us alone.
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The browser without a window, with a profile and a home of its own in `dir`, doing
/// nothing but the page it is given: the flags every print shares (a page shot to PNG
/// by the tests too).
pub fn headless(browser: &Path, dir: &Path) -> Command {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            // Nothing but the page: no updates, sync or lookups on a closed network.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .env("HOME", dir);
    // Chromium will not start as root inside its sandbox; the page is our own, with a
    // policy that lets it load and run nothing.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        command.arg("--no-sandbox");
    }
    command
}

/// The page printed to PDF on A4 (the page's own `@page` rule), without the browser's
/// header and footer.
pub fn pdf(html: &str) -> Result<Vec<u8>, PrintError> {
    let browser = browser().ok_or(PrintError::NoBrowser)?;
    let scratch = Scratch::new()?;
    let page = scratch.0.join("page.html");
    let out = scratch.0.join("page.pdf");
    crate::files::write_new_private(&page, html.as_bytes())?;
    let mut command = headless(&browser, &scratch.0);
    command
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // To a file rather than a pipe no one reads while it runs (a full pipe would stall it).
        .stderr(crate::files::create_new_private(&scratch.0.join("browser.log"))?);
    let name = browser.display().to_string();
    let failed = |detail: String| PrintError::Failed { browser: name.clone(), detail };
    let mut child = command.spawn().map_err(|e| failed(e.to_string()))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed(format!("no PDF after {} s", DEADLINE.as_secs())));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    match std::fs::read(&out) {
        Ok(bytes) if status.success() && bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => {
            let stderr = std::fs::read_to_string(scratch.0.join("browser.log")).unwrap_or_default();
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
            Err(failed(format!("{status}; {}", crate::text::visible(last, false))))
        }
    }
}
