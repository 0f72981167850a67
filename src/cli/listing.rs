//! What every list of the command line shares: `-o table|wide|json|csv` (and `--json`,
//! the same as `-o json`), the period filter `--since`/`--until`, and the printing. A
//! list gives its columns and, per row, the cells a reader sees and the record a script
//! reads; the table shows the cells (made harmless for the terminal here), JSON the
//! records, and CSV the records' fields flattened (`request.from`), so a spreadsheet
//! gets the same keys a script does.

use chrono::{DateTime, Utc};
use clap::Args;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Session;
use crate::i18n::Lang;
use crate::text::{fit, visible};

/// How a list is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// A table for the terminal
    Table,
    /// The table with every column
    Wide,
    /// JSON, for scripts
    Json,
    /// CSV, for a spreadsheet
    Csv,
}

/// `-o` and `--json`.
#[derive(Args, Debug)]
pub struct OutputArgs {
    /// table | wide | json | csv
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Output::Table)]
    output: Output,
    /// The same as -o json
    #[arg(long)]
    json: bool,
}

impl OutputArgs {
    pub fn get(&self) -> Output {
        if self.json { Output::Json } else { self.output }
    }
}

/// `--since` and `--until`: the period a list covers.
#[derive(Args, Debug, Default)]
pub struct Period {
    /// Only those at or after this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)
    #[arg(long)]
    since: Option<crate::time::UserTime>,
    /// Only those before this time (RFC 3339 or the site's time such as 22:00, 2026-12-02 22:00, yesterday 23:10)
    #[arg(long)]
    until: Option<crate::time::UserTime>,
}

/// A period read in the site's zone.
#[derive(Clone, Copy, Debug)]
pub struct Between {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Period {
    pub fn resolve(&self, session: &Session) -> Result<Between, super::Failure> {
        let between =
            Between { since: session.time_opt(&self.since)?, until: session.time_opt(&self.until)? };
        if let (Some(since), Some(until)) = (between.since, between.until)
            && since >= until
        {
            return Err(super::Failure::Usage(
                session.lang.pick("--since 须早于 --until", "--since must come before --until").to_string(),
            ));
        }
        Ok(between)
    }
}

impl Between {
    pub fn holds(&self, at: DateTime<Utc>) -> bool {
        self.since.is_none_or(|s| at >= s) && self.until.is_none_or(|u| at < u)
    }
}

/// A value typed by its key, as the records store it (`known_error`, `rolled_back`).
pub fn key<T: DeserializeOwned>(typed: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(typed.trim().to_string())).map_err(|e| {
        // serde says "unknown variant `x`, expected one of `a`, `b`": said plainly.
        let said = e.to_string();
        let expected = said.rsplit("expected one of").next().unwrap_or_default().replace('`', "");
        format!("\"{typed}\": expected one of {}", expected.trim())
    })
}

/// A column: its heading in both languages, its width in the table (0: the rest of the
/// line, for the last), and whether only the wide table shows it.
pub struct Column {
    zh: &'static str,
    en: &'static str,
    width: usize,
    wide: bool,
}

pub const fn column(zh: &'static str, en: &'static str, width: usize) -> Column {
    Column { zh, en, width, wide: false }
}

pub const fn wide(zh: &'static str, en: &'static str, width: usize) -> Column {
    Column { zh, en, width, wide: true }
}

/// A list to print: per row, the cells of the columns and the record behind them.
pub struct Listing<'a, T> {
    pub columns: &'a [Column],
    pub rows: Vec<(Vec<String>, T)>,
    /// What the table says when there is nothing: `(zh, en)`.
    pub empty: (&'static str, &'static str),
}

