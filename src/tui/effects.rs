//! Performs the app's effects: what needs the record becomes a `Job` for the store
//! worker (`link`), what does not (the bell, an SSH action's run) is done here, and each
//! answer comes back to the app as an `Outcome` in the operator's words. The same code
//! runs the tests' effects synchronously, against a store at hand.

use std::collections::HashMap;

use super::app::App;
use super::effect::{Effect, Outcome};
use super::link::{Heard, Job};
use crate::domain::handover::HandoverCommand;
use crate::domain::shift::RosterChange;
use crate::i18n::{duty as t, event_kind, store_error, ui as texts};
use crate::ops::{Done, IncidentTarget, Request};

/// What a job in flight was for: how to tell the operator when it is answered.
enum Pending {
    Incident {
        new: bool,
    },
    /// A write whose event says what was done (an alarm acknowledged, an entry completed).
    Event,
    Run {
        run: String,
    },
    Decline {
        run: String,
    },
    LogEntry(crate::domain::duty_log::Entry),
    Roster(RosterChange),
    Handover {
        kind: &'static str,
    },
    Sign,
    /// An ask for a second person: its number is said, for the other to confirm.
    SecondAsked,
    SshRecord,
    SignIn,
    SignOut,
    ShellStart {
        host: String,
    },
    ShellEnd {
        host: String,
        ending: String,
    },
    Report,
    Change,
}

/// An SSH run to start on a worker thread.
pub struct SshJob {
    /// What was asked (the service reads it again on its own site).
    pub ask: crate::ops::ssh::SshAsk,
    /// What it means on this console's site, authorised.
    pub plan: crate::ops::ssh::SshPlan,
    pub site: crate::config::Site,
    /// The login on hosts that name none.
    pub login: String,
    pub clock: crate::clock::Clock,
    pub lang: crate::i18n::Lang,
    pub cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// The jobs in flight, by ticket.
#[derive(Default)]
pub struct Effects {
    next: u64,
    pending: HashMap<u64, Pending>,
    /// Since when the oldest job in flight has waited (for "store slow").
    waiting_since: HashMap<u64, chrono::DateTime<chrono::Utc>>,
}

impl Effects {
    /// Since when the oldest job in flight has been waiting for its answer.
    pub fn oldest_waiting(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.waiting_since.values().min().copied()
    }

    fn ask(&mut self, app: &App, request: Request, pending: Pending, send: &mut dyn FnMut(Job)) {
        self.next += 1;
        self.pending.insert(self.next, pending);
        self.waiting_since.insert(self.next, app.now);
        send(Job::Perform { ticket: self.next, request, lang: app.lang() });
    }

    /// Takes the app's effects and performs or forwards each one.
    pub fn drain(
        &mut self,
        app: &mut App,
        send: &mut dyn FnMut(Job),
        bell: &mut dyn FnMut(&App),
        launch: &mut dyn FnMut(SshJob),
    ) {
        loop {
            let batch = std::mem::take(&mut app.effects);
            if batch.is_empty() {
                return;
            }
            for effect in batch {
                self.one(app, effect, send, bell, launch);
            }
        }
    }

