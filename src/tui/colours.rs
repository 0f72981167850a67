//! Colours as the terminal can show them. The terminal library writes every colour as
//! a 256-colour code (`38;5;9`), which an 8- or 16-colour terminal (`TERM=xterm`, the
//! Linux console) shows wrongly or not at all. Below 256 colours each frame is
//! rewritten on its way out: every colour becomes the nearest of the 16 classic codes
//! (`31`, `91`), which such terminals all show.

use std::io::{self, Write};

/// How many colours the terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// 256 colours or more: nothing to rewrite.
    Full,
    /// Fewer: the 16 classic colours.
    Sixteen,
}

impl Depth {
    /// From the terminal's own description (`tput colors`), else from `TERM`.
    pub fn of_terminal() -> Depth {
        let told = std::process::Command::new("tput")
            .arg("colors")
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse::<i32>().ok());
        let term = std::env::var("TERM").unwrap_or_default();
        Depth::of_count(told.unwrap_or(if term.contains("256") { 256 } else { 8 }))
    }

    pub fn of_count(colours: i32) -> Depth {
        if colours >= 256 { Depth::Full } else { Depth::Sixteen }
    }
}

/// A writer that keeps a frame until it is flushed, then writes it in colours the
/// terminal has.
pub struct Downgrade<W: Write> {
    inner: W,
    depth: Depth,
    frame: Vec<u8>,
}

impl<W: Write> Downgrade<W> {
    pub fn new(inner: W, depth: Depth) -> Downgrade<W> {
        Downgrade { inner, depth, frame: Vec::new() }
    }
}

impl<W: Write> Write for Downgrade<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.depth == Depth::Full {
            return self.inner.write(bytes);
        }
        self.frame.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.frame.is_empty() {
            let frame = std::mem::take(&mut self.frame);
            self.inner.write_all(&rewrite(&frame))?;
        }
        self.inner.flush()
    }
}

/// Rewrites the colour codes of every `ESC [ … m` in a frame.
pub fn rewrite(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len());
    let mut rest = frame;
    while let Some(start) = rest.windows(2).position(|w| w == b"\x1b[") {
        out.extend_from_slice(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.iter().position(|b| (0x40..=0x7e).contains(b)) else {
            out.extend_from_slice(&rest[start..]);
            return out;
        };
        let (params, last) = (&after[..end], after[end]);
        out.extend_from_slice(b"\x1b[");
        match (last, std::str::from_utf8(params)) {
            (b'm', Ok(text)) => out.extend_from_slice(sgr(text).as_bytes()),
            _ => out.extend_from_slice(params),
        }
        out.push(last);
        rest = &after[end + 1..];
    }
    out.extend_from_slice(rest);
    out
}

/// One SGR's parameters with their colours made classic.
fn sgr(params: &str) -> String {
    let parts: Vec<&str> = params.split(';').collect();
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        let ground = match parts[i] {
            "38" => Some(false),
            "48" => Some(true),
            _ => None,
        };
        let colour = match (ground, parts.get(i + 1).copied()) {
            (Some(_), Some("5")) => {
                parts.get(i + 2).and_then(|n| n.parse::<u8>().ok()).map(|n| (basic(n), 3))
            }
            (Some(_), Some("2")) => {
                let channel = |k: usize| parts.get(i + k).and_then(|n| n.parse::<u8>().ok());
                match (channel(2), channel(3), channel(4)) {
                    (Some(r), Some(g), Some(b)) => Some((nearest(r, g, b), 5)),
                    _ => None,
                }
            }
            _ => None,
        };
        match (ground, colour) {
            (Some(background), Some((index, used))) => {
                let code = match (background, index) {
                    (false, 0..=7) => 30 + u32::from(index),
                    (false, _) => 90 + u32::from(index - 8),
                    (true, 0..=7) => 40 + u32::from(index),
                    (true, _) => 100 + u32::from(index - 8),
                };
                out.push(code.to_string());
                i += used;
            }
            _ => {
                out.push(parts[i].to_string());
                i += 1;
            }
        }
    }
    out.join(";")
}

/// The 16-colour index nearest a palette colour.
fn basic(index: u8) -> u8 {
    match index {
        0..=15 => index,
        16..=231 => {
            let n = index - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            nearest(level(n / 36), level(n / 6 % 6), level(n % 6))
        }
        _ => {
            let grey = 8 + (index - 232) * 10;
            nearest(grey, grey, grey)
        }
    }
}

/// The nearest of the 16 classic colours (xterm's values).
fn nearest(r: u8, g: u8, b: u8) -> u8 {
    const CLASSIC: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    let distance = |(cr, cg, cb): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(r, cr) + d(g, cg) + d(b, cb)
    };
    (0..16u8).min_by_key(|i| distance(CLASSIC[*i as usize])).unwrap_or(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_codes_become_classic_ones_below_256_colours() {
        // Cursor moves are left alone.
        let frame = b"\x1b[38;5;9mX\x1b[48;5;4;1mY\x1b[0m\x1b[2;5HZ";
        assert_eq!(rewrite(frame), b"\x1b[91mX\x1b[44;1mY\x1b[0m\x1b[2;5HZ".to_vec());
        // A 256-palette and a true colour come out as their nearest classic colour.
        assert_eq!(rewrite(b"\x1b[38;5;196m"), b"\x1b[91m".to_vec());
        assert_eq!(rewrite(b"\x1b[38;2;0;0;0m"), b"\x1b[30m".to_vec());
        assert_eq!(Depth::of_count(8), Depth::Sixteen);
        assert_eq!(Depth::of_count(256), Depth::Full);
    }

    #[test]
    fn a_full_colour_terminal_gets_the_frame_untouched() {
        let mut out = Downgrade::new(Vec::new(), Depth::Full);
        out.write_all(b"\x1b[38;5;9mX").unwrap();
        out.flush().unwrap();
        assert_eq!(out.inner, b"\x1b[38;5;9mX".to_vec());
    }
}
