//! Who acts at a front end, and signing in at the shared machine-room terminal. A
//! `Seat` is one front end's end of the record: the OS account the kernel names, and the
//! operator acting there — the account's own engineer, or, on an account the site names
//! a shared terminal, whoever signed in with their own secret. Every request goes
//! through `Ops::perform` with a seat; a seat with nobody acting only reads.
//!
//! Secrets are Argon2id hashes kept beside the log, never in it (auditors take the log
//! away); each engineer sets theirs in their own OS session (`duty passwd`), and the
//! `operator.secret_set` event names the kept row's fingerprint, so a row changed
//! behind the record's back signs nobody in. Every sign-in, failure and sign-out is an
//! event of `operator@NAME`; the lock is worked out from them (`domain::signin`).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, Done, Ops};
use crate::domain::signin::{self, Attempt, SignInRefusal};
use crate::domain::{DomainError, Operator, Role};
use crate::i18n::Lang;
use crate::store::{StoreError, StoredEvent, StoredSecret};

pub const SECRET_SET: &str = "operator.secret_set";
pub const SIGNED_IN: &str = "operator.signed_in";
pub const SIGN_IN_FAILED: &str = "operator.sign_in_failed";
pub const SIGNED_OUT: &str = "operator.signed_out";

/// A secret as typed: carried to where it is checked, never shown or logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Why someone signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOutWhy {
    /// They asked (`:logout`).
    Asked,
    /// The console locked after the site's idle time, or the service saw nothing done
    /// for that long.
    Idle,
    /// The connection to the service closed.
    Closed,
    /// Another engineer signed in at the same seat.
    Replaced,
}

/// One front end's end of the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seat {
    /// The OS account at this end, as the kernel says.
    pub login: String,
    /// Which program on which machine, as which account (`console dutyroom@host`).
    pub origin: String,
    pub lang: Lang,
    /// The operator acting here; None: nobody (the seat only reads).
    pub actor: Option<Actor>,
    /// For someone signed in at a shared terminal: when they last did something (after
    /// the site's idle time without, they are signed out, whatever the console says).
    pub active: Option<DateTime<Utc>>,
}

impl Seat {
    /// A seat whose account is `operator`'s, if it is an operator's.
    pub fn new(login: &str, origin: String, lang: Lang, operator: Option<Operator>) -> Seat {
        let actor = operator.map(|operator| Actor { operator, origin: origin.clone(), lang });
        Seat { login: login.to_string(), origin, lang, actor, active: None }
    }

    /// A seat with an operator acting (a test's, or a program's on their behalf).
    pub fn of(actor: Actor) -> Seat {
        Seat {
            login: actor.operator.id.clone(),
            origin: actor.origin.clone(),
            lang: actor.lang,
            actor: Some(actor),
            active: None,
        }
    }

    /// Who acts here, in the seat's language, as the site lists them now (someone taken
    /// off the list since they signed in acts no more, a lead made an operator acts as
    /// one); refused when nobody does.
    pub fn acting(&self, site: &crate::config::Site) -> Result<Actor, StoreError> {
        match &self.actor {
            Some(actor) => match site.operator(&actor.operator.id) {
                Some(listed) => {
                    Ok(Actor { operator: listed.clone(), origin: actor.origin.clone(), lang: self.lang })
                }
                None => Err(StoreError::Refused(DomainError::ReadOnly)),
            },
            None if is_terminal(site, &self.login) => Err(refused(SignInRefusal::SignInFirst)),
            None => Err(StoreError::Refused(DomainError::ReadOnly)),
        }
    }
}

/// Whether the site names this account a shared terminal.
pub fn is_terminal(site: &crate::config::Site, login: &str) -> bool {
    site.signin.as_ref().is_some_and(|s| s.is_terminal(login))
}

fn refused(why: SignInRefusal) -> StoreError {
    StoreError::Refused(DomainError::SignIn(why))
}

/// What the record holds of a name's sign-ins, and the fingerprint of the secret it
/// last set.
fn history(events: &[StoredEvent]) -> (Vec<Attempt>, Option<String>) {
    let mut attempts = Vec::new();
    let mut fingerprint = None;
    for event in events {
        let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
        match event.kind.as_str() {
            SIGNED_IN => {
                attempts.push(Attempt::SignedIn { at: event.recorded_at, step: payload["step"].as_u64() })
            }
            SIGN_IN_FAILED if payload["counted"].as_bool() == Some(true) => {
                attempts.push(Attempt::Failed(event.recorded_at))
            }
            SIGN_IN_FAILED => attempts.push(Attempt::Refused(event.recorded_at)),
            SECRET_SET => fingerprint = payload["fingerprint"].as_str().map(str::to_string),
            _ => {}
        }
    }
    (attempts, fingerprint)
}

