//! `duty man` and `duty completions SHELL`: the manual page (roff) and shell completions,
//! both read from the command line's own definition, so they cannot drift from it.
//! (Written here, not by clap_mangen or clap_complete: the build has no registry to
//! fetch them from.)

use clap::{Command, ValueEnum};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Text for roff: backslashes and leading dots or quotes made literal.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    text.lines()
        .map(|line| if line.starts_with(['.', '\'']) { format!("\\&{line}") } else { line.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

fn about(command: &Command) -> String {
    command.get_long_about().or(command.get_about()).map(|a| a.to_string()).unwrap_or_default()
}

fn options(command: &Command, out: &mut String) {
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        let mut names = Vec::new();
        if let Some(short) = arg.get_short() {
            names.push(format!("\\fB\\-{short}\\fR"));
        }
        if let Some(long) = arg.get_long() {
            names.push(format!("\\fB\\-\\-{}\\fR", roff(long)));
        }
        if names.is_empty() {
            names.push(format!("\\fI{}\\fR", roff(arg.get_id().as_str())));
        }
        let takes_value = arg.get_action().takes_values() && arg.get_long().is_some();
        let value = if takes_value {
            let name = arg.get_value_names().and_then(|v| v.first()).map(|v| v.to_string());
            format!(" \\fI{}\\fR", roff(&name.unwrap_or_else(|| arg.get_id().to_string().to_uppercase())))
        } else {
            String::new()
        };
        out.push_str(&format!(".TP\n{}{value}\n", names.join(", ")));
        let help = arg.get_long_help().or(arg.get_help()).map(|h| h.to_string()).unwrap_or_default();
        out.push_str(&format!("{}\n", roff(&help)));
    }
}

/// A command's examples, each line as typed.
fn examples(path: &str, out: &mut String) {
    let examples = super::examples::of(path);
    if examples.is_empty() {
        return;
    }
    out.push_str(".PP\nExamples:\n");
    for e in examples {
        out.push_str(&format!(".RS\n.PP\n{}\n.br\n\\fB{}\\fR\n.RE\n", roff(e.en), roff(e.line)));
    }
}

/// The manual page of `duty` and every subcommand, in roff (man 7).
pub fn man_page(command: &Command) -> String {
    let mut out = String::new();
    let version = command.get_version().unwrap_or_default();
    out.push_str(&format!(".TH DUTY 1 \"\" \"duty {version}\" \"Duty Console\"\n"));
    out.push_str(&format!(
        ".SH NAME\nduty \\- {}\n",
        roff(&command.get_about().map(|a| a.to_string()).unwrap_or_default())
    ));
    out.push_str(".SH SYNOPSIS\n\\fBduty\\fR [\\fIOPTIONS\\fR] [\\fICOMMAND\\fR]\n");
    out.push_str(&format!(".SH DESCRIPTION\n{}\n", roff(&about(command))));
    out.push_str(".SH OPTIONS\n");
    options(command, &mut out);
    out.push_str(".SH EXAMPLES\n");
    for e in super::examples::of("") {
        out.push_str(&format!(".PP\n{}\n.br\n\\fB{}\\fR\n", roff(e.en), roff(e.line)));
    }
    out.push_str(".SH COMMANDS\n");
    fn walk(command: &Command, path: &str, out: &mut String) {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
            let path = format!("{path} {}", sub.get_name());
            out.push_str(&format!(".SS \\fB{}\\fR\n{}\n", roff(path.trim()), roff(&about(sub))));
            let own: Vec<_> =
                sub.get_arguments().filter(|a| !a.is_global_set() && !a.is_hide_set()).collect();
            if !own.is_empty() {
                let mut only = sub.clone();
                for arg in sub.get_arguments().filter(|a| a.is_global_set()) {
                    only = only.mut_arg(arg.get_id().clone(), |a| a.hide(true));
                }
                options(&only, out);
            }
            examples(path.trim_start_matches("duty").trim(), out);
            walk(sub, &path, out);
        }
    }
    walk(command, "duty", &mut out);
    out.push_str(
        ".SH EXIT STATUS\n.TP\n0\ndone\n.TP\n1\nrefused or failed: the message says why, and nothing was changed\n\
         .TP\n2\nthe command line was wrong (an unknown host, action or option)\n",
    );
    out.push_str(
        ".SH ENVIRONMENT\n.TP\nDUTY_SITE, DUTY_STORE\nthe site folder and the store, as \\-\\-site and \\-\\-store\n\
         .TP\nDUTY_OPERATOR\nfor root only: the operator root acts as (recorded as such); anyone else is refused\n",
    );
    out.push_str(".SH FILES\n.TP\n/etc/duty/site\nthe site a package installs\n.TP\n/var/lib/duty\nthe service's store\n.TP\n/run/duty/duty.sock\nthe service's socket\n");
    out
}

/// Every command path with its subcommands and long options, for the shells.
fn tree(command: &Command, path: Vec<String>, out: &mut Vec<(Vec<String>, Vec<String>, Vec<String>)>) {
    let subs: Vec<String> =
        command.get_subcommands().filter(|s| !s.is_hide_set()).map(|s| s.get_name().to_string()).collect();
    let flags: Vec<String> =
        command.get_arguments().filter_map(|a| a.get_long().map(|l| format!("--{l}"))).collect();
    out.push((path.clone(), subs, flags));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut next = path.clone();
        next.push(sub.get_name().to_string());
        tree(sub, next, out);
    }
}

/// A completion script for `shell`.
pub fn completions(command: &Command, shell: Shell) -> String {
    let mut nodes = Vec::new();
    tree(command, Vec::new(), &mut nodes);
    match shell {
        Shell::Bash | Shell::Zsh => {
            let mut out = String::new();
            if matches!(shell, Shell::Zsh) {
                out.push_str("#compdef duty\nautoload -U +X bashcompinit && bashcompinit\n");
            }
            out.push_str(
                "_duty() {\n  local cur path word\n  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n  path=\"\"\n",
            );
            out.push_str("  for word in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do\n    case \"$word\" in -*) ;; *) path=\"$path $word\" ;; esac\n  done\n");
            out.push_str("  case \"${path# }\" in\n");
            for (path, subs, flags) in &nodes {
                let words: Vec<&str> = subs.iter().chain(flags).map(String::as_str).collect();
                out.push_str(&format!(
                    "    \"{}\") COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")) ;;\n",
                    path.join(" "),
                    words.join(" ")
                ));
            }
            out.push_str("    *) COMPREPLY=() ;;\n  esac\n}\ncomplete -F _duty duty\n");
            out
        }
        Shell::Fish => {
            let mut out = String::new();
            for (path, _, flags) in &nodes {
                let condition = if path.is_empty() {
                    "__fish_use_subcommand".to_string()
                } else {
                    format!("__fish_seen_subcommand_from {}", path.last().unwrap())
                };
                for sub in find(command, path).get_subcommands().filter(|s| !s.is_hide_set()) {
                    let description = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
                    let description = description.replace('\'', "\\'");
                    out.push_str(&format!(
                        "complete -c duty -f -n '{condition}' -a {} -d '{description}'\n",
                        sub.get_name()
                    ));
                }
                for flag in flags {
                    out.push_str(&format!(
                        "complete -c duty -n '{condition}' -l {}\n",
                        flag.trim_start_matches("--")
                    ));
                }
            }
            out
        }
    }
}

fn find<'a>(command: &'a Command, path: &[String]) -> &'a Command {
    path.iter().fold(command, |at, name| at.find_subcommand(name).unwrap_or(at))
}
