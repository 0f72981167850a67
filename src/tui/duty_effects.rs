//! Performs the Duty log tab's effects against the store: log entries, roster changes,
//! handover commands and signatures, incidents handed over, the statistics.

use super::app::{App, Effect, Outcome};
use crate::domain::IncidentCommand;
use crate::i18n::{duty as t, event_kind, store_error, ui as texts};
use crate::store::{IncidentRequest, Store, StoreError, Target};

/// Performs one of the duty effects; others are not for here.
pub fn perform(app: &mut App, store: &mut dyn Store, effect: Effect) {
    let lang = app.lang();
    // Reading needs no operator; writing does.
    match &effect {
        Effect::LoadStats => return load_stats(app, store),
        Effect::WriteReport(wanted) => {
            let outcome = write_report(app, store, wanted);
            return app.on_outcome(outcome);
        }
        _ => {}
    }
    let Some(actor) = app.ctx.operator.clone() else {
        app.on_outcome(Outcome::Failed { message: texts::READ_ONLY.get(lang).to_string(), stale: false });
        return;
    };
    let origin = crate::cli::origin("console");
    let now = app.ctx.clock.now();
    let site = app.ctx.site.clone();
    let failed = |e: &StoreError| Outcome::Failed { message: store_error(e, lang), stale: false };
    let outcome = match effect {
        Effect::LogEntry(entry) => match crate::duty::log_entry(store, &site, &entry, &actor, &origin, now) {
            Ok(event) => Outcome::Done(format!("{} #{}", event_kind(&event.kind, lang), event.seq)),
            Err(e) => failed(&e),
        },
        Effect::Roster(change) => {
            match crate::duty::change_roster(store, &site, &change, &actor, &origin, now) {
                Ok(event) => Outcome::Done(format!(
                    "{}: {} {} {}",
                    event_kind(&event.kind, lang),
                    change.shift,
                    change.date,
                    change.operators.join(", ")
                )),
                Err(e) => failed(&e),
            }
        }
        Effect::Handover { id, command } => {
            let kind = match command {
                crate::domain::handover::HandoverCommand::Start { .. } => "handover.started",
                crate::domain::handover::HandoverCommand::CompleteStep { .. } => "handover.step_completed",
                crate::domain::handover::HandoverCommand::Sign { .. } => "handover.signed",
            };
            match crate::duty::handover_command(store, &id, &command, &actor, &origin, now) {
                Ok(h) => Outcome::Done(format!(
                    "{} — {} {}/7",
                    event_kind(kind, lang),
                    t::HANDOVER.get(lang),
                    h.steps.len()
                )),
                Err(e) => failed(&e),
            }
        }
        Effect::SignHandover { id, side } => {
            match crate::duty::sign(store, &site, &id, side, &actor, &origin, now) {
                Ok(h) => Outcome::Done(format!(
                    "{} — {}",
                    event_kind("handover.signed", lang),
                    if h.is_done() {
                        t::HANDOVER_DONE.get(lang)
                    } else {
                        t::HANDOVER_AWAITING_INCOMING.get(lang)
                    }
                )),
                Err(e) => failed(&e),
            }
        }
        Effect::PassIncident { item, id, version, to, note } => {
            let request = IncidentRequest {
                target: Target::Existing(id.clone()),
                command: IncidentCommand::HandOver { to: to.clone(), note },
                actor: &actor,
                origin,
                occurred_at: now,
                now,
                expected_version: Some(version),
            };
            match store.execute(request) {
                Ok(_) => {
                    app.mark_item(&item, true, Some(format!("{} {to}", t::PASSED_TO.get(lang))));
                    Outcome::Done(format!("{id}: {} {to}", t::PASSED_TO.get(lang)))
                }
                Err(e @ StoreError::Stale { .. }) => {
                    Outcome::Failed { message: store_error(&e, lang), stale: true }
                }
                Err(e) => failed(&e),
            }
        }
        _ => return,
    };
    app.on_outcome(outcome);
}

/// This week's and this month's statistics, from the event log.
fn load_stats(app: &mut App, store: &dyn Store) {
    use crate::report::build::{month_of, service_stats, week_of};
    let site = &app.ctx.site;
    let today = app.now.with_timezone(&site.tz).date_naive();
    match service_stats(store, site, &[week_of(today), month_of(today)], app.now) {
        Ok(mut both) => {
            let month = both.pop().expect("two ranges asked for");
            let week = both.pop().expect("two ranges asked for");
            app.stats = Some(Box::new((week, month)));
            app.dirty = true;
        }
        Err(e) => {
            let text = format!("{e:#}");
            app.say(text, true);
        }
    }
}

/// Writes a report as Markdown and CSV into the reports folder; says where.
fn write_report(app: &App, store: &dyn Store, wanted: &crate::report::build::Wanted) -> Outcome {
    let lang = app.lang();
    let dir = crate::cli::reports_dir();
    let result = (|| -> anyhow::Result<Vec<String>> {
        std::fs::create_dir_all(&dir)?;
        let mut written = Vec::new();
        for (csv, ext) in [(false, "md"), (true, "csv")] {
            let text = crate::report::build::build(store, &app.ctx.site, wanted, csv, lang, app.now)?;
            let path = dir.join(format!(
                "{}.{}.{ext}",
                wanted.stem(),
                if lang == crate::i18n::Lang::Zh { "zh" } else { "en" }
            ));
            std::fs::write(&path, text)?;
            written.push(path.display().to_string());
        }
        Ok(written)
    })();
    match result {
        Ok(paths) => {
            Outcome::Done(format!("{}: {}", lang.pick("报告已写入", "report written"), paths.join(", ")))
        }
        Err(e) => match e.downcast_ref::<StoreError>() {
            Some(e) => Outcome::Failed { message: store_error(e, lang), stale: false },
            None => Outcome::Failed { message: format!("{e:#}"), stale: false },
        },
    }
}
