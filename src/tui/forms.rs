//! The console's forms: which fields each command asks for, and how a submitted form
//! becomes a command. Field problems stay in the form; nothing is written until the
//! store accepts the command.

use chrono::{DateTime, Duration, Utc};

use super::action::Action;
use super::effect::Effect;
pub use super::form::FormTarget;
use super::form::{Field, Form, FormKind, Name, RunTarget, Target};
use crate::config::Site;
use crate::domain::alarm::AlarmCommand;
use crate::domain::checklist::{ItemResult, RunCommand, RunRefusal};
use crate::domain::incident::{FaultReportForm, NewIncident};
use crate::domain::{
    CallTarget, DomainError, EventClass, FaultArea, Incident, IncidentCommand, PauseReason, Severity, Source,
};
use crate::i18n::{Label, Lang, ui};
use crate::ops::IncidentTarget;

fn options<T: Label + Copy>(
    values: &[T],
    key: fn(T) -> &'static str,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    values.iter().map(|v| (key(*v), v.label(lang).to_string())).collect()
}

/// The keys of a choice among the site's plans: their places in its list.
const PLACES: [&str; 32] = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18",
    "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31",
];

/// The form for a new incident.
pub fn new_incident(lang: Lang) -> Form {
    let fields = vec![
        Field::line(Name::Title, ui::F_TITLE.get(lang), true),
        Field::choice(Name::Severity, ui::F_SEVERITY.get(lang), options(Severity::ALL, Severity::key, lang)),
        Field::choice(Name::Class, ui::F_CLASS.get(lang), options(EventClass::ALL, EventClass::key, lang)),
        Field::choice(Name::Area, ui::F_AREA.get(lang), options(FaultArea::ALL, FaultArea::key, lang)),
        Field::line(Name::Hosts, ui::F_HOSTS.get(lang), false),
        Field::line(Name::ReportedAt, ui::F_REPORTED_AT.get(lang), false),
        Field::toggle(Name::OnSite, ui::F_ONSITE.get(lang), false),
        Field::multi(Name::Description, ui::F_DESCRIPTION.get(lang), false),
    ];
    Form::new(FormKind::NewIncident, ui::FORM_NEW.get(lang).to_string(), Target::Nothing, fields)
}

/// The form that mutes alarms for a while.
pub fn mute(lang: Lang) -> Form {
    let mut form = Form::new(
        FormKind::Mute,
        ui::FORM_MUTE.get(lang).to_string(),
        Target::Nothing,
        vec![Field::line(Name::Minutes, ui::F_MINUTES.get(lang), true)],
    );
    form.type_into(Name::Minutes, "30");
    form
}

