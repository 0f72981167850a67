//! `duty init` and `duty config check`.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Failure, Paths};
use crate::config::sample::write_sample;
use crate::i18n::Lang;

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Load and validate the site; print every problem as file:line:col
    Check {
        #[command(flatten)]
        look: super::Look,
    },
}

pub fn init(paths: &Paths, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let lang = paths.lang.unwrap_or_else(Lang::from_locale);
    let dir = dir.unwrap_or_else(|| paths.site_dir());
    // The day the sample roster starts: today where the machine is (the site has no zone yet).
    let today = paths.clock.now().with_timezone(&chrono::Local).date_naive();
    write_sample(&dir, paths.identity.login(), today).map_err(|e| {
        let text = match (e.kind(), lang) {
            (std::io::ErrorKind::AlreadyExists, Lang::Zh) => format!("{e}（不会覆盖已有站点）"),
            _ => e.to_string(),
        };
        Failure::Refused(text)
    })?;
    match lang {
        Lang::Zh => {
            println!("已在 {} 写入示例站点；请按实际情况修改，然后运行 duty config check", dir.display())
        }
        Lang::En => println!(
            "sample site written to {}; edit it for your centre, then run duty config check",
            dir.display()
        ),
    }
    Ok(())
}

pub fn config(paths: &Paths, command: ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Check { .. } => {
            let session = paths.load_strict()?;
            // The console's keymap and theme are configuration too.
            let config_dir = paths.user_config_dir();
            crate::tui::load_keymap(paths.keymap.as_deref(), &config_dir)?;
            crate::tui::load_theme(paths.theme.as_deref(), &config_dir)?;
            println!("{}", crate::i18n::site_ok(&session.site, session.lang));
            Ok(())
        }
    }
}
