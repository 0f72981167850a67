//! What the event families decided against their history share: the codec of an event
//! stored as `<family>.<kind>` with its fields as the payload, the fold of a subject's
//! events into its state, and the check of a typed text.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::DomainError;

/// The payload stored beside the kind: the fields of a `#[serde(tag = "kind", content
/// = "payload")]` event.
pub fn payload_of<E: Serialize>(event: &E) -> String {
    let value = serde_json::to_value(event).expect("events serialise");
    value["payload"].to_string()
}

/// An event again from its stored kind (`prefix` and the variant) and payload, in one
/// parse of the stored text (a malformed payload fails it).
pub fn from_stored<E: DeserializeOwned>(
    prefix: &str,
    kind: &str,
    payload: &str,
) -> Result<E, serde_json::Error> {
    let short = kind.strip_prefix(prefix).unwrap_or(kind);
    let tagged = format!("{{\"kind\":{},\"payload\":{payload}}}", serde_json::Value::from(short));
    serde_json::from_str(&tagged)
}

/// A subject's state folded from its events — (kind, payload, actor, occurred at),
/// oldest first — with `apply`; None before its first event.
pub fn fold<'a, E: DeserializeOwned, S>(
    prefix: &str,
    undecodable: &'static str,
    events: impl IntoIterator<Item = (&'a str, &'a str, &'a str, DateTime<Utc>)>,
    mut apply: impl FnMut(Option<S>, &E, &str, DateTime<Utc>) -> Result<S, DomainError>,
) -> Result<Option<S>, DomainError> {
    let mut state = None;
    for (kind, payload, actor, at) in events {
        let event =
            from_stored(prefix, kind, payload).map_err(|_| DomainError::CorruptLog { kind: undecodable })?;
        state = Some(apply(state, &event, actor, at)?);
    }
    Ok(state)
}

/// A typed text within `max` characters, and not blank where it is `required`.
pub fn check_text(field: &'static str, value: &str, max: usize, required: bool) -> Result<(), DomainError> {
    if required && value.trim().is_empty() {
        return Err(DomainError::Empty { field });
    }
    if value.chars().count() > max {
        return Err(DomainError::TooLong { field, max });
    }
    Ok(())
}
