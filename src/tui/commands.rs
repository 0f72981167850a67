//! The `:` commands, in one table: name, aliases, what each takes and does, and how
//! its argument completes. The command line runs them, `Tab` completes them and the
//! help lists them, all from this table.

use crate::domain::IncidentId;
use crate::i18n::Text;
use crate::tui::snapshot::Snapshot;

/// What a command's argument is, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completer {
    None,
    Incident,
    Words(&'static [&'static str]),
    /// The built-in themes.
    Themes,
}

/// What a command does when run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Quit,
    Help,
    Open,
    Lang,
    Theme,
    Mute,
    Report,
    Login,
    Logout,
    Approve,
}

pub struct Command {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// The argument as the help shows it (`ID`, `zh|en`).
    pub argument: Text,
    pub description: Text,
    pub completer: Completer,
    pub verb: Verb,
}

pub const REPORTS: &[&str] = &["week", "month", "handover", "fault", "inspection"];

pub const COMMANDS: &[Command] = &[
    Command {
        name: "open",
        aliases: &["o"],
        argument: Text::new("编号（可只写序号：4）", "ID (or its number: 4)"),
        description: Text::new("打开事件详情", "open an incident"),
        completer: Completer::Incident,
        verb: Verb::Open,
    },
    Command {
        name: "report",
        aliases: &[],
        argument: Text::new(
            "week|month|handover|fault [编号]|inspection [week|month] [pdf]",
            "week|month|handover|fault [ID]|inspection [week|month] [pdf]",
        ),
        description: Text::new(
            "写出报告（Markdown、CSV 与可打印的 HTML；加 pdf 另打印为 PDF）",
            "write a report (Markdown, CSV and printable HTML; with pdf also a PDF)",
        ),
        completer: Completer::Words(REPORTS),
        verb: Verb::Report,
    },
    Command {
        name: "approve",
        aliases: &[],
        argument: Text::new("变更编号", "CHANGE"),
        description: Text::new(
            "审批变更（负责人；其设备在计划时段内进入维护）",
            "approve a change (a lead; its hosts go into maintenance for its window)",
        ),
        completer: Completer::None,
        verb: Verb::Approve,
    },
    Command {
        name: "mute",
        aliases: &[],
        argument: Text::new("分钟", "MINUTES"),
        description: Text::new("告警静音一段时间", "mute alarms for a while"),
        completer: Completer::None,
        verb: Verb::Mute,
    },
    Command {
        name: "lang",
        aliases: &[],
        argument: Text::new("zh|en", "zh|en"),
        description: Text::new("切换界面语言", "switch the console's language"),
        completer: Completer::Words(&["zh", "en"]),
        verb: Verb::Lang,
    },
    Command {
        name: "theme",
        aliases: &[],
        argument: Text::new("名称", "NAME"),
        description: Text::new("切换配色", "switch the colours"),
        completer: Completer::Themes,
        verb: Verb::Theme,
    },
    Command {
        name: "login",
        aliases: &[],
        argument: Text::new("[姓名]", "[NAME]"),
        description: Text::new(
            "以本人口令登录（共用值班终端上换人值班）",
            "sign in with your own secret (taking over the shared terminal)",
        ),
        completer: Completer::None,
        verb: Verb::Login,
    },
    Command {
        name: "logout",
        aliases: &[],
        argument: Text::new("", ""),
        description: Text::new("退出登录并锁定屏幕", "sign out and lock the screen"),
        completer: Completer::None,
        verb: Verb::Logout,
    },
    Command {
        name: "help",
        aliases: &["h"],
        argument: Text::new("", ""),
        description: Text::new("帮助", "help"),
        completer: Completer::None,
        verb: Verb::Help,
    },
    Command {
        name: "quit",
        aliases: &["q", "qa"],
        argument: Text::new("", ""),
        description: Text::new("退出", "quit"),
        completer: Completer::None,
        verb: Verb::Quit,
    },
];

/// The command a word names (its name or an alias).
pub fn find(word: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == word || c.aliases.contains(&word))
}

/// The incidents an argument names: the exact id; else, for a number, those with that
/// number (today's first); else those whose id contains the text.
pub fn incidents_named(text: &str, data: &Snapshot, today: &str) -> Vec<IncidentId> {
    let ids = || data.rows.iter().map(|r| &r.incident.id);
    if let Some(id) = ids().find(|id| id.0 == text) {
        return vec![id.clone()];
    }
    if let Ok(number) = text.parse::<u32>() {
        let numbered =
            |id: &&IncidentId| id.0.rsplit('-').next().and_then(|n| n.parse::<u32>().ok()) == Some(number);
        let todays: Vec<IncidentId> =
            ids().filter(numbered).filter(|id| id.0.contains(&format!("-{today}-"))).cloned().collect();
        if !todays.is_empty() {
            return todays;
        }
        return ids().filter(numbered).cloned().collect();
    }
    let upper = text.to_uppercase();
    ids().filter(|id| id.0.contains(&upper)).cloned().collect()
}

/// What `Tab` makes of the line: the command name or the argument completed as far as
/// it is unambiguous, and the candidates when there are several.
pub fn complete(line: &str, data: &Snapshot, today: &str) -> (String, Vec<String>) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let starting_argument = line.ends_with(' ');
    match (words.as_slice(), starting_argument) {
        ([] | [_], false) => {
            let typed = words.first().copied().unwrap_or("");
            let names: Vec<String> = COMMANDS
                .iter()
                .map(|c| c.name)
                .filter(|n| n.starts_with(typed))
                .map(str::to_string)
                .collect();
            (completed(typed, &names, "", " "), names)
        }
        ([name, rest @ ..], _) => {
            let Some(command) = find(name) else { return (line.to_string(), Vec::new()) };
            let typed = if starting_argument { "" } else { rest.last().copied().unwrap_or("") };
            let head = format!("{name} ");
            let candidates: Vec<String> = match command.completer {
                Completer::None => Vec::new(),
                Completer::Words(words) => {
                    words.iter().filter(|w| w.starts_with(typed)).map(|w| w.to_string()).collect()
                }
                Completer::Themes => super::theme::BUILTIN
                    .iter()
                    .map(|(name, _)| *name)
                    .filter(|w| w.starts_with(typed))
                    .map(str::to_string)
                    .collect(),
                Completer::Incident if typed.is_empty() => Vec::new(),
                Completer::Incident => {
                    incidents_named(typed, data, today).into_iter().map(|id| id.0).collect()
                }
            };
            if rest.len() > 1 || candidates.is_empty() {
                return (line.to_string(), candidates);
            }
            (completed(typed, &candidates, &head, ""), candidates)
        }
        ([], true) => (line.to_string(), Vec::new()),
    }
}

/// The line completed with the one candidate, or with what all candidates share.
fn completed(typed: &str, candidates: &[String], head: &str, after_one: &str) -> String {
    match candidates {
        [] => format!("{head}{typed}"),
        [one] => format!("{head}{one}{after_one}"),
        many => {
            let first = &many[0];
            let shared = (0..=first.len())
                .rev()
                .filter(|n| first.is_char_boundary(*n))
                .find(|n| many.iter().all(|c| c.starts_with(&first[..*n])))
                .unwrap_or(0);
            // Candidates match anywhere in the id (`20261120-00`), so what they share
            // replaces what was typed once it says more.
            let prefix = if shared > typed.len() && first[..shared].contains(typed) {
                &first[..shared]
            } else {
                typed
            };
            format!("{head}{prefix}")
        }
    }
}
