//! OS accounts for the tests of who acts (created as root with useradd).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use super::Fixture;

use super::stderr;

/// The OS accounts of these tests: an operator, a lead, one in the group who is not an
/// operator, and one outside the group.
pub const OPERATOR: &str = "dutytest-op";
pub const LEAD: &str = "dutytest-lead";
pub const STRANGER: &str = "dutytest-x";
pub const OUTSIDER: &str = "dutytest-out";

pub fn ensure_accounts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let run = |program: &str, args: &[&str]| {
            let out = Command::new(program).args(args).output().unwrap();
            assert!(
                out.status.success() || stderr(&out).contains("already exists"),
                "{program} {args:?}: {}",
                stderr(&out)
            );
        };
        run("groupadd", &["-f", "duty"]);
        for user in [OPERATOR, LEAD, STRANGER, OUTSIDER] {
            if duty::identity::uid_of(user).is_none() {
                run("useradd", &["-M", "-N", "-s", "/usr/sbin/nologin", user]);
            }
        }
        for user in [OPERATOR, LEAD, STRANGER] {
            run("usermod", &["-a", "-G", "duty", user]);
        }
    });
}

/// Lets every account read the site and enter the fixture's folder (the store file
/// itself stays the service's: 0600).
pub fn open_up(f: &Fixture) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(f.dir.path(), 0o755);
    mode(&f.site, 0o755);
    mode(&f.site.join("checklists"), 0o755);
    mode(&f.site.join("plans"), 0o755);
    for dir in [f.site.clone(), f.site.join("checklists"), f.site.join("plans")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                mode(&path, 0o644);
            }
        }
    }
}

/// `duty` as an OS account, with the fixture's site and clock, and a state folder of its
/// own; `env` adds (or forges) variables.
pub fn user_command(f: &Fixture, user: &str, env: &[(&str, &str)]) -> Command {
    let state = state_of(f, user);
    let mut command = Command::new("runuser");
    command.args(["-u", user, "--", "env"]);
    command.arg(format!("DUTY_SITE={}", f.site.display()));
    command.arg(format!("DUTY_STORE={}", f.store.display()));
    command.arg(format!("{}={}", duty::clock::TEST_CLOCK_VAR, f.clock.setting()));
    command.arg(format!("XDG_STATE_HOME={}", state.display()));
    command.arg("LANG=C");
    for (key, value) in env {
        command.arg(format!("{key}={value}"));
    }
    command.arg(env!("CARGO_BIN_EXE_duty"));
    command
}

/// A state folder of the account's own.
pub fn state_of(f: &Fixture, user: &str) -> PathBuf {
    let state = f.dir.path().join(format!("state-{user}"));
    std::fs::create_dir_all(&state).unwrap();
    let uid = duty::identity::uid_of(user).unwrap();
    let chown = Command::new("chown").arg(uid.to_string()).arg(&state).status().unwrap();
    assert!(chown.success());
    state
}

/// A site whose operators are the test accounts (and alice for root's scripts), with a
/// service on a socket in the fixture's folder, which others may enter.
/// `service` adds lines to the `[service]` section.
pub fn service_site(service: &str) -> (Fixture, PathBuf) {
    ensure_accounts();
    let f = Fixture::new();
    let socket = f.dir.path().join("duty.sock");
    let site_toml = f.site.join("site.toml");
    let mut text = std::fs::read_to_string(&site_toml).unwrap();
    text.push_str(&format!(
        "\n[[operators]]\nuser = \"{OPERATOR}\"\nname = \"Op\"\nrole = \"operator\"\n\n[[operators]]\nuser = \"{LEAD}\"\nname = \"Lead\"\nrole = \"lead\"\n\n[service]\nsocket = \"{}\"\ngroup = \"duty\"\n{service}",
        socket.display()
    ));
    std::fs::write(&site_toml, text).unwrap();
    open_up(&f);
    (f, socket)
}
