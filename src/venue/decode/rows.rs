//! The row repair machinery: a page row is decoded on its own, and a field that cannot be read
//! is found by its path, left out or given a neutral stand-in, listed as an [`Unreadable`] and
//! logged once; only a row whose id cannot be read is dropped.

use crate::domain::{MultiOrder, Order, Placement, Unreadable};

use super::NUMBER_TOKEN;

/// A serde_path_to_error failure as `(path, message)`; the document root is `$`.
pub(crate) fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> (String, String) {
    let path = e.path().to_string();
    // A JSON number is handed over as a map under serde_json's private key (under
    // `arbitrary_precision`): the field is the number itself.
    let path = match path.strip_suffix(NUMBER_TOKEN) {
        Some(p) => p.trim_end_matches('.').to_owned(),
        None => path,
    };
    let path = if path == "." || path.is_empty() {
        "$".to_owned()
    } else {
        path
    };
    (path, e.into_inner().to_string())
}

/// Decodes one whole JSON document with field-path errors: a failure is
/// `VenueError::Decode { path, message }` (`$` for the root; trailing bytes are an error too).
pub(crate) fn decode_doc<'a, T: serde::Deserialize<'a>>(
    json: &'a [u8],
) -> crate::venue::VenueResult<T> {
    use crate::venue::VenueError;
    let mut de = serde_json::Deserializer::from_slice(json);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (path, message) = path_error(e);
        VenueError::Decode { path, message }
    })?;
    de.end().map_err(|e| VenueError::Decode {
        path: "$".into(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// Decodes one row of a page on its own, for per-row isolation: `Err` is the reason for a
/// `BadRow`, `field.path: message`. The common, valid row is decoded without path tracking;
/// only a failing row is decoded again to name the field.
pub(crate) fn decode_row<T: serde::de::DeserializeOwned>(
    raw: &serde_json::value::RawValue,
) -> Result<T, String> {
    if let Ok(v) = serde_json::from_str::<T>(raw.get()) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (path, mut message) = path_error(e);
        // Line/column are relative to the lone row and say nothing the path doesn't.
        if let Some(at) = message.rfind(" at line ") {
            message.truncate(at);
        }
        if path == "$" {
            message
        } else {
            format!("{path}: {message}")
        }
    })
}

/// Most fields one row may lose before it is given up as a [`BadRow`](crate::domain::BadRow).
const MAX_REPAIRS: usize = 32;

/// Keys that identify a row (Tread.fi `id`, Anboto `order_id` / `client_order_id`, AlphaSec
/// `orderId`). A row whose id cannot be read is never given a stand-in id: the key is only
/// removed, so the row is dropped (and counted) unless the venue sent another id.
const ID_KEYS: [&str; 4] = ["id", "order_id", "client_order_id", "orderId"];

/// A row type that can carry the fields that could not be read ([`Unreadable`]), so that a row
/// with one bad field stays listed. `None` for rows that cannot (e.g. a trade): those are
/// still dropped whole, as a [`BadRow`](crate::domain::BadRow).
pub(crate) trait KeepsUnreadable {
    /// Where this row lists its unreadable fields.
    fn unreadable_mut(&mut self) -> Option<&mut Vec<Unreadable>>;
}

impl KeepsUnreadable for Order {
    fn unreadable_mut(&mut self) -> Option<&mut Vec<Unreadable>> {
        Some(&mut self.unreadable)
    }
}

impl KeepsUnreadable for MultiOrder {
    fn unreadable_mut(&mut self) -> Option<&mut Vec<Unreadable>> {
        Some(&mut self.unreadable)
    }
}

impl KeepsUnreadable for Placement {
    fn unreadable_mut(&mut self) -> Option<&mut Vec<Unreadable>> {
        Some(&mut self.unreadable)
    }
}

impl<X> KeepsUnreadable for (Order, X) {
    fn unreadable_mut(&mut self) -> Option<&mut Vec<Unreadable>> {
        Some(&mut self.0.unreadable)
    }
}

/// One step of a field path, as serde_path_to_error reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// A failed decode: where (`None` when the path cannot be followed, e.g. inside an enum), its
/// text (`child_orders[0].executed_qty`, `$` for the row itself) and the message.
struct Failure {
    steps: Option<Vec<Step>>,
    path: String,
    message: String,
}

impl Failure {
    /// `path: message`, or the message alone for the row itself: a `BadRow`'s reason.
    fn reason(&self) -> String {
        if self.path == "$" {
            self.message.clone()
        } else {
            format!("{}: {}", self.path, self.message)
        }
    }
}

fn decode_tracked<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Failure> {
    use serde_path_to_error::Segment;
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let steps = e
            .path()
            .iter()
            .map(|seg| match seg {
                Segment::Map { key } => Some(Step::Key(key.clone())),
                Segment::Seq { index } => Some(Step::Index(*index)),
                Segment::Enum { .. } | Segment::Unknown => None,
            })
            // serde_json hands a number over as a map under a private key: the field is the
            // number itself.
            .filter(|step| !matches!(step, Some(Step::Key(k)) if k == NUMBER_TOKEN))
            .collect::<Option<Vec<_>>>();
        let (path, mut message) = path_error(e);

        // Line/column are relative to the lone row and say nothing the path doesn't.
        if let Some(at) = message.rfind(" at line ") {
            message.truncate(at);
        }
        Failure {
            steps,
            path,
            message,
        }
    })
}

