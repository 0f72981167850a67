//! The Debian package as a centre installs it: built by scripts/package, installed with
//! dpkg, its sample site passing `duty config check`, its unit accepted by
//! `systemd-analyze verify`, its manual page rendering, and the service started as its
//! own `duty` account (runuser: systemd is not PID 1 here) serving two engineers.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::accounts::{LEAD, OPERATOR, ensure_accounts};
use common::stderr;

fn run(program: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", stderr(&out));
    out
}

fn as_user(user: &str, args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", user, "--", "env", "DUTY_SITE=/etc/duty/site", "LANG=C", "XDG_STATE_HOME=/tmp"])
        .arg("/usr/bin/duty")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_package_installs_checks_and_serves_two_engineers() {
    ensure_accounts();
    let out_dir = tempfile::tempdir().unwrap();
    let built =
        run("bash", &["scripts/package", env!("CARGO_BIN_EXE_duty"), out_dir.path().to_str().unwrap()]);
    let deb = String::from_utf8(built.stdout).unwrap().trim().to_string();
    run("dpkg", &["-i", &deb]);

    // The account, the store's folder, the sample site.
    assert!(duty::identity::uid_of("duty").is_some(), "the package made the duty account");
    let env = [("DUTY_SITE", "/etc/duty/site")];
    let check = Command::new("/usr/bin/duty").args(["config", "check"]).envs(env).output().unwrap();
    assert!(check.status.success(), "the installed sample site passes: {}", stderr(&check));
    // scripts/test installs systemd for this: the unit is always checked.
    let verify = Command::new("systemd-analyze")
        .args(["verify", "/lib/systemd/system/duty.service"])
        .output()
        .unwrap();
    assert!(verify.status.success(), "systemd-analyze verify: {}", stderr(&verify));
    let man = Command::new("man").args(["-P", "cat", "duty"]).env("MANWIDTH", "80").output().unwrap();
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains("EXIT STATUS") && page.contains("duty serve"), "man duty renders: {page}");
    let completion = std::fs::read_to_string("/usr/share/bash-completion/completions/duty").unwrap();
    assert!(completion.contains("complete -F _duty duty"));

    // Two engineers on the site, the service as its own account.
    let site = "/etc/duty/site/site.toml";
    let mut text = std::fs::read_to_string(site).unwrap();
    text.push_str(&format!(
        "\n[[operators]]\nuser = \"{OPERATOR}\"\nname = \"Op\"\nrole = \"operator\"\n\n[[operators]]\nuser = \"{LEAD}\"\nname = \"Lead\"\nrole = \"lead\"\n"
    ));
    std::fs::write(site, text).unwrap();
    run("install", &["-d", "-o", "duty", "-g", "duty", "-m", "0750", "/run/duty"]);
    let mut service = Command::new("runuser")
        .args(["-u", "duty", "--", "env", "DUTY_SITE=/etc/duty/site", "DUTY_STORE=/var/lib/duty/duty.db"])
        .args(["XDG_STATE_HOME=/var/lib/duty", "/usr/bin/duty", "serve"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !std::path::Path::new("/run/duty/duty.sock").exists() {
        assert!(started.elapsed() < Duration::from_secs(15), "the service did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let opened = as_user(OPERATOR, &["incident", "open", "--title", "UPS alarm", "--severity", "ordinary"]);
    assert!(opened.status.success(), "{}", stderr(&opened));
    let id = String::from_utf8(opened.stdout).unwrap().trim().to_string();
    let noted = as_user(LEAD, &["incident", "note", &id, "--text", "seen by the lead"]);
    assert!(noted.status.success(), "{}", stderr(&noted));
    let log = as_user(LEAD, &["audit", "log", "--json"]);
    let log: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    let actors: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"] == id.as_str())
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, [OPERATOR, LEAD], "{log}");
    // The store is the service's alone.
    use std::os::unix::fs::MetadataExt;
    let store = std::fs::metadata("/var/lib/duty/duty.db").unwrap();
    assert_eq!(store.uid(), duty::identity::uid_of("duty").unwrap());
    assert_eq!(store.mode() & 0o077, 0, "no one else reads the store");

    let _ = service.kill();
    let _ = service.wait();
    run("dpkg", &["--purge", "duty"]);
    let _ = std::fs::remove_dir_all("/var/lib/duty");
    let _ = std::fs::remove_dir_all("/run/duty");
    let _ = std::fs::remove_dir_all("/etc/duty");
}
