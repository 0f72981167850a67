//! OS accounts for the tests of who acts (created as root with useradd).
#![allow(dead_code)]

use std::process::Command;

use super::stderr;

/// The OS accounts of these tests: an operator, a lead, one in the group who is not an
/// operator, and one outside the group.
pub const OPERATOR: &str = "dutytest-op";
pub const LEAD: &str = "dutytest-lead";
pub const STRANGER: &str = "dutytest-x";
pub const OUTSIDER: &str = "dutytest-out";

pub fn ensure_accounts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let run = |program: &str, args: &[&str]| {
            let out = Command::new(program).args(args).output().unwrap();
            assert!(
                out.status.success() || stderr(&out).contains("already exists"),
                "{program} {args:?}: {}",
                stderr(&out)
            );
        };
        run("groupadd", &["-f", "duty"]);
        for user in [OPERATOR, LEAD, STRANGER, OUTSIDER] {
            if duty::identity::uid_of(user).is_none() {
                run("useradd", &["-M", "-N", "-s", "/usr/sbin/nologin", user]);
            }
        }
        for user in [OPERATOR, LEAD, STRANGER] {
            run("usermod", &["-a", "-G", "duty", user]);
        }
    });
}
