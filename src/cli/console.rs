//! `duty` (the console on the configured site) and `duty demo`.

use std::path::PathBuf;

use super::{Paths, Session};
use crate::domain::Operator;
use crate::i18n::Lang;
use crate::tui::app::Context;

/// Everything the console needs besides the store; keymap and theme problems stop here,
/// before the terminal is touched.
fn context(
    paths: &Paths,
    session: Session,
    operator: Option<Operator>,
    reports_dir: PathBuf,
) -> anyhow::Result<Context> {
    crate::i18n::show_times_in(session.site.tz);
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
        login: session.identity.login().to_string(),
        reports_dir,
        left_out: None,
    })
}

/// Who is at this console: the account, with this program and machine as origin, and
/// its operator if it is one.
fn seat(session: &Session, operator: Option<Operator>) -> crate::ops::Seat {
    let origin = session.identity.origin("console");
    crate::ops::Seat::new(session.identity.login(), origin, session.lang, operator)
}

/// Runs the console; a terminal that went away ends it quietly (exit 0), as a quit does.
fn run(ctx: Context, via: crate::tui::Via) -> anyhow::Result<()> {
    crate::tui::run(ctx, via).map(|_| ())
}

pub fn run_console(paths: &Paths) -> anyhow::Result<()> {
    let (session, left_out) = paths.load_lenient()?;
    let operator = session.operator().ok();
    let via = match &session.site.service {
        Some(service) => crate::tui::Via::Service { socket: service.socket.clone() },
        None => {
            crate::tui::Via::Store { location: session.store.clone(), seat: seat(&session, operator.clone()) }
        }
    };
    let mut ctx = context(paths, session, operator, crate::paths::reports_dir())?;
    ctx.left_out = left_out;
    run(ctx, via)
}

pub fn run_demo(paths: &Paths, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let temporary = dir.is_none();
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("duty-demo-{}", std::process::id())));
    let store_path = dir.join("duty.db");
    let lead = paths.identity.login().to_string();
    let services = crate::demo::DemoServices::start()?;
    let site = crate::demo::prepare(&dir, &store_path, &lead, paths.clock.now(), Some(&services))?;
    let lang = paths.lang.or(site.language).unwrap_or_else(Lang::from_locale);
    let operator = site.operator(&lead).cloned();
    let location = crate::store::Location::File(store_path);
    let session =
        Session { site, lang, store: location.clone(), clock: paths.clock, identity: paths.identity.clone() };
    let via = crate::tui::Via::Store { location, seat: seat(&session, operator.clone()) };
    let ctx = context(paths, session, operator, dir.join("reports"));
    let result = ctx.and_then(|ctx| run(ctx, via));
    drop(services);
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
        // Said once the terminal is ours again: nobody should look for it later.
        let shown = crate::text::visible(&dir.display().to_string(), false).into_owned();
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "演示中心的记录和报告（{shown}）已随演示删除；用 duty demo --dir 文件夹 可保留它们"
                ),
                Lang::En => format!(
                    "the demo centre's record and reports ({shown}) went with it; duty demo --dir FOLDER keeps them"
                ),
            }
        );
    }
    result
}
