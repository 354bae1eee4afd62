//! The simulator's Anboto signature check over HTTP, with requests signed here by hand (hmac,
//! sha2, base64 directly: nothing from the client's signer), and the real client in each of its
//! configurations (hex, base64, RSA) against it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit as _, Mac};
use secrecy::SecretString;
use serde_json::Value;
use sha2::Sha256;

use blotter::sim::{self, SimConfig, SimHandle, anboto};
use blotter::venue::anboto::{AnbotoClient, DEFAULT_RECV_WINDOW_MS, SignatureEncoding, Signer};

async fn sim() -> SimHandle {
    sim::spawn(SimConfig {
        auto_advance: false,
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("sim: {e}"))
}

/// HMAC-SHA256 of `text` with the demo secret, as lower-case hex.
fn hmac_hex(text: &str) -> String {
    let secret = STANDARD.decode(anboto::DEMO_SECRET_B64).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret).unwrap();
    mac.update(text.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `GET /api/v2/trading/order/byId?<raw_query>` signed over `signed_query`.
async fn get_by_id(s: &SimHandle, raw_query: &str, signed_query: &str) -> (u16, Value) {
    let ts = jiff::Timestamp::now().as_millisecond();
    let sign = hmac_hex(&format!("{ts}{}5000{signed_query}", anboto::DEMO_KEY));
    let resp = {
        blotter::venue::install_crypto_provider();
        reqwest::Client::new()
    }
    .get(format!(
        "{}/api/v2/trading/order/byId?{raw_query}",
        s.anboto_url()
    ))
    .header("X-API-KEY", anboto::DEMO_KEY)
    .header("X-TIMESTAMP", ts.to_string())
    .header("X-RECV-WINDOW", "5000")
    .header("X-SIGN", sign)
    .send()
    .await
    .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn ids_of(body: &Value) -> Vec<i64> {
    body["orders"]
        .as_array()
        .unwrap_or_else(|| panic!("no orders list: {body}"))
        .iter()
        .map(|o| o["order_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_query_signed_sorted_passes_and_one_signed_as_sent_is_invalid_signature() {
    let s = sim().await;
    // Sent unsorted, percent-encoded; signed sorted with the raw (decoded) values.
    let raw = "orderIds=7001%2C7002&clientOrderIds=desk-7003";
    let (status, body) = get_by_id(&s, raw, "clientOrderIds=desk-7003&orderIds=7001,7002").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids_of(&body), vec![7001, 7002, 7003]);

    // Subtly wrong canonical strings: unsorted, or percent-encoded values.
    for wrong in [
        "orderIds=7001,7002&clientOrderIds=desk-7003",
        "clientOrderIds=desk-7003&orderIds=7001%2C7002",
    ] {
        let (status, body) = get_by_id(&s, raw, wrong).await;
        assert_eq!(status, 401, "{wrong}: {body}");
        assert_eq!(body["error_code"], "INVALID_SIGNATURE", "{wrong}: {body}");
        assert_eq!(body["status"], "REJECTED", "{body}");
    }
}

fn client_with(s: &SimHandle, key: &str, signer: Signer) -> AnbotoClient {
    AnbotoClient::with_signer(
        &s.anboto_url(),
        SecretString::from(key.to_owned()),
        signer,
        DEFAULT_RECV_WINDOW_MS,
        Duration::from_secs(5),
    )
    .unwrap()
}

#[tokio::test]
async fn the_client_passes_in_each_configured_encoding_and_with_rsa() {
    let s = sim().await;
    let pem = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/anboto/rsa/test_key_pkcs8.pem"),
    )
    .unwrap();
    let clients = [
        (
            "hex",
            client_with(
                &s,
                anboto::DEMO_KEY,
                Signer::hmac(anboto::DEMO_SECRET_B64, SignatureEncoding::Hex).unwrap(),
            ),
        ),
        (
            "base64",
            client_with(
                &s,
                anboto::DEMO_KEY,
                Signer::hmac(anboto::DEMO_SECRET_B64, SignatureEncoding::Base64).unwrap(),
            ),
        ),
        (
            "rsa",
            client_with(&s, anboto::DEMO_RSA_KEY, Signer::rsa_pem(&pem).unwrap()),
        ),
    ];
    for (name, c) in &clients {
        let page = c
            .open_orders()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(page.rows.len(), 4, "{name}");
    }
    // The RSA key does not take the HMAC secret's signatures, nor the other way round.
    let mixed = client_with(
        &s,
        anboto::DEMO_RSA_KEY,
        Signer::hmac(anboto::DEMO_SECRET_B64, SignatureEncoding::Base64).unwrap(),
    );
    let err = mixed.open_orders().await.unwrap_err().to_string();
    assert!(err.contains("INVALID_SIGNATURE"), "{err}");
    let mixed = client_with(&s, anboto::DEMO_KEY, Signer::rsa_pem(&pem).unwrap());
    let err = mixed.open_orders().await.unwrap_err().to_string();
    assert!(err.contains("INVALID_SIGNATURE"), "{err}");
}