/// The JSON value at `steps`' parent, and the last step.
fn parent_mut<'v>(
    root: &'v mut serde_json::Value,
    steps: &[Step],
) -> Option<(&'v mut serde_json::Value, Step)> {
    let (last, up) = steps.split_last()?;
    let mut at = root;
    for step in up {
        at = match step {
            Step::Key(k) => at.get_mut(k.as_str())?,
            Step::Index(i) => at.get_mut(*i)?,
        };
    }
    Some((at, last.clone()))
}

/// Stand-ins tried, in order, for a field that cannot be read: first leave it out (most fields
/// are optional), then `null`, then an empty value of each JSON type for fields the wire type
/// requires. Whichever decodes is kept; the field is listed as unreadable either way, so the
/// stand-in is never shown as the venue's value.
fn stand_ins() -> [Option<serde_json::Value>; 7] {
    use serde_json::Value;
    [
        None,
        Some(Value::Null),
        Some(Value::String(String::new())),
        Some(Value::Bool(false)),
        Some(Value::from(0)),
        Some(Value::Array(Vec::new())),
        Some(Value::Object(serde_json::Map::new())),
    ]
}

/// Sets (or, for `None`, removes) the field `key` of the object at `parent`. False when
/// `parent` does not lead to an object.
fn set_field(
    row: &mut serde_json::Value,
    parent: &[Step],
    key: &str,
    to: Option<serde_json::Value>,
) -> bool {
    let mut at = row;
    for step in parent {
        let next = match step {
            Step::Key(k) => at.get_mut(k.as_str()),
            Step::Index(i) => at.get_mut(*i),
        };
        let Some(next) = next else {
            return false;
        };
        at = next;
    }
    let Some(fields) = at.as_object_mut() else {
        return false;
    };
    match to {
        None => {
            fields.shift_remove(key);
        }
        Some(v) => {
            fields.insert(key.to_owned(), v);
        }
    }
    true
}

