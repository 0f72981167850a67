//! The console's lock: on a site with `[signin]`, the screen locks after the site's
//! idle time, and a shared terminal's console starts locked; locked, it shows the site,
//! the time and how many alarms wait — never an incident's text — and a sign-in form.
//! Whoever was acting is signed out when it locks; the engineer who signs in acts from
//! then on. A component of its own: its state, its keys and its drawing.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::view::Context;
use crate::i18n::ui;

/// Why the screen is locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// A shared terminal nobody is signed in at.
    Nobody,
    /// No key for the site's idle time.
    Idle,
    /// Signed out on request.
    Asked,
    /// The link to the record was made again: the sign-in went with the old one.
    Relinked,
}

/// What a key on the lock screen asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Asked {
    Nothing,
    SignIn { name: String, secret: String, code: Option<String> },
    Quit,
}

/// The fields of the form, in order.
const FIELDS: usize = 3;

pub struct Lock {
    /// Whether the screen is locked.
    pub shown: bool,
    pub why: Why,
    /// The last key pressed (the idle time counts from it).
    last_key: DateTime<Utc>,
    /// Who was acting when it locked: what they left open is kept for them alone.
    pub locked_for: Option<String>,
    /// Name, secret, code.
    fields: [String; FIELDS],
    focus: usize,
    /// Why the last sign-in was refused.
    pub error: Option<String>,
    /// A sign-in is on its way.
    pub waiting: bool,
    /// At a shared terminal the lock is not left (Ctrl-C does not quit to the
    /// account's shell, where the console's memory could be read).
    terminal: bool,
}

impl Lock {
    /// The lock of a console: locked from the start at a shared terminal.
    pub fn new(ctx: &Context, now: DateTime<Utc>) -> Lock {
        let terminal = crate::ops::signin::is_terminal(&ctx.site, &ctx.login);
        let mut lock = Lock {
            shown: false,
            why: Why::Nobody,
            last_key: now,
            locked_for: None,
            fields: Default::default(),
            focus: 0,
            error: None,
            waiting: false,
            terminal,
        };
        if terminal && ctx.operator.is_none() {
            lock.lock(Why::Nobody, None, ctx);
        }
        lock
    }

    /// The site's idle time, if it locks consoles.
    fn idle(ctx: &Context) -> Option<Duration> {
        ctx.site.signin.as_ref().map(|s| s.idle)
    }

    /// A key was pressed (unlocked).
    pub fn touch(&mut self, now: DateTime<Utc>) {
        self.last_key = now;
    }

    /// Whether the idle time has run out.
    pub fn idle_due(&self, ctx: &Context, now: DateTime<Utc>) -> bool {
        !self.shown && Lock::idle(ctx).is_some_and(|idle| now - self.last_key >= idle)
    }

    /// Locks the screen; the form waits for a name (the console's own engineer's on an
    /// engineer's own account, whom alone it signs in).
    pub fn lock(&mut self, why: Why, who: Option<String>, ctx: &Context) {
        let terminal = self.terminal;
        self.shown = true;
        self.why = why;
        self.locked_for = who;
        self.fields = Default::default();
        if !terminal {
            self.fields[0] = ctx.login.clone();
        }
        self.focus = usize::from(!terminal);
        self.error = None;
        self.waiting = false;
    }

    /// Opens the form for `name` (`:login NAME`).
    pub fn for_name(&mut self, name: &str) {
        self.fields[0] = name.to_string();
        self.focus = 1;
    }

    /// Signed in: the screen opens again.
    pub fn unlock(&mut self, now: DateTime<Utc>) {
        self.shown = false;
        self.waiting = false;
        self.error = None;
        self.fields = Default::default();
        self.last_key = now;
    }

    /// The sign-in was refused: say why, and type the secret again.
    pub fn refused(&mut self, message: String) {
        self.waiting = false;
        self.error = Some(message);
        self.fields[1].clear();
        self.fields[2].clear();
        self.focus = if self.fields[0].is_empty() { 0 } else { 1 };
    }

