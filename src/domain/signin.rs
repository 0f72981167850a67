//! Signing in at the shared machine-room terminal: the rules, pure. An engineer signs in
//! with their own secret (and, where they set one up, a time-based code, RFC 6238);
//! too many failures lock the name for a while; a code is never taken twice. Hashing
//! the secret is the operations layer's (`ops::signin`); what is decided here is read
//! from the name's events alone, so every process decides the same.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};

/// How a site limits the guessing of a name's secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// This many failures ...
    pub failures: u32,
    /// ... within this long ...
    pub within: Duration,
    /// ... lock the name for this long.
    pub lock: Duration,
    /// And this many within a day lock it until the first of them is a day old: a
    /// guesser who keeps under the short limit still gets few tries a day.
    pub daily: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { failures: 5, within: Duration::minutes(10), lock: Duration::minutes(10), daily: 20 }
    }
}

/// Counted failures since the name last signed in.
fn failures_since_success(attempts: &[Attempt]) -> Vec<DateTime<Utc>> {
    let since_success = attempts
        .iter()
        .rposition(|a| matches!(a, Attempt::SignedIn { .. }))
        .map_or(attempts, |at| &attempts[at + 1..]);
    since_success
        .iter()
        .filter_map(|a| match a {
            Attempt::Failed(at) => Some(*at),
            _ => None,
        })
        .collect()
}

/// What the record holds of a name's sign-ins, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// A wrong secret or code: it counts towards the lock.
    Failed(DateTime<Utc>),
    /// Turned away without looking at the secret (the name was locked): not counted,
    /// so a lock is not made longer by the guesser.
    Refused(DateTime<Utc>),
    /// Signed in; `step` is the time step of the code taken, if one was.
    SignedIn { at: DateTime<Utc>, step: Option<u64> },
}

/// Until when the name is locked, if it is (the caller compares with now): the last
/// `failures` failures since the name last signed in, all within `within`, lock it
/// for `lock` from the last of them; the last `daily` within a day lock it until the
/// first of those is a day old.
pub fn locked_until(attempts: &[Attempt], limits: &Limits) -> Option<DateTime<Utc>> {
    let failed = failures_since_success(attempts);
    let last_of = |count: u32| {
        let count = count.max(1) as usize;
        failed.get(failed.len().checked_sub(count)?..).map(|w| (w[0], w[w.len() - 1]))
    };
    let short = last_of(limits.failures)
        .filter(|(first, last)| *last - *first < limits.within)
        .map(|(_, last)| last + limits.lock);
    let day = Duration::days(1);
    let daily =
        last_of(limits.daily).filter(|(first, last)| *last - *first < day).map(|(first, _)| first + day);
    short.max(daily)
}

/// How many more failures the name may have before it locks (for the one who typed).
pub fn failures_left(attempts: &[Attempt], limits: &Limits, now: DateTime<Utc>) -> u32 {
    let failed = failures_since_success(attempts);
    let within = |span: Duration| failed.iter().filter(|at| now - **at < span).count() as u32;
    let short = limits.failures.saturating_sub(within(limits.within));
    short.min(limits.daily.saturating_sub(within(Duration::days(1))))
}

/// The time step of the last code a name signed in with: a code of that step or an
/// earlier one is never taken again (one seen over a shoulder is spent).
pub fn last_step(attempts: &[Attempt]) -> Option<u64> {
    attempts
        .iter()
        .filter_map(|a| match a {
            Attempt::SignedIn { step, .. } => *step,
            _ => None,
        })
        .max()
}

/// Why a sign-in (or the setting of a secret) was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// The site has no `[signin]`.
    NotSetUp,
    /// This console's account is an engineer's own: it signs in only them.
    OwnOnly {
        login: String,
    },
    /// A shared terminal's account with nobody signed in acts for nobody.
    SignInFirst,
    Locked {
        name: String,
        until: DateTime<Utc>,
    },
    /// They never set a secret.
    NoSecret {
        name: String,
    },
    /// The secret kept is not the one the record says they set.
    NotOnRecord {
        name: String,
    },
    /// The name, secret or code was wrong (which of them is not said); `left` more
    /// failures lock the name, or it is locked now until then.
    Wrong {
        left: u32,
        locked_until: Option<DateTime<Utc>>,
    },
    /// A time-based code is needed (the site asks for one, or they set one up).
    CodeNeeded {
        name: String,
    },
    /// A secret is set in the engineer's own session, not at a shared terminal.
    OwnSession,
    Weak(Weak),
    /// The code typed to show the authenticator has the key is not its code now.
    SetupCode,
    /// Changing a secret takes the current one, and it was not given or is wrong.
    CurrentWrong,
    /// No interactive shell is opened from a shared terminal's account.
    NoShellAtTerminal,
}

