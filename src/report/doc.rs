//! A report as a list of blocks, written once and rendered either as Markdown or as a
//! printable HTML page (A4, self-contained, nothing fetched or run). Text in a block is
//! as recorded; each renderer makes it inert for its reader.

use crate::i18n::Lang;

/// One block of a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// The report's title (`#`).
    Title(String),
    /// A section (`##`).
    Heading(String),
    /// A paragraph of lines.
    Lines(Vec<String>),
    /// A bulleted list.
    List(Vec<String>),
    /// A quoted remark.
    Quote(String),
    /// A table: its header, which columns are figures (right-aligned), its rows.
    Table { head: Vec<String>, numeric: Vec<bool>, rows: Vec<Vec<String>> },
    /// On paper only: a form's rows.
    Form(Vec<Field>),
    /// On paper only: charts side by side (one, or two halves), already drawn as SVG by
    /// [`super::chart`].
    Chart(Vec<String>),
    /// On paper only: boxes to sign in, each with its role and what the record holds
    /// (the electronic signature, or nothing yet).
    SignHere(Vec<(String, Option<String>)>),
}

/// A row of a form: its label, what was filled in, and whether it is a field for a
/// hand to write in (free text not filled in yet), given room on paper.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub label: String,
    pub value: String,
    pub write_in: bool,
}

impl Block {
    /// A table whose columns are all text but the ones listed as figures.
    pub fn table(head: Vec<String>, numeric: &[usize], rows: Vec<Vec<String>>) -> Block {
        let numeric = (0..head.len()).map(|i| numeric.contains(&i)).collect();
        Block::Table { head, numeric, rows }
    }
}

/// The blocks as Markdown: blocks apart by a blank line; forms, charts and signature
/// boxes are for paper and left out.
pub fn markdown(blocks: &[Block]) -> String {
    let rendered: Vec<String> = blocks.iter().filter_map(markdown_block).collect();
    rendered.join("\n")
}

fn markdown_block(block: &Block) -> Option<String> {
    use super::md_cell;
    let row = |cells: &[String]| {
        let mut line = String::from("|");
        for cell in cells {
            let cell = md_cell(cell);
            line.push_str(&if cell.is_empty() { " |".to_string() } else { format!(" {cell} |") });
        }
        line + "\n"
    };
    Some(match block {
        Block::Title(text) => format!("# {}\n", md_cell(text)),
        Block::Heading(text) => format!("## {}\n", md_cell(text)),
        Block::Lines(lines) => lines.iter().map(|l| md_cell(l)).collect::<Vec<_>>().join("  \n") + "\n",
        Block::List(items) => items.iter().map(|i| format!("- {}\n", md_cell(i))).collect(),
        Block::Quote(text) => format!("> {}\n", md_cell(text)),
        Block::Table { head, numeric, rows } => {
            let rule: String = numeric.iter().map(|n| if *n { "---:|" } else { "---|" }).collect();
            let mut out = row(head) + "|" + &rule + "\n";
            for cells in rows {
                out.push_str(&row(cells));
            }
            out
        }
        Block::Form(_) | Block::Chart(_) | Block::SignHere(_) => return None,
    })
}

