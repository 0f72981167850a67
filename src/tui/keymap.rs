//! Keymaps: key syntax people already know (`a`, `<C-x>`, `<Enter>`, chords as
//! arrays), built-in defaults embedded from `keymaps/`, and the user's file overriding
//! binding by binding (`run = "noop"` unbinds). Problems are `file:line:col` errors.

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use super::action::Action;
use crate::config::{ConfigErrors, ConfigProblem, SourceFile};

/// The built-in keymaps, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
];

/// One key press, normalised: a character carries no SHIFT (the case says it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub mods: u8,
}

/// `KeyCode` wrapped so keys sort and hash the same way everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Insert", KeyCode::Insert),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
];

const CTRL: u8 = 1;
const ALT: u8 = 2;
const SHIFT: u8 = 4;

impl Key {
    /// The key of a terminal event.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let mut mods = 0;
        if event.modifiers.contains(KeyModifiers::CONTROL) {
            mods |= CTRL;
        }
        if event.modifiers.contains(KeyModifiers::ALT) {
            mods |= ALT;
        }
        if event.modifiers.contains(KeyModifiers::SHIFT) {
            mods |= SHIFT;
        }
        let code = match event.code {
            KeyCode::Char(c) => {
                mods &= !SHIFT;
                // Ctrl-[ arrives as Esc on most terminals; Ctrl-Space as Ctrl-' '.
                KeyCodeOrd::Char(if mods & CTRL != 0 { c.to_ascii_lowercase() } else { c })
            }
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::BackTab => {
                mods &= !SHIFT;
                KeyCodeOrd::Named("BackTab")
            }
            other => KeyCodeOrd::Named(NAMED.iter().find(|(_, code)| *code == other)?.0),
        };
        Some(Key { code, mods })
    }

    /// Parses `a`, `A`, `<C-x>`, `<A-x>`, `<S-Tab>`, `<Enter>`, `<Space>`, `<F1>`, `<C-[>` (Esc).
    pub fn parse(text: &str) -> Result<Key, String> {
        let bad = || {
            format!(
                "bad key \"{text}\" (expected a character or <C-x>, <A-x>, <S-x>, <Enter>, <Esc>, <Tab>, <Space>, <Up>, <F1>...)"
            )
        };
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return if c.is_control() || c == ' ' {
                Err(bad())
            } else {
                Ok(Key { code: KeyCodeOrd::Char(c), mods: 0 })
            };
        }
        let inner = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')).ok_or_else(bad)?;
        let mut mods = 0;
        let mut rest = inner;
        while let Some((prefix, tail)) = rest.split_once('-').filter(|(p, t)| p.len() == 1 && !t.is_empty()) {
            mods |= match prefix {
                "C" | "c" => CTRL,
                "A" | "a" | "M" | "m" => ALT,
                "S" | "s" => SHIFT,
                _ => return Err(bad()),
            };
            rest = tail;
        }
        let code = match rest {
            "Space" => KeyCodeOrd::Char(' '),
            "[" if mods == CTRL => return Ok(Key { code: KeyCodeOrd::Named("Esc"), mods: 0 }),
            "lt" => KeyCodeOrd::Char('<'),
            "gt" => KeyCodeOrd::Char('>'),
            "S-Tab" | "BackTab" => KeyCodeOrd::Named("BackTab"),
            single if single.chars().count() == 1 => {
                let c = single.chars().next().unwrap();
                if mods & SHIFT != 0 && c.is_alphabetic() {
                    mods &= !SHIFT;
                    KeyCodeOrd::Char(c.to_ascii_uppercase())
                } else if mods & CTRL != 0 {
                    KeyCodeOrd::Char(c.to_ascii_lowercase())
                } else {
                    KeyCodeOrd::Char(c)
                }
            }
            f if f.starts_with('F') && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) => {
                KeyCodeOrd::F(f[1..].parse().unwrap())
            }
            "Tab" if mods & SHIFT != 0 => {
                mods &= !SHIFT;
                KeyCodeOrd::Named("BackTab")
            }
            named => KeyCodeOrd::Named(NAMED.iter().find(|(n, _)| *n == named).ok_or_else(bad)?.0),
        };
        Ok(Key { code, mods })
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = match self.code {
            KeyCodeOrd::Char(' ') => "Space".to_string(),
            KeyCodeOrd::Char(c) => c.to_string(),
            KeyCodeOrd::F(n) => format!("F{n}"),
            KeyCodeOrd::Named(name) => name.to_string(),
        };
        let plain_char = matches!(self.code, KeyCodeOrd::Char(c) if c != ' ') && self.mods == 0;
        if plain_char {
            return f.write_str(&body);
        }
        let mut out = String::from("<");
        for (bit, letter) in [(CTRL, "C-"), (ALT, "A-"), (SHIFT, "S-")] {
            if self.mods & bit != 0 {
                out.push_str(letter);
            }
        }
        write!(f, "{out}{body}>")
    }
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Global,
    List,
    Detail,
    Inspection,
    Actions,
    Duty,
    Handover,
}

