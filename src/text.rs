//! Text from outside (titles, notes, later alert annotations and SSH output) made
//! harmless before it reaches a terminal, and laid out by display width.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// Replaces control characters (C0, DEL, C1, and bidi overrides that can reorder what
/// a reader sees) with visible escapes such as `\x1b`, so no text can move the
/// cursor, change colours or retitle the terminal. Newlines become `⏎` unless kept.
pub fn visible(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let harmful = |c: char| (c.is_control() && !(keep_newlines && c == '\n')) || is_invisible(c);
    if !text.chars().any(harmful) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' if !keep_newlines => out.push('⏎'),
            '\t' => out.push_str("    "),
            c if harmful(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if harmful(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Characters that draw nothing or reorder what is drawn: C1 controls, bidi marks and
/// overrides, zero-width and format characters (`evil.example` shown as `evis.example`).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{9f}'
        | '\u{ad}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}')
}

/// JSON text with every invisible character (see `is_invisible`) written as its `\u`
/// escape. Lossless: outside strings JSON holds none of them, inside a string the
/// escape decodes to the same character.
pub fn json_invisible_escaped(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            c if is_invisible(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// One word for a POSIX shell, whatever it holds: single-quoted, each `'` closed,
/// escaped and reopened. What the site's inventory says (a label, a host name) goes
/// into a remote command only through this, so `'; touch x; echo '` stays a word.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Display width in terminal columns (CJK characters take two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Pads or truncates `text` to exactly `columns` display columns (ellipsis when cut).
pub fn fit(text: &str, columns: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total = width(text);
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        let room = if total > columns { columns.saturating_sub(1) } else { columns };
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if total > columns && columns > 0 {
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(visible("ok", false), "ok");
        assert_eq!(visible("\x1b[2Jboom\x07", false), "\\x1b[2Jboom\\x07");
        assert_eq!(visible("a\nb", false), "a⏎b");
        assert_eq!(visible("a\nb", true), "a\nb");
        assert_eq!(visible("\u{9b}31m", false), "\\x9b31m");
        assert_eq!(visible("x\u{202e}y", false), "x\\u{202e}y");
    }

    #[test]
    fn fits_wide_characters() {
        assert_eq!(fit("数据库", 6), "数据库");
        assert_eq!(fit("数据库", 8), "数据库  ");
        assert_eq!(fit("数据库服务器", 7), "数据库…");
        assert_eq!(width(&fit("数据库服务器", 7)), 7);
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
