//! The site's rule for resolutions nobody confirmed: `[auto_confirm]` days after the
//! resolution, the engine confirms them for the site, unrated and recorded as such, so
//! the satisfaction figures say what rests on the rule and nothing waits for ever.

use chrono::{DateTime, Utc};

use crate::config::Site;
use crate::domain::confirmation::{Confirmation, ConfirmedHow, auto_due};
use crate::domain::{IncidentCommand, Operator};
use crate::store::{IncidentRequest, Store, StoreError, Target};

/// Confirms every resolution due under the site's rule; how many it confirmed. One
/// confirmed meanwhile by a person is left as they recorded it.
pub fn auto_confirm(
    store: &mut dyn Store,
    site: &Site,
    actor: &Operator,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let Some(after) = site.policy.auto_confirm else { return Ok(0) };
    let due: Vec<_> =
        store.incidents(true)?.into_iter().filter(|i| auto_due(i, after, now)).map(|i| i.id).collect();
    let mut confirmed = 0;
    for id in due {
        let confirmation =
            Confirmation { by: String::new(), how: ConfirmedHow::Auto, rating: None, note: String::new() };
        let request = IncidentRequest {
            target: Target::Existing(id),
            command: IncidentCommand::Confirm(confirmation),
            actor,
            origin: origin.to_string(),
            occurred_at: now,
            now,
            expected_version: None,
            claim: None,
        };
        match store.execute(request) {
            Ok(_) => confirmed += 1,
            Err(StoreError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(confirmed)
}