impl Section {
    pub const ALL: [(Section, &'static str); 7] = [
        (Section::Global, "global"),
        (Section::List, "list"),
        (Section::Detail, "detail"),
        (Section::Inspection, "inspection"),
        (Section::Actions, "actions"),
        (Section::Duty, "duty"),
        (Section::Handover, "handover"),
    ];
}

/// The active keymap: key sequences per section.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keymap {
    /// Per section: key sequence → (action, declaration order). The order keeps the
    /// footer and help in the order the keymap file lists its bindings.
    bindings: BTreeMap<Section, BTreeMap<Vec<Key>, (Action, u32)>>,
    declared: u32,
}

/// What a key sequence means so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    /// The start of a chord: wait for the next key.
    Prefix,
    None,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    #[serde(default)]
    global: Option<SectionFile>,
    #[serde(default)]
    list: Option<SectionFile>,
    #[serde(default)]
    detail: Option<SectionFile>,
    #[serde(default)]
    inspection: Option<SectionFile>,
    #[serde(default)]
    actions: Option<SectionFile>,
    #[serde(default)]
    duty: Option<SectionFile>,
    #[serde(default)]
    handover: Option<SectionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionFile {
    keymap: Vec<BindingFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingFile {
    on: Spanned<OnKeys>,
    run: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OnKeys {
    One(String),
    Chord(Vec<String>),
}

impl Keymap {
    /// A built-in keymap by name.
    pub fn builtin(name: &str) -> Option<Keymap> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        let file =
            SourceFile { path: format!("<built-in keymaps/{name}.toml>").into(), text: text.to_string() };
        Some(Keymap::default().overlay(&file).expect("built-in keymaps are valid"))
    }

    /// `base` overridden by the file at `path`, which names only the bindings it changes.
    pub fn load_over(base: &Keymap, path: &Path) -> Result<Keymap, ConfigErrors> {
        let file = SourceFile::read(path).map_err(|p| ConfigErrors(vec![p]))?;
        base.clone().overlay(&file)
    }

    /// Applies the bindings of `file` over this keymap, binding by binding.
    pub fn overlay(mut self, file: &SourceFile) -> Result<Keymap, ConfigErrors> {
        let parsed: KeymapFile = file.parse().map_err(|p| ConfigErrors(vec![p]))?;
        let mut problems: Vec<ConfigProblem> = Vec::new();
        let sections = [
            (Section::Global, parsed.global),
            (Section::List, parsed.list),
            (Section::Detail, parsed.detail),
            (Section::Inspection, parsed.inspection),
            (Section::Actions, parsed.actions),
            (Section::Duty, parsed.duty),
            (Section::Handover, parsed.handover),
        ];
        for (section, content) in sections {
            let Some(content) = content else { continue };
            let mut seen: BTreeMap<Vec<Key>, std::ops::Range<usize>> = BTreeMap::new();
            for binding in content.keymap {
                let texts: Vec<String> = match binding.on.get_ref() {
                    OnKeys::One(one) => vec![one.clone()],
                    OnKeys::Chord(chord) => chord.clone(),
                };
                let keys: Result<Vec<Key>, String> = texts.iter().map(|t| Key::parse(t)).collect();
                let keys = match keys {
                    Ok(keys) if !keys.is_empty() => keys,
                    Ok(_) => {
                        problems.push(file.problem(binding.on.span(), "empty key chord"));
                        continue;
                    }
                    Err(message) => {
                        problems.push(file.problem(binding.on.span(), message));
                        continue;
                    }
                };
                let Some(action) = Action::from_key(binding.run.get_ref()) else {
                    let known: Vec<&str> = Action::ALL.iter().map(|a| a.key()).collect();
                    problems.push(file.problem(
                        binding.run.span(),
                        format!(
                            "unknown action \"{}\" (expected one of: {})",
                            binding.run.get_ref(),
                            known.join(", ")
                        ),
                    ));
                    continue;
                };
                if let Some(first) = seen.insert(keys.clone(), binding.on.span()) {
                    let (line, _) = file.position(first.start);
                    problems.push(file.problem(
                        binding.on.span(),
                        format!(
                            "{} is bound twice in [{}] (first on line {line})",
                            chord_text(&keys),
                            section_name(section)
                        ),
                    ));
                    continue;
                }
                let map = self.bindings.entry(section).or_default();
                if action == Action::Noop {
                    map.remove(&keys);
                } else {
                    self.declared += 1;
                    map.insert(keys, (action, self.declared));
                }
            }
        }
        for (section, map) in &self.bindings {
            for keys in map.keys() {
                for len in 1..keys.len() {
                    if map.contains_key(&keys[..len]) {
                        problems.push(file.problem(
                            0..0,
                            format!(
                                "in [{}], {} is both a binding and the start of {}",
                                section_name(*section),
                                chord_text(&keys[..len]),
                                chord_text(keys)
                            ),
                        ));
                    }
                }
            }
        }
        if problems.is_empty() { Ok(self) } else { Err(ConfigErrors(problems)) }
    }

    /// What `keys` mean in `section` (falling back to global).
    pub fn lookup(&self, section: Section, keys: &[Key]) -> Lookup {
        for s in [section, Section::Global] {
            let Some(map) = self.bindings.get(&s) else { continue };
            if let Some((action, _)) = map.get(keys) {
                return Lookup::Action(*action);
            }
            if map.range(keys.to_vec()..).next().is_some_and(|(k, _)| k.starts_with(keys)) {
                return Lookup::Prefix;
            }
        }
        Lookup::None
    }

    /// The keys bound to `action` in `section` or global, for hints ("a", "<Enter>").
    pub fn keys_for(&self, section: Section, action: Action) -> Vec<String> {
        let mut found: Vec<(u32, String)> = [section, Section::Global]
            .iter()
            .filter_map(|s| self.bindings.get(s))
            .flat_map(|map| {
                map.iter().filter(|(_, (a, _))| *a == action).map(|(k, (_, order))| (*order, chord_text(k)))
            })
            .collect();
        found.sort();
        found.into_iter().map(|(_, keys)| keys).collect()
    }

    /// Every binding, for the help screen: (section name, keys, action).
    pub fn all(&self) -> Vec<(&'static str, String, Action)> {
        let mut out = Vec::new();
        for (section, name) in Section::ALL {
            out.extend(self.bindings_of(section).into_iter().map(|(keys, action)| (name, keys, action)));
        }
        out
    }

    /// One section's bindings as the keymap file lists them: (keys, action).
    pub fn bindings_of(&self, section: Section) -> Vec<(String, Action)> {
        let Some(map) = self.bindings.get(&section) else { return Vec::new() };
        let mut entries: Vec<_> = map.iter().map(|(keys, (action, order))| (*order, keys, *action)).collect();
        entries.sort();
        entries.into_iter().map(|(_, keys, action)| (chord_text(keys), action)).collect()
    }
}

fn section_name(section: Section) -> &'static str {
    Section::ALL.iter().find(|(s, _)| *s == section).map_or("?", |(_, n)| n)
}

