//! Anboto request signing, exactly per the document's "Basic steps" (`anboto-trading-api-v2.md`,
//! introduction):
//!
//! 1. string to sign = `timestamp + API key + recv_window + (queryString | jsonBodyString)`,
//!    the query string "assembled in alphabetical order";
//! 2. the secret key is base64-decoded ("Base664" in the document is a typo) into bytes and used
//!    as the HMAC-SHA256 key;
//! 3. the signature is the hex string of the MAC (the document) — the vendor's example programs
//!    send base64 instead, so the encoding is a setting ([`SignatureEncoding`]);
//! 4. it is sent as `X-SIGN`, with `X-API-KEY`, `X-TIMESTAMP` (ms since the Unix epoch, UTC) and
//!    `X-RECV-WINDOW` (ms, default 5000).
//!
//! For self-generated keys the document says RSA-SHA256 with a **base64** signature: the same
//! string is signed with the RSA private key (PKCS#1 v1.5, SHA-256; deterministic) — see
//! [`Signer::Rsa`].
//!
//! Everything here is pure: no clock, no IO.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit as _, Mac};
use sha2::Sha256;

/// How the HMAC-SHA256 signature is written into `X-SIGN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureEncoding {
    /// Lower-case hex, 64 characters: what the document's step 3 says (the default).
    #[default]
    Hex,
    /// Standard base64 with padding, 44 characters: what the vendor's example programs
    /// (`anbotolabs/examples`, Python and Java) send.
    Base64,
}

impl SignatureEncoding {
    /// Parses a config word: `hex` or `base64` (any case). `None` for anything else.
    pub fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "hex" => Some(Self::Hex),
            "base64" | "b64" => Some(Self::Base64),
            _ => None,
        }
    }
}

