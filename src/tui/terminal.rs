//! Taking the terminal and always giving it back: raw mode and the alternate screen
//! are undone on drop, on panic (the hook chains to the previous one) and on signals.

use std::io::{Stdout, Write, stdout};

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// What the console writes to: the terminal, in the colours it has.
type Screen = super::colours::Downgrade<Stdout>;

/// Owns the terminal while the console runs.
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Screen>>,
    depth: super::colours::Depth,
}

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

impl TerminalGuard {
    pub fn enter() -> anyhow::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The console's own thread gives the terminal back before the message; a
            // helper thread's panic (the store worker, the engine) is logged, not
            // written over the screen: those threads are started again.
            if std::thread::current().name() == Some("main") {
                restore();
                previous(info);
            } else {
                let thread = std::thread::current().name().unwrap_or("?").to_string();
                crate::log::write(&format!("thread {thread} panicked: {info}"));
            }
        }));
        let depth = super::colours::Depth::of_terminal();
        enable_raw_mode()?;
        execute!(stdout(), EnterAlternateScreen, Hide)?;
        let terminal = Terminal::new(CrosstermBackend::new(super::colours::Downgrade::new(stdout(), depth)))?;
        Ok(TerminalGuard { terminal, depth })
    }

    /// Gives the terminal back (for a child such as `ssh`), as on exit.
    pub fn suspend(&mut self) {
        restore();
    }

    /// Takes the terminal again after a child; the next frame is drawn whole.
    pub fn resume(&mut self) -> anyhow::Result<()> {
        enable_raw_mode()?;
        // Not `Terminal::clear`: it asks the terminal for the cursor position, a read
        // that races with input right after a child. Clear, and start from empty buffers.
        execute!(stdout(), EnterAlternateScreen, Hide, Clear(ClearType::All))?;
        self.terminal =
            Terminal::new(CrosstermBackend::new(super::colours::Downgrade::new(stdout(), self.depth)))?;
        Ok(())
    }

    /// Rings the terminal bell.
    pub fn bell(&mut self) {
        let _ = self.terminal.backend_mut().write_all(b"\x07");
        let _ = self.terminal.backend_mut().flush();
    }
}

impl TerminalGuard {
    /// Lets go of a terminal that went away (a closed SSH connection, a killed pane):
    /// there is nothing left to restore and nobody to write to.
    pub fn abandon(self) {
        // Not even the terminal's own drop, which would try to show the cursor on it
        // and say so on a stderr that is gone too.
        std::mem::forget(self);
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
