//! The second person of a dangerous action, where the site asks for two: the operator
//! who will run it asks; another operator, signed in as themselves in their own
//! session, confirms that very ask (hosts, action, command) before its limit; the run
//! then carries both names, and one confirmation is spent by one run. A name typed by
//! the operator who runs the action is never a second person.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What is asked to be confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    pub hosts: Vec<String>,
    pub action: String,
    /// The command of a free-form action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

/// A confirmation given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One ask, as its events make it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondAsk {
    /// The seq of the event that asked: unique, and short enough to say over the room.
    pub id: u64,
    pub asked_by: String,
    pub asked_at: DateTime<Utc>,
    /// Neither confirmed nor run after this.
    pub until: DateTime<Utc>,
    pub asked: Asked,
    pub confirmed: Option<Confirmation>,
    /// A run has spent it.
    pub spent: bool,
}

/// An event of an ask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondEvent {
    Asked {
        id: u64,
        by: String,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
        asked: Asked,
    },
    Confirmed {
        id: u64,
        by: String,
        at: DateTime<Utc>,
    },
    /// A run that carried this ask, by `by`.
    Spent {
        id: u64,
        by: String,
    },
}

/// Why a confirmation or a run was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondRefusal {
    /// No ask of that number (or it is long gone).
    NoSuchAsk { id: u64 },
    /// The ask's time is over.
    Expired { id: u64, until: DateTime<Utc> },
    /// Operators cannot confirm their own ask.
    OwnAsk { id: u64 },
    /// Someone has confirmed it already.
    AlreadyConfirmed { id: u64, by: String },
    /// A run has spent it.
    Spent { id: u64 },
    /// Nobody has confirmed it yet.
    NotConfirmed { id: u64 },
    /// The ask was someone else's, or for other hosts, another action or command.
    NotThisRun { id: u64 },
}

/// Folds events, oldest first, into the asks they make.
pub fn fold(events: impl IntoIterator<Item = SecondEvent>) -> Vec<SecondAsk> {
    let mut asks: Vec<SecondAsk> = Vec::new();
    for event in events {
        match event {
            SecondEvent::Asked { id, by, at, until, asked } => asks.push(SecondAsk {
                id,
                asked_by: by,
                asked_at: at,
                until,
                asked,
                confirmed: None,
                spent: false,
            }),
            SecondEvent::Confirmed { id, by, at } => {
                // Only a confirmation the rule allowed counts, however it got into the log.
                if let Some(ask) = asks.iter_mut().find(|a| a.id == id)
                    && ask.confirm(&by, at).is_ok()
                {
                    ask.confirmed = Some(Confirmation { by, at });
                }
            }
            // Only the asker's own run spends an ask.
            SecondEvent::Spent { id, by } => {
                if let Some(ask) = asks.iter_mut().find(|a| a.id == id && a.asked_by == by) {
                    ask.spent = true;
                }
            }
        }
    }
    asks
}

/// Finds an ask by its number.
pub fn find(asks: &[SecondAsk], id: u64) -> Result<&SecondAsk, SecondRefusal> {
    asks.iter().find(|a| a.id == id).ok_or(SecondRefusal::NoSuchAsk { id })
}

impl SecondAsk {
    /// Whether it can still be confirmed or run at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        !self.spent && now < self.until
    }

    /// Whether `by` may confirm it at `now`.
    pub fn confirm(&self, by: &str, now: DateTime<Utc>) -> Result<(), SecondRefusal> {
        let id = self.id;
        if self.spent {
            return Err(SecondRefusal::Spent { id });
        }
        if now >= self.until {
            return Err(SecondRefusal::Expired { id, until: self.until });
        }
        if by == self.asked_by {
            return Err(SecondRefusal::OwnAsk { id });
        }
        if let Some(confirmed) = &self.confirmed {
            return Err(SecondRefusal::AlreadyConfirmed { id, by: confirmed.by.clone() });
        }
        Ok(())
    }

    /// Whether a run record by `operator` naming `witness` is this ask's: the asker's,
    /// with the confirmation it carries (a record that claims another is refused).
    pub fn recorded_by(&self, operator: &str, witness: Option<&str>) -> Result<(), SecondRefusal> {
        let confirmed = self.confirmed.as_ref().map(|c| c.by.as_str());
        match self.asked_by == operator && confirmed.is_some() && confirmed == witness {
            true => Ok(()),
            false => Err(SecondRefusal::NotThisRun { id: self.id }),
        }
    }

    /// The second person for `operator`'s run of `asked` at `now`: who confirmed this
    /// very ask, if it is still open.
    pub fn second_for(
        &self,
        operator: &str,
        asked: &Asked,
        now: DateTime<Utc>,
    ) -> Result<String, SecondRefusal> {
        let id = self.id;
        if self.asked_by != operator || &self.asked != asked {
            return Err(SecondRefusal::NotThisRun { id });
        }
        if self.spent {
            return Err(SecondRefusal::Spent { id });
        }
        if now >= self.until {
            return Err(SecondRefusal::Expired { id, until: self.until });
        }
        match &self.confirmed {
            Some(confirmation) => Ok(confirmation.by.clone()),
            None => Err(SecondRefusal::NotConfirmed { id }),
        }
    }
}

