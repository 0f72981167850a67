//! The printed forms in a real browser: each golden page (the forms of the fixed history
//! in `duty.rs`) printed to PDF by Debian's headless Chromium through `duty`'s own
//! printing, read back with poppler's `pdftotext` and `pdfinfo`, and shot to PNG; and
//! `duty report … --format pdf|html` from the command line.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Fixture, stderr};

/// Every printed form, with the most A4 pages it may take in the fixed history.
const FORMS: &[(&str, u32)] = &[
    // The centre files the fault report as one sheet.
    ("fault", 1),
    ("handover", 2),
    ("inspection_day", 2),
    ("inspection_week", 3),
    ("week", 4),
    ("month", 6),
];

fn page(name: &str, lang: &str) -> String {
    let path = format!("tests/golden/{name}_{lang}.html");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (the golden pages of tests/duty.rs)"))
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e} (scripts/test installs poppler-utils)"));
    assert!(out.status.success(), "{program} {args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// The texts a reader sees on the page: every text between tags outside the style and
/// the charts (whose labels the browser places one by one), entities decoded.
fn texts_of(html: &str) -> Vec<String> {
    let body = &html[html.find("<body>").expect("a body")..];
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = rest[..open].trim();
        if !text.is_empty() {
            out.push(
                text.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&"),
            );
        }
        rest = &rest[open..];
        let skip_to = if rest.starts_with("<svg") { "</svg>" } else { ">" };
        let end = rest.find(skip_to).expect("a closed tag") + skip_to.len();
        rest = &rest[end..];
    }
    out
}

/// Text with its white space taken out: the PDF breaks lines where the page is narrow.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_form_prints_on_a4_with_every_field_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    for (name, most_pages) in FORMS {
        for lang in ["zh", "en"] {
            let html = page(name, lang);
            let pdf = duty::report::print::pdf(&html).unwrap_or_else(|e| panic!("{name}_{lang}: {e}"));
            let file = dir.path().join(format!("{name}_{lang}.pdf"));
            std::fs::write(&file, &pdf).unwrap();
            let file = file.to_str().unwrap();
            let info = tool("pdfinfo", &[file]);
            let pages: u32 = info
                .lines()
                .find_map(|l| l.strip_prefix("Pages:"))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("{info}"));
            assert!((1..=*most_pages).contains(&pages), "{name}_{lang}: {pages} pages");
            assert!(info.contains("(A4)"), "{name}_{lang} is printed on A4: {info}");
            let printed = squeezed(&tool("pdftotext", &[file, "-"]));
            let fields = texts_of(&html);
            assert!(fields.len() > 10, "{name}_{lang}: {fields:?}");
            for field in &fields {
                assert!(printed.contains(&squeezed(field)), "{name}_{lang}.pdf lacks {field:?}:\n{printed}");
            }
        }
    }
}

/// The page shot to PNG by the browser (as `duty` runs it) at A4's width in CSS pixels.
fn screenshot(html: &Path, png: &Path) {
    let browser = duty::report::print::browser().expect("Chromium (scripts/test installs it)");
    let mut command = duty::report::print::headless(&browser, html.parent().unwrap());
    command
        .args(["--hide-scrollbars", "--window-size=794,1123"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()));
    let out = command.output().unwrap();
    assert!(out.status.success(), "screenshot of {}: {}", html.display(), stderr(&out));
}

#[test]
fn every_form_is_drawn_by_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    for (name, _) in FORMS {
        for lang in ["zh", "en"] {
            let html = dir.path().join(format!("{name}_{lang}.html"));
            std::fs::write(&html, page(name, lang)).unwrap();
            let png = html.with_extension("png");
            screenshot(&html, &png);
            let bytes = std::fs::read(&png).unwrap();
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}_{lang}: not a PNG");
            let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert_eq!((width, height), (794, 1123), "{name}_{lang}");
            // A blank page of that size packs into a few kilobytes; text, rules and
            // charts do not.
            assert!(bytes.len() > 20_000, "{name}_{lang}: {} bytes, a blank page?", bytes.len());
        }
    }
}

#[test]
fn the_command_line_prints_a_pdf_and_says_why_it_cannot() {
    let f = Fixture::new();
    let id = f.ok(
        "alice",
        &["incident", "open", "--title", "<script>alert(1)</script> 链路中断", "--severity", "serious"],
    );
    let id = id.trim();
    let out = f.run("alice", &["report", "fault", id, "--format", "pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"%PDF-"), "a PDF on standard output");
    let file = f.dir.path().join("fault.pdf");
    std::fs::write(&file, &out.stdout).unwrap();
    let text = tool("pdftotext", &[file.to_str().unwrap(), "-"]);
    assert!(text.contains("<script>alert(1)</script>") && text.contains(id), "the title as written: {text}");

    // The page itself holds the title as text, never as markup.
    let html = f.ok("alice", &["report", "fault", id, "--format", "html"]);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; 链路中断"), "{html}");
    assert!(!html.contains("<script"), "{html}");

    // With no browser on PATH: refused, in the reader's language, and nothing written.
    for (lang, expected) in [("en", "no browser to print with"), ("zh", "没有可用于打印的浏览器")]
    {
        let out = f
            .cmd("alice")
            .env("PATH", "/nonexistent")
            .args(["report", "fault", id, "--format", "pdf", "--lang", lang])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_fault_report_with_its_plan_run_and_fields_left_to_write_in_still_fits_one_sheet() {
    let f = Fixture::new();
    // Acknowledged, its plan run step by step, paused for the vendor, resolved without
    // the written report (process and measures left to write in by hand).
    let id = f.open_network_failure();
    f.ok("alice", &["incident", "ack", &id]);
    f.ok("alice", &["incident", "plan", &id]);
    for (step, note) in
        [("1", "核心交换机 2 号板卡故障，影响三个处室"), ("2", "王组长已知悉"), ("4", "厂商工程师已到场")]
    {
        f.ok("alice", &["incident", "step", &id, step, "--done", "--note", note]);
    }
    f.ok("alice", &["incident", "step", &id, "3", "--skip", "--note", "无备用线路"]);
    f.ok("alice", &["incident", "pause", &id, "--reason", "vendor"]);
    f.ok("alice", &["incident", "resume", &id]);
    f.ok(
        "alice",
        &[
            "incident",
            "resolve",
            &id,
            "--cause",
            "板卡老化导致端口批量失效",
            "--solution",
            "更换板卡并恢复配置",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    for lang in ["zh", "en"] {
        let out = f.run("alice", &["report", "fault", &id, "--format", "pdf", "--lang", lang]);
        assert!(out.status.success(), "{}", stderr(&out));
        let file = dir.path().join(format!("fault_{lang}.pdf"));
        std::fs::write(&file, &out.stdout).unwrap();
        let info = tool("pdfinfo", &[file.to_str().unwrap()]);
        assert!(info.contains("Pages:           1\n"), "the fault report on one sheet ({lang}): {info}");
        let text = squeezed(&tool("pdftotext", &[file.to_str().unwrap(), "-"]));
        for field in [
            lang_pick(lang, "处理过程", "Process"),
            lang_pick(lang, "预案步骤", "Plan step"),
            squeezed("板卡老化导致端口批量失效"),
        ] {
            assert!(text.contains(&squeezed(&field)), "{field} on the sheet ({lang}): {text}");
        }
    }
}

fn lang_pick(lang: &str, zh: &str, en: &str) -> String {
    if lang == "zh" { zh.to_string() } else { en.to_string() }
}
