//! The command line's help in the reader's language. The texts are written once, in
//! English, as the commands' doc comments (clap reads them); for a Chinese reader every
//! about, option help and heading is replaced from the table in `help_zh.rs` before
//! the help is shown. A test walks the whole command tree and fails on any text without
//! its Chinese, so a new option cannot slip into the Chinese help in English.

use clap::{Arg, ArgAction, Command};

use crate::i18n::Lang;

use super::help_zh::zh;

/// The language help is shown in, read before anything else: `--lang` on the command
/// line, else the locale (the site is not read for `--help`).
pub fn language(args: &[std::ffi::OsString]) -> Lang {
    let mut words = args.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--lang=") {
            Some(value) => Some(value),
            None if word == "--lang" => words.next(),
            None => None,
        };
        if let Some(lang) = value.and_then(|v| v.parse().ok()) {
            return lang;
        }
    }
    Lang::from_locale()
}

/// The command tree with its texts in `lang` (English is the tree as written), each
/// command's examples at the end of its help.
pub fn localized(command: Command, lang: Lang) -> Command {
    let command = with_examples(command, "", lang);
    match lang {
        Lang::En => command,
        Lang::Zh => in_chinese(command, true),
    }
}

/// `path` is the command's names after `duty`, space-separated. An empty default
/// (a note one may leave out) is not shown as `[default: ""]`.
fn with_examples(mut command: Command, path: &str, lang: Lang) -> Command {
    if let Some(section) = super::examples::section(path, lang) {
        command = command.after_help(section);
    }
    command = command.mut_args(|arg| {
        let empty =
            !arg.get_default_values().is_empty() && arg.get_default_values().iter().all(|v| v.is_empty());
        if empty { arg.hide_default_value(true) } else { arg }
    });
    let names: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let sub_path = if path.is_empty() { name.clone() } else { format!("{path} {name}") };
        command = command.mut_subcommand(name, |sub| with_examples(sub, &sub_path, lang));
    }
    command
}

const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

fn in_chinese(mut command: Command, root: bool) -> Command {
    if let Some(about) = command.get_about().map(|t| zh(&t.to_string()).unwrap_or_default()) {
        command = command.about(about);
    }
    // The long texts are the short ones with their detail: the Chinese is one text.
    command = command
        .long_about(None)
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true);
    command = command.mut_args(|arg| {
        let takes_values = arg.get_action().takes_values();
        let mut help = arg.get_help().map(|h| zh(&h.to_string()).unwrap_or_default()).unwrap_or_default();
        // clap's own "[default: …]" and "[possible values: …]" are English: said here.
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .filter_map(|v| v.to_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect();
        if !defaults.is_empty() {
            help.push_str(&format!("（默认：{}）", defaults.join("、")));
        }
        let possible: Vec<String> =
            arg.get_possible_values().iter().map(|v| v.get_name().to_string()).collect();
        if !possible.is_empty() && takes_values {
            help.push_str(&format!("（可选：{}）", possible.join("、")));
        }
        let heading = match () {
            _ if arg.is_positional() => "参数",
            _ if arg.is_global_set() => "全局选项",
            _ if arg.get_help_heading() == Some("Console options") => "控制台选项",
            _ => "选项",
        };
        let arg = arg.long_help(None).help_heading(heading).help(help);
        if takes_values { arg.hide_default_value(true).hide_possible_values(true) } else { arg }
    });
    command = command.arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help("显示帮助")
            .help_heading("选项"),
    );
    if root {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    let names: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| in_chinese(sub, false));
    }
    command
}