/// The form an incident action opens, if it needs one.
pub fn for_action(action: Action, incident: &Incident, site: &Site, lang: Lang) -> Option<Form> {
    let target =
        FormTarget { id: incident.id.clone(), version: incident.version, severity: incident.severity };
    let (kind, title, fields) = match action {
        Action::Note => {
            (FormKind::Note, ui::FORM_NOTE, vec![Field::multi(Name::Note, ui::F_NOTE.get(lang), true)])
        }
        Action::Escalate => (
            FormKind::Escalate,
            ui::FORM_ESCALATE,
            vec![
                Field::line(Name::Vendor, ui::F_VENDOR.get(lang), true),
                Field::multi(Name::Note, ui::F_NOTE.get(lang), false),
            ],
        ),
        Action::Call | Action::ReportSecurity => (
            FormKind::Call,
            ui::FORM_CALL,
            vec![
                Field::choice(
                    Name::Callee,
                    ui::F_CALLEE.get(lang),
                    options(CallTarget::ALL, CallTarget::key, lang),
                ),
                Field::line(Name::CalleeName, ui::F_NAME.get(lang), true),
                Field::toggle(Name::Answered, ui::F_ANSWERED.get(lang), true),
                Field::multi(Name::Note, ui::F_NOTE.get(lang), false),
            ],
        ),
        Action::Pause => (
            FormKind::Pause,
            ui::FORM_PAUSE,
            vec![Field::choice(
                Name::Reason,
                ui::F_REASON.get(lang),
                options(PauseReason::ALL, PauseReason::key, lang),
            )],
        ),
        Action::Resolve => (
            FormKind::Resolve,
            ui::FORM_RESOLVE,
            vec![
                Field::multi(Name::Cause, ui::F_CAUSE.get(lang), true),
                Field::multi(Name::Solution, ui::F_SOLUTION.get(lang), true),
            ],
        ),
        Action::Report => (
            FormKind::Report,
            ui::FORM_REPORT,
            vec![
                Field::multi(Name::Description, ui::F_REPORT_DESCRIPTION.get(lang), true),
                Field::multi(Name::Process, ui::F_PROCESS.get(lang), false),
                Field::multi(Name::Measures, ui::F_MEASURES.get(lang), true),
                Field::choice(
                    Name::Area,
                    ui::F_AREA.get(lang),
                    options(FaultArea::ALL, FaultArea::key, lang),
                ),
            ],
        ),
        Action::Close => {
            (FormKind::Close, ui::FORM_CLOSE, vec![Field::multi(Name::Note, ui::F_NOTE.get(lang), false)])
        }
        Action::StartPlan => {
            // Keys are places in the site's list (a choice's keys are fixed words); the
            // plans that fit the incident come first, the first of them chosen.
            let fitting =
                crate::domain::plan::suggest(&site.plans, incident.class, incident.area, &incident.title);
            let mut order: Vec<usize> =
                fitting.iter().filter_map(|p| site.plans.iter().position(|q| q.id == p.id)).collect();
            let rest: Vec<usize> = (0..site.plans.len()).filter(|i| !order.contains(i)).collect();
            order.extend(rest);
            let choices = order
                .into_iter()
                .filter_map(|i| {
                    PLACES.get(i).map(|key| (*key, format!("{} ({})", site.plans[i].name, site.plans[i].id)))
                })
                .collect();
            (
                FormKind::StartPlan,
                ui::FORM_START_PLAN,
                vec![Field::choice(Name::Plan, ui::F_PLAN.get(lang), choices)],
            )
        }
        Action::PlanStep => {
            let open = incident
                .plans
                .last()
                .and_then(|run| run.steps.iter().position(|s| s.outcome.is_none()))
                .map_or(1, |i| i + 1);
            let target = FormTarget {
                id: incident.id.clone(),
                version: incident.version,
                severity: incident.severity,
            };
            let fields = vec![
                Field::line(Name::Step, ui::F_STEP.get(lang), true),
                Field::toggle(Name::Done, ui::F_STEP_DONE.get(lang), true),
                Field::multi(Name::Note, ui::F_NOTE.get(lang), false),
            ];
            let mut form = Form::new(
                FormKind::PlanStep,
                ui::FORM_PLAN_STEP.get(lang).to_string(),
                Target::Incident(target),
                fields,
            );
            form.type_into(Name::Step, &open.to_string());
            return Some(form);
        }
        Action::Problem => {
            (FormKind::Problem, ui::FORM_PROBLEM, vec![Field::multi(Name::Note, ui::F_NOTE.get(lang), true)])
        }
        Action::ConfirmUser => {
            use crate::domain::confirmation::{ConfirmedHow, Rating};
            // The site's rule alone confirms automatically: a person says how it came.
            let ways: Vec<ConfirmedHow> =
                ConfirmedHow::ALL.iter().copied().filter(|h| *h != ConfirmedHow::Auto).collect();
            (
                FormKind::ConfirmUser,
                ui::FORM_CONFIRM_USER,
                vec![
                    Field::line(Name::Requester, ui::F_REQUESTER.get(lang), true),
                    Field::choice(Name::How, ui::F_HOW.get(lang), options(&ways, ConfirmedHow::key, lang)),
                    // No rating is chosen for the engineer: the requester's is asked.
                    Field::choice(
                        Name::Rating,
                        ui::F_RATING.get(lang),
                        std::iter::once(("", ui::CHOOSE.get(lang).to_string()))
                            .chain(options(Rating::ALL, Rating::key, lang))
                            .collect(),
                    ),
                    Field::multi(Name::Note, ui::F_NOTE.get(lang), false),
                ],
            )
        }
        Action::Correct => (
            FormKind::Correct,
            ui::FORM_CORRECT,
            vec![
                Field::choice(
                    Name::Corrected,
                    ui::F_FIELD.get(lang),
                    ["reported_at", "severity", "class", "area"]
                        .into_iter()
                        .map(|f| (f, crate::i18n::field_label(f, lang).to_string()))
                        .collect(),
                ),
                Field::line(Name::Value, ui::F_CORRECT_VALUE.get(lang), true),
                Field::multi(Name::Reason, ui::F_REASON.get(lang), true),
            ],
        ),
        _ => return None,
    };
    let title = format!("{} — {}", title.get(lang), target.id);
    let mut form = Form::new(kind, title, Target::Incident(target), fields);
    if action == Action::ReportSecurity {
        // The five-minute report stops when the security leading group has been told.
        form.select(Name::Callee, CallTarget::SecurityGroup.key());
    }
    if kind == FormKind::Report {
        // The report's area starts as the incident's own.
        form.select(Name::Area, incident.area.key());
    }
    Some(form)
}

