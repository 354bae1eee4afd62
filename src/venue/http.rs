//! HTTP helpers shared by the venue REST clients: percent-encoding of query values and path
//! segments, the [`VenueError`] of a failed request, and the cut of raw error bodies shown on
//! screen. One copy here instead of one per venue.
//!
//! The encodings are byte-for-byte what the clients sent before they shared this module (the
//! tests below check every byte against the former hand-written encoder): UTF-8 bytes, every
//! byte outside the kept set written `%XX` with upper-case hex.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::venue::VenueError;

/// Kept as is: ASCII letters and digits and the other RFC 3986 unreserved characters
/// `-` `_` `.` `~`. Everything else (reserved characters, space, `%`, controls, non-ASCII
/// bytes) is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// [`UNRESERVED`] plus `,`: comma-joined lists read `a,b` on the wire, as the venues' own
/// clients send them.
const UNRESERVED_AND_COMMA: &AsciiSet = &UNRESERVED.remove(b',');

/// Percent-encodes `s` keeping only the RFC 3986 unreserved characters (`A–Z a–z 0–9 - _ . ~`).
///
/// AlphaSec: the wallet `address` and the other query keys and values of `GET /api/v1/...`,
/// and the order id path segment of `GET /api/v1/order/{id}`. AlphaSec has no list
/// parameters, so a `,` is encoded (`%2C`) like any other reserved character.
pub(crate) fn encode_unreserved(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Percent-encodes `s` keeping the RFC 3986 unreserved characters and `,`.
///
/// Tread.fi: order id path segments (`/api/order/{id}`), `order_id` / `after` query values and
/// the comma-joined `order_ids` list of `GET /api/order_messages/` (`a,b`, as Tread's own client
/// sends it). Anboto v2: every query key and value; the signature is computed over the raw
/// values, this is only the wire form, and list values (`1,2`) keep their commas.
pub(crate) fn encode_unreserved_and_comma(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED_AND_COMMA).to_string()
}

/// Prefix of [`VenueError::Network`] messages where the connection was never made, so nothing
/// was sent (see [`unknown_if_sent`]).
pub(crate) const CONNECT_PREFIX: &str = "could not connect: ";

/// The [`VenueError::Network`] of a failed `reqwest` request: `could not connect: …` when no
/// connection was made, `timed out: …` when the client timeout elapsed, else the error text.
pub(crate) fn network_error(e: reqwest::Error) -> VenueError {
    if e.is_connect() {
        VenueError::Network(format!("{CONNECT_PREFIX}{e}"))
    } else if e.is_timeout() {
        VenueError::Network(format!("timed out: {e}"))
    } else {
        VenueError::Network(e.to_string())
    }
}

/// For actions: a network failure other than "could not connect" means the request may have
/// reached the venue, so its outcome is unknown ([`VenueError::OutcomeUnknown`]).
pub(crate) fn unknown_if_sent(e: VenueError) -> VenueError {
    match e {
        VenueError::Network(m) if !m.starts_with(CONNECT_PREFIX) => VenueError::OutcomeUnknown(m),
        other => other,
    }
}

/// Longest raw (non-JSON) error body text shown, in characters.
pub(crate) const MAX_RAW_CHARS: usize = 200;

