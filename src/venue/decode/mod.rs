//! Tolerant field decoders shared by venue adapters, for use with
//! `#[serde(default, deserialize_with = "...")]` on private wire structs.
//!
//! Venues send the same field as a JSON string in one endpoint and a JSON number in another
//! (`"0.5"` vs `0.5`), use `null` and `""` interchangeably for "not given", and write timestamps
//! with and without a zone. Each decoder here accepts every such spelling and turns it into one
//! Rust value, and names the offending value in its error otherwise.
//!
//! Exact decimals: the crate enables serde_json's `arbitrary_precision`, under which a JSON
//! number reaches a visitor as a one-entry map `{"$serde_json::private::Number": "<text>"}`.
//! [`opt_decimal`] reads that text directly, so `0.02` becomes the decimal `0.02` and
//! `"45000.00"` keeps its scale; it never goes through `f64` when the text is available.
//!
//! Rows of a page are decoded one at a time. A row with a field that cannot be read (a number
//! past the decimal range, an object where a price belongs, a required field missing) is kept:
//! [`decode_row_into`] leaves that field out (or gives it a neutral stand-in the wire type
//! accepts), lists it as an [`Unreadable`] with its path and reason, and logs it once. Only a
//! row whose id cannot be read is dropped as a `BadRow` (issue 14: no order hidden).

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::domain::{MultiOrder, Order, Placement, Unreadable};

/// The map key under which serde_json (`arbitrary_precision`) hands a JSON number's text to a
/// visitor.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// One JSON scalar as text, with where it came from. Used by every decoder below.
enum Scalar {
    /// `null` or a missing value.
    Null,
    /// A JSON string (untrimmed).
    Str(String),
    /// A JSON number, as its exact text.
    Num(String),
    /// A JSON boolean.
    Bool(bool),
}