/// The forms of the Inspections tab.
pub fn for_run(kind: FormKind, target: RunTarget, lang: Lang) -> Form {
    let results = || {
        ItemResult::ALL
            .iter()
            .map(|r| (r.key(), format!("{} {}", r.mark(), r.label(lang))))
            .collect::<Vec<_>>()
    };
    let (title, fields) = match kind {
        FormKind::MarkItem => (
            ui::FORM_MARK,
            vec![
                Field::choice(Name::Result, ui::F_RESULT.get(lang), results()),
                Field::multi(Name::Note, ui::F_NOTE.get(lang), false),
            ],
        ),
        FormKind::Decide => (
            ui::FORM_DECIDE,
            vec![
                Field::choice(
                    Name::Decision,
                    ui::F_DECISION.get(lang),
                    vec![
                        ("continue", ui::GO_ON.get(lang).to_string()),
                        ("stop", ui::STOP.get(lang).to_string()),
                    ],
                ),
                Field::multi(Name::Note, ui::F_NOTE.get(lang), false),
            ],
        ),
        FormKind::Transfer => {
            (ui::FORM_TRANSFER, vec![Field::multi(Name::Transfer, ui::F_TRANSFER.get(lang), true)])
        }
        _ => (ui::FORM_DECLINE, vec![Field::multi(Name::Reason, ui::F_REASON.get(lang), true)]),
    };
    let label = match &target.item {
        Some(item) => format!("{} — {} / {item}", title.get(lang), target.run),
        None => format!("{} — {}", title.get(lang), target.run),
    };
    let judged = target.judged;
    let mut form = Form::new(kind, label, Target::Run(target), fields);
    // An item bound to a check starts from what the check says, never from "normal".
    if let (FormKind::MarkItem, Some(judged)) = (kind, judged) {
        form.select(Name::Result, ItemResult::suggested_by(judged).key());
    }
    form
}

/// Confirms a dangerous action by typing its name (and naming a second operator where
/// the site requires two people).
pub fn confirm_action(action: &str, label: &str, hosts: Vec<String>, lang: Lang) -> Form {
    Form::new(
        FormKind::ConfirmAction,
        format!("⚠ {} — {action} @ {label}", ui::FORM_CONFIRM.get(lang)),
        Target::Ssh { action: action.to_string(), hosts },
        vec![Field::line(Name::Confirm, &format!("{} “{action}”", ui::F_TYPE_NAME.get(lang)), true)],
    )
}

/// The second person's confirmation of another operator's ask: they type its action's
/// name back, as the one who runs it did.
pub fn confirm_second(ask: &crate::domain::second::SecondAsk, tz: chrono_tz::Tz, lang: Lang) -> Form {
    let action = &ask.asked.action;
    let title = format!(
        "⚠ {} {} — {} {action} @ {} ({} {})",
        ui::FORM_CONFIRM_SECOND.get(lang),
        ask.id,
        crate::text::visible(&ask.asked_by, false),
        crate::text::visible(&ask.asked.hosts.join(","), false),
        ui::UNTIL.get(lang),
        crate::i18n::local_time(ask.until, tz),
    );
    Form::new(
        FormKind::ConfirmSecond,
        title,
        Target::Second { id: ask.id, action: action.clone() },
        vec![Field::line(Name::Confirm, &format!("{} “{action}”", ui::F_TYPE_NAME.get(lang)), true)],
    )
}

/// A new-incident form filled in from an inspection item's finding.
pub fn incident_from_item(title: &str, description: &str, host: Option<&str>, lang: Lang) -> Form {
    let mut form = new_incident(lang);
    form.type_into(Name::Title, title);
    if let Some(host) = host {
        form.type_into(Name::Hosts, host);
    }
    form.type_into(Name::Description, description);
    form
}

