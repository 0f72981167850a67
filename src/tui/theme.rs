//! Themes: a palette of named colours and the styles of the console built from it.
//! Built-ins are embedded from `themes/`; a user file overrides style by style. Colours
//! are ANSI names (the terminal's own palette applies), 0-255, or #rrggbb (used as
//! truecolor only when COLORTERM says so, else the nearest of the 256).

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

use crate::config::{ConfigErrors, ConfigProblem, SourceFile};

pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

macro_rules! slots {
    ($($slot:ident,)+) => {
        /// Every style the console draws with.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct Theme {
            $(pub $slot: Style,)+
        }

        const SLOT_NAMES: &[&str] = &[$(stringify!($slot),)+];

        impl Theme {
            fn slot_mut(&mut self, name: &str) -> Option<&mut Style> {
                match name { $(stringify!($slot) => Some(&mut self.$slot),)+ _ => None }
            }
        }
    };
}

slots! {
    base, title, border, tab, tab_active, header, selected, status_line, key_hint, muted,
    banner_due_soon, banner_breached, message_ok, message_error,
    running, due_soon, breached, paused, met, met_late, pending,
    severity_ordinary, severity_serious, severity_critical, form_focus, form_error,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    palette: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    styles: BTreeMap<String, Spanned<StyleFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleFile {
    fg: Option<Spanned<String>>,
    bg: Option<Spanned<String>>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underlined: bool,
    #[serde(default)]
    reversed: bool,
}

const NAMED_COLOURS: &[(&str, Color)] = &[
    ("reset", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
];

/// Whether the terminal takes 24-bit colour (COLORTERM=truecolor or 24bit).
pub fn truecolor_from_env() -> bool {
    std::env::var("COLORTERM").is_ok_and(|v| v == "truecolor" || v == "24bit")
}

fn parse_colour(text: &str, palette: &BTreeMap<String, Color>, truecolor: bool) -> Result<Color, String> {
    let lower = text.trim().to_ascii_lowercase();
    if let Some(colour) = palette.get(&lower) {
        return Ok(*colour);
    }
    if let Some((_, colour)) = NAMED_COLOURS.iter().find(|(name, _)| *name == lower) {
        return Ok(*colour);
    }
    if let Ok(index) = lower.parse::<u8>() {
        return Ok(Color::Indexed(index));
    }
    if let Some(hex) = lower.strip_prefix('#').filter(|h| h.len() == 6)
        && let Ok(value) = u32::from_str_radix(hex, 16)
    {
        let (r, g, b) = ((value >> 16) as u8, (value >> 8) as u8, value as u8);
        return Ok(if truecolor { Color::Rgb(r, g, b) } else { Color::Indexed(nearest_256(r, g, b)) });
    }
    let names: Vec<&str> = NAMED_COLOURS.iter().map(|(n, _)| *n).collect();
    Err(format!(
        "unknown colour \"{text}\" (expected a palette name, one of {}, 0-255 or #rrggbb)",
        names.join(", ")
    ))
}

/// The nearest colour of the xterm 6×6×6 cube.
fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let level = |c: u8| {
        if c < 48 {
            0
        } else if c < 115 {
            1
        } else {
            (c - 35) / 40
        }
    };
    16 + 36 * level(r) + 6 * level(g) + level(b)
}

impl Theme {
    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        let file =
            SourceFile { path: format!("<built-in themes/{name}.toml>").into(), text: text.to_string() };
        Some(Theme::default().overlay(&file, false).expect("built-in themes are valid"))
    }

    /// `base` overridden by the theme file at `path`.
    pub fn load_over(base: &Theme, path: &Path, truecolor: bool) -> Result<Theme, ConfigErrors> {
        let file = SourceFile::read(path).map_err(|p| ConfigErrors(vec![p]))?;
        base.clone().overlay(&file, truecolor)
    }

    /// Applies the styles of `file` over this theme, style by style.
    pub fn overlay(mut self, file: &SourceFile, truecolor: bool) -> Result<Theme, ConfigErrors> {
        let parsed: ThemeFile = file.parse().map_err(|p| ConfigErrors(vec![p]))?;
        let mut problems: Vec<ConfigProblem> = Vec::new();
        let mut palette = BTreeMap::new();
        for (name, value) in &parsed.palette {
            match parse_colour(value.get_ref(), &BTreeMap::new(), truecolor) {
                Ok(colour) => {
                    palette.insert(name.to_ascii_lowercase(), colour);
                }
                Err(message) => problems.push(file.problem(value.span(), message)),
            }
        }
        for (name, style) in &parsed.styles {
            let Some(slot) = self.slot_mut(name) else {
                problems.push(file.problem(
                    style.span(),
                    format!("unknown style \"{name}\" (expected one of: {})", SLOT_NAMES.join(", ")),
                ));
                continue;
            };
            let spec = style.get_ref();
            let mut built = Style::default();
            for (value, is_fg) in [(&spec.fg, true), (&spec.bg, false)] {
                let Some(value) = value else { continue };
                match parse_colour(value.get_ref(), &palette, truecolor) {
                    Ok(colour) if is_fg => built = built.fg(colour),
                    Ok(colour) => built = built.bg(colour),
                    Err(message) => problems.push(file.problem(value.span(), message)),
                }
            }
            for (on, modifier) in [
                (spec.bold, Modifier::BOLD),
                (spec.dim, Modifier::DIM),
                (spec.italic, Modifier::ITALIC),
                (spec.underlined, Modifier::UNDERLINED),
                (spec.reversed, Modifier::REVERSED),
            ] {
                if on {
                    built = built.add_modifier(modifier);
                }
            }
            *slot = built;
        }
        if problems.is_empty() { Ok(self) } else { Err(ConfigErrors(problems)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_themes_parse_and_define_every_style() {
        for (name, text) in BUILTIN {
            let theme = Theme::builtin(name).unwrap();
            for slot in SLOT_NAMES {
                assert!(text.contains(&format!("\n{slot} =")), "{name} lacks {slot}");
            }
            assert_ne!(theme.selected, Style::default(), "{name}: selection must show");
        }
    }

    #[test]
    fn mono_uses_no_colour() {
        let mono = Theme::builtin("mono").unwrap();
        for slot in SLOT_NAMES {
            let mut copy = mono.clone();
            let style = *copy.slot_mut(slot).unwrap();
            assert!(
                style.fg.is_none_or(|c| c == Color::Reset) && style.bg.is_none_or(|c| c == Color::Reset),
                "{slot}"
            );
        }
    }

    #[test]
    fn a_bad_colour_names_its_place_and_the_choices() {
        let file = SourceFile {
            path: "theme.toml".into(),
            text: "[styles]\nbreached = { fg = \"LightB lue\" }\n".into(),
        };
        let err = Theme::default().overlay(&file, false).unwrap_err().to_string();
        assert!(
            err.starts_with("theme.toml:2:19: unknown colour \"LightB lue\" (expected a palette name"),
            "{err}"
        );
    }

    #[test]
    fn hex_colours_fall_back_to_256_without_truecolor() {
        let palette = BTreeMap::new();
        assert_eq!(parse_colour("#ff0000", &palette, true).unwrap(), Color::Rgb(255, 0, 0));
        assert_eq!(parse_colour("#ff0000", &palette, false).unwrap(), Color::Indexed(196));
    }
}