/// A raw (non-JSON) error body as shown on screen: trimmed, and cut to [`MAX_RAW_CHARS`]
/// characters followed by `…` when longer. Cuts on a character boundary. Control characters
/// are not removed here (the UI sanitizes what it renders).
pub(crate) fn truncate(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(MAX_RAW_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A venue's base URL as given (`https://app.tread.fi`, `http://127.0.0.1:PORT`), trimmed and
/// without a trailing slash.
///
/// # Errors
/// [`VenueError::Network`] when it is not an http(s) URL.
pub(crate) fn base_url(base_url: &str) -> Result<String, VenueError> {
    let base = base_url.trim().trim_end_matches('/').to_owned();
    let url = reqwest::Url::parse(&base)
        .map_err(|e| VenueError::Network(format!("invalid base url {base:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(VenueError::Network(format!(
            "invalid base url {base:?}: scheme must be http or https"
        )));
    }
    Ok(base)
}

/// Makes ring the process's rustls crypto provider, once; a provider installed before is
/// kept. Every TLS user reads it from there: reqwest (built `rustls-no-provider`, it refuses to
/// build a client without one), tokio-tungstenite's `wss://` and async-nats. ring is the one
/// crypto backend compiled in (russh uses it too): it builds in a fraction of aws-lc-sys's time.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // `Err` means a provider is installed already: that one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The pooled HTTP client every venue client uses: `timeout` bounds each whole request and its
/// connect; the user agent is `blotter/<version>`.
///
/// # Errors
/// [`VenueError::Network`] when the client cannot be built.
pub(crate) fn client(timeout: std::time::Duration) -> Result<reqwest::Client, VenueError> {
    install_crypto_provider();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("blotter/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| VenueError::Network(format!("http client: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one crypto backend is wired: a venue client reaches a TLS handshake (here with a
    /// server that answers in plain text) and fails it as a network error, where a missing
    /// provider panics inside reqwest.
    #[tokio::test]
    async fn an_https_venue_gets_a_tls_handshake_from_the_one_crypto_backend() {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let _ = sock.write_all(b"HTTP/1.1 200 OK\r\n\r\nnot tls").await;
        });
        let http = client(std::time::Duration::from_secs(5)).unwrap();
        let err = http
            .get(format!("https://127.0.0.1:{port}/api/active_orders/"))
            .send()
            .await
            .unwrap_err();
        assert!(err.is_connect(), "{err:?}");
        server.await.unwrap();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }

    /// The hand-written encoder the three clients had before this module, `keep_comma`
    /// choosing Tread/Anboto (true) or AlphaSec (false). The oracle for byte identity.
    fn former_encode(s: &str, keep_comma: bool) -> String {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            if b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'_' | b'.' | b'~')
                || (keep_comma && b == b',')
            {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    /// Every ASCII character on its own, plus non-ASCII text (2-, 3- and 4-byte UTF-8).
    fn samples() -> Vec<String> {
        let mut v: Vec<String> = (0u8..=127).map(|b| char::from(b).to_string()).collect();
        v.extend(
            [
                "é",
                "日本",
                "🚀",
                "ABC-12345^12-10-23",
                "a b/c&d=e?f#g%h+i",
                "0xAbC,1_2",
                "\u{7f}\u{80}\u{ff}",
            ]
            .map(String::from),
        );
        v.push((0u8..=127).map(char::from).collect());
        v
    }

    #[test]
    fn both_sets_are_byte_identical_to_the_former_encoders() {
        for s in samples() {
            assert_eq!(encode_unreserved(&s), former_encode(&s, false), "{s:?}");
            assert_eq!(
                encode_unreserved_and_comma(&s),
                former_encode(&s, true),
                "{s:?}"
            );
        }
    }

    /// Per set: (input, AlphaSec form, Tread.fi/Anboto form). Unreserved characters, commas,
    /// spaces, `/`, `%`, the other reserved characters and non-ASCII text.
    #[test]
    fn each_set_on_reserved_unicode_commas_spaces_slash_percent() {
        let cases = [
            ("aZ09-_.~", "aZ09-_.~", "aZ09-_.~"),
            ("1,2,x", "1%2C2%2Cx", "1,2,x"),
            ("a b", "a%20b", "a%20b"),
            ("a/b", "a%2Fb", "a%2Fb"),
            ("100%", "100%25", "100%25"),
            (
                ":?#[]@!$&'()*+;=",
                "%3A%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%3B%3D",
                "%3A%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%3B%3D",
            ),
            ("é,日", "%C3%A9%2C%E6%97%A5", "%C3%A9,%E6%97%A5"),
            ("🚀", "%F0%9F%9A%80", "%F0%9F%9A%80"),
        ];
        for (input, unreserved, with_comma) in cases {
            assert_eq!(encode_unreserved(input), unreserved, "{input:?}");
            assert_eq!(encode_unreserved_and_comma(input), with_comma, "{input:?}");
        }
    }

    #[test]
    fn truncate_trims_and_cuts_on_a_char_boundary() {
        assert_eq!(truncate("  short \n"), "short");
        let long = "é".repeat(MAX_RAW_CHARS + 5);
        let cut = truncate(&long);
        assert_eq!(cut, format!("{}…", "é".repeat(MAX_RAW_CHARS)));
        let exact = "x".repeat(MAX_RAW_CHARS);
        assert_eq!(truncate(&exact), exact);
    }

    /// A refused connection (nothing listens on port 1) is `could not connect: …`, for every
    /// venue: Anboto and AlphaSec used to say only the reqwest text.
    #[tokio::test]
    async fn network_error_names_a_refused_connection() {
        let e = match reqwest::get("http://127.0.0.1:1/").await {
            Ok(r) => panic!("port 1 answered: {}", r.status()),
            Err(e) => e,
        };
        match network_error(e) {
            VenueError::Network(m) => assert!(m.starts_with(CONNECT_PREFIX), "{m}"),
            other => panic!("not a network error: {other:?}"),
        }
    }

    #[test]
    fn only_connect_failures_stay_network_errors_for_actions() {
        let connect = VenueError::Network(format!("{CONNECT_PREFIX}refused"));
        assert!(
            matches!(unknown_if_sent(connect), VenueError::Network(m) if m == "could not connect: refused")
        );
        let other = VenueError::Network("timed out: x".into());
        assert!(
            matches!(unknown_if_sent(other), VenueError::OutcomeUnknown(m) if m == "timed out: x")
        );
    }
}
