//! One language at a time: every Chinese text the console and the CLI can show is read
//! out of the source (the `Text` pairs, `pick` pairs, the vocabulary's labels and the
//! Chinese arms of the messages) and must hold no Latin word but ids, units, key names,
//! command names and the names of things (an allow-list).

use std::path::Path;

/// Latin words a Chinese text may hold: key names, units, formats, commands the user
/// types, and the names of programs, protocols and files.
const ALLOWED: &[&str] = &[
    // keys
    "Ctrl",
    "Esc",
    "Tab",
    "Enter",
    "Shift",
    "Space",
    "PageUp",
    "PageDown",
    "Home",
    "End",
    // formats and units
    "HH",
    "MM",
    "YYYY",
    "DD",
    "SS",
    "ms",
    "RH",
    "h",
    "min",
    "s",
    "pid",
    // commands and options the user types
    "duty",
    "init",
    "demo",
    "dir",
    "open",
    "o",
    "report",
    "week",
    "month",
    "handover",
    "fault",
    "mute",
    "lang",
    "theme",
    "help",
    "quit",
    "q",
    "qa",
    "zh",
    "en",
    "state",
    "sev",
    "host",
    "owner",
    "critical",
    "serve",
    "inspection",
    "since",
    "until",
    "format",
    "pdf",
    "html",
    // names of programs, protocols, files and things
    "SSH",
    "MQ",
    "FTE",
    "UPS",
    "CSV",
    "Markdown",
    "HTML",
    "PDF",
    "PATH",
    "Debian",
    "chromium",
    "Alertmanager",
    "Zabbix",
    "PostgreSQL",
    "SQLite",
    "toml",
    "hosts",
    "checks",
    "checklists",
    "calendar",
    "site",
    "sla",
    "ssh",
    "sources",
    "known_hosts",
    "ID",
    "IP",
    "OS",
    "CPU",
    "DB",
    "ICMP",
    "TCP",
    "HTTP",
    "URL",
    "Unix",
    "systemd",
    "XDG_CONFIG_HOME",
    "keymap",
    "NAME",
    "shell",
    "ping",
    // keys of the site's files and commands named in a message
    "shifts",
    "free_form",
    "true",
    "store",
    "migrate",
    "confirm",
    "passwd",
    "plans",
    "login",
    "logout",
    "signin",
];

/// The Chinese half of every text pair in one source file.
fn chinese_texts(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let lines: Vec<&str> = source.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        // `Text::new("zh", "en")`, `lang.pick("zh", "en")`, `"zh", "en";` in the label
        // macros: the first literal of the pair, possibly on the next line.
        for marker in ["Text::new(", "pick("] {
            for (at, _) in line.match_indices(marker) {
                let rest = format!("{}{}", &line[at + marker.len()..], lines.get(n + 1).unwrap_or(&""));
                if let Some(text) = first_literal(&rest) {
                    found.push((n + 1, text));
                }
            }
        }
        if let Some((_, rest)) = line.split_once(" => \"")
            && rest.contains("\", \"")
            && rest.trim_end().ends_with(';')
        {
            found.push((n + 1, rest.split("\", \"").next().unwrap_or_default().to_string()));
        }
        // The Chinese arms of the messages: `(…, Lang::Zh) => format!("…")`.
        if line.contains("Lang::Zh) =>") {
            let rest: String = lines[n..lines.len().min(n + 4)].join(" ");
            let rest = &rest[rest.find("Lang::Zh) =>").unwrap_or(0)..];
            if let Some(text) = first_literal(rest) {
                found.push((n + 1, text));
            }
        }
    }
    found
}

/// The first string literal in `text` (escapes kept as written).
fn first_literal(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let mut out = String::new();
    let mut escaped = false;
    for c in text[start..].chars() {
        match (escaped, c) {
            (false, '\\') => escaped = true,
            (false, '"') => return Some(out),
            // An escape is a control character, not a word.
            (true, 'n' | 't' | 'r') => {
                escaped = false;
                out.push(' ');
            }
            _ => {
                escaped = false;
                out.push(c);
            }
        }
    }
    None
}

/// Latin words of a Chinese text, format placeholders and file names left out.
fn latin_words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = (depth - 1).max(0),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split(|c: char| !(c.is_ascii_alphabetic() || c == '_' || c == '-' || c == '.'))
        .map(|w| w.trim_matches(|c| c == '-' || c == '.' || c == '_'))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .flat_map(|w| w.split(['.', '-']).map(str::to_string).collect::<Vec<_>>())
        .filter(|w| !w.is_empty() && w.chars().any(|c| c.is_ascii_alphabetic()))
        .collect()
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_chinese_texts_hold_no_english_words() {
    let mut files = Vec::new();
    sources(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(), &mut files);
    files.sort();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for (line, text) in chinese_texts(&source) {
            // A pair whose first half is not Chinese at all is not a language pair.
            if !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                continue;
            }
            checked += 1;
            // A single letter is a key (`n`, `Ctrl-S`) or a unit (`°C`).
            let bad: Vec<String> = latin_words(&text)
                .into_iter()
                .filter(|w| w.chars().count() > 1 && !ALLOWED.contains(&w.as_str()))
                .collect();
            if !bad.is_empty() {
                let name = file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display();
                wrong.push(format!("{name}:{line}: {bad:?} in {text:?}"));
            }
        }
    }
    assert!(checked > 300, "only {checked} Chinese texts found: the scan is broken");
    assert!(wrong.is_empty(), "{} Chinese texts hold English words:\n{}", wrong.len(), wrong.join("\n"));
}