/// Why a secret is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weak {
    /// Shorter than this many characters.
    Short(usize),
    /// Only one kind of character (letters, digits, others).
    OneKind,
    /// It holds the login.
    HasLogin,
    /// It is built on one of the secrets every guesser tries first.
    Common,
}

/// What every guesser tries first: a secret built on one of them is not taken.
const COMMON: &[&str] =
    &["password", "passw0rd", "qwerty", "123456", "admin", "welcome", "letmein", "abc123", "111111"];

/// The shortest secret taken.
pub const SHORTEST: usize = 8;

/// Whether a secret is too weak to take (MLPS asks for length and more than one kind).
pub fn weak(secret: &str, login: &str) -> Option<Weak> {
    if secret.chars().count() < SHORTEST {
        return Some(Weak::Short(SHORTEST));
    }
    let letters = secret.chars().any(char::is_alphabetic);
    let digits = secret.chars().any(|c| c.is_ascii_digit());
    let others = secret.chars().any(|c| !c.is_alphanumeric());
    if [letters, digits, others].iter().filter(|k| **k).count() < 2 {
        return Some(Weak::OneKind);
    }
    let lower = secret.to_lowercase();
    if !login.is_empty() && lower.contains(&login.to_lowercase()) {
        return Some(Weak::HasLogin);
    }
    COMMON.iter().any(|common| lower.contains(common)).then_some(Weak::Common)
}

/// Seconds in one step of a time-based code.
pub const STEP_SECONDS: i64 = 30;

/// The step a moment falls in.
pub fn step_of(at: DateTime<Utc>) -> u64 {
    (at.timestamp().max(0) / STEP_SECONDS) as u64
}

/// The six-digit code of a key at a step (RFC 6238 with HMAC-SHA1, as authenticator
/// apps compute it).
pub fn code_at(key: &[u8], step: u64) -> u32 {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let word =
        u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    (word & 0x7fff_ffff) % 1_000_000
}

/// Why a code is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    Wrong,
    /// Right, but of a step already used.
    Spent,
}

/// Takes a code typed at `now`: the current step or one either side (clocks drift, a
/// code is typed while it turns), never one at or before `after`. Gives the step taken.
pub fn take_code(key: &[u8], code: &str, now: DateTime<Utc>, after: Option<u64>) -> Result<u64, CodeProblem> {
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.chars().all(|c| c.is_ascii_digit()) {
        return Err(CodeProblem::Wrong);
    }
    let typed: u32 = typed.parse().map_err(|_| CodeProblem::Wrong)?;
    let now = step_of(now);
    let step = [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|step| code_at(key, *step) == typed)
        .ok_or(CodeProblem::Wrong)?;
    match after {
        Some(after) if step <= after => Err(CodeProblem::Spent),
        _ => Ok(step),
    }
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A key as authenticator apps take it (RFC 4648 base32, no padding).
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = u64::from_be_bytes([0, 0, 0, block[0], block[1], block[2], block[3], block[4]]);
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..symbols {
            out.push(BASE32[((bits >> (35 - 5 * i)) & 31) as usize] as char);
        }
    }
    out
}

