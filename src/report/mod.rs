//! Reports built from the record: Markdown for people, CSV for spreadsheets.

pub mod build;
pub mod fault;
pub mod handover;
pub mod inspection;
pub mod service;

/// A CSV field, quoted when it needs to be.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A Markdown table cell: pipes escaped, lines joined.
pub fn md_cell(text: &str) -> String {
    crate::text::visible(text, false).replace('|', "\\|").replace('⏎', "<br>")
}
