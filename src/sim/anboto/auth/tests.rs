//! Unit tests of the signature check: OpenSSL known answers (HMAC hex and base64, RSA), a
//! subtly wrong canonical string, the receive window, and independence from the client's signer.

use super::*;

// Known answers computed with OpenSSL, independently of any blotter code (bash):
//   K=$(printf '%s' "$DEMO_SECRET_B64" | base64 -d | xxd -p | tr -d '\n')
//   printf '%s' "$S" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$K
//   printf '%s' "$S" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$K -binary | base64

/// S = `1700000000000demo-anboto-key5000clientOrderIds=ABC-12345^12-10-23&orderIds=123456,789`
const BYID_HEX: &str = "ade64371329f23ac85996cacb8bc3909aaa6ae4b74b9d51b6d279d421bbea2bb";
const BYID_B64: &str = "reZDcTKfI6yFmWysuLw5Caqmrkt0udUbbSedQhu+ors=";
/// The same request signed over the query as sent (unsorted), a subtly wrong canonical
/// string: S = `1700000000000demo-anboto-key5000orderIds=123456,789&clientOrderIds=ABC-12345^12-10-23`
const BYID_UNSORTED_HEX: &str = "9dd5402530f020c453edaf49ec7c6cf93a65a36cc04e43117ba4762c0d86bd4b";
/// S = `1700000000000demo-anboto-key5000{"order_id":7001}`
const CANCEL_HEX: &str = "d8eee4e22e19f21b2eaf58c4629667839afa53785eb26d64b3f3b9fc4f52cef6";
const CANCEL_B64: &str = "2O7k4i4Z8hsur1jEYpZng5r6U3hesm1ks/O5/E9SzvY=";
const TS: i64 = 1_700_000_000_000;

fn byid_params() -> Vec<(String, String)> {
    vec![
        ("orderIds".into(), "123456,789".into()),
        ("clientOrderIds".into(), "ABC-12345^12-10-23".into()),
    ]
}

fn headers(key: &str, sign: &str) -> impl Fn(&str) -> Option<String> {
    let (key, sign) = (key.to_owned(), sign.to_owned());
    move |name: &str| match name {
        "X-API-KEY" => Some(key.clone()),
        "X-TIMESTAMP" => Some(TS.to_string()),
        "X-RECV-WINDOW" => Some("5000".into()),
        "X-SIGN" => Some(sign.clone()),
        _ => None,
    }
}

#[test]
fn openssl_known_answers_pass_in_hex_and_base64() {
    assert_eq!(
        sorted_query(&byid_params()),
        "clientOrderIds=ABC-12345^12-10-23&orderIds=123456,789"
    );
    for sign in [BYID_HEX, BYID_B64, &BYID_HEX.to_ascii_uppercase()] {
        assert_eq!(
            check_signed(headers(DEMO_KEY, sign), &byid_params(), "", TS + 1000),
            Ok(()),
            "{sign}"
        );
    }
    for sign in [CANCEL_HEX, CANCEL_B64] {
        assert_eq!(
            check_signed(
                headers(DEMO_KEY, sign),
                &[],
                r#"{"order_id":7001}"#,
                TS - 1000
            ),
            Ok(()),
            "{sign}"
        );
    }
}

#[test]
fn a_subtly_wrong_canonical_string_is_invalid_signature() {
    let refused = Err(Refusal {
        code: "INVALID_SIGNATURE",
        message: "Signature verification failed",
    });
    // Signed over the unsorted query.
    assert_eq!(
        check_signed(headers(DEMO_KEY, BYID_UNSORTED_HEX), &byid_params(), "", TS),
        refused
    );
    // Right signature, one byte of the body changed.
    assert_eq!(
        check_signed(
            headers(DEMO_KEY, CANCEL_HEX),
            &[],
            r#"{"order_id":7002}"#,
            TS
        ),
        refused
    );
    // Base64 without its padding, truncated hex: neither documented encoding.
    assert_eq!(
        check_signed(
            headers(DEMO_KEY, CANCEL_B64.trim_end_matches('=')),
            &[],
            r#"{"order_id":7001}"#,
            TS
        ),
        refused
    );
    assert_eq!(
        check_signed(
            headers(DEMO_KEY, &CANCEL_HEX[..62]),
            &[],
            r#"{"order_id":7001}"#,
            TS
        ),
        refused
    );
    // Outside the recv window, the signature is not even looked at.
    assert_eq!(
        check_signed(headers(DEMO_KEY, BYID_HEX), &byid_params(), "", TS + 5001)
            .map_err(|r| r.code),
        Err("INVALID_TIMESTAMP")
    );
    assert_eq!(
        check_signed(headers("someone-else", BYID_HEX), &byid_params(), "", TS).map_err(|r| r.code),
        Err("INVALID_API_KEY")
    );
}

/// The RSA fixtures were signed by `openssl dgst -sha256 -sign` (tests/fixtures/anboto/rsa).
#[test]
fn openssl_rsa_signatures_verify_with_the_public_key() {
    let get = include_str!("../../../../tests/fixtures/anboto/rsa/expected_get.b64").trim();
    let post = include_str!("../../../../tests/fixtures/anboto/rsa/expected_post.b64").trim();
    let rsa = Credential::Rsa(DEMO_RSA_PUBLIC_PEM);
    assert!(signature_ok(
        rsa,
        "1700000000000test-key5000limit=50&startMs=1",
        get
    ));
    assert!(signature_ok(
        rsa,
        r#"1700000000000test-key5000{"order_id":123456}"#,
        post
    ));
    assert!(!signature_ok(
        rsa,
        "1700000000000test-key5000startMs=1&limit=50",
        get
    ));
    assert!(!signature_ok(
        rsa,
        r#"1700000000000test-key5000{"order_id":123456}"#,
        get
    ));
    // An RSA key does not take an HMAC.
    assert!(!signature_ok(rsa, "1700000000000test-key5000", CANCEL_HEX));
}

/// The check is the simulator's own: these files name nothing from the client's venue layer.
#[test]
fn the_check_does_not_use_the_clients_signer() {
    let source = [include_str!("../mod.rs"), include_str!("../auth.rs")].concat();
    let needle = ["crate", "::venue"].concat();
    assert!(!source.contains(&needle), "src/sim/anboto/ uses {needle}");
}
