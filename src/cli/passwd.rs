//! `duty passwd`: an engineer sets, in their own OS session, the secret they sign in
//! with at the shared machine-room terminal — the current one first (empty when there
//! is none), then the new one twice, without echo on a terminal; on standard input
//! otherwise, one line each (current, new) — and, with `--second-factor`, the key of
//! an authenticator app, taken once it shows the right code. The secret is hashed
//! where the record is kept (the service, or this process on a local store).

use std::io::{BufRead, IsTerminal, Write};

use super::{Failure, Paths};
use crate::i18n::Lang;
use crate::ops::signin::Secret;
use crate::ops::{Done, Request};

pub fn passwd(paths: &Paths, second_factor: bool) -> anyhow::Result<()> {
    let session = paths.load()?;
    let lang = session.lang;
    let operator = session.operator()?;
    let mut input = Input::new();
    let current =
        input.secret(lang.pick("当前口令（尚未设置的直接回车）：", "current secret (Enter if none): "))?;
    let current = Some(Secret(current)).filter(|c| !c.0.is_empty());
    let secret = input.secret(lang.pick("新的登录口令：", "new sign-in secret: "))?;
    if input.interactive {
        let again = input.secret(lang.pick("再输入一次：", "again: "))?;
        if again != secret {
            return Err(Failure::Refused(
                lang.pick("两次输入不一致：未做修改", "the two differ: nothing was changed").into(),
            )
            .into());
        }
    }
    let code_key = match second_factor {
        false => None,
        true => {
            let mut key = [0u8; 20];
            crate::files::random_bytes(&mut key)?;
            let key = crate::domain::signin::base32(&key);
            let uri = format!(
                "otpauth://totp/duty:{}?secret={key}&issuer=duty",
                crate::text::visible(&operator.id, false)
            );
            eprintln!(
                "{}\n  {key}\n  {uri}",
                lang.pick(
                    "把这个密钥加入验证器应用（或扫描由此链接生成的二维码）：",
                    "add this key to an authenticator app (or a QR code made of this link):"
                )
            );
            let code = input.line(lang.pick("验证器现在显示的六位数：", "the six digits it shows now: "))?;
            Some((key, code))
        }
    };
    let request = Request::SetSecret { current, secret: Secret(secret), code_key };
    let Done::Event(event) = session.perform(request)? else {
        anyhow::bail!("setting the secret recorded no event");
    };
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("{} 的登录口令已设置（记录 #{}）", operator.id, event.seq),
            Lang::En => format!("{}'s sign-in secret is set (event #{})", operator.id, event.seq),
        }
    );
    Ok(())
}

/// Where the secret is typed: the terminal, without echo, or standard input.
struct Input {
    interactive: bool,
    lines: std::io::StdinLock<'static>,
}

impl Input {
    fn new() -> Input {
        Input { interactive: std::io::stdin().is_terminal(), lines: std::io::stdin().lock() }
    }

    fn line(&mut self, prompt: &str) -> anyhow::Result<String> {
        if self.interactive {
            eprint!("{prompt}");
            let _ = std::io::stderr().flush();
        }
        let mut line = String::new();
        if self.lines.read_line(&mut line)? == 0 {
            anyhow::bail!("{}", prompt.trim_end_matches([':', '：', ' ']));
        }
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }

    /// A line typed with the terminal's echo off (and back on whatever happens).
    fn secret(&mut self, prompt: &str) -> anyhow::Result<String> {
        if !self.interactive {
            return self.line(prompt);
        }
        let _quiet = Unechoed::start();
        let line = self.line(prompt);
        eprintln!();
        line
    }
}

/// The terminal's echo, off while this lives — and back on if Ctrl-C ends the program
/// meanwhile (the shell that started it may not restore it).
struct Unechoed(Option<libc::termios>);

/// The terminal's settings as they were, for the interrupt handler.
static mut SAVED: std::mem::MaybeUninit<libc::termios> = std::mem::MaybeUninit::uninit();

extern "C" fn restore_and_exit(_signal: libc::c_int) {
    // SAFETY: SAVED was written before this handler was installed; tcsetattr and _exit
    // are async-signal-safe.
    unsafe {
        libc::tcsetattr(0, libc::TCSANOW, (&raw const SAVED).cast::<libc::termios>());
        libc::_exit(130);
    }
}

impl Unechoed {
    fn start() -> Unechoed {
        // SAFETY: termios is plain data, filled in by tcgetattr on our own stdin.
        let mut was: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(0, &mut was) } != 0 {
            return Unechoed(None);
        }
        let mut quiet = was;
        quiet.c_lflag &= !libc::ECHO;
        quiet.c_lflag |= libc::ECHONL;
        // SAFETY: one thread here; SAVED is written before the handler that reads it is
        // installed, and the handler is a plain extern "C" function.
        unsafe {
            (&raw mut SAVED).write(std::mem::MaybeUninit::new(was));
            libc::signal(libc::SIGINT, restore_and_exit as *const () as libc::sighandler_t);
            libc::tcsetattr(0, libc::TCSANOW, &quiet);
        }
        Unechoed(Some(was))
    }
}

impl Drop for Unechoed {
    fn drop(&mut self) {
        if let Some(was) = &self.0 {
            // SAFETY: as above, restoring what tcgetattr gave, and the default handler.
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, was);
                libc::signal(libc::SIGINT, libc::SIG_DFL);
            }
        }
    }
}
