//! What a console component is given and what it gives back. A component (a tab, a
//! popup) owns its state, its keys and its drawing; it reads the session and the data
//! through `Env` and answers a key with an `Out` — effects for the world, a form to
//! open, a line to say, another place to show — which the app carries out. So the app
//! depends on the components and they on this module, never on the app.

use chrono::{DateTime, Duration, Utc};

use super::effect::Effect;
use super::form::Form;
use super::keymap::Keymap;
use super::snapshot::{Row, Snapshot};
use super::theme::Theme;
use crate::config::Site;
use crate::domain::{IncidentId, Operator};
use crate::i18n::{Lang, ui};

/// Who is at the console and how it looks: fixed for a session (language and theme
/// may be switched from the command line).
pub struct Context {
    pub site: Site,
    pub lang: Lang,
    pub operator: Option<Operator>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub store_label: String,
    /// How often an unacknowledged alarm rings again.
    pub bell_repeat: Duration,
    /// The process's clock.
    pub clock: crate::clock::Clock,
    /// The OS login, for SSH to hosts that name no user.
    pub login: String,
    /// Where `:report` writes.
    pub reports_dir: std::path::PathBuf,
    /// Site files left out when the console started, for their problems.
    pub left_out: Option<crate::config::ConfigErrors>,
}

/// What a component reads: the session, the data as last read, the time, and the
/// incident in focus (the queue's selected row or the one open in detail), which other
/// tabs may act on by name (the Actions tab attaches output to it).
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub ctx: &'a Context,
    pub data: &'a Snapshot,
    pub now: DateTime<Utc>,
    /// Whether the first snapshot has come (until then the screens say so).
    pub loaded: bool,
    pub incident: Option<&'a Row>,
}

impl Env<'_> {
    pub fn lang(&self) -> Lang {
        self.ctx.lang
    }

    pub fn theme(&self) -> &Theme {
        &self.ctx.theme
    }

    pub fn site(&self) -> &Site {
        &self.ctx.site
    }
}

/// Another place the app is asked to show.
#[derive(Clone, Debug, PartialEq)]
pub enum Show {
    /// The queue, with one incident open in detail.
    Incident(IncidentId),
    /// The queue filtered to one machine's incidents.
    HostIncidents(String),
    /// The Actions tab with one machine chosen.
    HostActions(String),
}

/// What a component asks of the app after a key.
#[derive(Default)]
pub struct Out {
    pub effects: Vec<Effect>,
    pub form: Option<Box<Form>>,
    pub message: Option<(String, bool)>,
    pub show: Option<Show>,
}

impl Out {
    pub fn effect(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    pub fn form(&mut self, form: Form) {
        self.form = Some(Box::new(form));
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), false));
    }

    pub fn refuse(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), true));
    }

    /// Refuses a writing key at a read-only console; true when refused.
    pub fn read_only(&mut self, env: &Env<'_>) -> bool {
        if env.ctx.operator.is_some() {
            return false;
        }
        self.refuse(ui::READ_ONLY.get(env.lang()));
        true
    }
}
