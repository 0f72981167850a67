//! Who acts, as the kernel says: the real uid of this process (or, in the service, of
//! the peer on the socket) and its passwd entry — never `$USER`, `$LOGNAME` or a flag.
//! `DUTY_OPERATOR` is honoured only for root (who can be anyone anyway: tests and
//! scripts run as root), and the record then says so: `cli root as zhangsan@host`.

use std::ffi::CStr;

/// The variable root may set to act as an operator.
pub const ACT_AS_VAR: &str = "DUTY_OPERATOR";

/// Someone who may not act as another.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{os_user} asked to act as {asked} ({ACT_AS_VAR}): only root may; nothing was done")]
pub struct Forbidden {
    pub os_user: String,
    pub asked: String,
}

/// The account acting, and whom root acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub uid: u32,
    /// The passwd entry of the uid (`uid1001` when it has none).
    pub os_user: String,
    /// Whom root acts as.
    pub acting_as: Option<String>,
}

impl Identity {
    /// This process: its real uid, and `DUTY_OPERATOR` if it is root.
    pub fn of_process() -> Result<Identity, Forbidden> {
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        let asked = std::env::var(ACT_AS_VAR).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        Identity::of_uid(uid, asked)
    }

    /// An account by uid (a peer on the service's socket), asking to act as `asked`.
    pub fn of_uid(uid: u32, asked: Option<String>) -> Result<Identity, Forbidden> {
        let os_user = login_of(uid).unwrap_or_else(|| format!("uid{uid}"));
        match asked {
            Some(asked) if uid != 0 && asked != os_user => Err(Forbidden { os_user, asked }),
            Some(asked) if uid == 0 => Ok(Identity { uid, os_user, acting_as: Some(asked) }),
            _ => Ok(Identity { uid, os_user, acting_as: None }),
        }
    }

    /// The login the site's operator list is looked up by.
    pub fn login(&self) -> &str {
        self.acting_as.as_deref().unwrap_or(&self.os_user)
    }

    /// Which program wrote an event, as which account, on which machine: recorded beside
    /// the operator in every event.
    pub fn origin(&self, program: &str) -> String {
        let host = hostname();
        match &self.acting_as {
            Some(as_whom) => format!("{program} {} as {as_whom}@{host}", self.os_user),
            None => format!("{program} {}@{host}", self.os_user),
        }
    }
}

/// The login of a uid, from the passwd database.
pub fn login_of(uid: u32) -> Option<String> {
    let mut buffer = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid value to be filled in.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is to memory of ours of the size given; the result points
    // into `entry` and `buffer`, which outlive its use below.
    let status = unsafe { libc::getpwuid_r(uid, &mut entry, buffer.as_mut_ptr(), buffer.len(), &mut found) };
    if status != 0 || found.is_null() {
        return None;
    }
    // SAFETY: pw_name is a NUL-terminated string inside `buffer`.
    let name = unsafe { CStr::from_ptr(entry.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

/// The uid of a login, from the passwd database.
pub fn uid_of(login: &str) -> Option<u32> {
    let name = std::ffi::CString::new(login).ok()?;
    let mut buffer = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: as in `login_of`.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    let status =
        unsafe { libc::getpwnam_r(name.as_ptr(), &mut entry, buffer.as_mut_ptr(), buffer.len(), &mut found) };
    (status == 0 && !found.is_null()).then_some(entry.pw_uid)
}

/// The gid of a group, from the group database.
pub fn gid_of(group: &str) -> Option<u32> {
    let name = std::ffi::CString::new(group).ok()?;
    let mut buffer = vec![0 as libc::c_char; 64 * 1024];
    // SAFETY: as in `login_of`, for the group database.
    let mut entry: libc::group = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::group = std::ptr::null_mut();
    let status =
        unsafe { libc::getgrnam_r(name.as_ptr(), &mut entry, buffer.as_mut_ptr(), buffer.len(), &mut found) };
    (status == 0 && !found.is_null()).then_some(entry.gr_gid)
}

/// This machine's name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_root_acts_as_another_and_the_origin_says_so() {
        let root = Identity::of_uid(0, Some("zhangsan".into())).unwrap();
        assert_eq!(root.login(), "zhangsan");
        assert!(root.origin("cli").starts_with("cli root as zhangsan@"));
        assert_eq!(Identity::of_uid(0, None).unwrap().login(), "root");
        let nobody = uid_of("nobody").expect("nobody exists");
        let refused = Identity::of_uid(nobody, Some("lead".into())).unwrap_err();
        assert_eq!(refused, Forbidden { os_user: "nobody".into(), asked: "lead".into() });
        // Naming oneself is no change of identity.
        assert_eq!(Identity::of_uid(nobody, Some("nobody".into())).unwrap().acting_as, None);
    }
}
