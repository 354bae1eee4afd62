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
//! `decode_row_into` leaves that field out (or gives it a neutral stand-in the wire type
//! accepts), lists it as an [`Unreadable`](crate::domain::Unreadable) with its path and reason, and logs it once. Only a
//! row whose id cannot be read is dropped as a `BadRow` (issue 14: no order hidden).
//!
//! Here: the field decoders; `rows.rs`: the row repair machinery.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::domain::{Shared, intern};

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

/// `str::trim`, with a shortcut for the common text that neither starts nor ends with a
/// blank (or any non-ASCII character): a venue's values almost never carry spaces, and the
/// Unicode-aware `trim` was a measurable part of a page's decode.
fn trim(text: &str) -> &str {
    let plain = |b: &u8| b.is_ascii() && !b.is_ascii_whitespace();
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(a), Some(z)) if plain(a) && plain(z) => text,
        _ => text.trim(),
    }
}

/// Parses decimal text exactly (scale kept: `"45000.00"` → `45000.00`); scientific notation
/// (`1e-8`, `2.5E3`) is accepted. More digits than a [`Decimal`] holds (28–29 significant)
/// are rounded rather than rejected. `None` when the text is not a number.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = trim(text);
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
    if trim(text).is_empty() {
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

/// Reads a scalar as [`opt_shared`] does, straight from the input (no intermediate `String`
/// for strings): the same spellings and errors as [`opt_string`].
struct SharedVisitor;

impl<'de> Visitor<'de> for SharedVisitor {
    type Value = Option<Shared>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or scalar")
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
        Ok(Some(intern(if v { "true" } else { "false" })))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(intern(&v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(intern(&v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // Only reached without `arbitrary_precision` (see `ScalarVisitor::visit_f64`).
        if v.is_finite() {
            Ok(Some(intern(&format!("{v}"))))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!trim(v).is_empty()).then(|| intern(v)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<NumberKey>()? {
            Some(NumberKey(true)) => {
                let text: String = map.next_value()?;
                Ok(Some(intern(&text)))
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

/// `Option<Shared>`: as [`opt_string`] (`null`/`""` → `None`, strings kept as sent, numbers and
/// booleans → their JSON text), pooled with [`intern`]: for values repeated on many rows.
pub fn opt_shared<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Shared>, D::Error> {
    d.deserialize_any(SharedVisitor)
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
    let t = trim(text);
    if let Some(ts) = utc_timestamp_fast(t) {
        return Some(ts);
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts);
    }
    let dt = t.parse::<DateTime>().ok()?;
    dt.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

/// The common shape `YYYY-MM-DDTHH:MM:SS[.f…]` with `Z`, `+00:00` or no zone (UTC), read
/// directly: the fast path of [`parse_timestamp`] (a 100k-order page has 400k timestamps).
/// `None` for any other text, which jiff then reads.
fn utc_timestamp_fast(t: &str) -> Option<Timestamp> {
    let b = t.as_bytes();
    let digit = |i: usize| -> Option<i64> {
        let c = *b.get(i)?;
        c.is_ascii_digit().then(|| i64::from(c - b'0'))
    };
    let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
    let is = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(is(4, b'-')
        && is(7, b'-')
        && (is(10, b'T') || is(10, b' '))
        && is(13, b':')
        && is(16, b':'))
    {
        return None;
    }
    let (year, month, day) = (two(0)? * 100 + two(2)?, two(5)?, two(8)?);
    let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
    let mut i = 19;
    let mut nanos = 0i64;
    if is(i, b'.') {
        i += 1;
        let start = i;
        while let Some(v) = digit(i) {
            if i - start == 9 {
                return None;
            }
            nanos = nanos * 10 + v;
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    if !matches!(b.get(i..)?, b"" | b"Z" | b"+00:00") {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days since 1970-01-01 (H. Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Timestamp::new(secs, i32::try_from(nanos).ok()?).ok()
}

/// `Option<jiff::Timestamp>` (UTC) from an ISO 8601 string with `Z`, an offset, or no zone
/// (treated as UTC); `null`/`""` → `None`. Other values are an error naming the text.
pub fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    d.deserialize_any(TimestampVisitor)
}

/// [`opt_timestamp`]'s visitor: reads a string in place (no copy); other scalars go through
/// [`ScalarVisitor`] for the same errors as before.
struct TimestampVisitor;

impl TimestampVisitor {
    fn from_scalar<E: de::Error>(s: Scalar) -> Result<Option<Timestamp>, E> {
        match s {
            Scalar::Null => Ok(None),
            Scalar::Str(s) => Self::from_text(&s),
            Scalar::Num(s) => Err(E::custom(format_args!(
                "invalid timestamp {s} (a number, expected ISO 8601 text)"
            ))),
            Scalar::Bool(b) => Err(E::custom(format_args!("invalid timestamp {b}"))),
        }
    }

    fn from_text<E: de::Error>(s: &str) -> Result<Option<Timestamp>, E> {
        if trim(s).is_empty() {
            return Ok(None);
        }
        parse_timestamp(s)
            .map(Some)
            .ok_or_else(|| E::custom(format_args!("invalid timestamp {s:?}")))
    }

    fn scalar() -> ScalarVisitor {
        ScalarVisitor {
            expecting: "an ISO 8601 timestamp string",
        }
    }
}

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Option<Timestamp>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ISO 8601 timestamp string")
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

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::from_text(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::from_scalar(Self::scalar().visit_bool(v)?)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::from_scalar(Self::scalar().visit_i64(v)?)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::from_scalar(Self::scalar().visit_u64(v)?)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::from_scalar(Self::scalar().visit_f64(v)?)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Self::from_scalar(Self::scalar().visit_map(map)?)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Self::from_scalar(Self::scalar().visit_seq(seq)?)
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

/// What a string list holds: an owned `String` or a pooled [`Shared`]; how one element and one
/// piece of a comma-joined string are read.
trait ListValue: Sized {
    fn from_text(text: &str) -> Self;
    fn element<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

impl ListValue for String {
    fn from_text(text: &str) -> Self {
        text.to_owned()
    }
    fn element<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        opt_string(d)
    }
}

impl ListValue for Shared {
    fn from_text(text: &str) -> Self {
        intern(text)
    }
    fn element<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        opt_shared(d)
    }
}

/// One element of a string list: a string or scalar's text; `null`/`""` skipped.
struct ListItem<T>(Option<T>);

impl<'de, T: ListValue> de::Deserialize<'de> for ListItem<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::element(d).map(ListItem)
    }
}

struct ListVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: ListValue> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings or a comma-joined string")
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        Ok(v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(T::from_text)
            .collect())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<ListItem<T>>()? {
            if let Some(s) = item.0 {
                out.push(s);
            }
        }
        Ok(out)
    }
}

/// `Vec<String>` from a JSON array of strings (`["a","b"]`; numbers kept as text, `null`/`""`
/// elements skipped), a comma-joined string (`"BTC-USDT,ETH-USDT"` or `"a, b"`, each trimmed),
/// or `null`/missing → empty.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(ListVisitor::<String>(std::marker::PhantomData))
}

/// `Vec<Shared>`: as [`string_list`] (an array of strings, a comma-joined string, or
/// `null`/missing → empty), each value pooled with [`intern`].
pub fn shared_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Shared>, D::Error> {
    d.deserialize_any(ListVisitor::<Shared>(std::marker::PhantomData))
}

/// A required string (e.g. `pair`, `side`), pooled with [`intern`]: only a JSON string is
/// accepted, as for a plain `String` field.
pub fn shared<'de, D: Deserializer<'de>>(d: D) -> Result<Shared, D::Error> {
    <Shared as de::Deserialize>::deserialize(d)
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

mod rows;
pub mod stream;
#[cfg(test)]
mod tests;

pub(crate) use rows::{
    KeepsUnreadable, decode_doc, decode_doc_into, decode_row, decode_row_into, log_unreadable,
};
