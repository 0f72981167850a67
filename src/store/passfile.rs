//! Where the PostgreSQL password comes from, as libpq takes it: `PGPASSWORD`, else the
//! passfile (`PGPASSFILE`, else `~/.pgpass`) in libpq's format — lines of
//! `host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped,
//! `#` comments — read only if nobody but its owner may read it. Never from the URL,
//! which shows in `ps` and in the site's files.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// Gives `config` the password the environment or a passfile has for it, if any.
pub fn fill(config: &mut tokio_postgres::Config) {
    if let Some(password) = password_for(config) {
        config.password(password);
    }
}

/// The password for connecting with `config`, if the environment or a passfile has one.
fn password_for(config: &tokio_postgres::Config) -> Option<Vec<u8>> {
    if let Some(password) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
        return Some(password.into_encoded_bytes());
    }
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pgpass")))?;
    let meta = std::fs::metadata(&path).ok()?;
    if meta.permissions().mode() & 0o077 != 0 {
        crate::log::write(&format!(
            "{}: not read, others may read it (chmod 0600, as libpq asks)",
            path.display()
        ));
        return None;
    }
    let text = crate::files::read_text(&path, 64 * 1024).ok()?;
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(name)) => name.clone(),
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().unwrap_or_default();
    let database = config.get_dbname().unwrap_or(user);
    lookup(&text, [host.as_str(), &port, database, user]).map(String::into_bytes)
}

/// The password of the first line whose four fields match `wanted` (host, port,
/// database, user).
fn lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    text.lines().filter(|l| !l.trim_start().starts_with('#')).find_map(|line| {
        let fields = split(line);
        let [host, port, database, user, password] = fields.as_slice() else { return None };
        let matches = [host, port, database, user].iter().zip(wanted).all(|(f, w)| *f == "*" || *f == w);
        matches.then(|| password.clone())
    })
}

/// A line's fields, with `\:` and `\\` taken as the characters they escape.
fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut().expect("one field at least").extend(chars.next()),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_field_by_field_with_wildcards_and_escapes() {
        let text = "# the centre's store\n\
                    db.example:5432:duty:duty_app:first\n\
                    127.0.0.1:*:duty:duty_app:pa\\:ss\\\\word\n\
                    *:*:*:*:fallback\n";
        assert_eq!(lookup(text, ["db.example", "5432", "duty", "duty_app"]).as_deref(), Some("first"));
        assert_eq!(lookup(text, ["127.0.0.1", "6543", "duty", "duty_app"]).as_deref(), Some("pa:ss\\word"));
        assert_eq!(lookup(text, ["other", "1", "x", "y"]).as_deref(), Some("fallback"));
        assert_eq!(lookup("127.0.0.1:5432:duty:duty_app\n", ["127.0.0.1", "5432", "duty", "duty_app"]), None);
        // A password may itself hold colons.
        assert_eq!(lookup("h:1:d:u:a:b\n", ["h", "1", "d", "u"]).as_deref(), Some("a:b"));
    }
}