/// A report time as typed into a field (empty is now). One ahead of now is refused; one
/// that makes the response late, or lies further back than the site lets a time go
/// unconfirmed, is taken only on the same submission again, once what it does to the
/// clocks has been shown.
fn report_time(
    form: &mut Form,
    field: Name,
    severity: Severity,
    site: &Site,
    now: DateTime<Utc>,
    lang: Lang,
) -> Option<DateTime<Utc>> {
    let typed = form.text(field);
    if typed.is_empty() {
        return Some(now);
    }
    let Some(at) = crate::time::parse_local(&typed, site.tz, now) else {
        form.fail(field, ui::FORM_BAD_TIME.get(lang).to_string());
        return None;
    };
    if at > now + Duration::minutes(1) {
        form.fail(field, crate::i18n::time_ahead(at, site.tz, lang));
        return None;
    }
    if let Some(effect) = site.policy.backdate_effect(severity, at, now) {
        let token = format!("{}|{}", at.timestamp(), severity.key());
        if form.asked.as_deref() != Some(token.as_str()) {
            form.error = Some(crate::i18n::backdate_question(at, &effect, site.tz, lang));
            form.asked = Some(token);
            return None;
        }
    }
    Some(at)
}

/// Turns a submitted form into the effect it asks for, or marks its problems.
pub fn submit(form: &mut Form, site: &Site, now: DateTime<Utc>, lang: Lang) -> Option<Effect> {
    form.error = None;
    if !form.check_required(ui::FORM_REQUIRED.get(lang)) {
        return None;
    }
    let text = |name: Name| form.text(name);
    let existing = |form: &Form, command: IncidentCommand| {
        let target = form.incident().cloned().expect("incident forms have a target");
        Some(Effect::Execute {
            target: IncidentTarget::Existing(target.id),
            command,
            expected_version: Some(target.version),
        })
    };
    match form.kind {
        FormKind::NewIncident => {
            let hosts: Vec<String> = text(Name::Hosts)
                .split([',', '，', ' '])
                .filter(|h| !h.is_empty())
                .map(str::to_string)
                .collect();
            if let Some(unknown) = hosts.iter().find(|h| site.host(h).is_none()) {
                form.fail(Name::Hosts, format!("{}: {unknown}", ui::FORM_UNKNOWN_HOST.get(lang)));
                return None;
            }
            let severity: Severity = text(Name::Severity).parse().ok()?;
            let reported_at = report_time(form, Name::ReportedAt, severity, site, now, lang)?;
            let new = NewIncident {
                title: form.text(Name::Title),
                description: form.text(Name::Description),
                severity,
                class: form.text(Name::Class).parse().ok()?,
                area: form.text(Name::Area).parse().ok()?,
                hosts,
                source: Source::Operator,
                reported_at,
                onsite_required: form.is_on(Name::OnSite),
                source_ref: None,
            };
            Some(Effect::Execute {
                target: IncidentTarget::New,
                command: IncidentCommand::Open(new),
                expected_version: None,
            })
        }
        FormKind::Mute => match text(Name::Minutes).parse::<i64>() {
            Ok(minutes) => Some(Effect::Alarm(AlarmCommand::Mute { minutes })),
            Err(_) => {
                form.fail(Name::Minutes, ui::FORM_BAD_NUMBER.get(lang).to_string());
                None
            }
        },
        FormKind::Note => existing(form, IncidentCommand::Note { text: text(Name::Note) }),
        FormKind::Escalate => {
            existing(form, IncidentCommand::Escalate { vendor: text(Name::Vendor), note: text(Name::Note) })
        }
        FormKind::Call => existing(
            form,
            IncidentCommand::Call {
                callee: text(Name::Callee).parse().ok()?,
                name: text(Name::CalleeName),
                answered: form.is_on(Name::Answered),
                note: text(Name::Note),
            },
        ),
        FormKind::Pause => {
            existing(form, IncidentCommand::Pause { reason: text(Name::Reason).parse().ok()? })
        }
        FormKind::Resolve => existing(
            form,
            IncidentCommand::Resolve { cause: text(Name::Cause), solution: text(Name::Solution) },
        ),
        FormKind::Report => existing(
            form,
            IncidentCommand::FileReport(FaultReportForm {
                description: text(Name::Description),
                cause: None,
                process: text(Name::Process),
                solution: None,
                measures: text(Name::Measures),
                area: text(Name::Area).parse().ok(),
            }),
        ),
        FormKind::Close => existing(form, IncidentCommand::Close { note: text(Name::Note) }),
        FormKind::Problem => existing(form, IncidentCommand::MarkProblem { note: text(Name::Note) }),
        FormKind::StartPlan => {
            let plan =
                PLACES.iter().position(|key| *key == text(Name::Plan)).and_then(|i| site.plans.get(i))?;
            // The operations layer takes the plan's id and makes the run from the site.
            existing(form, IncidentCommand::StartPlan { run: plan.run(now, "") })
        }
        FormKind::PlanStep => {
            let Ok(step) = text(Name::Step).trim().parse::<usize>() else {
                form.fail(Name::Step, ui::FORM_BAD_NUMBER.get(lang).to_string());
                return None;
            };
            existing(
                form,
                IncidentCommand::MarkStep { step, done: form.is_on(Name::Done), note: text(Name::Note) },
            )
        }
        FormKind::ConfirmUser => {
            let Ok(rating) = text(Name::Rating).parse() else {
                form.fail(Name::Rating, ui::CHOOSE_RATING.get(lang).to_string());
                return None;
            };
            existing(
                form,
                IncidentCommand::Confirm(crate::domain::confirmation::Confirmation {
                    by: text(Name::Requester),
                    how: text(Name::How).parse().ok()?,
                    rating: Some(rating),
                    note: text(Name::Note),
                }),
            )
        }
        FormKind::Correct => {
            use crate::domain::incident::Correction;
            let value = text(Name::Value);
            let correction = match text(Name::Corrected).as_str() {
                "reported_at" => {
                    let severity = form.incident().expect("a correction has its incident").severity;
                    Correction::ReportedAt(report_time(form, Name::Value, severity, site, now, lang)?)
                }
                field => {
                    let parsed = match field {
                        "severity" => value.parse().map(Correction::Severity).map_err(|_| Severity::keys()),
                        "class" => value.parse().map(Correction::Class).map_err(|_| EventClass::keys()),
                        _ => value.parse().map(Correction::Area).map_err(|_| FaultArea::keys()),
                    };
                    match parsed {
                        Ok(correction) => correction,
                        Err(keys) => {
                            form.fail(Name::Value, format!("{}: {keys}", ui::F_CORRECT_VALUE.get(lang)));
                            return None;
                        }
                    }
                }
            };
            let reason = form.text(Name::Reason);
            existing(form, IncidentCommand::Correct { correction, reason })
        }
        FormKind::MarkItem | FormKind::Decide | FormKind::Transfer | FormKind::Decline => {
            run_effect(form, lang)
        }
        FormKind::Environment
        | FormKind::Power
        | FormKind::Equipment
        | FormKind::Visitor
        | FormKind::Request
        | FormKind::DutyNote
        | FormKind::Complete
        | FormKind::Roster => super::duty_forms::submit(form, site, now, lang),
        // The walkthrough's notes stay in the console until the step is finished.
        FormKind::ItemNote | FormKind::StepNotes => None,
        FormKind::ConfirmAction => {
            let Target::Ssh { action, hosts } = form.target.clone() else { return None };
            if text(Name::Confirm) != action {
                form.fail(Name::Confirm, format!("{} “{action}”", ui::F_TYPE_NAME.get(lang)));
                return None;
            }
            Some(Effect::Ssh { hosts, action, confirmed: Some(form.text(Name::Confirm)) })
        }
        FormKind::ConfirmSecond => {
            let Target::Second { id, action } = form.target.clone() else { return None };
            if text(Name::Confirm) != action {
                form.fail(Name::Confirm, format!("{} “{action}”", ui::F_TYPE_NAME.get(lang)));
                return None;
            }
            Some(Effect::ConfirmSecond(id))
        }
    }
}