/// Reads any JSON scalar as [`Scalar`]; arrays and objects (other than the
/// `arbitrary_precision` number map) are an error mentioning `expecting`.
struct ScalarVisitor {
    expecting: &'static str,
}

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Num(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Num(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Scalar, E> {
        Ok(Scalar::Num(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Scalar, E> {
        Ok(Scalar::Num(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        // Only reached without `arbitrary_precision`; `{}` prints the shortest text that
        // round-trips, so 0.02 prints as "0.02".
        if v.is_finite() {
            Ok(Scalar::Num(format!("{v}")))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        match map.next_key::<String>()? {
            Some(k) if k == NUMBER_TOKEN => {
                let text: String = map.next_value()?;
                Ok(Scalar::Num(text))
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Scalar, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D, expecting: &'static str) -> Result<Scalar, D::Error> {
    d.deserialize_any(ScalarVisitor { expecting })
}

/// Parses decimal text exactly (scale kept: `"45000.00"` → `45000.00`); scientific notation
/// (`1e-8`, `2.5E3`) is accepted. More digits than a [`Decimal`] holds (28–29 significant)
/// are rounded rather than rejected. `None` when the text is not a number.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.contains(['e', 'E']) {
        return Decimal::from_scientific(t).ok();
    }
    Decimal::from_str_exact(t)
        .or_else(|_| Decimal::from_str(t))
        .ok()
}

/// `Option<Decimal>` from a JSON string (`"0.5"`, `" 45000.00 "`, `"1e-8"`), a JSON number
/// (exact text under `arbitrary_precision`), `null`, `""` or a missing field (with
/// `#[serde(default)]`). Anything else is an error naming the value, e.g.
/// `invalid decimal "abc"`.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

/// Hot-path visitor for [`opt_decimal`]: parses straight from the borrowed text (no
/// allocation) for strings and `arbitrary_precision` numbers.
struct DecimalVisitor;

fn decimal_from<E: de::Error>(text: &str) -> Result<Option<Decimal>, E> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_decimal(text)
        .map(Some)
        .ok_or_else(|| E::custom(format_args!("invalid decimal {text:?}")))
}

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal as a JSON number or string")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Err(E::custom(format_args!("invalid decimal {v} (a boolean)")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // Only without `arbitrary_precision`: the shortest round-trip text.
        decimal_from(&format!("{v}"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        decimal_from(v)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // `arbitrary_precision` hands a number over as {"$serde_json::private::Number": text}.
        // Any other key is an object: rejected here (not while reading the key), so the error
        // names the field rather than the object's first key.
        match map.next_key::<NumberKey>()? {
            Some(NumberKey(true)) => map.next_value_seed(NumberText),
            Some(NumberKey(false)) => Err(de::Error::invalid_type(
                de::Unexpected::Map,
                &"a decimal, not an object",
            )),
            None => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

/// Whether a map key is the private number key of `arbitrary_precision` (any other key: the
/// value is an object).
struct NumberKey(bool);

impl<'de> serde::Deserialize<'de> for NumberKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumberKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumberKey, E> {
                Ok(NumberKey(v == NUMBER_TOKEN))
            }
        }
        d.deserialize_identifier(V)
    }
}

/// The number's text, parsed without copying.
struct NumberText;

impl<'de> de::DeserializeSeed<'de> for NumberText {
    type Value = Option<Decimal>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(DecimalVisitor)
    }
}

/// `Option<String>`: `null` and `""` (after trimming) → `None`; strings are kept as sent;
/// numbers and booleans → their JSON text (`12` → `"12"`). Arrays and objects are an error.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match scalar(d, "a string or scalar")? {
        Scalar::Null => Ok(None),
        Scalar::Str(s) if s.trim().is_empty() => Ok(None),
        Scalar::Str(s) | Scalar::Num(s) => Ok(Some(s)),
        Scalar::Bool(b) => Ok(Some(b.to_string())),
    }
}

/// A required id-like string: a JSON string or a number (its text). `null` is an error.
pub fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match scalar(d, "an id as a string or number")? {
        Scalar::Str(s) | Scalar::Num(s) => Ok(s),
        Scalar::Null => Err(de::Error::custom("id is null")),
        Scalar::Bool(b) => Err(de::Error::invalid_type(de::Unexpected::Bool(b), &"an id")),
    }
}

/// Parses a timestamp: RFC 3339 / ISO 8601 with `Z` or an offset (`+00:00`), any fraction of
/// seconds, or without a zone (`2023-08-08T23:59:06.300319`, read as UTC). Space instead of
/// `T` is accepted. `None` when the text is not a timestamp.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts);
    }
    let dt = t.parse::<DateTime>().ok()?;
    dt.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

/// `Option<jiff::Timestamp>` (UTC) from an ISO 8601 string with `Z`, an offset, or no zone
/// (treated as UTC); `null`/`""` → `None`. Other values are an error naming the text.
pub fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    match scalar(d, "an ISO 8601 timestamp string")? {
        Scalar::Null => Ok(None),
        Scalar::Str(s) if s.trim().is_empty() => Ok(None),
        Scalar::Str(s) => parse_timestamp(&s)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format_args!("invalid timestamp {s:?}"))),
        Scalar::Num(s) => Err(de::Error::custom(format_args!(
            "invalid timestamp {s} (a number, expected ISO 8601 text)"
        ))),
        Scalar::Bool(b) => Err(de::Error::custom(format_args!("invalid timestamp {b}"))),
    }
}