/// Text from outside made inert in HTML: control and invisible characters shown, the
/// characters of markup escaped, line breaks kept as breaks.
pub fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::visible(text, true).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// The print style: A4 with margins the centre's binders take, tables ruled like the
/// paper forms, a section's heading kept with what follows it, no row split by a page.
const STYLE: &str = "@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
body { font-family: 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif;
  font-size: 10pt; line-height: 1.35; color: #000; margin: 0; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 4mm; }
h2 { font-size: 11.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }
p, ul { margin: 0 0 2mm; }
ul { padding-left: 5mm; }
blockquote { margin: 0 0 2mm; padding-left: 3mm; border-left: 2pt solid #666; }
table { border-collapse: collapse; width: 100%; margin: 0 0 2mm; }
th, td { border: 0.6pt solid #000; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.short, th.short { white-space: nowrap; }
tr, figure, .sign { break-inside: avoid; }
table.form th { width: 24%; }
table.form th, table.form td { padding: 0.9mm 1.6mm; }
table.form td.tall { height: 16mm; }
figure { margin: 1mm 0 3mm; display: flex; justify-content: center; gap: 2mm; }
figure svg { max-width: 100%; height: auto; flex: 0 1 auto; }
figcaption { font-size: 9pt; }
.sign { display: flex; gap: 6mm; margin-top: 6mm; }
.sign > div { flex: 1; border: 0.6pt solid #000; padding: 2mm; min-height: 24mm; }
.sign .role { font-weight: bold; }
.sign .line { margin-top: 8mm; border-bottom: 0.6pt solid #000; }
.sign .recorded { font-size: 8.5pt; color: #333; }
.site { text-align: center; margin-bottom: 3mm; }
";

/// The longest text a column may hold and still be kept on one line.
const SHORT: usize = 8;

/// The blocks as a self-contained HTML page for printing. The page may load and run
/// nothing (its content security policy), so no recorded text can reach out.
pub fn html(blocks: &[Block], lang: Lang) -> String {
    let title = blocks
        .iter()
        .find_map(|b| if let Block::Title(t) = b { Some(t.as_str()) } else { None })
        .unwrap_or_default();
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        lang.pick("zh-CN", "en"),
        html_text(title)
    );
    for block in blocks {
        out.push_str(&html_block(block, lang));
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn html_block(block: &Block, lang: Lang) -> String {
    match block {
        Block::Title(text) => format!("<h1>{}</h1>\n", html_text(text)),
        Block::Heading(text) => format!("<h2>{}</h2>\n", html_text(text)),
        Block::Lines(lines) => {
            format!("<p>{}</p>\n", lines.iter().map(|l| html_text(l)).collect::<Vec<_>>().join("<br>"))
        }
        Block::List(items) => {
            let items: String = items.iter().map(|i| format!("<li>{}</li>", html_text(i))).collect();
            format!("<ul>{items}</ul>\n")
        }
        Block::Quote(text) => format!("<blockquote>{}</blockquote>\n", html_text(text)),
        Block::Table { head, numeric, rows } => {
            // A column of short words (a mark, a name) is never broken into a letter a line.
            let short = |i: usize| {
                std::iter::once(head).chain(rows).all(|r| r.get(i).is_none_or(|c| c.chars().count() <= SHORT))
            };
            // Each column's class, worked out once for the table.
            let classes: Vec<&str> = (0..head.len())
                .map(|i| match () {
                    _ if numeric.get(i) == Some(&true) => " class=\"num\"",
                    _ if short(i) => " class=\"short\"",
                    _ => "",
                })
                .collect();
            let cells = |tag: &str, cells: &[String]| -> String {
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        format!(
                            "<{tag}{}>{}</{tag}>",
                            classes.get(i).copied().unwrap_or_default(),
                            html_text(c)
                        )
                    })
                    .collect()
            };
            let mut out = String::from("<table>\n");
            if head.iter().any(|h| !h.is_empty()) {
                out.push_str(&format!("<thead><tr>{}</tr></thead>\n", cells("th", head)));
            }
            out.push_str("<tbody>\n");
            for row in rows {
                out.push_str(&format!("<tr>{}</tr>\n", cells("td", row)));
            }
            out + "</tbody>\n</table>\n"
        }
        Block::Form(rows) => {
            let mut out = String::from("<table class=\"form\">\n");
            for Field { label, value, write_in } in rows {
                let tall = if *write_in { " class=\"tall\"" } else { "" };
                out.push_str(&format!(
                    "<tr><th>{}</th><td{tall}>{}</td></tr>\n",
                    html_text(label),
                    html_text(value)
                ));
            }
            out + "</table>\n"
        }
        Block::Chart(svgs) => format!("<figure>{}</figure>\n", svgs.concat()),
        Block::SignHere(boxes) => {
            let mut out = String::from("<div class=\"sign\">");
            for (role, recorded) in boxes {
                let recorded = recorded.as_deref().map_or_else(String::new, |r| {
                    format!(
                        "<div class=\"recorded\">{}{}</div>",
                        lang.pick("系统记录：", "On record: "),
                        html_text(r)
                    )
                });
                out.push_str(&format!(
                    "<div><span class=\"role\">{}</span>{recorded}<div class=\"line\"></div>{}</div>",
                    html_text(role),
                    lang.pick("签字／日期", "Signature / date")
                ));
            }
            out + "</div>\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_text_cannot_become_markup_on_either_page() {
        let hostile = "<script>alert(1)</script> [x](javascript:1) \"'&\u{202e}";
        let blocks = vec![
            Block::Title(hostile.into()),
            Block::table(vec!["a".into(), "b".into()], &[1], vec![vec![hostile.into(), "3".into()]]),
            Block::SignHere(vec![(hostile.into(), Some(hostile.into()))]),
        ];
        let html = html(&blocks, Lang::En);
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains('\u{202e}'), "invisible characters are shown, not kept");
        assert!(html.contains("default-src 'none'"), "the page loads and runs nothing");
        let md = markdown(&blocks);
        assert!(!md.contains("<script>") && md.contains("\\[x\\]"), "{md}");
        assert!(!md.contains("On record"), "signature boxes are for paper");
    }

    #[test]
    fn markdown_blocks_are_apart_by_one_blank_line_and_figures_align_right() {
        let blocks = vec![
            Block::Title("T".into()),
            Block::Lines(vec!["a".into(), "b".into()]),
            Block::Chart(vec!["<svg/>".into()]),
            Block::table(vec![String::new(), "n".into()], &[1], vec![vec!["x".into(), "1".into()]]),
        ];
        assert_eq!(markdown(&blocks), "# T\n\na  \nb\n\n| | n |\n|---|---:|\n| x | 1 |\n");
    }
}
