//! What leaves duty for another program is safe for it: a value put into a remote
//! shell command stays one word, whatever it holds.

mod common;

use proptest::prelude::*;

fn through_sh(quoted: &str) -> Vec<u8> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s' {quoted}"))
        .output()
        .expect("sh runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any text without NUL (which no argument can hold) comes out of `sh -c` exactly
    /// as it went in: quotes, `$(…)`, backticks, `;`, newlines, globs, non-ASCII.
    #[test]
    fn a_quoted_value_is_one_word_to_the_shell(text in "[^\\x00]{0,40}") {
        prop_assert_eq!(through_sh(&duty::text::shell_quote(&text)), text.as_bytes());
    }
}

#[test]
fn hostile_values_stay_words() {
    let cases = ["'; touch /tmp/duty-owned; echo '", "$(id)", "`id`", "a b\nc", "*", "\\'\\", "'", ""];
    for case in cases {
        assert_eq!(through_sh(&duty::text::shell_quote(case)), case.as_bytes(), "{case:?}");
    }
    assert!(!std::path::Path::new("/tmp/duty-owned").exists());
    println!("{} hostile shell values stayed words", cases.len());
}

/// A template that quotes a placeholder itself would open the value to the shell
/// again: the site check names the place.
#[test]
fn a_quoted_placeholder_is_a_config_error() {
    let f = common::Fixture::new();
    let path = f.site.join("ssh.toml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "command = \"uptime\"",
        "command = \"echo '{label}'\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let out = f.run("alice", &["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("ssh.toml:") && err.contains("{label} is put in the command already quoted"),
        "{err}"
    );
}

/// A reader that goes away (`duty incident list | head -1`) ends the command quietly:
/// exit 141 (or 0), nothing on stderr, never a panic.
#[test]
fn a_broken_pipe_ends_quietly() {
    let f = common::Fixture::new();
    for n in 0..30 {
        f.ok("alice", &["incident", "open", "--title", &format!("磁盘告警 {n}"), "--severity", "ordinary"]);
    }
    let mut child = f
        .cmd("alice")
        .args(["incident", "list", "--all"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(141 | 0)), "{:?} {err}", out.status);
    assert!(!err.contains("panicked"), "{err}");
}