/// `Option<i64>` from an integer (`120`), an integral float (`120.0`), or a numeric string
/// (`"120"`, `"120.0"`); `null`/`""` → `None`. Fractions (`1.5`) and out-of-range values are an
/// error naming the value.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let text = match scalar(d, "an integer")? {
        Scalar::Null => return Ok(None),
        Scalar::Str(s) if s.trim().is_empty() => return Ok(None),
        Scalar::Str(s) | Scalar::Num(s) => s,
        Scalar::Bool(b) => return Err(de::Error::custom(format_args!("invalid integer {b}"))),
    };
    if let Ok(v) = text.trim().parse::<i64>() {
        return Ok(Some(v));
    }
    let bad = || de::Error::custom(format_args!("invalid integer {text:?}"));
    let dec = parse_decimal(&text).ok_or_else(bad)?;
    if dec.fract().is_zero() {
        i64::try_from(dec).map(Some).map_err(|_| bad())
    } else {
        Err(bad())
    }
}

/// `Option<u32>` (page numbers, counts): as [`opt_i64`], then range-checked.
pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match opt_i64(d)? {
        None => Ok(None),
        Some(v) => u32::try_from(v)
            .map(Some)
            .map_err(|_| de::Error::custom(format_args!("invalid count {v}"))),
    }
}

struct StringListVisitor;

impl<'de> Visitor<'de> for StringListVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings or a comma-joined string")
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        Ok(v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<ListItem>()? {
            if let Some(s) = item.0 {
                out.push(s);
            }
        }
        Ok(out)
    }
}

/// One element of a string list: a string or scalar's text; `null`/`""` skipped.
struct ListItem(Option<String>);

impl<'de> de::Deserialize<'de> for ListItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_string(d).map(ListItem)
    }
}

/// `Vec<String>` from a JSON array of strings (`["a","b"]`; numbers kept as text, `null`/`""`
/// elements skipped), a comma-joined string (`"BTC-USDT,ETH-USDT"` or `"a, b"`, each trimmed),
/// or `null`/missing → empty.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(StringListVisitor)
}

