//! The real binary in a real terminal (tmux): type keys, read the screen.

use std::process::Command;
use std::time::{Duration, Instant};

use super::Fixture;

/// A detached tmux session on its own server socket, killed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(name: &str, f: &Fixture, who: &str, extra_env: &[(&str, &str)], args: &str) -> Tmux {
        let command = format!("{} {args}; sleep 60", env!("CARGO_BIN_EXE_duty"));
        Tmux::start_with(name, f, who, extra_env, &command)
    }

    /// A session running `command` (a shell command line) with the fixture's settings.
    pub fn start_command(name: &str, f: &Fixture, who: &str, command: &str) -> Tmux {
        Tmux::start_with(name, f, who, &[], command)
    }

    fn start_with(name: &str, f: &Fixture, who: &str, extra_env: &[(&str, &str)], command: &str) -> Tmux {
        let socket = format!("duty-test-{}-{name}", std::process::id());
        let mut env = format!(
            "env DUTY_SITE={} DUTY_STORE={} DUTY_OPERATOR={who} {}={} LANG=C.UTF-8 TERM=xterm-256color XDG_CONFIG_HOME={} XDG_STATE_HOME={}",
            f.site.display(),
            f.store.display(),
            duty::clock::TEST_CLOCK_VAR,
            f.clock.setting(),
            f.dir.path().display(),
            f.state_dir().display()
        );
        for (key, value) in extra_env {
            env.push_str(&format!(" {key}={value}"));
        }
        let command = format!("{env} {command}");
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "36", &command])
            .status()
            .expect("tmux runs (the test script installs it)");
        assert!(status.success());
        Tmux { socket }
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket]).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Presses named keys (Enter, Tab, C-s, Escape...).
    pub fn press(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Waits until the screen shows `text`; fails with the screen after `limit`.
    pub fn wait_for(&self, text: &str, limit: Duration) -> String {
        self.wait_until(|screen| screen.contains(text), &format!("{text:?}"), limit)
    }

    /// Waits until the screen shows every one of `texts` at once.
    pub fn wait_until_all(&self, texts: &[&str], limit: Duration) -> String {
        self.wait_until(|screen| texts.iter().all(|t| screen.contains(t)), &format!("{texts:?}"), limit)
    }

    /// Waits until the screen no longer shows `text`; fails with the screen after `limit`.
    pub fn wait_gone(&self, text: &str, limit: Duration) -> String {
        self.wait_until(|screen| !screen.contains(text), &format!("{text:?} to go"), limit)
    }

    fn wait_until(&self, done: impl Fn(&str) -> bool, what: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                // A capture can catch a frame half written: the screen returned for
                // further checks is one taken a moment later that still holds.
                std::thread::sleep(Duration::from_millis(30));
                let settled = self.screen();
                if done(&settled) {
                    return settled;
                }
            }
            assert!(start.elapsed() < limit, "waited {limit:?} for {what}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}
