//! How [`AnbotoClient`] talks HTTP: the signed request (`X-API-KEY`, `X-TIMESTAMP`,
//! `X-RECV-WINDOW`, `X-SIGN`), one send with the clock-offset repair on `INVALID_TIMESTAMP`,
//! and the read/post helpers the endpoints use.

use std::sync::atomic::Ordering;

use reqwest::header::{ACCEPT, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder};
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::venue::anboto::convert::{decode_error_message, error_code};
use crate::venue::anboto::sign::canonical_query;
// Query keys and values keep `,` (lists are comma-joined); the signature is over the raw values.
use crate::venue::http::{encode_unreserved_and_comma as encode, network_error};
use crate::venue::{VenueError, VenueResult};

use super::AnbotoClient;

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Server time from an HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`), ms since epoch.
pub(super) fn server_ms(headers: &HeaderMap) -> Option<i64> {
    let text = headers.get(DATE)?.to_str().ok()?;
    jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(text.trim())
        .ok()
        .map(|t| t.as_millisecond())
}
/// Error text marker of the documented `INVALID_TIMESTAMP` error code.
const INVALID_TIMESTAMP: &str = "INVALID_TIMESTAMP";
/// Error text marker of the documented `INVALID_SIGNATURE` error code.
const INVALID_SIGNATURE: &str = "INVALID_SIGNATURE";

/// What one failed request did to the clock offset.
pub(super) struct Failure {
    pub(super) error: VenueError,
    clock_adjusted: bool,
}

impl AnbotoClient {
    /// Builds one signed request. `query` values are raw (signed as is, percent-encoded on the
    /// wire); `body` is the exact JSON bytes sent and signed.
    pub(super) fn signed(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> VenueResult<RequestBuilder> {
        // One sorted list for both the signature and the wire, so the venue sees the query in
        // exactly the order it was signed (keys sorted; values percent-encoded on the wire).
        let mut pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        let payload = match &body {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => canonical_query(&pairs),
        };
        let timestamp = now_ms().saturating_add(self.clock_offset_ms());
        let signature = self.signer.sign(
            timestamp,
            self.api_key.expose_secret(),
            self.recv_window_ms,
            &payload,
        );
        let mut url = format!("{}{}", self.base, path);
        if !pairs.is_empty() {
            let q: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect();
            url.push('?');
            url.push_str(&q.join("&"));
        }
        let mut key = HeaderValue::from_str(self.api_key.expose_secret()).map_err(|_| {
            VenueError::Network("API key contains characters not allowed in a header".into())
        })?;
        key.set_sensitive(true);
        let mut req = self
            .http
            .request(method, url)
            .header(ACCEPT, "application/json")
            .header("X-API-KEY", key)
            .header("X-TIMESTAMP", timestamp.to_string())
            .header("X-RECV-WINDOW", self.recv_window_ms.to_string())
            .header("X-SIGN", signature);
        if let Some(b) = body {
            req = req.header(CONTENT_TYPE, "application/json").body(b);
        }
        Ok(req)
    }

    /// Sends one request; the status and body of a 2xx answer, else the error with the
    /// venue's text. On `INVALID_TIMESTAMP` the clock offset is re-learned from `Date`.
    pub(super) async fn send_once(&self, req: RequestBuilder) -> Result<(u16, Vec<u8>), Failure> {
        let sent_at = now_ms();
        let failure = |error| Failure {
            error,
            clock_adjusted: false,
        };
        let resp = req.send().await.map_err(|e| failure(network_error(e)))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .bytes()
            .await
            .map_err(|e| failure(network_error(e)))?
            .to_vec();
        if status.is_success() {
            return Ok((status.as_u16(), body));
        }
        let retry_after_secs = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok());
        let code = error_code(&body);
        let mut message = decode_error_message(&body);
        if message.is_empty() {
            message = status.canonical_reason().unwrap_or_default().to_owned();
        }
        let mut clock_adjusted = false;
        match code.as_deref() {
            Some(INVALID_SIGNATURE) => {
                message
                    .push_str(" (check the API secret and the signature encoding: hex or base64)");
            }
            Some(INVALID_TIMESTAMP) => {
                if let Some(server) = server_ms(&headers) {
                    // Midpoint of send and receipt approximates when the server stamped `Date`.
                    let local = sent_at + (now_ms() - sent_at) / 2;
                    let offset = server - local;
                    let old = self.offset_ms.swap(offset, Ordering::Relaxed);
                    clock_adjusted = old != offset;
                    message.push_str(&format!(
                        " (local clock is {}ms off the server's; corrected for the next request)",
                        -offset
                    ));
                }
            }
            _ => {}
        }
        Err(Failure {
            error: VenueError::Http {
                status: status.as_u16(),
                message,
                retry_after_secs,
            },
            clock_adjusted,
        })
    }

    /// A signed GET read; retried once (newly signed) when the first answer was
    /// `INVALID_TIMESTAMP` and the clock offset was corrected from it.
    pub(super) async fn read(&self, path: &str, query: &[(&str, String)]) -> VenueResult<Vec<u8>> {
        let req = self.signed(Method::GET, path, query, None)?;
        match self.send_once(req).await {
            Ok((_, body)) => Ok(body),
            Err(Failure {
                clock_adjusted: true,
                ..
            }) => {
                let req = self.signed(Method::GET, path, query, None)?;
                self.send_once(req)
                    .await
                    .map(|(_, body)| body)
                    .map_err(|f| f.error)
            }
            Err(f) => Err(f.error),
        }
    }

    /// A signed POST with a JSON body; never retried.
    pub(super) async fn post(&self, path: &str, body: &Value) -> VenueResult<(u16, Vec<u8>)> {
        let bytes = serde_json::to_vec(body).map_err(|e| VenueError::Decode {
            path: "$".into(),
            message: e.to_string(),
        })?;
        let req = self.signed(Method::POST, path, &[], Some(bytes))?;
        self.send_once(req).await.map_err(|f| f.error)
    }
}
