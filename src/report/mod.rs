//! Reports built from the record: Markdown for people, CSV for spreadsheets, printable
//! HTML (and PDF through a browser) for the centre's paper.

pub mod build;
pub mod chart;
pub mod doc;
pub mod fault;
pub mod handover;
pub mod inspection;
pub mod print;
pub mod service;

/// A CSV field, quoted when it needs to be. Made safe for a spreadsheet: control and
/// invisible characters shown as escapes (line breaks kept, inside quotes; a tab or CR
/// so never leads a cell), and a cell a spreadsheet would take for a formula
/// (`= + - @` first) prefixed with `'`.
pub fn csv_field(text: &str) -> String {
    let shown = crate::text::visible(text, true);
    let formula = shown.starts_with(['=', '+', '-', '@']);
    let cell = if formula { format!("'{shown}") } else { shown.into_owned() };
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell }
}

/// A Markdown table cell: HTML and link syntax escaped (a title cannot become a
/// `<script>` or a `javascript:` link), pipes escaped, lines joined.
pub fn md_cell(text: &str) -> String {
    md_text(text).replace('|', "\\|").replace('⏎', "<br>")
}

/// Text from outside made inert in Markdown: control characters shown, and the
/// characters that start HTML, links, images or code escaped.
pub fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::visible(text, false).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Without a bracket there is no link or image; without `<` no HTML or autolink.
            '[' | ']' | '`' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}
