//! `duty` (the console on the configured site) and `duty demo`.

use std::path::PathBuf;

use super::{Paths, Session, operator_login};
use crate::domain::Operator;
use crate::i18n::Lang;
use crate::tui::app::Context;

/// Everything the console needs besides the store; keymap and theme problems stop here,
/// before the terminal is touched.
fn context(paths: &Paths, session: Session, operator: Option<Operator>) -> anyhow::Result<Context> {
    let config_dir = paths.user_config_dir();
    let keymap = crate::tui::load_keymap(paths.keymap.as_deref(), &config_dir)?;
    let theme = crate::tui::load_theme(paths.theme.as_deref(), &config_dir)?;
    let store_label = match &session.store {
        crate::store::Location::File(path) => {
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        }
        server => server.label(),
    };
    Ok(Context {
        bell_repeat: session.site.alarm_repeat,
        site: session.site,
        lang: session.lang,
        operator,
        keymap,
        theme,
        store_label,
        clock: session.clock,
    })
}

pub fn run_console(paths: &Paths) -> anyhow::Result<()> {
    let session = paths.load()?;
    let operator = session.operator().ok();
    let store = session.open_store()?;
    let location = session.store.clone();
    let ctx = context(paths, session, operator)?;
    crate::tui::run(ctx, store, location)
}

pub fn run_demo(paths: &Paths, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let temporary = dir.is_none();
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("duty-demo-{}", std::process::id())));
    let store_path = dir.join("duty.db");
    let lead = operator_login();
    let services = crate::demo::DemoServices::start()?;
    let site = crate::demo::prepare(&dir, &store_path, &lead, paths.clock.now(), Some(&services))?;
    let lang = paths.lang.or(site.language).unwrap_or_else(Lang::from_locale);
    let operator = site.operator(&lead).cloned();
    let location = crate::store::Location::File(store_path);
    let session = Session { site, lang, store: location.clone(), clock: paths.clock };
    let store = session.open_store()?;
    let ctx = context(paths, session, operator);
    let result = ctx.and_then(|ctx| crate::tui::run(ctx, store, location));
    drop(services);
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}
