//! A form: labelled fields (one-line text, multi-line text, a choice, a yes/no), focus,
//! and per-field errors. Esc cancels without writing (asking first when text was typed);
//! Ctrl-S or the submit button submits. What a submitted form means is decided in
//! `forms.rs`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use crate::domain::IncidentId;

/// One field's input.
pub enum Input {
    Line(TextArea<'static>),
    Multi(TextArea<'static>),
    Choice { options: Vec<(&'static str, String)>, selected: usize },
    Toggle(bool),
}

/// What a field holds: a form is read by its fields' names, never by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Name {
    Requester,
    How,
    Rating,
    Title,
    Severity,
    Class,
    Area,
    Hosts,
    ReportedAt,
    OnSite,
    Description,
    Minutes,
    Note,
    Vendor,
    Callee,
    CalleeName,
    Answered,
    Reason,
    Cause,
    Solution,
    Process,
    Measures,
    Corrected,
    Value,
    Result,
    Decision,
    Transfer,
    Confirm,
    Temperature,
    Humidity,
    Weather,
    PowerNormal,
    From,
    To,
    Who,
    What,
    Before,
    After,
    Why,
    Escort,
    Complaint,
    Outcome,
    Shift,
    Date,
    Operators,
    Plan,
    Step,
    Done,
}

pub struct Field {
    pub name: Name,
    pub label: String,
    pub input: Input,
    pub required: bool,
    pub error: Option<String>,
}

impl Field {
    pub fn line(name: Name, label: &str, required: bool) -> Field {
        Field {
            name,
            label: label.to_string(),
            input: Input::Line(TextArea::default()),
            required,
            error: None,
        }
    }

    pub fn multi(name: Name, label: &str, required: bool) -> Field {
        Field {
            name,
            label: label.to_string(),
            input: Input::Multi(TextArea::default()),
            required,
            error: None,
        }
    }

    pub fn choice(name: Name, label: &str, options: Vec<(&'static str, String)>) -> Field {
        Field {
            name,
            label: label.to_string(),
            input: Input::Choice { options, selected: 0 },
            required: false,
            error: None,
        }
    }

    pub fn toggle(name: Name, label: &str, on: bool) -> Field {
        Field { name, label: label.to_string(), input: Input::Toggle(on), required: false, error: None }
    }

    /// The text typed, trimmed; lines joined with newlines.
    pub fn text(&self) -> String {
        match &self.input {
            Input::Line(area) | Input::Multi(area) => area.lines().join("\n").trim().to_string(),
            Input::Choice { options, selected } => options[*selected].0.to_string(),
            Input::Toggle(on) => on.to_string(),
        }
    }

    pub fn is_on(&self) -> bool {
        matches!(self.input, Input::Toggle(true))
    }

    /// Rows the field takes on screen.
    pub fn height(&self) -> u16 {
        match self.input {
            Input::Multi(_) => 4,
            _ => 1,
        }
    }
}

/// Which command the form prepares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    NewIncident,
    Note,
    Escalate,
    Call,
    Pause,
    Resolve,
    Report,
    Close,
    Problem,
    Correct,
    ConfirmUser,
    StartPlan,
    PlanStep,
    Mute,
    MarkItem,
    Decide,
    Transfer,
    Decline,
    ConfirmAction,
    /// The second person's confirmation of another's ask.
    ConfirmSecond,
    Environment,
    Power,
    Equipment,
    Visitor,
    Request,
    DutyNote,
    Roster,
    /// Completing a duty-log entry later.
    Complete,
    ItemNote,
    StepNotes,
}

/// The incident (and the version the operator saw) a form acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormTarget {
    pub id: IncidentId,
    pub version: u64,
    /// Its severity as seen (what a report time does to the clocks depends on it).
    pub severity: crate::domain::Severity,
}

/// What a form acts on: one of these, never several optional targets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Target {
    #[default]
    Nothing,
    /// An incident, as seen when the form opened.
    Incident(FormTarget),
    /// An inspection run (and item).
    Run(RunTarget),
    /// A dangerous SSH action to confirm: its name and the hosts.
    Ssh { action: String, hosts: Vec<String> },
    /// A handover walkthrough item (None: the notes for the next shift).
    HandoverItem(Option<String>),
    /// A duty-log entry, by its event number.
    Entry(u64),
    /// Another operator's ask for a second person, and the action it is for.
    Second { id: u64, action: String },
}

/// The inspection run (and item) a form acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunTarget {
    pub run: String,
    pub item: Option<String>,
    pub version: Option<u64>,
    /// What the item's bound check judged when the form opened.
    pub judged: Option<crate::domain::check::CheckStatus>,
}

pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub target: Target,
    pub fields: Vec<Field>,
    /// Index of the focused field; `fields.len()` is the submit button.
    pub focus: usize,
    /// A refusal of the whole form (from the domain or the store).
    pub error: Option<String>,
    /// Refused because the incident changed: the next reload brings its new version.
    pub stale: bool,
    /// What the engineer was asked to confirm (a report time far back, a signature): the
    /// same submission again is the confirmation; any change asks again.
    pub asked: Option<String>,
    /// Whether anything was typed: then `Esc` asks before throwing it away.
    edited: bool,
    /// `Esc` was pressed once on typed text; a second one discards it.
    discard_asked: bool,
}

/// What a key did to the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormOutcome {
    Continue,
    Cancel,
    Submit,
}

