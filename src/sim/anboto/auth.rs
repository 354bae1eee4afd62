//! The simulator's own check of Anboto's signed headers, straight from the document: the key
//! registry, the canonical string (timestamp + key + recv window + sorted query or body), HMAC
//! (hex or base64) and RSA signature checks, the `X-RECV-WINDOW` test and the documented
//! `INVALID_SIGNATURE` / `INVALID_TIMESTAMP` refusals.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{DEMO_KEY, DEMO_RSA_KEY, DEMO_RSA_PUBLIC_PEM, DEMO_SECRET_B64, reject};

/// A refusal of the signed headers: the documented `error_code` and our message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refusal {
    code: &'static str,
    message: &'static str,
}

/// What the simulator knows about an API key: the HMAC secret of a system-generated key
/// (base64 text, as issued) or the RSA public key of a self-generated one (PEM).
#[derive(Debug, Clone, Copy)]
enum Credential {
    Hmac(&'static str),
    Rsa(&'static str),
}

/// The key registry of the simulated venue.
fn credential(api_key: &str) -> Option<Credential> {
    match api_key {
        DEMO_KEY => Some(Credential::Hmac(DEMO_SECRET_B64)),
        DEMO_RSA_KEY => Some(Credential::Rsa(DEMO_RSA_PUBLIC_PEM)),
        _ => None,
    }
}

/// The query string as the document's step 1 says to assemble it: `key=value` pairs in
/// alphabetical (byte) order of the key, repeated keys in the order sent, joined with `&`;
/// values as sent before percent-encoding (the decoded values the server reads).
///
/// Written here, not borrowed from the client's signer, so a bug there cannot pass both sides.
fn sorted_query(params: &[(String, String)]) -> String {
    let mut pairs: Vec<&(String, String)> = params.iter().collect();
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = String::new();
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Decodes lower- or upper-case hex; `None` for anything else.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Some(digit(*hi)? << 4 | digit(*lo)?),
            _ => None,
        })
        .collect()
}

/// Whether `x_sign` is a valid signature of `to_sign` for `credential`.
///
/// - HMAC-SHA256 keyed with the base64-decoded secret (step 2; "Base664" is base64). The MAC
///   is accepted as **hex** (64 characters, the document's step 3) or as standard **base64**
///   (44 characters, what the vendor's example programs send): the client may be configured
///   either way. The comparison is constant-time (`Mac::verify_slice`).
/// - RSA-SHA256 (PKCS#1 v1.5) with the key's public key, the signature in standard base64
///   (step 3).
fn signature_ok(credential: Credential, to_sign: &str, x_sign: &str) -> bool {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    match credential {
        Credential::Hmac(secret_b64) => {
            use hmac::{KeyInit as _, Mac as _};
            let Ok(secret) = STANDARD.decode(secret_b64) else {
                return false;
            };
            let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret) else {
                return false;
            };
            mac.update(to_sign.as_bytes());
            let given = if x_sign.len() == 64 {
                from_hex(x_sign)
            } else {
                STANDARD.decode(x_sign).ok()
            };
            given.is_some_and(|tag| mac.verify_slice(&tag).is_ok())
        }
        Credential::Rsa(public_pem) => {
            use rsa::pkcs8::DecodePublicKey as _;
            use rsa::signature::Verifier as _;
            let Ok(key) = rsa::RsaPublicKey::from_public_key_pem(public_pem) else {
                return false;
            };
            let Ok(raw) = STANDARD.decode(x_sign) else {
                return false;
            };
            let Ok(signature) = rsa::pkcs1v15::Signature::try_from(raw.as_slice()) else {
                return false;
            };
            rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key)
                .verify(to_sign.as_bytes(), &signature)
                .is_ok()
        }
    }
}

/// Checks the documented signed headers at `now_ms` (ms since the Unix epoch):
/// `X-API-KEY` known, `X-TIMESTAMP` within `X-RECV-WINDOW` (default 5000 ms) of now, and
/// `X-SIGN` over `timestamp + API key + recv_window + (queryString | jsonBodyString)` — the
/// sorted query of a GET ([`sorted_query`]) or the exact body of a POST.
fn check_signed(
    header: impl Fn(&str) -> Option<String>,
    params: &[(String, String)],
    body: &str,
    now_ms: i64,
) -> Result<(), Refusal> {
    let api_key = header("X-API-KEY").unwrap_or_default();
    let Some(credential) = credential(&api_key) else {
        return Err(Refusal {
            code: "INVALID_API_KEY",
            message: "Unknown API key",
        });
    };
    let Some(ts) = header("X-TIMESTAMP").and_then(|t| t.trim().parse::<i64>().ok()) else {
        return Err(Refusal {
            code: "INVALID_TIMESTAMP",
            message: "Missing X-TIMESTAMP",
        });
    };
    let recv: u64 = header("X-RECV-WINDOW")
        .and_then(|r| r.trim().parse().ok())
        .unwrap_or(5000);
    if now_ms.abs_diff(ts) > recv {
        return Err(Refusal {
            code: "INVALID_TIMESTAMP",
            message: "Timestamp outside of recv window",
        });
    }
    let payload = if body.is_empty() {
        sorted_query(params)
    } else {
        body.to_owned()
    };
    let to_sign = format!("{ts}{api_key}{recv}{payload}");
    let x_sign = header("X-SIGN").unwrap_or_default();
    if signature_ok(credential, &to_sign, x_sign.trim()) {
        Ok(())
    } else {
        Err(Refusal {
            code: "INVALID_SIGNATURE",
            message: "Signature verification failed",
        })
    }
}

/// Checks the documented signed headers now; `Err` is the documented 401 rejection.
pub(super) fn verify(
    headers: &HeaderMap,
    params: &[(String, String)],
    body: &str,
) -> Result<(), Box<Response>> {
    let header = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let now = jiff::Timestamp::now().as_millisecond();
    check_signed(header, params, body, now)
        .map_err(|r| Box::new(reject(StatusCode::UNAUTHORIZED, r.code, r.message)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
