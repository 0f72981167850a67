//! The one clock of a process. Everything that needs "now" is given a `Clock` (the CLI
//! makes it once at start) instead of reading the wall clock deep inside, so the tests
//! can say what day and hour it is and pass on every day of the week.
//!
//! A release build always runs on the system clock. A test build (`--features
//! test-clock`, which the tests turn on) reads `DUTY_TEST_CLOCK`: the instant the
//! tests want "now" to be and the wall-clock instant at which it was so, e.g.
//! `2026-11-25T10:00:00+08:00@1764036000.250`. The clock then runs on from there, and
//! every process a test starts with the same setting agrees on the time.

use chrono::{DateTime, Duration, SubsecRound, Utc};

/// The test setting's variable (read only in test builds).
pub const TEST_CLOCK_VAR: &str = "DUTY_TEST_CLOCK";

/// The system clock, shifted by a fixed amount (zero outside tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    shift: Duration,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { shift: Duration::zero() }
    }

    /// A clock that reads `at` now and runs on from there.
    pub fn starting_at(at: DateTime<Utc>) -> Clock {
        Clock { shift: at - Utc::now() }
    }

    /// The clock of this process: the system clock, or in a test build the one
    /// `DUTY_TEST_CLOCK` sets.
    pub fn of_process() -> Result<Clock, String> {
        #[cfg(feature = "test-clock")]
        if let Some(setting) = std::env::var_os(TEST_CLOCK_VAR) {
            return Clock::from_setting(&setting.to_string_lossy());
        }
        Ok(Clock::system())
    }

    /// Reads a test setting `INSTANT@WALL_SECONDS` (see the module's documentation).
    pub fn from_setting(text: &str) -> Result<Clock, String> {
        let bad = || format!("{TEST_CLOCK_VAR}=\"{text}\" is not INSTANT@UNIX_SECONDS");
        let (instant, wall) = text.trim().split_once('@').ok_or_else(bad)?;
        let instant = DateTime::parse_from_rfc3339(instant).map_err(|_| bad())?.with_timezone(&Utc);
        let wall: f64 = wall.parse().map_err(|_| bad())?;
        let wall = DateTime::from_timestamp_micros((wall * 1e6) as i64).ok_or_else(bad)?;
        Ok(Clock { shift: instant - wall })
    }

    /// The setting that makes another process's clock agree with this one.
    pub fn setting(&self) -> String {
        let wall = Utc::now();
        let instant = wall + self.shift;
        format!(
            "{}@{}.{:06}",
            instant.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            wall.timestamp(),
            wall.timestamp_subsec_micros()
        )
    }

    /// Now, truncated to what the store keeps (microseconds).
    pub fn now(&self) -> DateTime<Utc> {
        (Utc::now() + self.shift).trunc_subsecs(6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_moves_now_and_round_trips() {
        let at = DateTime::parse_from_rfc3339("2026-11-25T10:00:00+08:00").unwrap().with_timezone(&Utc);
        let clock = Clock::starting_at(at);
        assert!((clock.now() - at).num_seconds().abs() < 2);
        let again = Clock::from_setting(&clock.setting()).unwrap();
        assert!((again.now() - clock.now()).num_milliseconds().abs() < 50);
        assert!(Clock::from_setting("tomorrow").is_err());
        assert!(Clock::from_setting("2026-11-25T10:00:00+08:00@soon").is_err());
    }

    #[test]
    fn the_system_clock_is_not_shifted() {
        assert!((Clock::system().now() - Utc::now()).num_seconds().abs() < 2);
    }
}
