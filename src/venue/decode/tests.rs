//! Unit tests of the field decoders: decimals (exact, scientific, absent, errors), strings,
//! timestamps with and without a zone, integers, string lists and lenient bools.

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

/// The direct reading of the common UTC shape gives exactly jiff's answer, and leaves every
/// other text (offsets, leap seconds, impossible dates, stray characters) to jiff.
#[test]
fn fast_utc_timestamps_match_jiff() {
    use proptest::prelude::*;
    let jiff = |t: &str| -> Option<Timestamp> {
        t.parse::<Timestamp>().ok().or_else(|| {
            t.parse::<DateTime>()
                .ok()
                .and_then(|d| d.to_zoned(TimeZone::UTC).ok())
                .map(|z| z.timestamp())
        })
    };
    let mut runner = proptest::test_runner::TestRunner::default();
    let shape = (
        0i64..=9999,
        0i64..=13,
        0i64..=32,
        0i64..=24,
        0i64..=60,
        0i64..=61,
        proptest::option::of("[0-9]{1,10}"),
        prop::sample::select(vec!["", "Z", "+00:00", "+02:00", "z", "-00:00", "ZZ"]),
        prop::sample::select(vec!["T", " ", "t"]),
    );
    runner
        .run(&shape, |(y, mo, d, h, mi, s, frac, zone, sep)| {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            let t = format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{frac}{zone}");
            if let Some(fast) = utc_timestamp_fast(&t) {
                prop_assert_eq!(Some(fast), jiff(&t), "{}", t);
            }
            prop_assert_eq!(parse_timestamp(&t), jiff(&t), "{}", t);
            Ok(())
        })
        .unwrap();
    // The shapes a page carries do take the fast path.
    for t in [
        "2024-01-15T10:00:00.026448Z",
        "2023-08-08T23:59:06.300319",
        "2024-02-29 00:00:00+00:00",
        "1969-12-31T23:59:59.999999999Z",
    ] {
        assert_eq!(utc_timestamp_fast(t), jiff(t), "{t}");
        assert!(utc_timestamp_fast(t).is_some(), "{t}");
    }
}