    pub fn on_key(&mut self, event: KeyEvent) -> Asked {
        let control = event.modifiers.contains(KeyModifiers::CONTROL);
        match event.code {
            KeyCode::Char('c') if control && !self.terminal => return Asked::Quit,
            KeyCode::Char('u') if control => self.fields[self.focus].clear(),
            KeyCode::Esc => {
                self.fields[1].clear();
                self.fields[2].clear();
                self.error = None;
            }
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % FIELDS,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + FIELDS - 1) % FIELDS,
            KeyCode::Backspace => {
                self.fields[self.focus].pop();
            }
            KeyCode::Enter if self.focus == 0 && !self.fields[0].trim().is_empty() => self.focus = 1,
            KeyCode::Enter
                if !self.waiting && !self.fields[0].trim().is_empty() && !self.fields[1].is_empty() =>
            {
                self.waiting = true;
                let code = Some(self.fields[2].trim().to_string()).filter(|c| !c.is_empty());
                return Asked::SignIn {
                    name: self.fields[0].trim().to_string(),
                    secret: std::mem::take(&mut self.fields[1]),
                    code,
                };
            }
            KeyCode::Char(c) if !control && self.fields[self.focus].chars().count() < 256 => {
                self.fields[self.focus].push(c)
            }
            _ => {}
        }
        Asked::Nothing
    }

    /// The lock screen, over the whole terminal: the site, the time, the alarms
    /// waiting (counted, never their text), the form.
    pub fn draw(&self, frame: &mut Frame<'_>, ctx: &Context, now: DateTime<Utc>, alarms: usize) {
        let lang = ctx.lang;
        let theme = &ctx.theme;
        let area = frame.area();
        frame.render_widget(Paragraph::new("").style(theme.base), area);
        let local = now.with_timezone(&ctx.site.tz).format("%Y-%m-%d %H:%M:%S");
        let title = match self.why {
            Why::Nobody => ui::LOCK_NOBODY.get(lang),
            Why::Idle => ui::LOCK_IDLE.get(lang),
            Why::Asked => ui::LOCK_ASKED.get(lang),
            Why::Relinked => ui::LOCK_RELINKED.get(lang),
        };
        let [_, middle, _] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(13), Constraint::Fill(1)]).areas(area);
        let [_, boxed, _] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(72.min(area.width)),
            Constraint::Fill(1),
        ])
        .areas(middle);
        let visible = |text: &str| crate::text::visible(text, false).into_owned();
        let mut lines = vec![
            Line::from(Span::styled(visible(&ctx.site.name), theme.title)),
            Line::from(local.to_string()),
            Line::from(""),
            Line::from(title.to_string()),
        ];
        if alarms > 0 {
            lines.push(Line::from(Span::styled(
                format!("{} {alarms}", ui::LOCK_ALARMS.get(lang)),
                theme.banner_breached,
            )));
        } else {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(""));
        let labels = [ui::LOCK_NAME.get(lang), ui::LOCK_SECRET.get(lang), ui::LOCK_CODE.get(lang)];
        for (i, label) in labels.iter().enumerate() {
            let shown = match i {
                1 => "•".repeat(self.fields[1].chars().count()),
                _ => visible(&self.fields[i]),
            };
            let cursor = if i == self.focus { "▏" } else { " " };
            let style = if i == self.focus { theme.form_focus } else { theme.base };
            lines.push(Line::from(vec![
                Span::raw(format!("{} ", crate::text::fit(label, 12))),
                Span::styled(format!("{shown}{cursor}"), style),
            ]));
        }
        lines.push(Line::from(""));
        lines.push(match (&self.error, self.waiting) {
            (_, true) => Line::from(ui::LOCK_CHECKING.get(lang).to_string()),
            (Some(error), _) => Line::from(Span::styled(visible(error), theme.form_error)),
            (None, _) => Line::from(Span::styled(ui::LOCK_HINT.get(lang).to_string(), theme.key_hint)),
        });
        let block = Block::default().borders(Borders::ALL).title(format!(" {} ", ui::LOCK_TITLE.get(lang)));
        frame.render_widget(Paragraph::new(lines).block(block).alignment(Alignment::Left), boxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_form_takes_a_name_a_secret_and_a_code() {
        let mut lock = Lock {
            shown: true,
            why: Why::Nobody,
            last_key: DateTime::UNIX_EPOCH,
            locked_for: None,
            fields: Default::default(),
            focus: 0,
            error: None,
            waiting: false,
            terminal: false,
        };
        for c in "alice".chars() {
            assert_eq!(lock.on_key(key(KeyCode::Char(c))), Asked::Nothing);
        }
        // Enter on the name moves on; with no secret typed nothing is asked.
        assert_eq!(lock.on_key(key(KeyCode::Enter)), Asked::Nothing);
        assert_eq!(lock.on_key(key(KeyCode::Enter)), Asked::Nothing);
        for c in "s3cret-pw".chars() {
            lock.on_key(key(KeyCode::Char(c)));
        }
        let asked = lock.on_key(key(KeyCode::Enter));
        assert_eq!(asked, Asked::SignIn { name: "alice".into(), secret: "s3cret-pw".into(), code: None });
        // One at a time; refused, the secret is typed again and the name kept.
        assert_eq!(lock.on_key(key(KeyCode::Enter)), Asked::Nothing);
        lock.refused("wrong".into());
        assert_eq!(lock.fields[0], "alice");
        assert!(lock.fields[1].is_empty());
        assert_eq!(lock.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Asked::Quit);
    }
}