/// A usage error for a Chinese reader: clap words its errors in English, so the
/// common ones are said again here from the error's parts (the argument, the value,
/// what is accepted, the suggestion), and the details our own parsers give in English
/// by what they say.
pub fn error_in_chinese(error: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(list)) => {
            list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("、")
        }
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let suggested = |kind| {
        let s = get(kind);
        if s.is_empty() { String::new() } else { format!("（是否想用 {s}？）") }
    };
    let detail =
        std::error::Error::source(error).map(|e| detail_in_chinese(&e.to_string())).unwrap_or_default();
    let said = match error.kind() {
        ErrorKind::InvalidValue if get(ContextKind::InvalidValue).is_empty() => {
            format!("{} 需要一个值", get(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = get(ContextKind::ValidValue);
            let valid = if valid.is_empty() { String::new() } else { format!("（可选：{valid}）") };
            let detail = match detail {
                _ if detail.is_empty() => String::new(),
                _ if detail.starts_with("可选：") => format!("（{detail}）"),
                _ => format!("：{detail}"),
            };
            format!(
                "{} 的值“{}”无效{detail}{valid}{}",
                get(ContextKind::InvalidArg),
                get(ContextKind::InvalidValue),
                suggested(ContextKind::SuggestedValue)
            )
        }
        ErrorKind::UnknownArgument => {
            format!("没有参数“{}”{}", get(ContextKind::InvalidArg), suggested(ContextKind::SuggestedArg))
        }
        ErrorKind::InvalidSubcommand => format!(
            "没有命令“{}”{}",
            get(ContextKind::InvalidSubcommand),
            suggested(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{}", get(ContextKind::InvalidArg)),
        ErrorKind::ArgumentConflict => {
            format!("{} 不能与 {} 同时使用", get(ContextKind::InvalidArg), get(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{} 的值的个数不对", get(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        _ => error.kind().to_string(),
    };
    let usage = get(ContextKind::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim_start_matches("用法：").trim();
    let usage = if usage.is_empty() { String::new() } else { format!("\n\n用法：{usage}") };
    format!("错误：{said}{usage}\n\n更多信息请用 --help。\n")
}

/// What our own value parsers said, in Chinese where it is one of theirs.
fn detail_in_chinese(english: &str) -> String {
    let quoted = |text: &str| text.split('"').nth(1).unwrap_or_default().to_string();
    match () {
        _ if english.contains("is not a time:") => format!(
            "“{}”不是时间：2026-11-21T08:30:00+08:00、2026-11-21 08:30、2026-11-21（零点）、08:30、昨天 23:10 或 今天 08:00（站点时区）",
            quoted(english)
        ),
        _ if english.contains("is not a date") => format!("“{}”不是日期（如 2026-12-01）", quoted(english)),
        _ if english.contains("is not a month") => format!("“{}”不是月份（如 2026-11）", quoted(english)),
        _ if english.contains("expected one of") => {
            let expected = english.rsplit("expected one of").next().unwrap_or_default();
            let expected: String = expected.chars().filter(|c| !matches!(c, '`' | ':' | '(' | ')')).collect();
            format!("可选：{}", expected.trim().replace(", ", "、"))
        }
        _ => english.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every text of the tree, with where it is.
    fn texts(command: &Command, path: &str, out: &mut Vec<(String, String)>) {
        let path = format!("{path} {}", command.get_name());
        if let Some(about) = command.get_about() {
            out.push((path.clone(), about.to_string()));
        }
        for arg in command.get_arguments() {
            if let Some(help) = arg.get_help() {
                out.push((format!("{path} --{}", arg.get_id()), help.to_string()));
            }
        }
        for sub in command.get_subcommands() {
            texts(sub, &path, out);
        }
    }

    #[test]
    fn every_text_of_the_command_line_has_its_chinese() {
        let mut all = Vec::new();
        texts(&super::super::Cli::command(), "", &mut all);
        let missing: Vec<String> = all
            .iter()
            .filter(|(_, text)| zh(text).is_none())
            .map(|(at, text)| format!("{at}: {text:?}"))
            .collect();
        assert!(missing.is_empty(), "{} texts without Chinese:\n{}", missing.len(), missing.join("\n"));
    }

    #[test]
    fn the_chinese_help_has_no_english_but_names() {
        let mut command = localized(super::super::Cli::command(), Lang::Zh);
        let help = command.render_help().to_string();
        assert!(help.contains("用法：") && help.contains("命令") && help.contains("显示帮助"), "{help}");
        let mut incident = command.find_subcommand_mut("incident").expect("incident").clone();
        let help = incident.render_help().to_string();
        assert!(help.contains("选项"), "{help}");
        for word in ["Usage", "Options", "Commands", "Print help"] {
            assert!(!help.contains(word), "{word}: {help}");
        }
    }

    /// Every command path of the tree, `""` for `duty` itself.
    fn paths(command: &Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_string());
        for sub in command.get_subcommands() {
            let name = sub.get_name();
            paths(sub, &if path.is_empty() { name.to_string() } else { format!("{path} {name}") }, out);
        }
    }

    /// A command line cut into words as a shell would (double quotes, no expansion),
    /// up to a pipe or a redirection.
    fn words(line: &str) -> Vec<String> {
        let (mut out, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
        for c in line.chars() {
            match c {
                '"' => (quoted, any) = (!quoted, true),
                '|' | '>' if !quoted => break,
                c if c.is_whitespace() && !quoted => {
                    if any {
                        out.push(std::mem::take(&mut word));
                    }
                    any = false;
                }
                c => (word, any) = (word + &c.to_string(), true),
            }
        }
        if any {
            out.push(word);
        }
        out
    }

    fn undescribed(command: &Command, path: &str, out: &mut Vec<String>) {
        let path = format!("{path} {}", command.get_name());
        for arg in command.get_arguments().filter(|a| a.get_help().is_none()) {
            out.push(format!(
                "{path} {}",
                arg.get_long().map_or_else(|| arg.get_id().to_string(), |l| format!("--{l}"))
            ));
        }
        for sub in command.get_subcommands() {
            undescribed(sub, &path, out);
        }
    }

    #[test]
    fn every_option_and_argument_is_described() {
        let mut missing = Vec::new();
        undescribed(&super::super::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "{} without a description:\n{}", missing.len(), missing.join("\n"));
    }

    #[test]
    fn every_command_has_examples_and_every_example_parses() {
        let command = super::super::Cli::command();
        let mut all = Vec::new();
        paths(&command, "", &mut all);
        let without: Vec<&String> = all.iter().filter(|p| super::super::examples::of(p).is_empty()).collect();
        assert!(without.is_empty(), "commands without examples: {without:?}");
        for (path, examples) in super::super::examples::EXAMPLES {
            assert!(all.iter().any(|p| p == path), "examples of a command that is not there: {path:?}");
            for example in *examples {
                let words = words(example.line);
                assert_eq!(words[0], "duty", "{}", example.line);
                let typed = words[1..].iter().filter(|w| !w.starts_with('-')).take(path.split(' ').count());
                if !path.is_empty() {
                    assert!(
                        typed.cloned().collect::<Vec<_>>().join(" ").starts_with(path),
                        "{path}: {}",
                        example.line
                    );
                }
                if let Err(e) = command.clone().try_get_matches_from(&words) {
                    panic!("{}: {e}", example.line);
                }
                // The Chinese says it in Chinese but for the names of things.
                let names = [
                    "Chromium",
                    "PDF",
                    "JSON",
                    "CSV",
                    "SSH",
                    "SM3",
                    "MQ",
                    "Markdown",
                    "PostgreSQL",
                    "vim",
                    "bash",
                    "systemd",
                ];
                let english = example
                    .zh
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .find(|w| w.chars().any(|c| c.is_ascii_alphabetic()) && !names.contains(w));
                assert!(english.is_none(), "{:?} in {}", english, example.zh);
            }
        }
        let help =
            localized(command, Lang::Zh).find_subcommand_mut("incident").unwrap().render_help().to_string();
        assert!(help.contains("示例:") && help.contains("$ duty incident list"), "{help}");
    }

    #[test]
    fn the_language_comes_from_the_command_line_first() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(language(&args(&["duty", "--lang", "zh", "--help"])), Lang::Zh);
        assert_eq!(language(&args(&["duty", "--lang=en", "incident"])), Lang::En);
    }
}