impl<T: Serialize> Listing<'_, T> {
    pub fn print(&self, output: Output, lang: Lang) -> anyhow::Result<()> {
        let records = || self.rows.iter().map(|(_, record)| record);
        match output {
            Output::Json => super::print_json(&records().collect::<Vec<_>>()),
            Output::Csv => {
                let flat: Vec<Vec<(String, String)>> = records()
                    .map(|r| Ok(flatten(serde_json::to_value(r)?)))
                    .collect::<anyhow::Result<_>>()?;
                print!("{}", csv(&flat));
                Ok(())
            }
            Output::Table | Output::Wide => {
                let shown: Vec<usize> = (0..self.columns.len())
                    .filter(|&i| output == Output::Wide || !self.columns[i].wide)
                    .collect();
                let line = |cells: Vec<String>| {
                    let last = shown.len().saturating_sub(1);
                    let cells: Vec<String> = shown
                        .iter()
                        .zip(cells)
                        .enumerate()
                        .map(|(n, (&i, cell))| match self.columns[i].width {
                            width if width > 0 && n < last => fit(&cell, width),
                            _ => cell,
                        })
                        .collect();
                    cells.join(" ").trim_end().to_string()
                };
                println!(
                    "{}",
                    line(
                        shown
                            .iter()
                            .map(|&i| lang.pick(self.columns[i].zh, self.columns[i].en).to_string())
                            .collect()
                    )
                );
                for (cells, _) in &self.rows {
                    let cells = shown
                        .iter()
                        .map(|&i| cells.get(i).map_or_else(String::new, |c| visible(c, false).into_owned()));
                    println!("{}", line(cells.collect()));
                }
                if self.rows.is_empty() {
                    println!("{}", lang.pick(self.empty.0, self.empty.1));
                }
                Ok(())
            }
        }
    }
}

/// A record's fields as `key = text`: nested objects by dotted keys, a list of plain
/// values joined by spaces, any other list as its JSON.
fn flatten(value: serde_json::Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, value: serde_json::Value, out: &mut Vec<(String, String)>) {
        use serde_json::Value;
        let text = match value {
            Value::Object(fields) => {
                for (key, value) in fields {
                    let key = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
                    walk(&key, value, out);
                }
                return;
            }
            Value::Null => String::new(),
            Value::String(s) => s,
            Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => items
                .iter()
                .map(|i| if let Value::String(s) = i { s.clone() } else { i.to_string() })
                .collect::<Vec<_>>()
                .join(" "),
            other => other.to_string(),
        };
        out.push((prefix.to_string(), text));
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

/// The records as CSV: the keys in the order first seen (a record's own in the order
/// JSON keeps them, by name; nested ones last), a cell per key and record.
fn csv(records: &[Vec<(String, String)>]) -> String {
    let mut keys: Vec<&str> = Vec::new();
    for (key, _) in records.iter().flatten() {
        if !keys.contains(&key.as_str()) {
            keys.push(key);
        }
    }
    // A record's own fields before those of what it holds (`seq` before `payload.…`).
    keys.sort_by_key(|k| k.contains('.'));
    let field = crate::report::csv_field;
    let mut out = keys.iter().map(|k| field(k)).collect::<Vec<_>>().join(",") + "\n";
    for record in records {
        let cells: Vec<String> = keys
            .iter()
            .map(|k| record.iter().find(|(key, _)| key == k).map_or_else(String::new, |(_, v)| field(v)))
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_holds_the_records_fields_flattened_and_made_safe() {
        let records = [
            serde_json::json!({ "id": "CHG-1", "request": { "from": "2026-12-02T22:00:00Z", "hosts": ["a", "b"] }, "n": 2 }),
            serde_json::json!({ "id": "=cmd", "request": { "from": null, "hosts": [] }, "extra": true }),
        ];
        let flat: Vec<_> = records.into_iter().map(flatten).collect();
        assert_eq!(
            csv(&flat),
            "id,n,extra,request.from,request.hosts\n\
             CHG-1,2,,2026-12-02T22:00:00Z,a b\n\
             '=cmd,,true,,\n"
        );
    }

    #[test]
    fn a_period_holds_its_start_but_not_its_end() {
        let at = |h| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 2, h, 0, 0).unwrap();
        let between = Between { since: Some(at(8)), until: Some(at(20)) };
        assert!(
            between.holds(at(8)) && between.holds(at(19)) && !between.holds(at(20)) && !between.holds(at(7))
        );
    }
}
