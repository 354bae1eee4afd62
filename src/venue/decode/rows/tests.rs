//! Unit tests of row repair: a bad field is listed and the rest kept exactly, stand-ins for
//! required fields, bad list elements, unreadable ids.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::*;
use crate::venue::decode::{id_string, opt_decimal, string_list};

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
    let (row, u) = keep(r#"{"id":"a","pair":"BTC-USDT","qty":"1e99","price":45000.00}"#).unwrap();
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