/// The query string to sign: `key=value` pairs sorted by key (byte order, stable for repeated
/// keys), joined with `&`, with values **as given, before percent-encoding** (the vendor's
/// Python example signs raw values; list values are passed already comma-joined, e.g.
/// `("orderIds", "1,2")`). No params → `""`.
///
/// `canonical_query(&[("startMs", "1"), ("limit", "50")])` → `limit=50&startMs=1`.
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The exact string that is signed, the concatenation of `timestamp_ms` (decimal ms since the
/// Unix epoch), `api_key`, `recv_window_ms` (decimal) and `payload` (the [`canonical_query`] of
/// a GET, or the exact JSON body bytes of a POST, or `""`).
pub fn string_to_sign(
    timestamp_ms: i64,
    api_key: &str,
    recv_window_ms: u64,
    payload: &str,
) -> String {
    format!("{timestamp_ms}{api_key}{recv_window_ms}{payload}")
}

/// The `X-SIGN` value: HMAC-SHA256 keyed with `secret` (the **base64-decoded** secret bytes, see
/// [`decode_secret`]) over [`string_to_sign`], written as hex (64 lower-case characters) or
/// base64 (44 characters) per `encoding`.
pub fn sign(
    secret: &[u8],
    timestamp_ms: i64,
    api_key: &str,
    recv_window_ms: u64,
    payload: &str,
    encoding: SignatureEncoding,
) -> String {
    // HMAC accepts keys of any length (long keys are hashed), so this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(string_to_sign(timestamp_ms, api_key, recv_window_ms, payload).as_bytes());
    let digest = mac.finalize().into_bytes();
    match encoding {
        SignatureEncoding::Hex => {
            let mut out = String::with_capacity(digest.len() * 2);
            for b in digest {
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
            out
        }
        SignatureEncoding::Base64 => STANDARD.encode(digest),
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The `X-SIGN` value for a self-generated key: RSA-SHA256 (PKCS#1 v1.5) with `key` over
/// [`string_to_sign`], standard base64 with padding.
pub fn sign_rsa(
    key: &rsa::pkcs1v15::SigningKey<Sha256>,
    timestamp_ms: i64,
    api_key: &str,
    recv_window_ms: u64,
    payload: &str,
) -> String {
    use rsa::signature::{SignatureEncoding as _, Signer as _};
    let text = string_to_sign(timestamp_ms, api_key, recv_window_ms, payload);
    STANDARD.encode(key.sign(text.as_bytes()).to_bytes())
}

/// What signs Anboto requests: the HMAC secret of a system-generated key (with its `X-SIGN`
/// encoding) or the RSA private key of a self-generated one. `Debug` never shows key material.
#[derive(Clone)]
pub enum Signer {
    /// HMAC-SHA256 with the base64-decoded secret bytes.
    Hmac {
        /// The decoded secret.
        secret: secrecy::SecretSlice<u8>,
        /// Hex (the document) or base64.
        encoding: SignatureEncoding,
    },
    /// RSA-SHA256 (PKCS#1 v1.5), base64 signature.
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Signer::Hmac { encoding, .. } => write!(f, "Hmac({encoding:?}, [redacted])"),
            Signer::Rsa(_) => f.write_str("Rsa([redacted])"),
        }
    }
}

impl Signer {
    /// An HMAC signer from the secret as issued (base64 text).
    ///
    /// # Errors
    /// When the secret is not base64 (the secret itself is never in the message).
    pub fn hmac(secret_b64: &str, encoding: SignatureEncoding) -> Result<Self, String> {
        Ok(Signer::Hmac {
            secret: secrecy::SecretSlice::from(decode_secret(secret_b64)?),
            encoding,
        })
    }

    /// An RSA signer from a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`, what
    /// `openssl genpkey -algorithm RSA` writes) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    ///
    /// # Errors
    /// When the text is neither (the key itself is never in the message).
    pub fn rsa_pem(pem: &str) -> Result<Self, String> {
        use rsa::pkcs1::DecodeRsaPrivateKey as _;
        use rsa::pkcs8::DecodePrivateKey as _;
        let pem = pem.trim();
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|e| format!("RSA private key is not PKCS#8 or PKCS#1 PEM: {e}"))?;
        Ok(Signer::Rsa(Box::new(
            rsa::pkcs1v15::SigningKey::<Sha256>::new(key),
        )))
    }

    /// The `X-SIGN` value for one request (see [`sign`] and [`sign_rsa`]).
    pub fn sign(
        &self,
        timestamp_ms: i64,
        api_key: &str,
        recv_window_ms: u64,
        payload: &str,
    ) -> String {
        use secrecy::ExposeSecret as _;
        match self {
            Signer::Hmac { secret, encoding } => sign(
                secret.expose_secret(),
                timestamp_ms,
                api_key,
                recv_window_ms,
                payload,
                *encoding,
            ),
            Signer::Rsa(key) => sign_rsa(key, timestamp_ms, api_key, recv_window_ms, payload),
        }
    }
}

/// Decodes the API secret as issued (base64 text) into the HMAC key bytes. Standard base64 with
/// or without padding is accepted, and the URL-safe alphabet too; surrounding whitespace is
/// ignored.
///
/// # Errors
/// The base64 decoder's message when the text is not base64 (the secret itself is never
/// included).
pub fn decode_secret(secret_b64: &str) -> Result<Vec<u8>, String> {
    let text = secret_b64.trim();
    STANDARD
        .decode(text)
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .or_else(|_| URL_SAFE.decode(text))
        .or_else(|_| URL_SAFE_NO_PAD.decode(text))
        .map_err(|e| format!("API secret is not base64: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_sorted_with_raw_values() {
        assert_eq!(
            canonical_query(&[("startMs", "1"), ("limit", "50"), ("endMs", "2")]),
            "endMs=2&limit=50&startMs=1"
        );
        assert_eq!(canonical_query(&[]), "");
        assert_eq!(
            canonical_query(&[("orderIds", "1,2"), ("clientOrderIds", "a^b c")]),
            "clientOrderIds=a^b c&orderIds=1,2"
        );
    }

    #[test]
    fn encodings_have_expected_lengths() {
        let hex = sign(b"k", 1, "a", 5000, "", SignatureEncoding::Hex);
        assert_eq!(hex.len(), 64);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(
            sign(b"k", 1, "a", 5000, "", SignatureEncoding::Base64).len(),
            44
        );
    }

    #[test]
    fn secret_decoding() {
        assert_eq!(decode_secret(" c2VjcmV0 ").unwrap(), b"secret");
        assert_eq!(decode_secret("YQ").unwrap(), b"a");
        assert!(decode_secret("not base64!").is_err());
        assert_eq!(
            SignatureEncoding::parse("Base64"),
            Some(SignatureEncoding::Base64)
        );
        assert_eq!(
            SignatureEncoding::parse("hex"),
            Some(SignatureEncoding::Hex)
        );
        assert_eq!(SignatureEncoding::parse("rsa"), None);
    }
}
