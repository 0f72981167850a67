//! The live inspection sheet: one row per machine, the worst status per column, as the
//! centre's own daily sheet lays it out. Shared by `duty status` and the Overview tab.

use serde::Serialize;

use crate::config::Site;
use crate::domain::check::{CheckState, CheckStatus, SheetColumn};

/// One machine as the inspection sheet shows it: the worst status per column.
#[derive(Serialize)]
pub struct HostRow<'a> {
    pub host: &'a str,
    pub label: &'a str,
    pub ip: String,
    pub group: &'a str,
    /// In JSON an object: column → status (null: no check there, or not run yet).
    #[serde(serialize_with = "columns_as_object")]
    pub columns: Vec<(SheetColumn, Option<CheckStatus>)>,
    pub worst: Option<CheckStatus>,
    pub checks: Vec<&'a CheckState>,
}

fn columns_as_object<S: serde::Serializer>(
    columns: &[(SheetColumn, Option<CheckStatus>)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(columns.len()))?;
    for (column, status) in columns {
        map.serialize_entry(column, status)?;
    }
    map.end()
}

/// The sheet: one row per machine (grouped by location), worst status per column (None: no check in that
/// column, or not run yet).
pub fn sheet<'a>(site: &'a Site, states: &'a [CheckState]) -> Vec<HostRow<'a>> {
    // Grouped by location, in the site's own order within a group.
    let mut hosts: Vec<&crate::config::Host> = site.hosts.iter().collect();
    hosts.sort_by_key(|h| site.hosts.iter().position(|g| g.group == h.group));
    hosts
        .into_iter()
        .map(|host| {
            let checks: Vec<&CheckState> = states.iter().filter(|s| s.host == host.name).collect();
            let columns = SheetColumn::ALL
                .iter()
                .map(|column| {
                    let in_column = host.checks.iter().filter(|c| c.column == *column);
                    let worst = in_column
                        .map(|c| {
                            checks
                                .iter()
                                .find(|s| s.check == c.name)
                                .map_or(CheckStatus::Unknown, |s| s.status)
                        })
                        .max_by_key(|s| s.badness());
                    (*column, worst)
                })
                .collect::<Vec<_>>();
            let worst = columns.iter().filter_map(|(_, s)| *s).max_by_key(|s| s.badness());
            HostRow {
                host: &host.name,
                label: &host.label,
                ip: host.ip.to_string(),
                group: &host.group,
                columns,
                worst,
                checks,
            }
        })
        .collect()
}