/// `operator`'s newest ask for `asked` still open at `now` (to run once confirmed).
pub fn open_ask<'a>(
    asks: &'a [SecondAsk],
    operator: &str,
    asked: &Asked,
    now: DateTime<Utc>,
) -> Option<&'a SecondAsk> {
    asks.iter().rev().find(|a| a.asked_by == operator && &a.asked == asked && a.open_at(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 3, minute, 0).unwrap()
    }

    fn restart() -> Asked {
        Asked { hosts: vec!["web-1".into()], action: "restart-nginx".into(), command: None }
    }

    fn asked(id: u64) -> SecondEvent {
        SecondEvent::Asked { id, by: "alice".into(), at: at(0), until: at(10), asked: restart() }
    }

    #[test]
    fn another_operator_confirms_before_the_limit_and_one_run_spends_it() {
        let asks = fold([asked(7)]);
        let ask = find(&asks, 7).unwrap();
        assert_eq!(ask.confirm("alice", at(1)), Err(SecondRefusal::OwnAsk { id: 7 }));
        assert_eq!(ask.confirm("bob", at(10)), Err(SecondRefusal::Expired { id: 7, until: at(10) }));
        assert_eq!(ask.second_for("alice", &restart(), at(1)), Err(SecondRefusal::NotConfirmed { id: 7 }));
        assert_eq!(ask.confirm("bob", at(2)), Ok(()));

        let asks = fold([asked(7), SecondEvent::Confirmed { id: 7, by: "bob".into(), at: at(2) }]);
        let ask = find(&asks, 7).unwrap();
        assert_eq!(
            ask.confirm("carol", at(3)),
            Err(SecondRefusal::AlreadyConfirmed { id: 7, by: "bob".into() })
        );
        assert_eq!(ask.second_for("alice", &restart(), at(3)), Ok("bob".to_string()));
        // Only the operator who asked, for exactly what was asked, before the limit.
        assert_eq!(ask.second_for("bob", &restart(), at(3)), Err(SecondRefusal::NotThisRun { id: 7 }));
        let other = Asked { hosts: vec!["web-2".into()], ..restart() };
        assert_eq!(ask.second_for("alice", &other, at(3)), Err(SecondRefusal::NotThisRun { id: 7 }));
        let command = Asked { command: Some("rm -rf /".into()), ..restart() };
        assert_eq!(ask.second_for("alice", &command, at(3)), Err(SecondRefusal::NotThisRun { id: 7 }));
        assert_eq!(
            ask.second_for("alice", &restart(), at(11)),
            Err(SecondRefusal::Expired { id: 7, until: at(10) })
        );
        assert_eq!(open_ask(&asks, "alice", &restart(), at(3)).map(|a| a.id), Some(7));

        let asks = fold([
            asked(7),
            SecondEvent::Confirmed { id: 7, by: "bob".into(), at: at(2) },
            SecondEvent::Spent { id: 7, by: "alice".into() },
        ]);
        let ask = find(&asks, 7).unwrap();
        assert_eq!(ask.second_for("alice", &restart(), at(3)), Err(SecondRefusal::Spent { id: 7 }));
        assert_eq!(ask.confirm("carol", at(3)), Err(SecondRefusal::Spent { id: 7 }));
        assert_eq!(open_ask(&asks, "alice", &restart(), at(3)), None);
        assert_eq!(find(&asks, 8), Err(SecondRefusal::NoSuchAsk { id: 8 }));
    }

    #[test]
    fn a_run_record_names_only_its_askers_confirmation_and_only_the_asker_spends_it() {
        let confirmed = SecondEvent::Confirmed { id: 7, by: "bob".into(), at: at(2) };
        let asks = fold([asked(7), confirmed.clone()]);
        let ask = find(&asks, 7).unwrap();
        assert_eq!(ask.recorded_by("alice", Some("bob")), Ok(()));
        assert_eq!(ask.recorded_by("alice", Some("carol")), Err(SecondRefusal::NotThisRun { id: 7 }));
        assert_eq!(ask.recorded_by("mallory", Some("bob")), Err(SecondRefusal::NotThisRun { id: 7 }));
        let asks = fold([asked(7), confirmed, SecondEvent::Spent { id: 7, by: "mallory".into() }]);
        assert!(!find(&asks, 7).unwrap().spent, "someone else's run spends nothing");
    }

    proptest::proptest! {
        /// Whatever the order of events and times, a run is allowed only for its asker,
        /// after someone else confirmed, before the limit, and never after a run.
        #[test]
        fn a_run_needs_another_persons_open_confirmation(
            steps in proptest::collection::vec((0u8..3, 0usize..3, 0u32..15), 0..12),
            when in 0u32..15,
        ) {
            let people = ["alice", "bob", "carol"];
            let mut events = vec![asked(1)];
            for (kind, who, minute) in steps {
                events.push(match kind {
                    0 => SecondEvent::Confirmed { id: 1, by: people[who].into(), at: at(minute) },
                    1 => SecondEvent::Spent { id: 1, by: people[who].into() },
                    _ => SecondEvent::Confirmed { id: 2, by: people[who].into(), at: at(minute) },
                });
            }
            let spent = events.iter().any(|e| matches!(e, SecondEvent::Spent { id: 1, by } if by == "alice"));
            let asks = fold(events);
            let ask = find(&asks, 1).unwrap();
            if let Ok(second) = ask.second_for("alice", &restart(), at(when)) {
                proptest::prop_assert_ne!(second.as_str(), "alice");
                proptest::prop_assert!(!spent && at(when) < ask.until);
            }
        }
    }
}