impl Form {
    pub fn new(kind: FormKind, title: String, target: Target, fields: Vec<Field>) -> Form {
        Form {
            kind,
            title,
            target,
            fields,
            focus: 0,
            error: None,
            stale: false,
            asked: None,
            edited: false,
            discard_asked: false,
        }
    }

    /// Whether `Esc` now waits for a second press before discarding typed text.
    pub fn discard_asked(&self) -> bool {
        self.discard_asked
    }

    /// The incident the form acts on, as seen when it opened.
    pub fn incident(&self) -> Option<&FormTarget> {
        match &self.target {
            Target::Incident(target) => Some(target),
            _ => None,
        }
    }

    pub fn incident_mut(&mut self) -> Option<&mut FormTarget> {
        match &mut self.target {
            Target::Incident(target) => Some(target),
            _ => None,
        }
    }

    fn index(&self, name: Name) -> usize {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| panic!("the form has no {name:?} field"))
    }

    /// The field of this name.
    pub fn field(&self, name: Name) -> &Field {
        &self.fields[self.index(name)]
    }

    /// Whether the form has a field of this name (the witness only where two people are required).
    pub fn has(&self, name: Name) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    /// The text typed into a field, trimmed (a choice's key; a toggle's "true"/"false").
    pub fn text(&self, name: Name) -> String {
        self.field(name).text()
    }

    pub fn is_on(&self, name: Name) -> bool {
        self.field(name).is_on()
    }

    /// Selects an option of a choice field by its key.
    pub fn select(&mut self, name: Name, key: &str) {
        let index = self.index(name);
        if let Input::Choice { options, selected } = &mut self.fields[index].input
            && let Some(at) = options.iter().position(|(k, _)| *k == key)
        {
            *selected = at;
        }
    }

    /// Handles a key press.
    pub fn on_key(&mut self, key: KeyEvent) -> FormOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let discard = matches!(key.code, KeyCode::Esc) || (ctrl && key.code == KeyCode::Char('c'));
        if discard {
            // Typed text is not thrown away by one stray key: the second press does it.
            if self.edited && !self.discard_asked {
                self.discard_asked = true;
                return FormOutcome::Continue;
            }
            return FormOutcome::Cancel;
        }
        self.discard_asked = false;
        match key.code {
            KeyCode::Char('s') if ctrl => return FormOutcome::Submit,
            KeyCode::Tab => {
                self.move_focus(1);
                return FormOutcome::Continue;
            }
            KeyCode::BackTab => {
                self.move_focus(-1);
                return FormOutcome::Continue;
            }
            _ => {}
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            // The submit button.
            return match key.code {
                KeyCode::Enter | KeyCode::Char(' ') => FormOutcome::Submit,
                KeyCode::Up => {
                    self.move_focus(-1);
                    FormOutcome::Continue
                }
                _ => FormOutcome::Continue,
            };
        };
        field.error = None;
        match &mut field.input {
            Input::Line(area) => match key.code {
                KeyCode::Enter | KeyCode::Down => self.move_focus(1),
                KeyCode::Up => self.move_focus(-1),
                _ => {
                    self.edited |= area.input(key);
                }
            },
            Input::Multi(area) => {
                self.edited |= area.input(key);
            }
            Input::Choice { options, selected } => match key.code {
                KeyCode::Left => *selected = (*selected + options.len() - 1) % options.len(),
                KeyCode::Right | KeyCode::Char(' ') => *selected = (*selected + 1) % options.len(),
                KeyCode::Enter | KeyCode::Down => self.move_focus(1),
                KeyCode::Up => self.move_focus(-1),
                _ => {}
            },
            Input::Toggle(on) => match key.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => *on = !*on,
                KeyCode::Char('y') => *on = true,
                KeyCode::Char('n') => *on = false,
                KeyCode::Enter | KeyCode::Down => self.move_focus(1),
                KeyCode::Up => self.move_focus(-1),
                _ => {}
            },
        }
        FormOutcome::Continue
    }

    fn move_focus(&mut self, by: isize) {
        let slots = self.fields.len() as isize + 1;
        self.focus = ((self.focus as isize + by).rem_euclid(slots)) as usize;
    }

    /// Marks empty required fields; true when none is missing.
    pub fn check_required(&mut self, message: &str) -> bool {
        let mut ok = true;
        for field in &mut self.fields {
            if field.required && field.text().is_empty() {
                field.error = Some(message.to_string());
                ok = false;
            }
        }
        if !ok {
            self.focus = self.fields.iter().position(|f| f.error.is_some()).unwrap_or(0);
        }
        ok
    }

    /// Puts an error on a field and focuses it.
    pub fn fail(&mut self, name: Name, message: String) {
        let index = self.index(name);
        self.fields[index].error = Some(message);
        self.focus = index;
    }

    /// Replaces what a text field holds.
    pub fn replace_text(&mut self, name: Name, text: &str) {
        let index = self.index(name);
        if let Input::Line(area) | Input::Multi(area) = &mut self.fields[index].input {
            *area = TextArea::default();
            area.insert_str(text);
        }
    }

    /// Types text into a text field (tests, prefilled forms).
    pub fn type_into(&mut self, name: Name, text: &str) {
        let index = self.index(name);
        if let Input::Line(area) | Input::Multi(area) = &mut self.fields[index].input {
            area.insert_str(text);
        }
    }
}