/// `bool` from `true`/`false`, the strings `"true"`/`"false"`/`"yes"`/`"no"`/`"1"`/`"0"`
/// (any case, Python's `"True"` included), the numbers `1`/`0`, or `null`/`""`/missing → `false`.
pub fn bool_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match scalar(d, "a boolean")? {
        Scalar::Null => Ok(false),
        Scalar::Bool(b) => Ok(b),
        Scalar::Str(s) | Scalar::Num(s) => match s.trim().to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "0" | "0.0" | "f" | "n" => Ok(false),
            "true" | "yes" | "1" | "1.0" | "t" | "y" => Ok(true),
            _ => Err(de::Error::custom(format_args!("invalid boolean {s:?}"))),
        },
    }
}

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
        for u in list.iter() {
            if first_sighting(format!("{venue}\u{0}{id}\u{0}{}", u.path)) {
                tracing::warn!(
                    venue,
                    id = %id,
                    path = %crate::sanitize::clean(&u.path),
                    reason = %crate::sanitize::clean(&u.reason),
                    "field could not be read; the order stays listed with it shown as ?"
                );
            }
        }
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct D {
        #[serde(default, deserialize_with = "opt_decimal")]
        v: Option<Decimal>,
    }

    fn dec(json: &str) -> Result<Option<Decimal>, serde_json::Error> {
        serde_json::from_str::<D>(json).map(|d| d.v)
    }

    fn dec_text(json: &str) -> String {
        match dec(json) {
            Ok(Some(d)) => d.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn decimal_from_string_keeps_scale() {
        assert_eq!(dec_text(r#"{"v":"45000.00"}"#), "45000.00");
        assert_eq!(dec_text(r#"{"v":"0.5"}"#), "0.5");
        assert_eq!(dec_text(r#"{"v":"  0.5 "}"#), "0.5");
        assert_eq!(
            dec_text(r#"{"v":"0.00000100000000000000"}"#),
            "0.00000100000000000000"
        );
        assert_eq!(
            dec_text(r#"{"v":"28931.15000000000000000000"}"#),
            "28931.15000000000000000000"
        );
    }

    #[test]
    fn decimal_from_number_is_exact() {
        assert_eq!(dec_text(r#"{"v":0.02}"#), "0.02");
        assert_eq!(dec_text(r#"{"v":0.0078071}"#), "0.0078071");
        assert_eq!(dec_text(r#"{"v":-1.0}"#), "-1.0");
        assert_eq!(dec_text(r#"{"v":500.0}"#), "500.0");
        assert_eq!(dec_text(r#"{"v":0}"#), "0");
        assert_eq!(dec_text(r#"{"v":59996.61379813}"#), "59996.61379813");
        assert_eq!(
            dec_text(r#"{"v":0.00000100000000000000}"#),
            "0.00000100000000000000"
        );
        assert_eq!(dec_text(r#"{"v":93712.607473482}"#), "93712.607473482");
    }

    #[test]
    fn decimal_scientific() {
        assert_eq!(dec(r#"{"v":"1e-8"}"#).unwrap(), Some(Decimal::new(1, 8)));
        assert_eq!(dec(r#"{"v":1e-8}"#).unwrap(), Some(Decimal::new(1, 8)));
        assert_eq!(
            dec(r#"{"v":"2.5E3"}"#).unwrap(),
            Some(Decimal::new(2500, 0))
        );
    }

    #[test]
    fn decimal_absent_values() {
        assert_eq!(dec(r#"{"v":null}"#).unwrap(), None);
        assert_eq!(dec(r#"{"v":""}"#).unwrap(), None);
        assert_eq!(dec(r#"{"v":"   "}"#).unwrap(), None);
        assert_eq!(dec(r#"{}"#).unwrap(), None);
    }

    #[test]
    fn decimal_errors_name_the_value() {
        let e = dec(r#"{"v":"abc"}"#).unwrap_err().to_string();
        assert!(e.contains(r#"invalid decimal "abc""#), "{e}");
        assert!(dec(r#"{"v":true}"#).is_err());
        assert!(dec(r#"{"v":[1]}"#).is_err());
        assert!(dec(r#"{"v":{"a":1}}"#).is_err());
    }

    #[test]
    fn decimal_visitor_fallbacks_without_arbitrary_precision() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error as VE, F64Deserializer, I64Deserializer, U64Deserializer};
        let d: F64Deserializer<VE> = 0.02f64.into_deserializer();
        assert_eq!(opt_decimal(d).unwrap().unwrap().to_string(), "0.02");
        let d: I64Deserializer<VE> = (-1i64).into_deserializer();
        assert_eq!(opt_decimal(d).unwrap(), Some(Decimal::NEGATIVE_ONE));
        let d: U64Deserializer<VE> = 7u64.into_deserializer();
        assert_eq!(opt_decimal(d).unwrap(), Some(Decimal::from(7)));
    }

    #[derive(Deserialize, Debug)]
    struct S {
        #[serde(default, deserialize_with = "opt_string")]
        v: Option<String>,
    }

    #[test]
    fn string_tolerance() {
        let s = |j: &str| serde_json::from_str::<S>(j).map(|s| s.v);
        assert_eq!(s(r#"{"v":"x"}"#).unwrap().as_deref(), Some("x"));
        assert_eq!(s(r#"{"v":""}"#).unwrap(), None);
        assert_eq!(s(r#"{"v":null}"#).unwrap(), None);
        assert_eq!(s(r#"{}"#).unwrap(), None);
        assert_eq!(s(r#"{"v":12}"#).unwrap().as_deref(), Some("12"));
        assert_eq!(s(r#"{"v":1.50}"#).unwrap().as_deref(), Some("1.50"));
        assert_eq!(s(r#"{"v":true}"#).unwrap().as_deref(), Some("true"));
        assert!(s(r#"{"v":[]}"#).is_err());
    }

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "opt_timestamp")]
        v: Option<Timestamp>,
    }

    fn ts(json: &str) -> Result<Option<Timestamp>, serde_json::Error> {
        serde_json::from_str::<T>(json).map(|t| t.v)
    }

    #[test]
    fn timestamps_with_and_without_zone() {
        let z: Timestamp = "2023-12-01T10:00:00Z".parse().unwrap();
        assert_eq!(ts(r#"{"v":"2023-12-01T10:00:00Z"}"#).unwrap(), Some(z));
        assert_eq!(ts(r#"{"v":"2023-12-01T10:00:00+00:00"}"#).unwrap(), Some(z));
        assert_eq!(ts(r#"{"v":"2023-12-01T12:00:00+02:00"}"#).unwrap(), Some(z));
        assert_eq!(ts(r#"{"v":"2023-12-01T10:00:00"}"#).unwrap(), Some(z));
        assert_eq!(ts(r#"{"v":"2023-12-01 10:00:00"}"#).unwrap(), Some(z));
        let micro: Timestamp = "2023-08-08T23:59:06.300319Z".parse().unwrap();
        assert_eq!(
            ts(r#"{"v":"2023-08-08T23:59:06.300319"}"#).unwrap(),
            Some(micro)
        );
        assert_eq!(
            ts(r#"{"v":"2023-08-08T23:59:06.300319Z"}"#).unwrap(),
            Some(micro)
        );
        assert_eq!(ts(r#"{"v":""}"#).unwrap(), None);
        assert_eq!(ts(r#"{"v":null}"#).unwrap(), None);
        assert_eq!(ts(r#"{}"#).unwrap(), None);
        let e = ts(r#"{"v":"yesterday"}"#).unwrap_err().to_string();
        assert!(e.contains("yesterday"), "{e}");
    }

    #[derive(Deserialize, Debug)]
    struct I {
        #[serde(default, deserialize_with = "opt_i64")]
        v: Option<i64>,
    }

    #[test]
    fn integers_from_int_float_and_string() {
        let i = |j: &str| serde_json::from_str::<I>(j).map(|s| s.v);
        assert_eq!(i(r#"{"v":120}"#).unwrap(), Some(120));
        assert_eq!(i(r#"{"v":120.0}"#).unwrap(), Some(120));
        assert_eq!(i(r#"{"v":"120"}"#).unwrap(), Some(120));
        assert_eq!(i(r#"{"v":" 120.00 "}"#).unwrap(), Some(120));
        assert_eq!(i(r#"{"v":-3}"#).unwrap(), Some(-3));
        assert_eq!(i(r#"{"v":null}"#).unwrap(), None);
        assert_eq!(i(r#"{"v":""}"#).unwrap(), None);
        assert!(i(r#"{"v":1.5}"#).is_err());
        assert!(i(r#"{"v":"x"}"#).is_err());
        assert!(i(r#"{"v":1e30}"#).is_err());
    }

    #[derive(Deserialize, Debug)]
    struct L {
        #[serde(default, deserialize_with = "string_list")]
        v: Vec<String>,
    }

    #[test]
    fn string_lists() {
        let l = |j: &str| serde_json::from_str::<L>(j).map(|s| s.v);
        assert_eq!(l(r#"{"v":["a","b"]}"#).unwrap(), ["a", "b"]);
        assert_eq!(l(r#"{"v":"a,b"}"#).unwrap(), ["a", "b"]);
        assert_eq!(
            l(r#"{"v":"BTC-USDT, BTC:PERP-USDT"}"#).unwrap(),
            ["BTC-USDT", "BTC:PERP-USDT"]
        );
        assert_eq!(l(r#"{"v":""}"#).unwrap(), Vec::<String>::new());
        assert_eq!(l(r#"{"v":null}"#).unwrap(), Vec::<String>::new());
        assert_eq!(l(r#"{}"#).unwrap(), Vec::<String>::new());
        assert_eq!(l(r#"{"v":[1, null, "x"]}"#).unwrap(), ["1", "x"]);
        assert!(l(r#"{"v":{"a":1}}"#).is_err());
    }

    #[derive(Deserialize, Debug)]
    struct B {
        #[serde(default, deserialize_with = "bool_lenient")]
        v: bool,
    }

    #[test]
    fn lenient_bools() {
        let b = |j: &str| serde_json::from_str::<B>(j).map(|s| s.v);
        assert!(b(r#"{"v":true}"#).unwrap());
        assert!(!b(r#"{"v":false}"#).unwrap());
        assert!(b(r#"{"v":"True"}"#).unwrap());
        assert!(!b(r#"{"v":"False"}"#).unwrap());
        assert!(b(r#"{"v":1}"#).unwrap());
        assert!(!b(r#"{"v":0}"#).unwrap());
        assert!(!b(r#"{"v":null}"#).unwrap());
        assert!(!b(r#"{}"#).unwrap());
        assert!(b(r#"{"v":"maybe"}"#).is_err());
    }

    #[derive(Deserialize, Debug)]
    struct Row {
        #[serde(deserialize_with = "id_string")]
        id: String,
        pair: String,
        #[serde(default, deserialize_with = "opt_decimal")]
        qty: Option<Decimal>,
        #[serde(default, deserialize_with = "opt_decimal")]
        price: Option<Decimal>,
        #[serde(default, deserialize_with = "string_list")]
        accounts: Vec<String>,
    }

    fn keep(json: &str) -> Result<(Row, Vec<Unreadable>), String> {
        let raw = serde_json::value::RawValue::from_string(json.to_owned()).unwrap();
        decode_row_keeping::<Row>(&raw)
    }

    fn paths(u: &[Unreadable]) -> Vec<&str> {
        u.iter().map(|u| u.path.as_str()).collect()
    }

    #[test]
    fn a_bad_field_is_listed_and_the_rest_kept_exactly() {
        let (row, u) =
            keep(r#"{"id":"a","pair":"BTC-USDT","qty":"1e99","price":45000.00}"#).unwrap();
        assert_eq!(row.id, "a");
        assert_eq!(row.qty, None);
        assert_eq!(row.price.unwrap().to_string(), "45000.00");
        assert_eq!(paths(&u), ["qty"]);
        assert!(u[0].reason.contains("1e99"), "{u:?}");
    }

    #[test]
    fn a_required_field_gets_a_stand_in_and_is_listed() {
        let (row, u) = keep(r#"{"id":7,"pair":{"x":1},"qty":true,"price":[1]}"#).unwrap();
        assert_eq!(row.id, "7");
        assert_eq!(row.pair, "");
        assert_eq!(paths(&u), ["pair", "qty", "price"]);
    }

    #[test]
    fn a_bad_list_element_is_dropped_and_listed() {
        let (row, u) = keep(r#"{"id":"a","pair":"P","accounts":["x",{"o":1},"y"]}"#).unwrap();
        assert_eq!(row.accounts, ["x", "y"]);
        assert_eq!(paths(&u), ["accounts[1]"]);
    }

    #[test]
    fn an_unreadable_or_missing_id_drops_the_row() {
        let e = keep(r#"{"id":true,"pair":"P","qty":"x"}"#).unwrap_err();
        assert!(e.starts_with("id: "), "{e}");
        let e = keep(r#"{"pair":"P"}"#).unwrap_err();
        assert!(e.contains("missing field `id`"), "{e}");
        assert!(keep("[1,2]").is_err());
    }

    #[test]
    fn a_required_field_never_sent_is_listed() {
        let (row, u) = keep(r#"{"id":"a","qty":"0.5"}"#).unwrap();
        assert_eq!(row.qty, Some(Decimal::new(5, 1)));
        assert_eq!(paths(&u), ["pair"]);
        assert_eq!(u[0].reason, "missing field `pair`");
    }

    #[test]
    fn a_good_row_lists_nothing() {
        let (_, u) = keep(r#"{"id":"a","pair":"P","qty":"0.5"}"#).unwrap();
        assert!(u.is_empty());
    }
}
