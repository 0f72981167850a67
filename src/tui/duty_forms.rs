//! The Duty log tab's forms: one per kind of duty-log entry, the roster, handing an
//! incident over, and the walkthrough's notes. Field problems stay in the form.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::effect::Effect;
use super::form::{Field, Form, FormKind, Name, Target};
use crate::config::Site;
use crate::domain::duty_log::Entry;
use crate::domain::shift::RosterChange;
use crate::i18n::duty as t;
use crate::i18n::{Lang, ui};

/// The form for one kind of duty-log entry.
pub fn entry(kind: FormKind, operator: &str, now: DateTime<Utc>, site: &Site, lang: Lang) -> Form {
    let local_now = now.with_timezone(&site.tz).format("%H:%M").to_string();
    let (title, fields) = match kind {
        FormKind::Environment => (
            t::FORM_ENVIRONMENT,
            vec![
                Field::line(Name::Temperature, t::F_TEMPERATURE.get(lang), true),
                Field::line(Name::Humidity, t::F_HUMIDITY.get(lang), true),
                Field::line(Name::Weather, t::F_WEATHER.get(lang), false),
            ],
        ),
        FormKind::Power => (
            t::FORM_POWER,
            vec![
                Field::toggle(Name::PowerNormal, t::F_POWER_NORMAL.get(lang), true),
                Field::line(Name::From, t::F_FROM.get(lang), false),
                Field::line(Name::To, t::F_TO.get(lang), false),
                Field::multi(Name::Note, ui::F_NOTE.get(lang), false),
            ],
        ),
        FormKind::Equipment => (
            t::FORM_EQUIPMENT,
            vec![
                Field::line(Name::Who, t::F_WHO.get(lang), true),
                Field::line(Name::What, t::F_WHAT_EQUIPMENT.get(lang), true),
                Field::line(Name::Before, t::F_BEFORE.get(lang), true),
                Field::line(Name::After, t::F_AFTER.get(lang), false),
            ],
        ),
        FormKind::Visitor => (
            t::FORM_VISITOR,
            vec![
                Field::line(Name::Who, t::F_WHO.get(lang), true),
                Field::multi(Name::Why, t::F_WHY.get(lang), true),
                Field::line(Name::From, t::F_FROM.get(lang), true),
                Field::line(Name::To, t::F_TO.get(lang), false),
                Field::line(Name::Escort, t::F_ESCORT.get(lang), true),
            ],
        ),
        FormKind::Request => (
            t::FORM_REQUEST,
            vec![
                Field::line(Name::From, t::F_REQUEST_FROM.get(lang), true),
                Field::toggle(Name::Complaint, t::F_COMPLAINT.get(lang), false),
                Field::multi(Name::What, t::F_REQUEST.get(lang), true),
                Field::multi(Name::Outcome, t::F_OUTCOME.get(lang), false),
            ],
        ),
        _ => (t::FORM_DUTY_NOTE, vec![Field::multi(Name::Note, ui::F_NOTE.get(lang), true)]),
    };
    let mut form = Form::new(kind, title.get(lang).to_string(), Target::Nothing, fields);
    match kind {
        FormKind::Equipment => form.type_into(Name::Who, operator),
        FormKind::Visitor => {
            form.type_into(Name::From, &local_now);
            form.type_into(Name::Escort, operator);
        }
        _ => {}
    }
    form
}

/// The roster form, prefilled with the shift in force and who is on it.
pub fn roster(site: &Site, shift: &str, date: NaiveDate, on_duty: &[String], lang: Lang) -> Form {
    let fields = vec![
        Field::line(Name::Shift, t::F_SHIFT.get(lang), true),
        Field::line(Name::Date, t::F_DATE.get(lang), true),
        Field::line(Name::Operators, t::F_OPERATORS.get(lang), true),
    ];
    let mut form = Form::new(FormKind::Roster, t::FORM_ROSTER.get(lang).to_string(), Target::Nothing, fields);
    form.type_into(Name::Shift, shift);
    form.type_into(Name::Date, &date.to_string());
    form.type_into(Name::Operators, &on_duty.join(", "));
    let names: Vec<&str> = site.shifts.iter().map(|s| s.name.as_str()).collect();
    form.title = format!("{} ({})", form.title, names.join(" / "));
    form
}

/// Completes a duty-log entry later: the visitor's departure or the request's outcome,
/// whichever it lacks; None (with why) when it lacks neither.
pub fn completion(logged: &crate::duty::LoggedEntry, lang: Lang) -> Result<Form, crate::domain::DomainError> {
    use crate::domain::duty_log::{Missing, missing};
    // Asked of the domain before anything is typed: a complete entry, or one of a kind
    // with nothing to complete, is refused at once.
    let field = match missing(&logged.entry)? {
        Missing::Departure => Field::line(Name::To, t::F_TO.get(lang), true),
        Missing::Outcome => Field::multi(Name::Outcome, t::F_OUTCOME.get(lang), true),
    };
    let title =
        format!("{} — #{} {}", t::FORM_COMPLETE.get(lang), logged.seq, t::entry_line(&logged.entry, lang));
    let fields = vec![field, Field::multi(Name::Reason, ui::F_REASON.get(lang), false)];
    Ok(Form::new(FormKind::Complete, title, Target::Entry(logged.seq), fields))
}

