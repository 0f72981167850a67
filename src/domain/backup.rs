//! Backups as the centre's rules have them (daily incremental, weekly full): the newest
//! file matching a pattern in a folder must be younger than the check's limit and at
//! least its size. Pure: the files come in as values (listed on this machine or on the
//! host over SSH); the verdict and its reason go out.

use chrono::{DateTime, Duration, Utc};

use super::check::{CheckStatus, Evidence, Reason};

/// One file a listing found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupFile {
    pub name: String,
    pub modified: DateTime<Utc>,
    pub bytes: u64,
}

/// What a backup check asks of the newest file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupRule {
    pub dir: String,
    /// A file-name pattern: `*` any run of characters, `?` one character.
    pub pattern: String,
    pub max_age: Duration,
    pub min_bytes: u64,
}

/// Whether a file name matches a pattern of `*` and `?`.
pub fn matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Iterative matching with one backtrack point for the last `*`.
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(at) = star {
            pi = at + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// How far ahead of now a file's time may be (clocks differ a little between hosts).
pub fn future_slack() -> Duration {
    Duration::minutes(5)
}

/// The newest of the files that match the rule's pattern, leaving out any dated ahead
/// of now: a job's wrong date or a skewed clock must not hide a backup that stopped.
pub fn newest<'a>(rule: &BackupRule, files: &'a [BackupFile], now: DateTime<Utc>) -> Option<&'a BackupFile> {
    files
        .iter()
        .filter(|f| matches(&rule.pattern, &f.name) && f.modified <= now + future_slack())
        .max_by_key(|f| (f.modified, f.name.clone()))
}

/// Reads a listing of `%T@ %s %f` lines (seconds since the epoch, size, name), as GNU
/// find prints them; lines that are not that are left out.
pub fn parse_listing(text: &str) -> Vec<BackupFile> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            let seconds: f64 = parts.next()?.parse().ok()?;
            let bytes: u64 = parts.next()?.parse().ok()?;
            let name = parts.next()?.to_string();
            let modified = DateTime::from_timestamp_micros((seconds * 1e6) as i64)?;
            Some(BackupFile { name, modified, bytes })
        })
        .collect()
}

/// The verdict on the newest matching file: critical when there is none, when it is
/// older than the limit or smaller than the least size; normal otherwise, saying which
/// file, how big and how old.
pub fn judge(rule: &BackupRule, files: &[BackupFile], now: DateTime<Utc>) -> (CheckStatus, Evidence) {
    let Some(file) = newest(rule, files, now) else {
        let reason = Reason::BackupMissing { dir: rule.dir.clone(), pattern: rule.pattern.clone() };
        return (CheckStatus::Critical, Evidence::of(reason, None));
    };
    let age = now - file.modified;
    let excerpt = format!("{} {} B {} min", file.name, file.bytes, age.num_minutes().max(0));
    let reason = if age > rule.max_age {
        Some(Reason::BackupStale {
            file: file.name.clone(),
            hours: age.num_hours(),
            limit_hours: rule.max_age.num_hours(),
        })
    } else if file.bytes < rule.min_bytes {
        Some(Reason::BackupSmall { file: file.name.clone(), bytes: file.bytes, min_bytes: rule.min_bytes })
    } else {
        None
    };
    let status = if reason.is_some() { CheckStatus::Critical } else { CheckStatus::Normal };
    (status, Evidence { excerpt: Some(excerpt), reason, ..Evidence::default() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::hours(hours)
    }

    fn file(name: &str, hours: i64, bytes: u64) -> BackupFile {
        BackupFile { name: name.into(), modified: at(hours), bytes }
    }

    fn daily() -> BackupRule {
        BackupRule {
            dir: "/backup/incr".into(),
            pattern: "incr-*.tar.gz".into(),
            max_age: Duration::hours(26),
            min_bytes: 1000,
        }
    }

    #[test]
    fn patterns_match_as_the_shell_does() {
        assert!(matches("incr-*.tar.gz", "incr-20261125.tar.gz"));
        assert!(!matches("incr-*.tar.gz", "full-20261125.tar.gz"));
        assert!(!matches("incr-*.tar.gz", "incr-20261125.tar.gz.part"));
        assert!(matches("db_??.dmp", "db_01.dmp"));
        assert!(!matches("db_??.dmp", "db_1.dmp"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "a-x-b-y-c"));
    }

    #[test]
    fn the_newest_matching_file_must_be_young_and_big_enough() {
        let rule = daily();
        let now = at(30);
        let files = [
            file("incr-1.tar.gz", 0, 5000),
            file("incr-2.tar.gz", 20, 5000),
            file("full-9.tar.gz", 29, 9000),
        ];
        let (status, evidence) = judge(&rule, &files, now);
        assert_eq!(status, CheckStatus::Normal, "{evidence:?}");
        assert_eq!(evidence.excerpt.as_deref(), Some("incr-2.tar.gz 5000 B 600 min"));
        // Two days without a new one.
        let (status, evidence) = judge(&rule, &files[..1], now);
        assert_eq!(status, CheckStatus::Critical);
        assert_eq!(
            evidence.reason,
            Some(Reason::BackupStale { file: "incr-1.tar.gz".into(), hours: 30, limit_hours: 26 })
        );
        // Written, but nearly empty.
        let (status, evidence) = judge(&rule, &[file("incr-3.tar.gz", 29, 20)], now);
        assert_eq!(status, CheckStatus::Critical);
        assert_eq!(
            evidence.reason,
            Some(Reason::BackupSmall { file: "incr-3.tar.gz".into(), bytes: 20, min_bytes: 1000 })
        );
        // None at all: never "normal".
        let (status, evidence) = judge(&rule, &files[2..], now);
        assert_eq!(status, CheckStatus::Critical);
        assert!(matches!(evidence.reason, Some(Reason::BackupMissing { .. })));
        // One dated years ahead hides nothing: the newest real one is judged.
        let ahead = [file("incr-1.tar.gz", 0, 5000), file("incr-29991231.tar.gz", 24 * 365, 5000)];
        let (status, evidence) = judge(&rule, &ahead, now);
        assert_eq!(status, CheckStatus::Critical, "{evidence:?}");
        assert!(
            matches!(evidence.reason, Some(Reason::BackupStale { ref file, .. }) if file == "incr-1.tar.gz")
        );
    }

    #[test]
    fn a_find_listing_is_read_and_junk_left_out() {
        let listing =
            "1800000000.5 1234 incr-1.tar.gz\nnot a line\n1800003600.0 99 name with spaces.tar.gz\n";
        let files = parse_listing(listing);
        assert_eq!(files.len(), 2);
        assert_eq!(
            files[1],
            BackupFile { name: "name with spaces.tar.gz".into(), modified: at(1), bytes: 99 }
        );
    }

    proptest! {
        /// A pattern without wildcards matches exactly itself; `*` matches anything.
        #[test]
        fn literal_patterns_match_only_themselves(name in "[a-z0-9._-]{0,12}", other in "[a-z0-9._-]{0,12}") {
            prop_assert!(matches(&name, &name));
            prop_assert_eq!(matches(&name, &other), name == other);
            prop_assert!(matches("*", &other));
            let (prefix, longer) = (format!("{name}*"), format!("{name}{other}"));
            prop_assert!(matches(&prefix, &longer));
        }
    }
}
