//! Unit tests of the Anboto client: secrets stay hidden, cancel targets, `Date` parsing and
//! query encoding.

use reqwest::header::{DATE, HeaderMap};

use super::transport::server_ms;
use super::*;
use crate::venue::http::encode_unreserved_and_comma as encode;

fn client() -> AnbotoClient {
    AnbotoClient::new(
        "http://127.0.0.1:1/",
        SecretString::from("sekrit-key"),
        SecretString::from("c2VjcmV0LXZhbHVl"),
        SignatureEncoding::Hex,
        DEFAULT_RECV_WINDOW_MS,
        Duration::from_secs(1),
    )
    .unwrap()
}

#[test]
fn debug_hides_secrets() {
    let d = format!("{:?}", client());
    assert!(!d.contains("sekrit"), "{d}");
    assert!(!d.contains("c2VjcmV0"), "{d}");
    assert!(d.contains("[redacted]"), "{d}");
}

#[test]
fn bad_secret_is_refused_without_echoing_it() {
    let e = AnbotoClient::new(
        MAINNET_URL,
        SecretString::from("k"),
        SecretString::from("!!not-base64!!"),
        SignatureEncoding::Hex,
        DEFAULT_RECV_WINDOW_MS,
        Duration::from_secs(1),
    )
    .unwrap_err();
    assert!(!e.to_string().contains("!!not-base64!!"), "{e}");
}

#[test]
fn cancel_targets() {
    assert_eq!(
        cancel_target(&OrderId::new("123456")).to_string(),
        r#"{"order_id":123456}"#
    );
    assert_eq!(
        cancel_target(&OrderId::new("xxx-yyy")).to_string(),
        r#"{"client_order_id":"xxx-yyy"}"#
    );
}

#[test]
fn date_header() {
    let mut h = HeaderMap::new();
    h.insert(
        DATE,
        HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
    );
    assert_eq!(server_ms(&h), Some(784_111_777_000));
}

#[test]
fn query_encoding() {
    assert_eq!(encode("ABC-12345^12-10-23"), "ABC-12345%5E12-10-23");
    assert_eq!(encode("1,2"), "1,2");
}
