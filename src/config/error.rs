//! Configuration problems, each pinned to `file:line:col`, all reported at once.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.col, self.message)
    }
}

/// Every problem found while loading configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigProblem>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The largest configuration file read: a site's files are a few kilobytes.
pub const SIZE_LIMIT: u64 = 1024 * 1024;

/// A file's text, to turn byte spans into line and column (columns count characters,
/// so a Chinese value lines up with what an editor shows).
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    /// Reads a file of at most `SIZE_LIMIT` bytes; a missing, unreadable, oversized or
    /// special file (a FIFO, a device) is a problem at 1:1.
    pub fn read(path: &Path) -> Result<SourceFile, ConfigProblem> {
        crate::files::read_text(path, SIZE_LIMIT)
            .map(|text| SourceFile { path: path.to_path_buf(), text })
            .map_err(|e| ConfigProblem {
                file: path.to_path_buf(),
                line: 1,
                col: 1,
                message: format!("cannot read: {e}"),
            })
    }

    /// Line and column (both 1-based) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..self.text.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// A problem at the start of `span`.
    pub fn problem(&self, span: Range<usize>, message: impl Into<String>) -> ConfigProblem {
        let (line, col) = self.position(span.start);
        ConfigProblem { file: self.path.clone(), line, col, message: message.into() }
    }

    /// A whole number that must lie in `range`: the default when absent, a problem (and
    /// the default) when outside.
    pub fn in_range(
        &self,
        value: &Option<toml::Spanned<i64>>,
        default: i64,
        range: std::ops::RangeInclusive<i64>,
        what: &str,
        problems: &mut Vec<ConfigProblem>,
    ) -> i64 {
        match value {
            None => default,
            Some(v) if range.contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                let message =
                    format!("{what} {} must be between {} and {}", v.get_ref(), range.start(), range.end());
                problems.push(self.problem(v.span(), message));
                default
            }
        }
    }

    /// Parses the file as TOML into `T`; a syntax or shape error becomes a problem.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigProblem> {
        toml::from_str(&self.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            self.problem(span, e.message().trim_end().to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let file = SourceFile { path: "x.toml".into(), text: "a = 1\nname = \"机房\" x\n".into() };
        let offset = file.text.find(" x").unwrap() + 1;
        assert_eq!(file.position(offset), (2, 13));
        assert_eq!(file.position(0), (1, 1));
        assert_eq!(file.problem(offset..offset + 1, "bad").to_string(), "x.toml:2:13: bad");
    }
}