fn chord_text(keys: &[Key]) -> String {
    keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(code: KeyCode, mods: KeyModifiers) -> Key {
        Key::from_event(&KeyEvent::new(code, mods)).unwrap()
    }

    #[test]
    fn parsed_keys_match_terminal_events() {
        assert_eq!(Key::parse("a").unwrap(), event(KeyCode::Char('a'), KeyModifiers::NONE));
        assert_eq!(Key::parse("A").unwrap(), event(KeyCode::Char('A'), KeyModifiers::SHIFT));
        assert_eq!(Key::parse("<S-a>").unwrap(), event(KeyCode::Char('A'), KeyModifiers::SHIFT));
        assert_eq!(Key::parse("<C-x>").unwrap(), event(KeyCode::Char('x'), KeyModifiers::CONTROL));
        assert_eq!(Key::parse("<Enter>").unwrap(), event(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(Key::parse("<S-Tab>").unwrap(), event(KeyCode::BackTab, KeyModifiers::SHIFT));
        assert_eq!(Key::parse("<C-[>").unwrap(), event(KeyCode::Esc, KeyModifiers::NONE));
        assert_eq!(Key::parse("<F1>").unwrap(), event(KeyCode::F(1), KeyModifiers::NONE));
        assert_eq!(Key::parse("<Space>").unwrap(), event(KeyCode::Char(' '), KeyModifiers::NONE));
        assert!(Key::parse("<Hyper-x>").is_err());
        assert!(Key::parse("<Enterr>").is_err());
        assert!(Key::parse("ab").is_err());
    }

    #[test]
    fn keys_print_as_they_are_written() {
        for text in ["a", "A", "<C-x>", "<Enter>", "<F5>", "<Space>", "<A-x>", "<BackTab>", "?"] {
            assert_eq!(Key::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn shipped_keymaps_parse_without_conflicts() {
        let needed = [
            (Section::List, Action::Quit),
            (Section::List, Action::Help),
            (Section::List, Action::Open),
            (Section::List, Action::Acknowledge),
            (Section::Detail, Action::Back),
            (Section::Detail, Action::Acknowledge),
            (Section::Detail, Action::Resolve),
        ];
        for (name, _) in BUILTIN {
            let keymap = Keymap::builtin(name).unwrap();
            for (section, action) in needed {
                assert!(!keymap.keys_for(section, action).is_empty(), "{name} has no key for {action:?}");
            }
        }
    }

    #[test]
    fn every_escape_binding_has_an_alternative() {
        for (name, _) in BUILTIN {
            let keymap = Keymap::builtin(name).unwrap();
            for (section_name, keys, action) in keymap.all() {
                let section = Section::ALL.iter().find(|(_, n)| *n == section_name).unwrap().0;
                if keys == "<Esc>" {
                    let all = keymap.keys_for(section, action);
                    assert!(all.len() > 1, "{name}: {action:?} only on <Esc> (slow under tmux)");
                }
            }
        }
    }

    #[test]
    fn chords_and_prefixes() {
        let keymap = Keymap::builtin("vim").unwrap();
        let g = Key::parse("g").unwrap();
        assert_eq!(keymap.lookup(Section::List, &[g]), Lookup::Prefix);
        assert_eq!(
            keymap.lookup(Section::List, &[g, g]),
            Lookup::Action(Action::Move(crate::tui::cursor::Move::Top))
        );
    }
}