    fn one(
        &mut self,
        app: &mut App,
        effect: Effect,
        send: &mut dyn FnMut(Job),
        bell: &mut dyn FnMut(&App),
        launch: &mut dyn FnMut(SshJob),
    ) {
        let lang = app.lang();
        // Signing in and out is what a console with nobody acting may do.
        let writes = !matches!(
            effect,
            Effect::Reload
                | Effect::Bell
                | Effect::LoadStats
                | Effect::SearchKnowledge(_)
                | Effect::WriteReport { .. }
                | Effect::SignIn { .. }
                | Effect::SignOut(_)
        );
        if writes && app.ctx.operator.is_none() {
            app.on_outcome(Outcome::Failed { message: texts::READ_ONLY.get(lang).to_string(), stale: false });
            return;
        }
        let (request, pending) = match effect {
            Effect::Reload => return send(Job::Detail(app.queue.detail.clone())),
            Effect::Bell => return bell(app),
            Effect::SearchKnowledge(query) => return send(Job::Knowledge { query }),
            Effect::LoadStats => {
                let today = app.now.with_timezone(&app.ctx.site.tz).date_naive();
                return send(Job::Stats { today });
            }
            Effect::WriteReport { wanted, pdf } => {
                self.next += 1;
                self.pending.insert(self.next, Pending::Report);
                let dir = app.ctx.reports_dir.clone();
                return send(Job::Report { ticket: self.next, wanted, pdf, lang, dir });
            }
            Effect::Ssh { hosts, action, confirmed } => {
                match start_ssh(app, hosts, &action, confirmed, launch) {
                    Started::Outcome(outcome) => return app.on_outcome(outcome),
                    Started::AskSecond(ask) => (Request::AskSecond(ask), Pending::SecondAsked),
                }
            }
            Effect::ConfirmSecond(id) => (Request::ConfirmSecond { id }, Pending::Event),
            Effect::Change { id, command } => (Request::Change { id: Some(id), command }, Pending::Change),
            Effect::SignIn { name, secret, code } => {
                (Request::SignIn { name, secret, code }, Pending::SignIn)
            }
            Effect::SignOut(why) => (Request::SignOut { why }, Pending::SignOut),
            Effect::Execute { target, command, expected_version } => {
                let new = matches!(target, IncidentTarget::New);
                (
                    Request::Incident {
                        target,
                        command,
                        expected_version,
                        claimed_at: None,
                        backdate_reason: None,
                    },
                    Pending::Incident { new },
                )
            }
            Effect::Alarm(command) => (Request::Alarm(command), Pending::Event),
            Effect::Run { run, command, expected_version } => {
                (Request::Run { run: run.clone(), command, expected_version }, Pending::Run { run })
            }
            Effect::Decline { run, reason } => {
                (Request::DeclineRun { run: run.clone(), reason }, Pending::Decline { run })
            }
            Effect::LogEntry(entry) => (Request::LogEntry(entry.clone()), Pending::LogEntry(entry)),
            Effect::CompleteEntry(completed) => (Request::CompleteEntry(completed), Pending::Event),
            Effect::Roster(change) => (Request::Roster(change.clone()), Pending::Roster(change)),
            Effect::Handover { id, command } => {
                let kind = match command {
                    HandoverCommand::Start { .. } => "handover.started",
                    HandoverCommand::CompleteStep { .. } => "handover.step_completed",
                    HandoverCommand::Sign { .. } => "handover.signed",
                };
                (Request::Handover { id, command }, Pending::Handover { kind })
            }
            Effect::SignHandover { id, side } => (Request::SignHandover { id, side }, Pending::Sign),
            Effect::Shell(host) => {
                let Some(target) = shell_target(app, &host) else { return };
                let request = Request::ShellStarted {
                    host: host.clone(),
                    address: target.address.to_string(),
                    user: target.user,
                };
                (request, Pending::ShellStart { host })
            }
        };
        self.ask(app, request, pending, send);
    }

    /// Records the end of a shell that was opened (what was typed is not recorded).
    pub fn shell_ended(
        &mut self,
        app: &App,
        host: String,
        ending: String,
        seconds: i64,
        send: &mut dyn FnMut(Job),
    ) {
        let request = Request::ShellEnded { host: host.clone(), ending: ending.clone(), seconds };
        self.ask(app, request, Pending::ShellEnd { host, ending }, send);
    }

    /// Records an SSH action's run.
    pub fn ssh_ran(
        &mut self,
        app: &App,
        record: Box<crate::ssh::runner::RunRecord>,
        send: &mut dyn FnMut(Job),
    ) {
        self.ask(app, Request::RecordSshRun(record), Pending::SshRecord, send);
    }

