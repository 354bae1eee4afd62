//! [`AnbotoClient`]: the Anboto Trading API v2 REST client behind [`Venue`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::header::{ACCEPT, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use super::convert::{
    OrderSummary, decode_error_message, decode_order_summary, decode_orders_page, decode_summaries,
    error_code, order_messages,
};
use super::sign::{SignatureEncoding, Signer, canonical_query};
use crate::domain::{MultiOrder, Order, OrderId, OrderMessage, Page, Placement};
// Query keys and values keep `,` (lists are comma-joined); the signature is over the raw values.
use crate::venue::http::{encode_unreserved_and_comma as encode, network_error};
use crate::venue::{Action, ActionReply, Capabilities, Venue, VenueError, VenueResult};

/// Anboto mainnet base URL (document introduction: "Mainnet").
pub const MAINNET_URL: &str = "https://api.anboto.xyz";
/// Anboto testnet base URL (document introduction: "Testnet"; trades are simulated).
pub const TESTNET_URL: &str = "https://api.testnet.anboto.xyz";
/// `X-RECV-WINDOW` default, milliseconds (document introduction: "default value is 5,000").
pub const DEFAULT_RECV_WINDOW_MS: u64 = 5000;

/// Venue name shown in the UI and in [`VenueError::Unsupported`].
const NAME: &str = "Anboto";

/// What Anboto supports: cancel only (no pause/resume/amend endpoints, no multi-orders, no push
/// channel in the v2 trading API), one order at a time (`order/cancel`) or many by id in one
/// request (`order/cancelMany`, `CancelManyParentOrdersRequest.orders`: the document gives the
/// list no maximum). No venue-wide cancel/pause/resume.
pub const ANBOTO_CAPABILITIES: Capabilities = Capabilities {
    pause: false,
    resume: false,
    amend: false,
    cancel: true,
    multi_orders: false,
    push: false,
    pause_all: false,
    cancel_all: false,
    resume_all: false,
    cancel_many: true,
    cancel_many_max: None,
};

/// An Anboto connection: base URL, API key, decoded HMAC secret, signature encoding, receive
/// window and one pooled HTTP client. Cheap to clone (clones share the clock offset).
///
/// Every authenticated request carries `X-API-KEY` (marked sensitive), `X-TIMESTAMP` (local
/// clock + the learned offset, ms since the Unix epoch), `X-RECV-WINDOW` and `X-SIGN`
/// (see [`super::sign`]). When the venue answers `INVALID_TIMESTAMP`, the client learns the
/// offset between its clock and the server's `Date` header; reads then retry once, actions do
/// not (the error is reported and the next request uses the corrected clock). `Debug` never
/// shows the key or the secret.
#[derive(Clone)]
pub struct AnbotoClient {
    http: reqwest::Client,
    base: String,
    api_key: SecretString,
    signer: Arc<Signer>,
    recv_window_ms: u64,
    /// Server clock minus local clock, ms.
    offset_ms: Arc<AtomicI64>,
}