/// A path as text: `child_orders[0].executed_qty`.
fn steps_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The field a failure is about: ``missing field `k` `` at `p` is about `p.k` (a field the
/// repair removed and the type requires); anything else is about its own path.
fn failing_field(failure: &Failure) -> Option<Vec<Step>> {
    let mut steps = failure.steps.clone()?;
    if let Some(rest) = failure.message.strip_prefix("missing field `")
        && let Some(key) = rest.strip_suffix('`')
    {
        steps.push(Step::Key(key.to_owned()));
    }
    Some(steps)
}

/// The row's id for log lines: the first [`ID_KEYS`] entry that is a string or a number.
fn row_id_of(row: &serde_json::Value) -> Option<String> {
    ID_KEYS.iter().find_map(|k| match row.get(*k)? {
        serde_json::Value::String(s) => Some(crate::sanitize::clean(s).into_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Decodes one row, keeping it when some of its fields cannot be read: each such field is left
/// out (or given a neutral stand-in the wire type accepts) and listed as [`Unreadable`] with
/// its path and reason. `Err` (the reason for a `BadRow`) only when the row cannot be kept:
/// not an object, no readable id, or more than [`MAX_REPAIRS`] bad fields.
///
/// The common, valid row takes the fast path (`serde_json::from_str`, no `Value`); only a
/// failing row is re-read as a `serde_json::Value` (numbers stay exact under
/// `arbitrary_precision`) and decoded again with paths.
pub(crate) fn decode_row_keeping<T: serde::de::DeserializeOwned>(
    raw: &serde_json::value::RawValue,
) -> Result<(T, Vec<Unreadable>), String> {
    use std::collections::HashMap;
    if let Ok(v) = serde_json::from_str::<T>(raw.get()) {
        return Ok((v, Vec::new()));
    }
    let mut row: serde_json::Value = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    let mut unreadable: Vec<Unreadable> = Vec::new();
    // Per repaired field: the next stand-in to try (see `stand_ins`).
    let mut tried: HashMap<Vec<Step>, usize> = HashMap::new();
    let stand_ins = stand_ins();
    // The reason an id could not be read, for the `BadRow` when the row then lacks one.
    let mut id_reason: Option<String> = None;
    for _ in 0..MAX_REPAIRS.saturating_mul(stand_ins.len()) {
        let failure = match decode_tracked::<T>(&row.to_string()) {
            Ok(v) => return Ok((v, unreadable)),
            Err(failure) => failure,
        };
        let Some(field) = failing_field(&failure) else {
            return Err(id_reason_or(&id_reason, &failure));
        };
        let Some((last, parent)) = field.split_last() else {
            return Err(id_reason_or(&id_reason, &failure));
        };
        let next = tried.get(&field).copied().unwrap_or(0);
        if !tried.contains_key(&field) {
            if unreadable.len() >= MAX_REPAIRS {
                return Err(id_reason_or(&id_reason, &failure));
            }
            unreadable.push(Unreadable {
                path: steps_text(&field),
                reason: failure.message.clone(),
            });
        }
        match last {
            // A bad element of a list: drop the element (the list shrinks).
            Step::Index(i) => {
                let Some(items) = parent_mut(&mut row, &field)
                    .and_then(|(p, _)| p.as_array_mut())
                    .filter(|items| *i < items.len())
                else {
                    return Err(id_reason_or(&id_reason, &failure));
                };
                items.remove(*i);
            }
            Step::Key(key) => {
                let is_id = ID_KEYS.contains(&key.as_str());
                if is_id && next == 0 && id_reason.is_none() {
                    id_reason = Some(failure.reason());
                }
                // An id only ever leaves: no stand-in id is made up.
                let Some(to) = stand_ins.get(next).filter(|_| !is_id || next == 0) else {
                    return Err(id_reason_or(&id_reason, &failure));
                };
                if !set_field(&mut row, parent, key, to.clone()) {
                    return Err(id_reason_or(&id_reason, &failure));
                }
                tried.insert(field.clone(), next.saturating_add(1));
            }
        }
    }
    Err("too many unreadable fields".to_owned())
}

/// Why a row is dropped: the unreadable id when there was one, else this failure.
fn id_reason_or(id_reason: &Option<String>, failure: &Failure) -> String {
    id_reason.clone().unwrap_or_else(|| failure.reason())
}

/// One whole document decoded as [`decode_row_into`] does a row (a bad field is listed, not
/// fatal): for single-object endpoints whose rows reach the screen. `Err` is
/// `VenueError::Decode` when the body is not JSON or the row cannot be kept.
pub(crate) fn decode_doc_into<W, T>(
    json: &[u8],
    venue: &'static str,
    convert: impl FnOnce(W) -> Result<T, String>,
) -> crate::venue::VenueResult<T>
where
    W: serde::de::DeserializeOwned,
    T: KeepsUnreadable,
{
    use crate::venue::VenueError;
    let raw: &serde_json::value::RawValue =
        serde_json::from_slice(json).map_err(|e| VenueError::Decode {
            path: "$".into(),
            message: e.to_string(),
        })?;
    decode_row_into(raw, venue, convert).map_err(|message| VenueError::Decode {
        path: "$".into(),
        message,
    })
}

/// Log lines already written, so a row that stays unreadable across polls is logged once.
fn first_sighting(key: String) -> bool {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Ok(mut seen) = SEEN.get_or_init(Default::default).lock() else {
        return true;
    };
    if seen.len() >= 10_000 {
        seen.clear();
    }
    seen.insert(key)
}

/// Decodes one row of a page with [`decode_row_keeping`], converts it with `convert`, and
/// attaches the unreadable fields to the result (a row type that cannot carry them fails as
/// before, naming the first bad field). Each repaired row is logged once per field with
/// `tracing::warn!` (venue, id, path, reason). `Err` is a `BadRow` reason.
pub(crate) fn decode_row_into<W, T>(
    raw: &serde_json::value::RawValue,
    venue: &'static str,
    convert: impl FnOnce(W) -> Result<T, String>,
) -> Result<T, String>
where
    W: serde::de::DeserializeOwned,
    T: KeepsUnreadable,
{
    let (wire, unreadable) = decode_row_keeping::<W>(raw)?;
    let mut row = convert(wire)?;
    if !unreadable.is_empty() {
        let Some(list) = row.unreadable_mut() else {
            let first = &unreadable[0];
            return Err(format!("{}: {}", first.path, first.reason));
        };
        list.extend(unreadable);
    }
    // Every unreadable field is logged once, whether the repair found it or the conversion
    // did (e.g. a `stats` value or one of the row's fills).
    if let Some(list) = row.unreadable_mut()
        && !list.is_empty()
    {
        let id = serde_json::from_str::<serde_json::Value>(raw.get())
            .ok()
            .and_then(|v| row_id_of(&v))
            .unwrap_or_default();
        log_unreadable(venue, &id, list);
    }
    Ok(row)
}

/// Logs each unreadable field of the row `id` once per venue, id and path (`tracing::warn!`
/// with the venue, id, path and reason, control characters stripped).
pub(crate) fn log_unreadable(venue: &'static str, id: &str, list: &[Unreadable]) {
    for u in list {
        if first_sighting(format!("{venue}\u{0}{id}\u{0}{}", u.path)) {
            tracing::warn!(
                venue,
                id = %crate::sanitize::clean(id),
                path = %crate::sanitize::clean(&u.path),
                reason = %crate::sanitize::clean(&u.reason),
                "field could not be read; the order stays listed with it shown as ?"
            );
        }
    }
}

#[cfg(test)]
mod tests;