/// Whether a typed secret is the one kept.
fn verifies(kept: &StoredSecret, secret: &Secret) -> bool {
    PasswordHash::new(&kept.phc)
        .map(|hash| hasher().verify_password(secret.0.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

fn hasher() -> argon2::Argon2<'static> {
    // Argon2id with the crate's defaults (19 MiB, two passes): OWASP's minimum, some
    // tens of milliseconds here, so a guesser gets few tries a second even offline.
    argon2::Argon2::default()
}

impl Ops<'_> {
    /// Sets the acting operator's secret (and the key of their time-based codes, shown
    /// by the code it gives now). Only in the engineer's own session.
    pub(crate) fn set_secret(
        &mut self,
        seat: &Seat,
        current: Option<&Secret>,
        secret: &Secret,
        code_key: Option<(String, String)>,
    ) -> Result<Done, StoreError> {
        let actor = seat.acting(self.site)?;
        if is_terminal(self.site, &seat.login) || seat.login != actor.operator.id {
            return Err(refused(SignInRefusal::OwnSession));
        }
        // As passwd(1): whoever finds a session left open does not take its secret.
        if let Some(kept) = self.store.secret(&actor.operator.id)? {
            let holds = current.is_some_and(|current| verifies(&kept, current));
            if !holds {
                return Err(refused(SignInRefusal::CurrentWrong));
            }
        }
        if let Some(weak) = signin::weak(&secret.0, &actor.operator.id) {
            return Err(refused(SignInRefusal::Weak(weak)));
        }
        if code_key.is_none() && self.site.signin.as_ref().is_some_and(|s| s.second_factor) {
            return Err(refused(SignInRefusal::CodeNeeded { name: actor.operator.id.clone() }));
        }
        let now = self.clock.now();
        let code_key = match code_key {
            Some((key, code)) => {
                let bytes = signin::from_base32(&key)
                    .filter(|b| b.len() >= 10)
                    .ok_or(refused(SignInRefusal::SetupCode))?;
                signin::take_code(&bytes, &code, now, None).map_err(|_| refused(SignInRefusal::SetupCode))?;
                Some(signin::base32(&bytes))
            }
            None => None,
        };
        let mut salt = [0u8; 16];
        crate::files::random_bytes(&mut salt).map_err(StoreError::backend("making a salt"))?;
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| StoreError::Backend { what: "making a salt", source: e.to_string().into() })?;
        let phc = hasher()
            .hash_password(secret.0.as_bytes(), &salt)
            .map_err(|e| StoreError::Backend { what: "hashing the secret", source: e.to_string().into() })?
            .to_string();
        let kept = StoredSecret { phc, code_key };
        let payload = serde_json::json!({
            "fingerprint": kept.fingerprint(),
            "second_factor": kept.code_key.is_some(),
        });
        let event = self.store.set_secret(&kept, payload.to_string(), &actor.operator, &actor.origin, now)?;
        Ok(Done::Event(Box::new(event)))
    }

    /// Signs `name` in at `seat`: on a shared terminal anyone on the list, on an
    /// engineer's own account only them (unlocking their console). The attempt is on
    /// the record whatever comes of it; the seat acts as them from now on.
    pub(crate) fn sign_in(
        &mut self,
        seat: &mut Seat,
        name: &str,
        secret: &Secret,
        code: Option<&str>,
    ) -> Result<Done, StoreError> {
        let site = self.site;
        let settings = site.signin.as_ref().ok_or(refused(SignInRefusal::NotSetUp))?;
        let terminal = settings.is_terminal(&seat.login);
        let name = name.trim();
        if !terminal && name != seat.login {
            return Err(refused(SignInRefusal::OwnOnly { login: seat.login.clone() }));
        }
        let now = self.clock.now();
        let Some(operator) = site.operator(name).cloned() else {
            self.failed(seat, name, "unknown", false, now)?;
            return Err(refused(SignInRefusal::Wrong { left: settings.limits.failures, locked_until: None }));
        };
        let subject = format!("operator@{name}");
        let (attempts, on_record) = history(&self.store.timeline(&subject)?);
        if let Some(until) = signin::locked_until(&attempts, &settings.limits).filter(|until| *until > now) {
            self.failed(seat, name, "locked", false, now)?;
            return Err(refused(SignInRefusal::Locked { name: name.to_string(), until }));
        }
        let Some(kept) = self.store.secret(name)? else {
            self.failed(seat, name, "no_secret", false, now)?;
            return Err(refused(SignInRefusal::NoSecret { name: name.to_string() }));
        };
        if on_record.as_deref() != Some(kept.fingerprint().as_str()) {
            self.failed(seat, name, "not_on_record", false, now)?;
            return Err(refused(SignInRefusal::NotOnRecord { name: name.to_string() }));
        }
        // Said before the secret is looked at, so the answer tells nothing of it.
        if settings.second_factor && kept.code_key.is_none() {
            self.failed(seat, name, "no_code_set_up", false, now)?;
            return Err(refused(SignInRefusal::CodeNeeded { name: name.to_string() }));
        }
        let step = match (&kept.code_key, code.filter(|c| !c.trim().is_empty())) {
            _ if !verifies(&kept, secret) => Err("secret"),
            (None, _) => Ok(None),
            // Counted like a wrong code: a different answer would tell a guesser the
            // secret was right.
            (Some(_), None) => Err("code"),
            (Some(key), Some(code)) => {
                let key = signin::from_base32(key).unwrap_or_default();
                signin::take_code(&key, code, now, signin::last_step(&attempts)).map(Some).map_err(
                    |e| match e {
                        signin::CodeProblem::Wrong => "code",
                        signin::CodeProblem::Spent => "code_spent",
                    },
                )
            }
        };
        let step = match step {
            Ok(step) => step,
            Err(why) => {
                self.failed(seat, name, why, true, now)?;
                let mut after = attempts;
                after.push(Attempt::Failed(now));
                let locked_until =
                    signin::locked_until(&after, &settings.limits).filter(|until| *until > now);
                let left = signin::failures_left(&after, &settings.limits, now);
                return Err(refused(SignInRefusal::Wrong { left, locked_until }));
            }
        };
        let origin = match terminal {
            true => format!("{}, signed in as {name}", seat.origin),
            false => seat.origin.clone(),
        };
        let actor = Actor { operator, origin, lang: seat.lang };
        if seat.actor.is_some() {
            self.sign_out(seat, SignOutWhy::Replaced)?;
        }
        let payload = serde_json::json!({
            "terminal": terminal.then_some(&seat.login),
            "second_factor": step.is_some(),
            "step": step,
        });
        self.store.record_event(
            SIGNED_IN,
            &subject,
            payload.to_string(),
            &actor.operator,
            &actor.origin,
            now,
        )?;
        seat.actor = Some(actor.clone());
        seat.active = terminal.then_some(now);
        Ok(Done::SignedIn(actor.operator))
    }

    /// Whoever acts at `seat` stops (the console locked, or they asked).
    pub(crate) fn sign_out(&mut self, seat: &mut Seat, why: SignOutWhy) -> Result<Done, StoreError> {
        seat.active = None;
        if let Some(actor) = seat.actor.take() {
            let subject = format!("operator@{}", actor.operator.id);
            let payload = serde_json::json!({ "why": why, "terminal": is_terminal(self.site, &seat.login).then_some(&seat.login) });
            self.store.record_event(
                SIGNED_OUT,
                &subject,
                payload.to_string(),
                &actor.operator,
                &actor.origin,
                self.clock.now(),
            )?;
        }
        Ok(Done::SignedOut)
    }

    /// Someone signed in at a shared terminal who has done nothing for the site's idle
    /// time is signed out before anything else is done at the seat.
    pub(crate) fn expire(&mut self, seat: &mut Seat) -> Result<(), StoreError> {
        let (Some(active), Some(settings)) = (seat.active, self.site.signin.as_ref()) else { return Ok(()) };
        let now = self.clock.now();
        if now - active >= settings.idle {
            self.sign_out(seat, SignOutWhy::Idle)?;
        } else {
            seat.active = Some(now);
        }
        Ok(())
    }

    /// A failed attempt on the record, by the account at the seat (nobody signed in is
    /// acting); `counted` when it counts towards the lock.
    fn failed(
        &mut self,
        seat: &Seat,
        name: &str,
        why: &str,
        counted: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let shown: String = name.chars().take(64).collect();
        let subject = match self.site.operator(name) {
            Some(_) => format!("operator@{name}"),
            None => "operator:unknown".to_string(),
        };
        let account = Operator { id: seat.login.clone(), name: String::new(), role: Role::Operator };
        let payload = serde_json::json!({ "name": shown, "why": why, "counted": counted });
        self.store.record_event(
            SIGN_IN_FAILED,
            &subject,
            payload.to_string(),
            &account,
            &seat.origin,
            now,
        )?;
        Ok(())
    }
}