impl fmt::Debug for AnbotoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnbotoClient")
            .field("base", &self.base)
            .field("api_key", &"[redacted]")
            .field("signer", &self.signer)
            .field("recv_window_ms", &self.recv_window_ms)
            .field("offset_ms", &self.offset_ms.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Server time from an HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`), ms since epoch.
fn server_ms(headers: &HeaderMap) -> Option<i64> {
    let text = headers.get(DATE)?.to_str().ok()?;
    jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(text.trim())
        .ok()
        .map(|t| t.as_millisecond())
}

/// The cancel target of an order id: Anboto ids are int64, so an integer id is sent as
/// `order_id`, anything else as `client_order_id` (rows without an Anboto id are keyed by
/// their client order id).
fn cancel_target(id: &OrderId) -> Value {
    let mut m = Map::new();
    match id.as_str().trim().parse::<i64>() {
        Ok(n) => m.insert("order_id".into(), Value::from(n)),
        Err(_) => m.insert(
            "client_order_id".into(),
            Value::String(id.as_str().to_owned()),
        ),
    };
    Value::Object(m)
}

/// Error text marker of the documented `INVALID_TIMESTAMP` error code.
const INVALID_TIMESTAMP: &str = "INVALID_TIMESTAMP";
/// Error text marker of the documented `INVALID_SIGNATURE` error code.
const INVALID_SIGNATURE: &str = "INVALID_SIGNATURE";

/// What one failed request did to the clock offset.
struct Failure {
    error: VenueError,
    clock_adjusted: bool,
}

impl AnbotoClient {
    /// A client for the Anboto API at `base_url` ([`MAINNET_URL`], [`TESTNET_URL`] or e.g.
    /// `http://127.0.0.1:PORT`; a trailing slash is ignored). `secret` is the base64 text as
    /// issued (decoded here, once). `encoding` picks hex (the document) or base64 (the vendor's
    /// examples) for `X-SIGN`. `recv_window_ms` is sent as `X-RECV-WINDOW` (use
    /// [`DEFAULT_RECV_WINDOW_MS`]). `timeout` bounds each whole request.
    ///
    /// # Errors
    /// [`VenueError::Network`] when `base_url` is not an http(s) URL, the secret is not base64,
    /// the key cannot be a header value, or the HTTP client cannot be built.
    pub fn new(
        base_url: &str,
        api_key: SecretString,
        secret: SecretString,
        encoding: SignatureEncoding,
        recv_window_ms: u64,
        timeout: Duration,
    ) -> Result<Self, VenueError> {
        let signer = Signer::hmac(secret.expose_secret(), encoding).map_err(VenueError::Network)?;
        Self::with_signer(base_url, api_key, signer, recv_window_ms, timeout)
    }

    /// Like [`AnbotoClient::new`] with any [`Signer`] (e.g. [`Signer::rsa_pem`] for a
    /// self-generated key).
    ///
    /// # Errors
    /// As [`AnbotoClient::new`].
    pub fn with_signer(
        base_url: &str,
        api_key: SecretString,
        signer: Signer,
        recv_window_ms: u64,
        timeout: Duration,
    ) -> Result<Self, VenueError> {
        let base = base_url.trim().trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base)
            .map_err(|e| VenueError::Network(format!("invalid base url {base:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(VenueError::Network(format!(
                "invalid base url {base:?}: scheme must be http or https"
            )));
        }
        if HeaderValue::from_str(api_key.expose_secret()).is_err() {
            return Err(VenueError::Network(
                "API key contains characters not allowed in a header".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("blotter/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| VenueError::Network(format!("http client: {e}")))?;
        Ok(Self {
            http,
            base,
            api_key,
            signer: Arc::new(signer),
            recv_window_ms,
            offset_ms: Arc::new(AtomicI64::new(0)),
        })
    }

    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The learned offset of the server clock from the local clock, ms (0 until the venue has
    /// answered `INVALID_TIMESTAMP`).
    pub fn clock_offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Builds one signed request. `query` values are raw (signed as is, percent-encoded on the
    /// wire); `body` is the exact JSON bytes sent and signed.
    fn signed(
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
    async fn send_once(&self, req: RequestBuilder) -> Result<(u16, Vec<u8>), Failure> {
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
    async fn read(&self, path: &str, query: &[(&str, String)]) -> VenueResult<Vec<u8>> {
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
    async fn post(&self, path: &str, body: &Value) -> VenueResult<(u16, Vec<u8>)> {
        let bytes = serde_json::to_vec(body).map_err(|e| VenueError::Decode {
            path: "$".into(),
            message: e.to_string(),
        })?;
        let req = self.signed(Method::POST, path, &[], Some(bytes))?;
        self.send_once(req).await.map_err(|f| f.error)
    }

    /// `GET /status/ping` (unauthenticated): the venue's status string (documented as a JSON
    /// string; a non-JSON body is returned as its text).
    ///
    /// # Errors
    /// [`VenueError::Http`] on a non-2xx answer, [`VenueError::Network`].
    pub async fn ping(&self) -> VenueResult<String> {
        let req = self
            .http
            .get(format!("{}/status/ping", self.base))
            .header(ACCEPT, "application/json");
        let (_, body) = self.send_once(req).await.map_err(|f| f.error)?;
        Ok(match serde_json::from_slice::<Value>(&body) {
            Ok(Value::String(s)) => s,
            _ => String::from_utf8_lossy(&body).trim().to_owned(),
        })
    }

    /// `GET /api/v2/trading/order/open`: every order not in a terminal state, decoded as
    /// [`super::decode_orders_page`].
    ///
    /// # Errors
    /// [`VenueError::Http`] (with the venue's `error_code: message`), [`VenueError::Network`],
    /// [`VenueError::Decode`].
    pub async fn open_orders(&self) -> VenueResult<Page<Order>> {
        let body = self.read("/api/v2/trading/order/open", &[]).await?;
        decode_orders_page(&body)
    }

    /// `GET /api/v2/trading/order/find?startMs=&endMs=&limit=`: order history. `start_ms` and
    /// `end_ms` are ms since the Unix epoch (UTC); `limit` caps the number of orders. Unset
    /// parameters are not sent (the venue's defaults apply).
    ///
    /// # Errors
    /// As [`AnbotoClient::open_orders`].
    pub async fn find_orders(
        &self,
        start_ms: Option<i64>,
        end_ms: Option<i64>,
        limit: Option<u32>,
    ) -> VenueResult<Page<Order>> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(s) = start_ms {
            q.push(("startMs", s.to_string()));
        }
        if let Some(e) = end_ms {
            q.push(("endMs", e.to_string()));
        }
        if let Some(l) = limit {
            q.push(("limit", l.to_string()));
        }
        let body = self.read("/api/v2/trading/order/find", &q).await?;
        decode_orders_page(&body)
    }

    /// `GET /api/v2/trading/order/byId?orderIds=1,2&clientOrderIds=a,b`: integer ids go in
    /// `orderIds`, others in `clientOrderIds` (both are used in the lookup), comma-joined. No
    /// ids → an empty page without a request.
    ///
    /// # Errors
    /// As [`AnbotoClient::open_orders`].
    pub async fn orders_by_id(&self, ids: &[OrderId]) -> VenueResult<Page<Order>> {
        let (numeric, client): (Vec<&OrderId>, Vec<&OrderId>) = ids
            .iter()
            .partition(|id| id.as_str().trim().parse::<i64>().is_ok());
        let join = |v: &[&OrderId]| {
            v.iter()
                .map(|id| id.as_str().trim())
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut q: Vec<(&str, String)> = Vec::new();
        if !numeric.is_empty() {
            q.push(("orderIds", join(&numeric)));
        }
        if !client.is_empty() {
            q.push(("clientOrderIds", join(&client)));
        }
        if q.is_empty() {
            return Ok(Page::default());
        }
        let body = self.read("/api/v2/trading/order/byId", &q).await?;
        decode_orders_page(&body)
    }

    /// `POST /api/v2/trading/order/cancel` `{"order_id": N}` (or `{"client_order_id": "…"}`
    /// for a non-integer id): the venue's `OrderSummary` (usually `PENDING_CANCEL`).
    ///
    /// # Errors
    /// [`VenueError::Http`], [`VenueError::Network`], [`VenueError::Decode`]; a 2xx summary is
    /// returned as is even when it reports a rejection (see [`OrderSummary::is_rejected`]).
    pub async fn cancel(&self, id: &OrderId) -> VenueResult<(u16, OrderSummary)> {
        let (status, body) = self
            .post("/api/v2/trading/order/cancel", &cancel_target(id))
            .await?;
        decode_order_summary(&body).map(|s| (status, s))
    }

    /// `POST /api/v2/trading/order/cancelMany` `{"orders": [{"order_id": N}, …]}` (ids as in
    /// [`AnbotoClient::cancel`]). The reply is accepted as one `OrderSummary` (the document) or
    /// a list (the vendor's Java example); see [`super::decode_summaries`]. No ids → an empty
    /// list without a request.
    ///
    /// # Errors
    /// [`VenueError::Http`], [`VenueError::Network`], [`VenueError::Decode`].
    pub async fn cancel_many(&self, ids: &[OrderId]) -> VenueResult<Vec<OrderSummary>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut m = Map::new();
        m.insert(
            "orders".into(),
            Value::Array(ids.iter().map(cancel_target).collect()),
        );
        let (_, body) = self
            .post("/api/v2/trading/order/cancelMany", &Value::Object(m))
            .await?;
        decode_summaries(&body)
    }
}

impl AnbotoClient {
    /// [`Action::CancelMany`]: one `POST order/cancelMany`; the summaries folded into one reply.
    async fn act_cancel_many(&self, ids: &[OrderId]) -> VenueResult<ActionReply> {
        if ids.is_empty() {
            return Ok(ActionReply {
                status: 200,
                message: "Nothing to cancel".into(),
            });
        }
        let summaries = self.cancel_many(ids).await?;
        // Each refusal names its order where the summary does (`order_id`, else
        // `client_order_id`), so the banner can say which orders were not cancelled.
        let failures: Vec<String> = summaries
            .iter()
            .filter_map(|s| {
                let failure = s.failure()?;
                let who = s
                    .order_id
                    .as_ref()
                    .map(ToString::to_string)
                    .or_else(|| s.client_order_id.clone());
                Some(match who {
                    Some(id) => format!("{id}: {failure}"),
                    None => failure,
                })
            })
            .collect();
        if !failures.is_empty() {
            return Err(VenueError::Http {
                status: 200,
                message: format!(
                    "{} of {} cancels refused: {}",
                    failures.len(),
                    ids.len(),
                    failures.join("; ")
                ),
                retry_after_secs: None,
            });
        }
        Ok(ActionReply {
            status: 200,
            message: format!("Cancel requested for {} order(s)", ids.len()),
        })
    }
}

impl Venue for AnbotoClient {
    fn name(&self) -> &str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        ANBOTO_CAPABILITIES
    }

    /// `POST /api/v2/trading/order/cancel` and `POST /api/v2/trading/order/cancelMany` (with
    /// the number of ids); `None` for actions Anboto does not have.
    fn describe_request(&self, action: &Action) -> Option<String> {
        match action {
            Action::Cancel(_) => Some("POST /api/v2/trading/order/cancel".into()),
            Action::CancelMany { order_ids, .. } => Some(format!(
                "POST /api/v2/trading/order/cancelMany ({} order id(s))",
                order_ids.len()
            )),
            _ => None,
        }
    }

    /// `GET /api/v2/trading/order/open`, without rows in a final state (`FILLED`,
    /// `CANCELLED`, `REJECTED`, `EXPIRED`) should the venue list one: those have left the
    /// active set.
    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(async move {
            let mut page = self.open_orders().await?;
            page.rows.retain(|o| !o.status.is_terminal());
            Ok(page)
        })
    }

    /// Anboto has no multi-orders: an empty page, no request.
    fn multi_orders(&self, _page_number: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        Box::pin(async { Ok(Page::default()) })
    }

    /// Anboto has no multi-orders: [`VenueError::Unsupported`], no request.
    fn multi_order(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        Box::pin(async {
            Err(VenueError::Unsupported {
                venue: NAME.into(),
                what: "multi-orders".into(),
            })
        })
    }

    /// The v2 trading API exposes no child orders or fills: an empty page, no request.
    fn placements(&self, _order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        Box::pin(async { Ok(Page::default()) })
    }

    /// Derived: `GET order/byId` for these ids, then [`super::order_messages`] (rejection codes
    /// and messages, rejected statuses). No ids → empty, no request.
    fn order_errors(&self, order_ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        let ids = order_ids.to_vec();
        Box::pin(async move {
            let page = self.orders_by_id(&ids).await?;
            Ok(order_messages(&page.rows))
        })
    }

    /// [`Action::CancelMany`] → `POST order/cancelMany`, once (see
    /// [`AnbotoClient::cancel_many`]); a summary reporting a rejection makes the whole reply a
    /// [`VenueError::Http`] naming the failures.
    /// [`Action::Cancel`] → `POST order/cancel`, once (no retry, also not after a clock
    /// correction). A 2xx summary reporting a rejection (`error_code`, `REJECTED`,
    /// `CANCEL_REJECTED`) is a [`VenueError::Http`] with `CODE: message`. Every other action is
    /// [`VenueError::Unsupported`] without a request.
    fn act(&self, action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        let action = action.clone();
        Box::pin(async move {
            if let Action::CancelMany { order_ids, .. } = &action {
                return self.act_cancel_many(order_ids).await;
            }
            let Action::Cancel(id) = &action else {
                return Err(VenueError::Unsupported {
                    venue: NAME.into(),
                    what: action.verb().into(),
                });
            };
            let (status, body) = self
                .post("/api/v2/trading/order/cancel", &cancel_target(id))
                .await?;
            match decode_order_summary(&body) {
                Ok(s) => match s.failure() {
                    Some(failure) => Err(VenueError::Http {
                        status,
                        message: failure,
                        retry_after_secs: None,
                    }),
                    None => {
                        let text = s.text();
                        Ok(ActionReply {
                            status,
                            message: if text.is_empty() {
                                "Cancel requested".into()
                            } else {
                                text
                            },
                        })
                    }
                },
                Err(_) => Ok(ActionReply {
                    status,
                    message: decode_error_message(&body),
                }),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