/// The bytes of a base32 key (case and spaces as people copy them); None if it is not one.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut held = 0;
    let mut out = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = BASE32.iter().position(|b| *b as char == c.to_ascii_uppercase())? as u64;
        bits = (bits << 5) | value;
        held += 5;
        if held >= 8 {
            held -= 8;
            out.push((bits >> held) as u8);
            bits &= (1 << held) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn codes_are_those_of_rfc_6238() {
        let key = b"12345678901234567890";
        for (time, code) in
            [(59, 287_082), (1_111_111_109, 81_804), (1_234_567_890, 5_924), (2_000_000_000, 279_037)]
        {
            let when = DateTime::from_timestamp(time, 0).unwrap();
            assert_eq!(code_at(key, step_of(when)), code, "at {time}");
        }
        let now = DateTime::from_timestamp(59, 0).unwrap();
        assert_eq!(take_code(key, "287 082", now, None), Ok(1));
        assert_eq!(take_code(key, "287082", now, Some(1)), Err(CodeProblem::Spent));
        assert_eq!(take_code(key, "287083", now, None), Err(CodeProblem::Wrong));
        assert_eq!(take_code(key, "", now, None), Err(CodeProblem::Wrong));
        // A step either side is taken; two away is not.
        let later = DateTime::from_timestamp(59 + 30, 0).unwrap();
        assert_eq!(take_code(key, "287082", later, None), Ok(1));
        let much_later = DateTime::from_timestamp(59 + 60, 0).unwrap();
        assert_eq!(take_code(key, "287082", much_later, None), Err(CodeProblem::Wrong));
    }

    #[test]
    fn base32_is_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("mzxw 6ytb oi").unwrap(), b"foobar");
        assert_eq!(from_base32("MZXW6YTBOI======").unwrap(), b"foobar");
        assert_eq!(from_base32("0189"), None);
    }

    #[test]
    fn a_secret_needs_length_two_kinds_and_not_the_login() {
        assert_eq!(weak("abc1", "alice"), Some(Weak::Short(8)));
        assert_eq!(weak("abcdefghij", "alice"), Some(Weak::OneKind));
        assert_eq!(weak("12345678", "alice"), Some(Weak::OneKind));
        assert_eq!(weak("Alice-2026", "alice"), Some(Weak::HasLogin));
        assert_eq!(weak("password1", "alice"), Some(Weak::Common));
        assert_eq!(weak("Qwerty-2026", "alice"), Some(Weak::Common));
        assert_eq!(weak("值班密码2026", "alice"), None);
        assert_eq!(weak("correct horse", "alice"), None);
    }

    #[test]
    fn five_failures_in_ten_minutes_lock_the_name_for_ten() {
        let limits = Limits::default();
        let mut attempts: Vec<Attempt> = (0..4).map(|i| Attempt::Failed(at(i * 60))).collect();
        assert_eq!(locked_until(&attempts, &limits), None);
        assert_eq!(failures_left(&attempts, &limits, at(300)), 1);
        attempts.push(Attempt::Failed(at(540)));
        assert_eq!(locked_until(&attempts, &limits), Some(at(540 + 600)));
        // Refusals while locked make it no longer.
        attempts.push(Attempt::Refused(at(600)));
        assert_eq!(locked_until(&attempts, &limits), Some(at(540 + 600)));
        // Spread over more than ten minutes, five do not lock.
        let spread: Vec<Attempt> = (0..5).map(|i| Attempt::Failed(at(i * 151))).collect();
        assert_eq!(locked_until(&spread, &limits), None);
        // Kept under the short limit, twenty in a day lock it for the rest of the day.
        let slow: Vec<Attempt> = (0..20).map(|i| Attempt::Failed(at(i * 700))).collect();
        assert_eq!(locked_until(&slow[..19], &limits), None);
        assert_eq!(locked_until(&slow, &limits), Some(at(86_400)));
        assert_eq!(failures_left(&slow[..19], &limits, at(19 * 700)), 1);
        // A sign-in starts the count again.
        let mut after = attempts.clone();
        after.push(Attempt::SignedIn { at: at(1200), step: Some(7) });
        after.push(Attempt::Failed(at(1210)));
        assert_eq!(locked_until(&after, &limits), None);
        assert_eq!(last_step(&after), Some(7));
    }

    proptest! {
        /// Whatever the sequence, the name is locked exactly when its last five
        /// failures since its last sign-in fall within ten minutes (or twenty within a
        /// day), and never by fewer than five.
        #[test]
        fn the_lock_follows_the_last_failures(gaps in proptest::collection::vec((0i64..400, 0u8..4), 0..30)) {
            let limits = Limits::default();
            let mut attempts = Vec::new();
            let mut t = 0;
            for (gap, kind) in gaps {
                t += gap;
                attempts.push(match kind {
                    0 => Attempt::SignedIn { at: at(t), step: None },
                    1 => Attempt::Refused(at(t)),
                    _ => Attempt::Failed(at(t)),
                });
            }
            let start = attempts.iter().rposition(|a| matches!(a, Attempt::SignedIn { .. })).map_or(0, |i| i + 1);
            let failed: Vec<DateTime<Utc>> = attempts[start..].iter().filter_map(|a| match a {
                Attempt::Failed(at) => Some(*at), _ => None }).collect();
            let locked = locked_until(&attempts, &limits);
            let short = (failed.len() >= 5)
                .then(|| &failed[failed.len() - 5..])
                .filter(|last5| last5[4] - last5[0] < limits.within)
                .map(|last5| last5[4] + limits.lock);
            let daily = (failed.len() >= 20)
                .then(|| &failed[failed.len() - 20..])
                .filter(|last20| last20[19] - last20[0] < Duration::days(1))
                .map(|last20| last20[0] + Duration::days(1));
            prop_assert_eq!(locked, short.max(daily));
            if failed.len() < 5 {
                prop_assert_eq!(locked, None);
            }
        }

        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(from_base32(&base32(&bytes)).unwrap(), bytes);
        }
    }
}