fn run_effect(form: &mut Form, lang: Lang) -> Option<Effect> {
    let Target::Run(target) = form.target.clone() else { return None };
    let text = |name: Name| form.text(name);
    let item = target.item.clone().unwrap_or_default();
    let command = match form.kind {
        FormKind::MarkItem => {
            let result: ItemResult = text(Name::Result).parse().ok()?;
            if text(Name::Note).is_empty() {
                // The store would refuse it: say so on the field, before it is sent.
                if let Some(judged) = target.judged.filter(|j| result.better_than(*j)) {
                    let refusal = RunRefusal::BetterThanEvidence { item, judged };
                    form.fail(Name::Note, crate::i18n::domain_error(&DomainError::Run(refusal), lang));
                    return None;
                }
                if result != ItemResult::Normal {
                    form.fail(Name::Note, ui::FORM_REQUIRED.get(lang).to_string());
                    return None;
                }
            }
            RunCommand::Mark { item, result, note: text(Name::Note), evidence: None, judged: None }
        }
        FormKind::Decide => {
            RunCommand::Decide { go_on: text(Name::Decision) == "continue", note: text(Name::Note) }
        }
        FormKind::Transfer => RunCommand::Transfer { item, note: text(Name::Transfer) },
        _ => return Some(Effect::Decline { run: target.run, reason: text(Name::Reason) }),
    };
    Some(Effect::Run { run: target.run, command, expected_version: target.version })
}
