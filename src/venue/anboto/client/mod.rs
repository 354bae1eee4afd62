//! [`AnbotoClient`]: the Anboto Trading API v2 REST client behind [`Venue`](crate::venue::Venue).
//!
//! Here: the client, its constructors and the documented endpoints; `transport.rs`: signing and
//! sending; `as_venue.rs`: the [`Venue`](crate::venue::Venue) implementation.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use super::convert::{OrderSummary, decode_order_summary, decode_orders_page, decode_summaries};
use super::sign::{SignatureEncoding, Signer};
use crate::domain::{Order, OrderId, Page};
use crate::venue::{Capabilities, VenueError, VenueResult};

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
        let base = crate::venue::http::base_url(base_url)?;
        if HeaderValue::from_str(api_key.expose_secret()).is_err() {
            return Err(VenueError::Network(
                "API key contains characters not allowed in a header".into(),
            ));
        }
        let http = crate::venue::http::client(timeout)?;
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

mod as_venue;
#[cfg(test)]
mod tests;
mod transport;
