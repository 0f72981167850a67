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

/// Text anyone can plant (a title, a description, a note) reaches no reader raw: no
/// control, C1, bidi or zero-width character in any CLI view or format, no live
/// formula in a CSV cell, no HTML or link in Markdown.
#[test]
fn hostile_text_reaches_no_output_raw() {
    const HOSTILE: &[&str] = &[
        "\x1b[2J\x1b[H",
        "\x1b]0;owned\x07",
        "\x1b]52;c;SGVsbG8=\x07",
        "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
        "\x1bPq#0;2;0;0;0\x1b\\",
        "\u{9b}31m",
        "\u{202e}gnp.exe",
        "evi\u{200b}l.example",
        "line\roverwritten",
        "back\x08\x08",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
    ];
    let f = common::Fixture::new();
    let mut ids = Vec::new();
    for (n, text) in HOSTILE.iter().enumerate() {
        let (title, description) = (format!("--title={text} 标题{n}"), format!("--description={text}"));
        let out = f.run("alice", &["incident", "open", &title, "--severity", "ordinary", &description]);
        assert!(out.status.success(), "{text:?}: {}", common::stderr(&out));
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        f.ok("alice", &["incident", "ack", &id]);
        f.ok("alice", &["incident", "note", &id, &format!("--text={text}")]);
        ids.push(id);
    }
    let mut views: Vec<(String, Vec<u8>)> = Vec::new();
    let mut view = |name: String, args: &[&str]| {
        let out = f.run("alice", args);
        assert!(out.status.success(), "{name}: {}", common::stderr(&out));
        views.push((name, out.stdout));
    };
    view("incident list".into(), &["incident", "list", "--all"]);
    view("incident list --json".into(), &["incident", "list", "--all", "--json"]);
    for id in &ids {
        view(format!("incident show {id}"), &["incident", "show", id]);
        view(format!("incident show {id} --json"), &["incident", "show", id, "--json"]);
        view(format!("report fault {id} md"), &["report", "fault", id]);
        view(format!("report fault {id} csv"), &["report", "fault", id, "--format", "csv"]);
    }
    view("audit log".into(), &["audit", "log"]);
    view("audit log --json".into(), &["audit", "log", "--json"]);
    let mut leaks = Vec::new();
    for (name, bytes) in &views {
        let text = String::from_utf8_lossy(bytes);
        for c in text.chars() {
            let bad = (c.is_control() && c != '\n') || duty::text::is_invisible(c);
            if bad {
                leaks.push(format!("{name}: raw U+{:04X}", c as u32));
            }
        }
        if name.ends_with("csv") {
            for cell in csv_cells(&text) {
                if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    leaks.push(format!("{name}: live formula {cell:?}"));
                }
            }
        }
        // An escaped bracket (`\]`) starts no link.
        let live_link = text.replace("\\]", "").contains("](javascript");
        if name.ends_with("md") && (text.contains("<script") || live_link) {
            leaks.push(format!("{name}: live HTML or link"));
        }
    }
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks.join("\n"));
    println!("{} hostile texts × {} outputs: 0 leaks", HOSTILE.len(), views.len());
}

/// The cells of a CSV text as a spreadsheet reads them (quoted cells may hold commas,
/// quotes and line breaks).
fn csv_cells(text: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if cell.is_empty() => quoted = true,
            (',' | '\n', false) => cells.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}
