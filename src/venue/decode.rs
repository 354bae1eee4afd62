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

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

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
        match map.next_key::<NumberKey>()? {
            Some(NumberKey) => map.next_value_seed(NumberText),
            None => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

/// The private number key of `arbitrary_precision`; any other key is an error (an object).
struct NumberKey;

impl<'de> serde::Deserialize<'de> for NumberKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumberKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumberKey, E> {
                if v == NUMBER_TOKEN {
                    Ok(NumberKey)
                } else {
                    Err(E::invalid_type(
                        de::Unexpected::Map,
                        &"a decimal, not an object",
                    ))
                }
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
    let path = if path == "." { "$".to_owned() } else { path };
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
}