    /// Applies what the worker heard to the app.
    pub fn heard(&mut self, app: &mut App, heard: Heard) {
        let lang = app.lang();
        match heard {
            Heard::Loaded(snapshot) => app.replace_data(*snapshot),
            Heard::Changed(delta) => app.apply_delta(*delta),
            Heard::Down { since, error } => app.store_unreachable(since, &error),
            Heard::Relinked => app.relinked(),
            Heard::RecordBroken(bad) => {
                app.trouble.record_broken = Some(crate::i18n::tail_broken(&bad, lang));
                app.dirty = true;
            }
            Heard::Stats(Ok(stats)) => {
                app.duty.stats = Some(stats);
                app.dirty = true;
            }
            Heard::Stats(Err(error)) => app.say(error, true),
            Heard::Knowledge { query, result } => {
                app.knowledge.answered(&query, result);
                app.dirty = true;
            }
            Heard::Report { ticket, result } => {
                self.pending.remove(&ticket);
                app.on_outcome(match result {
                    Ok(paths) => Outcome::Done(format!(
                        "{}: {}",
                        lang.pick("报告已写入", "report written"),
                        paths.join(", ")
                    )),
                    Err(message) => Outcome::Failed { message, stale: false },
                });
            }
            Heard::Done { ticket, result } => {
                self.waiting_since.remove(&ticket);
                let Some(pending) = self.pending.remove(&ticket) else { return };
                let outcome = match result {
                    Ok(done) => match done_outcome(app, pending, done) {
                        Some(outcome) => outcome,
                        None => return,
                    },
                    Err(e) if e.is_stale() => Outcome::Failed { message: store_error(&e, lang), stale: true },
                    // The service signed the engineer out (nothing done for the site's
                    // idle time): the screen locks for someone to sign in.
                    Err(e) if e.is_sign_in_first() && app.ctx.operator.is_some() => {
                        app.lock_screen(super::lock::Why::Idle);
                        return;
                    }
                    Err(e) => {
                        if matches!(pending, Pending::SshRecord) {
                            crate::log::write(&format!("recording an SSH run failed: {e}"));
                        }
                        Outcome::Failed { message: store_error(&e, lang), stale: false }
                    }
                };
                app.on_outcome(outcome);
            }
        }
    }
}

/// What the operator is told when a request was done (None: nothing worth a line).
fn done_outcome(app: &mut App, pending: Pending, done: Done) -> Option<Outcome> {
    let lang = app.lang();
    Some(Outcome::Done(match (pending, done) {
        (Pending::Incident { new }, Done::Incident(committed)) => {
            let kind = committed.events.last().map_or("", |e| e.kind.as_str());
            if new {
                app.open_detail(committed.incident.id.clone());
            }
            crate::i18n::committed(&committed.incident.id, kind, committed.incident.version, lang)
        }
        (Pending::LogEntry(entry), Done::Event(event)) => {
            let mut text = format!("{} #{}", event_kind(&event.kind, lang), event.seq);
            // The entry just written is the one selected: `I` acts on what was said.
            app.duty.log.set(usize::MAX);
            // A reading outside the room's limits is said at once, with the way on.
            let flags = crate::domain::duty_log::flags(&entry, &app.ctx.site.room);
            for flag in &flags {
                text.push_str(&format!("  ▲ {}", t::flag_text(flag, lang)));
            }
            if !flags.is_empty()
                && let Some(key) =
                    app.ctx.keymap.keys_for(app.section(), super::action::Action::IncidentFromEntry).first()
            {
                text.push_str(&format!(
                    "  [{key}] {}",
                    super::action::Action::IncidentFromEntry.describe(lang)
                ));
            }
            text
        }
        (Pending::Event, Done::Event(event)) => event_kind(&event.kind, lang).to_string(),
        (Pending::Change, Done::Change(change)) => {
            format!("{} {}", change.id, crate::i18n::Label::label(&change.state, lang))
        }
        (Pending::SecondAsked, Done::Event(event)) => {
            format!("{} {}", texts::SECOND_ASKED.get(lang), event.seq)
        }
        (Pending::Roster(change), _) => format!(
            "{}: {} {} {}",
            event_kind("roster.changed", lang),
            change.shift,
            change.date,
            change.operators.join(", ")
        ),
        (Pending::Run { run }, Done::Run(result)) => {
            if result.paused.is_some() {
                texts::PAUSED_FOR_LEAD.get(lang).to_string()
            } else if result
                .marks
                .values()
                .any(|m| m.result != crate::domain::checklist::ItemResult::Normal && m.notified_at.is_none())
            {
                texts::NOTIFY_NOW.get(lang).to_string()
            } else {
                format!("{run}: {}/{}", result.marks.len(), result.items.len())
            }
        }
        (Pending::Decline { run }, Done::Declined(declined)) => format!(
            "{run}: {}{}",
            event_kind("checklist.declined", lang),
            if declined.late_notice {
                lang.pick("（未提前两小时告知）", " (less than two hours' notice)")
            } else {
                ""
            }
        ),
        (Pending::Handover { kind }, Done::Handover(h)) => {
            format!("{} — {} {}/7", event_kind(kind, lang), t::HANDOVER.get(lang), h.steps.len())
        }
        (Pending::Sign, Done::Handover(h)) => format!(
            "{} — {}",
            event_kind("handover.signed", lang),
            if h.is_done() { t::HANDOVER_DONE.get(lang) } else { t::HANDOVER_AWAITING_INCOMING.get(lang) }
        ),
        (Pending::SignIn, Done::SignedIn(operator)) => {
            app.signed_in(operator);
            return None;
        }
        (Pending::ShellStart { host }, _) => {
            app.pending_shell = Some(host);
            return None;
        }
        (Pending::ShellEnd { host, ending }, _) => {
            format!("{host}: {} ({ending})", texts::SHELL_ENDED.get(lang))
        }
        // An SSH run on the record says nothing: its output is on screen.
        (Pending::SshRecord | Pending::Report | Pending::SignOut, _) => return None,
        // Each request is answered with its own kind of result.
        (_, _) => return None,
    }))
}

/// Where and as whom `ssh` reaches a host: the site's port and user, our login otherwise.
pub fn shell_target(app: &App, host_name: &str) -> Option<crate::ssh::session::Target> {
    let host = app.ctx.site.host(host_name)?;
    Some(crate::ssh::target_of(host, &app.ctx.login, &|name| app.ctx.site.host(name).cloned()))
}

/// What asking to run an action came to.
enum Started {
    Outcome(Outcome),
    /// It needs a second person, and none has been asked yet: ask.
    AskSecond(crate::ops::ssh::SshAsk),
}

/// Starts an action as the operator asked it. Where the site asks for two people, it
/// runs on this operator's ask another operator has confirmed, as this console shows
/// the asks; without one, a second person is asked for first.
fn start_ssh(
    app: &mut App,
    hosts: Vec<String>,
    action: &str,
    confirmed: Option<String>,
    launch: &mut dyn FnMut(SshJob),
) -> Started {
    let lang = app.lang();
    let failed = |message: String| Started::Outcome(Outcome::Failed { message, stale: false });
    let Some(operator) = app.ctx.operator.clone() else {
        return failed(texts::READ_ONLY.get(lang).to_string());
    };
    let site = &app.ctx.site;
    if site.ssh.action(action).is_none() {
        return failed(texts::NO_ACTIONS.get(lang).to_string());
    }
    let mut ask = crate::ops::ssh::SshAsk {
        hosts: hosts.clone(),
        action: action.to_string(),
        command: None,
        confirm: confirmed,
        second: None,
    };
    let read = match crate::ops::ssh::read(site, &ask) {
        Ok(read) => read,
        Err(refusal) => return failed(crate::i18n::domain_error(&refusal, lang)),
    };
    if read.needs_second(site) {
        match crate::domain::second::open_ask(&app.data.seconds, &operator.id, &read.asked(), app.now) {
            None => return Started::AskSecond(ask),
            Some(open) if open.confirmed.is_none() => {
                return failed(format!("{} {}", texts::SECOND_NOT_YET.get(lang), open.id));
            }
            Some(open) => ask.second = Some(open.id),
        }
    }
    let plan = match crate::ops::ssh::plan(site, &operator, &ask, &app.data.seconds, app.now) {
        Ok(plan) => plan,
        Err(refusal) => return failed(crate::i18n::domain_error(&refusal, lang)),
    };
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let job = SshJob {
        ask,
        plan,
        site: site.clone(),
        login: app.ctx.login.clone(),
        clock: app.ctx.clock,
        lang,
        cancel: cancel.clone(),
    };
    app.start_action_run(action, &hosts, cancel);
    launch(job);
    Started::Outcome(Outcome::Done(format!("{action}: {} {}", texts::RUNNING.get(lang), hosts.join(", "))))
}
