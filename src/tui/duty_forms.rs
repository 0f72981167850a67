//! The Duty log tab's forms: one per kind of duty-log entry, the roster, handing an
//! incident over, and the walkthrough's notes. Field problems stay in the form.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::effect::Effect;
use super::form::{Field, Form, FormKind};
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
                Field::line(t::F_TEMPERATURE.get(lang), true),
                Field::line(t::F_HUMIDITY.get(lang), true),
                Field::line(t::F_WEATHER.get(lang), false),
            ],
        ),
        FormKind::Power => (
            t::FORM_POWER,
            vec![
                Field::toggle(t::F_POWER_NORMAL.get(lang), true),
                Field::line(t::F_FROM.get(lang), false),
                Field::line(t::F_TO.get(lang), false),
                Field::multi(ui::F_NOTE.get(lang), false),
            ],
        ),
        FormKind::Equipment => (
            t::FORM_EQUIPMENT,
            vec![
                Field::line(t::F_WHO.get(lang), true),
                Field::line(t::F_WHAT_EQUIPMENT.get(lang), true),
                Field::line(t::F_BEFORE.get(lang), true),
                Field::line(t::F_AFTER.get(lang), false),
            ],
        ),
        FormKind::Visitor => (
            t::FORM_VISITOR,
            vec![
                Field::line(t::F_WHO.get(lang), true),
                Field::multi(t::F_WHY.get(lang), true),
                Field::line(t::F_FROM.get(lang), true),
                Field::line(t::F_TO.get(lang), false),
                Field::line(t::F_ESCORT.get(lang), true),
            ],
        ),
        FormKind::Request => (
            t::FORM_REQUEST,
            vec![
                Field::line(t::F_REQUEST_FROM.get(lang), true),
                Field::toggle(t::F_COMPLAINT.get(lang), false),
                Field::multi(t::F_REQUEST.get(lang), true),
                Field::multi(t::F_OUTCOME.get(lang), false),
            ],
        ),
        _ => (t::FORM_DUTY_NOTE, vec![Field::multi(ui::F_NOTE.get(lang), true)]),
    };
    let mut form = Form::new(kind, title.get(lang).to_string(), None, fields);
    match kind {
        FormKind::Equipment => form.type_into(0, operator),
        FormKind::Visitor => {
            form.type_into(2, &local_now);
            form.type_into(4, operator);
        }
        _ => {}
    }
    form
}

/// The roster form, prefilled with the shift in force and who is on it.
pub fn roster(site: &Site, shift: &str, date: NaiveDate, on_duty: &[String], lang: Lang) -> Form {
    let fields = vec![
        Field::line(t::F_SHIFT.get(lang), true),
        Field::line(t::F_DATE.get(lang), true),
        Field::line(t::F_OPERATORS.get(lang), true),
    ];
    let mut form = Form::new(FormKind::Roster, t::FORM_ROSTER.get(lang).to_string(), None, fields);
    form.type_into(0, shift);
    form.type_into(1, &date.to_string());
    form.type_into(2, &on_duty.join(", "));
    let names: Vec<&str> = site.shifts.iter().map(|s| s.name.as_str()).collect();
    form.title = format!("{} ({})", form.title, names.join(" / "));
    form
}

/// A note on a walkthrough item, or (without an item) the notes for the next shift.
pub fn walkthrough_note(item: Option<&str>, current: &str, lang: Lang) -> Form {
    let (kind, title) = match item {
        Some(item) => (FormKind::ItemNote, format!("{} — {item}", t::FORM_ITEM_NOTE.get(lang))),
        None => (FormKind::StepNotes, t::FORM_NEXT_NOTES.get(lang).to_string()),
    };
    let mut form = Form::new(kind, title, None, vec![Field::multi(ui::F_NOTE.get(lang), item.is_none())]);
    form.type_into(0, current);
    form.item = item.map(str::to_string);
    form
}

fn time_field(form: &mut Form, index: usize, lang: Lang) -> Result<Option<NaiveTime>, ()> {
    let text = form.fields[index].text();
    if text.is_empty() {
        return Ok(None);
    }
    match NaiveTime::parse_from_str(&text, "%H:%M") {
        Ok(time) => Ok(Some(time)),
        Err(_) => {
            form.fail_field(index, ui::FORM_BAD_HHMM.get(lang).to_string());
            Err(())
        }
    }
}

fn number_field(form: &mut Form, index: usize, lang: Lang) -> Result<f64, ()> {
    match form.fields[index].text().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => {
            form.fail_field(index, t::F_BAD_DECIMAL.get(lang).to_string());
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
    let text = |form: &Form, i: usize| form.fields[i].text();
    let entry = match form.kind {
        FormKind::Environment => Entry::Environment {
            temperature: number_field(form, 0, lang).ok()?,
            humidity: number_field(form, 1, lang).ok()?,
            weather: text(form, 2),
        },
        FormKind::Power => Entry::Power {
            normal: form.fields[0].is_on(),
            from: time_field(form, 1, lang).ok()?,
            to: time_field(form, 2, lang).ok()?,
            note: text(form, 3),
        },
        FormKind::Equipment => Entry::Equipment {
            who: text(form, 0),
            what: text(form, 1),
            before: text(form, 2),
            after: text(form, 3),
        },
        FormKind::Visitor => Entry::Visitor {
            who: text(form, 0),
            why: text(form, 1),
            from: time_field(form, 2, lang).ok()??,
            to: time_field(form, 3, lang).ok()?,
            escort: text(form, 4),
        },
        FormKind::Request => Entry::Request {
            from: text(form, 0),
            complaint: form.fields[1].is_on(),
            what: text(form, 2),
            outcome: text(form, 3),
        },
        FormKind::DutyNote => Entry::Note { text: text(form, 0) },
        FormKind::Roster => {
            let Ok(date) = NaiveDate::parse_from_str(&text(form, 1), "%Y-%m-%d") else {
                form.fail_field(1, t::F_BAD_DATE.get(lang).to_string());
                return None;
            };
            let operators: Vec<String> =
                text(form, 2).split([',', '，', ' ']).filter(|s| !s.is_empty()).map(str::to_string).collect();
            return Some(Effect::Roster(RosterChange { shift: text(form, 0), date, operators }));
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