/// A note on a walkthrough item, or (without an item) the notes for the next shift.
pub fn walkthrough_note(item: Option<&str>, current: &str, lang: Lang) -> Form {
    let (kind, title) = match item {
        Some(item) => (FormKind::ItemNote, format!("{} — {item}", t::FORM_ITEM_NOTE.get(lang))),
        None => (FormKind::StepNotes, t::FORM_NEXT_NOTES.get(lang).to_string()),
    };
    let target = Target::HandoverItem(item.map(str::to_string));
    let mut form =
        Form::new(kind, title, target, vec![Field::multi(Name::Note, ui::F_NOTE.get(lang), item.is_none())]);
    form.type_into(Name::Note, current);
    form
}

fn time_field(form: &mut Form, name: Name, lang: Lang) -> Result<Option<NaiveTime>, ()> {
    let text = form.text(name);
    if text.is_empty() {
        return Ok(None);
    }
    match NaiveTime::parse_from_str(&text, "%H:%M") {
        Ok(time) => Ok(Some(time)),
        Err(_) => {
            form.fail(name, ui::FORM_BAD_HHMM.get(lang).to_string());
            Err(())
        }
    }
}

fn number_field(form: &mut Form, name: Name, lang: Lang) -> Result<f64, ()> {
    match form.text(name).parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => {
            form.fail(name, t::F_BAD_DECIMAL.get(lang).to_string());
            Err(())
        }
    }
}

/// Turns a submitted duty form into its effect, or marks its problems.
pub fn submit(
    form: &mut Form,
    site: &Site,
    now: chrono::DateTime<chrono::Utc>,
    lang: Lang,
) -> Option<Effect> {
    let entry = match form.kind {
        FormKind::Environment => Entry::Environment {
            temperature: number_field(form, Name::Temperature, lang).ok()?,
            humidity: number_field(form, Name::Humidity, lang).ok()?,
            weather: form.text(Name::Weather),
        },
        FormKind::Power => Entry::Power {
            normal: form.is_on(Name::PowerNormal),
            from: time_field(form, Name::From, lang).ok()?,
            to: time_field(form, Name::To, lang).ok()?,
            note: form.text(Name::Note),
        },
        FormKind::Equipment => Entry::Equipment {
            who: form.text(Name::Who),
            what: form.text(Name::What),
            before: form.text(Name::Before),
            after: form.text(Name::After),
        },
        FormKind::Visitor => Entry::Visitor {
            who: form.text(Name::Who),
            why: form.text(Name::Why),
            from: time_field(form, Name::From, lang).ok()??,
            to: time_field(form, Name::To, lang).ok()?,
            escort: form.text(Name::Escort),
        },
        FormKind::Request => Entry::Request {
            from: form.text(Name::From),
            complaint: form.is_on(Name::Complaint),
            what: form.text(Name::What),
            outcome: form.text(Name::Outcome),
        },
        FormKind::DutyNote => Entry::Note { text: form.text(Name::Note) },
        FormKind::Complete => {
            use crate::domain::duty_log::{Completed, Completion};
            let Target::Entry(seq) = form.target else { return None };
            let completion = match form.has(Name::To) {
                true => Completion::Departure { to: time_field(form, Name::To, lang).ok()?? },
                false => Completion::Outcome { outcome: form.text(Name::Outcome) },
            };
            return Some(Effect::CompleteEntry(Completed {
                entry: seq,
                completion,
                reason: form.text(Name::Reason),
            }));
        }
        FormKind::Roster => {
            let Ok(date) = NaiveDate::parse_from_str(&form.text(Name::Date), "%Y-%m-%d") else {
                form.fail(Name::Date, t::F_BAD_DATE.get(lang).to_string());
                return None;
            };
            let operators: Vec<String> = form
                .text(Name::Operators)
                .split([',', '，', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            return Some(Effect::Roster(RosterChange { shift: form.text(Name::Shift), date, operators }));
        }
        _ => return None,
    };
    // Say what the domain would refuse while the text is still in the form.
    let checked = match crate::duty::shift_now(site, now) {
        Some((_, shift)) => crate::domain::duty_log::check(&entry, shift),
        None => Err(crate::domain::DomainError::NoShift),
    };
    if let Err(e) = checked {
        form.error = Some(crate::i18n::domain_error(&e, lang));
        return None;
    }
    Some(Effect::LogEntry(entry))
}
