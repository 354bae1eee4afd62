//! [`TreadfiClient`]: the Tread.fi REST client behind [`Venue`].

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder};
use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Number, Value};

mod history;

use history::FinishedStats;
pub use history::{
    HISTORY_DETAIL_TRIES, HISTORY_DETAILS_PER_READ, HISTORY_MAX_PAGES, HISTORY_STATUSES,
};

use super::convert::stream::OrdersInParts;
use super::convert::{
    decode_multi_order, decode_multi_orders_page, decode_order_errors, decode_orders_page,
    decode_placements_page,
};
use super::error::{decode_error_message, reply_message};
use crate::domain::{Fill, MultiOrder, Order, OrderId, OrderMessage, Page, Placement};
// Query values and path segments keep `,` (comma-joined `order_ids`).
use crate::venue::http::{encode_unreserved_and_comma as encode, network_error, unknown_if_sent};
use crate::venue::{
    Action, ActionReply, AmendChanges, Capabilities, Venue, VenueError, VenueResult,
};

/// A Tread.fi connection: base URL, API key and one pooled HTTP client. Cheap to share
/// (`Arc<dyn Venue>`). Every call is one request with `Authorization: Token <key>` and never
/// retries on its own. `Debug` never shows the key.
#[derive(Clone)]
pub struct TreadfiClient {
    http: reqwest::Client,
    /// Base URL without a trailing slash, e.g. `https://app.tread.fi`.
    base: String,
    key: Option<SecretString>,
    push: super::ws::PushSettings,
    /// Message types of the push channel already logged (each is logged once).
    logged: super::ws::LoggedKinds,
    /// Execution statistics of finished orders, read from `GET /api/order/{id}` until the
    /// venue gives them (a finished order's figures do not change).
    finished_stats: FinishedStats,
}

impl fmt::Debug for TreadfiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TreadfiClient")
            .field("base", &self.base)
            .field("key", &self.key.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

/// A decimal as a JSON number carrying its exact text (`arbitrary_precision`), e.g. `0.50`.
fn decimal_number(d: Decimal) -> Value {
    let text = d.to_string();
    match Number::from_str(&text) {
        Ok(n) => Value::Number(n),
        Err(_) => Value::String(text),
    }
}

/// The `changes` object of `POST /api/amend_order/`: only the fields that are set.
/// Quantities and `pov_target` are JSON numbers with the exact decimal text, `duration` an
/// integer (seconds), `limit_price` a string (as in the document's example).
fn amend_changes(c: &AmendChanges) -> Value {
    let mut m = Map::new();
    if let Some(q) = c.base_asset_qty {
        m.insert("base_asset_qty".into(), decimal_number(q));
    }
    if let Some(q) = c.quote_asset_qty {
        m.insert("quote_asset_qty".into(), decimal_number(q));
    }
    if let Some(d) = c.duration_secs {
        m.insert("duration".into(), Value::from(d));
    }
    if let Some(p) = c.pov_target {
        m.insert("pov_target".into(), decimal_number(p));
    }
    if let Some(lp) = &c.limit_price {
        m.insert("limit_price".into(), Value::String(lp.clone()));
    }
    Value::Object(m)
}

fn one_field(key: &str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.into(), value);
    Value::Object(m)
}

/// Method, path and JSON body of one action, as the Tread.fi documents specify.
fn action_request(action: &Action) -> (Method, String, Option<Value>) {
    let id = |id: &OrderId| Value::String(id.as_str().to_owned());
    match action {
        Action::Pause(o) => (
            Method::POST,
            "/api/pause_order/".into(),
            Some(one_field("order_id", id(o))),
        ),
        Action::Resume(o) => (
            Method::POST,
            "/api/resume_order/".into(),
            Some(one_field("order_id", id(o))),
        ),
        Action::Cancel(o) => (
            Method::DELETE,
            format!("/api/order/{}", encode(o.as_str())),
            None,
        ),
        Action::Amend(o, changes) => {
            let mut m = Map::new();
            m.insert("order_id".into(), id(o));
            m.insert("changes".into(), amend_changes(changes));
            (
                Method::POST,
                "/api/amend_order/".into(),
                Some(Value::Object(m)),
            )
        }
        Action::PauseMulti(o) => (
            Method::POST,
            "/api/pause_multi_order/".into(),
            Some(one_field("multi_order_id", id(o))),
        ),
        Action::ResumeMulti(o) => (
            Method::POST,
            "/api/resume_multi_order/".into(),
            Some(one_field("multi_order_id", id(o))),
        ),
        Action::CancelMulti(o) => (
            Method::POST,
            "/api/cancel_multi_orders/".into(),
            Some(one_field("order_ids", Value::Array(vec![id(o)]))),
        ),
        Action::PauseAll { .. } => (Method::POST, "/api/pause_all_orders/".into(), None),
        Action::ResumeAll { .. } => (Method::POST, "/api/resume_all_orders/".into(), None),
        // No bulk cancel of single orders by id in the Tread documents: refused before any
        // request (see `act`); the caller sends one `Cancel` per order.
        Action::CancelMany { .. } => (Method::POST, String::new(), None),
        Action::CancelAll { account_names, .. } => (
            Method::POST,
            "/api/cancel_all_orders/?exclude_paused=false".into(),
            (!account_names.is_empty())
                .then(|| one_field("account_names", Value::String(account_names.join(",")))),
        ),
    }
}

/// The active-orders read, paused orders included (`exclude_paused` defaults to true).
const ACTIVE_ORDERS: &str = "/api/active_orders/?exclude_paused=false";

/// Rows gathered before [`Venue::active_orders_parts`] yields a part (after the first,
/// which goes out as soon as it has rows); a part may hold a chunk's worth more.
const ACTIVE_ORDERS_PART_ROWS: usize = 1000;

/// Page size asked of the paged list endpoints (`page_size`; the documented default, 100).
pub const PAGE_SIZE: u32 = 100;

/// At most this many pages of one order's placements are read per call (1,000 placements at
/// [`PAGE_SIZE`]); a longer list is returned partial ([`crate::venue::is_partial`]).
pub const PLACEMENTS_MAX_PAGES: u32 = 10;

/// The `after` value of a placements read: ISO 8601 UTC, e.g. `2023-12-01T10:00:00Z`.
fn iso(t: jiff::Timestamp) -> String {
    t.to_string()
}

/// Appends page `next` to `all`; `all.page_number` becomes the last page read and
/// `all.num_pages` the venue's latest count.
fn merge_page<T>(all: &mut Page<T>, next: Page<T>, read: u32) {
    all.rows.extend(next.rows);
    all.bad_rows.extend(next.bad_rows);
    all.page_number = Some(read);
    if next.num_pages.is_some() {
        all.num_pages = next.num_pages;
    }
}

impl TreadfiClient {
    /// A client for the Tread.fi API at `base_url` (e.g. `https://app.tread.fi` or
    /// `http://127.0.0.1:PORT`; a trailing slash is ignored). `api_key` is sent as
    /// `Authorization: Token <key>` (marked sensitive); `None` sends no header (the venue then
    /// answers 401). `timeout` bounds each whole request; expiry is [`VenueError::Network`].
    ///
    /// # Errors
    /// [`VenueError::Network`] when `base_url` is not an http(s) URL or the HTTP client cannot
    /// be built.
    pub fn new(
        base_url: &str,
        api_key: Option<SecretString>,
        timeout: Duration,
    ) -> Result<Self, VenueError> {
        let base = crate::venue::http::base_url(base_url)?;
        let http = crate::venue::http::client(timeout)?;
        Ok(Self {
            http,
            base,
            key: api_key,
            push: super::ws::PushSettings::default(),
            logged: super::ws::LoggedKinds::default(),
            finished_stats: Arc::default(),
        })
    }

    /// Sets the WebSocket keep-alive period (default [`super::ws::KEEP_ALIVE`], 10 s): the
    /// `keep_alive` command and a Ping go out every `period`, and the link is dead when a
    /// Ping has no Pong within 2 periods.
    pub fn with_keep_alive(mut self, period: Duration) -> Self {
        self.push.keep_alive = period;
        self.push.ping_interval = period;
        self.push.pong_timeout = period.saturating_mul(2);
        self
    }

    /// Sets how the push channel is used (`push = "auto" | "off"`, Ping/Pong timing, the wait
    /// after a refused upgrade; see [`super::ws::PushSettings`]).
    pub fn with_push(mut self, settings: super::ws::PushSettings) -> Self {
        self.push = settings;
        self
    }

    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path_and_query: &str) -> VenueResult<RequestBuilder> {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.base, path_and_query));
        if let Some(key) = &self.key {
            let mut value = HeaderValue::from_str(&format!("Token {}", key.expose_secret()))
                .map_err(|_| {
                    VenueError::Network(
                        "API key contains characters not allowed in a header".into(),
                    )
                })?;
            value.set_sensitive(true);
            req = req.header(AUTHORIZATION, value);
        }
        Ok(req)
    }

    /// Sends one request; returns the status and body of a 2xx answer, else
    /// [`VenueError::Http`] with the venue's message and `Retry-After` seconds.
    async fn send(&self, req: RequestBuilder) -> VenueResult<(u16, Vec<u8>)> {
        let resp = self.open(req).await?;
        let status = resp.status().as_u16();
        // `Vec::from` takes the buffer over without a copy (a 100k-order reply is 111 MB).
        let body = Vec::from(resp.bytes().await.map_err(network_error)?);
        Ok((status, body))
    }

    /// Sends one request; returns a 2xx answer with its body still unread (the caller reads
    /// it, whole or as it arrives), else [`VenueError::Http`] with the venue's message and
    /// `Retry-After` seconds.
    async fn open(&self, req: RequestBuilder) -> VenueResult<reqwest::Response> {
        let resp = req.send().await.map_err(network_error)?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let retry_after_secs = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok());
        let body = resp.bytes().await.map_err(network_error)?;
        let mut message = decode_error_message(&body);
        if message.is_empty() {
            message = status.canonical_reason().unwrap_or_default().to_owned();
        }
        Err(VenueError::Http {
            status: status.as_u16(),
            message,
            retry_after_secs,
        })
    }

    async fn get(&self, path_and_query: &str) -> VenueResult<Vec<u8>> {
        let req = self.request(Method::GET, path_and_query)?;
        self.send(req).await.map(|(_, body)| body)
    }

    /// `GET /api/orders/?page=N` (1-based): one page of all orders of the past 12 months,
    /// decoded as [`decode_orders_page`]. Not part of [`Venue`]; for `dump` and history views.
    ///
    /// # Errors
    /// As every call: [`VenueError::Http`], [`VenueError::Network`], [`VenueError::Decode`].
    pub async fn orders(&self, page: u32) -> VenueResult<Page<Order>> {
        let body = self.get(&format!("/api/orders/?page={page}")).await?;
        decode_orders_page(&body)
    }

    /// `GET /api/orders/?page=N&page_size=100` for N = 1 … `num_pages` (at most `max_pages`):
    /// every order of the past 12 months as one page. When `max_pages` stops the read early,
    /// the page is partial: `page_number` (last page read) < `num_pages`
    /// ([`crate::venue::is_partial`]).
    ///
    /// # Errors
    /// As [`TreadfiClient::orders`]; a failure on any page fails the whole read.
    pub async fn all_orders(&self, max_pages: u32) -> VenueResult<Page<Order>> {
        let first = self
            .get(&format!("/api/orders/?page=1&page_size={PAGE_SIZE}"))
            .await?;
        let mut all = decode_orders_page(&first)?;
        all.page_number = Some(1);
        let pages = all.num_pages.unwrap_or(1).min(max_pages.max(1));
        for n in 2..=pages {
            let body = self
                .get(&format!("/api/orders/?page={n}&page_size={PAGE_SIZE}"))
                .await?;
            merge_page(&mut all, decode_orders_page(&body)?, n);
        }
        Ok(all)
    }

    /// `GET /api/order/{id}`: one order, decoded as [`super::decode_order`].
    ///
    /// # Errors
    /// As every call: [`VenueError::Http`], [`VenueError::Network`], [`VenueError::Decode`].
    pub async fn order(&self, id: &OrderId) -> VenueResult<Order> {
        let body = self
            .get(&format!("/api/order/{}", encode(id.as_str())))
            .await?;
        super::convert::decode_order(&body)
    }

    /// The raw body of `GET path_and_query` (e.g. `/api/active_orders/?exclude_paused=false`),
    /// for `dump`: authenticated like every call, status checked, body not decoded.
    ///
    /// # Errors
    /// [`VenueError::Http`] on a non-2xx answer, [`VenueError::Network`].
    pub async fn get_raw(&self, path_and_query: &str) -> VenueResult<Vec<u8>> {
        self.get(path_and_query).await
    }
}

impl Venue for TreadfiClient {
    fn name(&self) -> &str {
        "Tread.fi"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::ALL
    }

    /// `METHOD /path` of the request [`Venue::act`] sends (query included, e.g.
    /// `POST /api/cancel_all_orders/?exclude_paused=false`); `None` for
    /// [`Action::CancelMany`], which Tread does not have.
    fn describe_request(&self, action: &Action) -> Option<String> {
        let (method, path, _) = action_request(action);
        (!path.is_empty()).then(|| format!("{method} {path}"))
    }

    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(async move {
            let body = self.get(ACTIVE_ORDERS).await?;
            decode_orders_page(&body)
        })
    }

    /// `GET /api/active_orders/?exclude_paused=false` (the request, errors and row decoding
    /// of [`Venue::active_orders`]) read as the body arrives: each row decoded as soon as its
    /// last byte is in, the whole body never held. The first part is yielded as soon as a
    /// chunk has given rows, later parts once `ACTIVE_ORDERS_PART_ROWS` (1000) rows have
    /// gathered, the last (with `page_number` / `num_pages`) at the end of the body. A
    /// network error or a cut body ends the stream with an `Err`, after a part with the rows
    /// decoded before it (if any).
    fn active_orders_parts(&self) -> BoxStream<'_, VenueResult<Page<Order>>> {
        /// A read under way: the response whose body is being read and the rows decoded
        /// from it since the last part.
        struct Reading {
            resp: reqwest::Response,
            orders: OrdersInParts,
            first_sent: bool,
        }
        /// Where the read is between two parts.
        enum Read {
            Start,
            Body(Box<Reading>),
            /// The read failed after rows were decoded: they went out, the error is next.
            Failed(VenueError),
            Done,
        }
        /// The rows decoded before `e` as a part, then `e`; just `e` when there are none.
        fn fail(r: &mut Reading, e: VenueError) -> (VenueResult<Page<Order>>, Read) {
            if r.orders.pending() > 0 {
                (Ok(r.orders.take_part()), Read::Failed(e))
            } else {
                (Err(e), Read::Done)
            }
        }
        futures_util::stream::unfold(Read::Start, move |read| async move {
            let mut r = match read {
                Read::Done => return None,
                Read::Failed(e) => return Some((Err(e), Read::Done)),
                Read::Start => {
                    let opened = match self.request(Method::GET, ACTIVE_ORDERS) {
                        Ok(req) => self.open(req).await,
                        Err(e) => Err(e),
                    };
                    match opened {
                        Ok(resp) => Box::new(Reading {
                            resp,
                            orders: OrdersInParts::new(),
                            first_sent: false,
                        }),
                        Err(e) => return Some((Err(e), Read::Done)),
                    }
                }
                Read::Body(r) => r,
            };
            loop {
                match r.resp.chunk().await {
                    Ok(Some(chunk)) => {
                        if let Err(e) = r.orders.feed(&chunk) {
                            return Some(fail(&mut r, e));
                        }
                        let pending = r.orders.pending();
                        if pending > 0 && (!r.first_sent || pending >= ACTIVE_ORDERS_PART_ROWS) {
                            r.first_sent = true;
                            let part = r.orders.take_part();
                            return Some((Ok(part), Read::Body(r)));
                        }
                    }
                    Ok(None) => {
                        return Some(match r.orders.finish() {
                            Ok(last) => (Ok(last), Read::Done),
                            Err(e) => fail(&mut r, e),
                        });
                    }
                    Err(e) => return Some(fail(&mut r, network_error(e))),
                }
            }
        })
        .boxed()
    }

    fn multi_orders(&self, page_number: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        Box::pin(async move {
            let body = self
                .get(&format!("/api/multi_orders/?page_number={page_number}"))
                .await?;
            decode_multi_orders_page(&body)
        })
    }

    fn multi_order(&self, id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        let path = format!(
            "/api/multi_order/{}?include_child_orders=true",
            encode(id.as_str())
        );
        Box::pin(async move {
            let body = self.get(&path).await?;
            decode_multi_order(&body)
        })
    }

    /// `GET /api/order/{id}?include_fills=true`, its `fills`.
    fn fills(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Fill>>> {
        let order_id = order_id.clone();
        Box::pin(async move {
            let body = self
                .get(&format!(
                    "/api/order/{}?include_fills=true",
                    encode(order_id.as_str())
                ))
                .await?;
            super::convert::decode_fills(&body, &order_id)
        })
    }

    /// Every placement of the order: [`Venue::placements_since`] with no `after`.
    fn placements(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        self.placements_since(order_id, None)
    }

    /// `GET /api/placements/?order_id=ID[&page_number=N][&after=ISO]` (page size: the
    /// documented default, 100) for N = 1 … `num_pages` (at most [`PLACEMENTS_MAX_PAGES`]); the pages joined. Partial when
    /// the cap stopped the read ([`crate::venue::is_partial`]).
    fn placements_since(
        &self,
        order_id: &OrderId,
        after: Option<jiff::Timestamp>,
    ) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        let order_id = order_id.clone();
        let after = after
            .map(|t| format!("&after={}", encode(&iso(t))))
            .unwrap_or_default();
        Box::pin(async move {
            // Page 1 without `page_number` (its documented default); `page_size` left at the
            // documented default (100).
            let url = |n: u32| {
                let page = if n > 1 {
                    format!("&page_number={n}")
                } else {
                    String::new()
                };
                format!(
                    "/api/placements/?order_id={}{page}{after}",
                    encode(order_id.as_str())
                )
            };
            let first = self.get(&url(1)).await?;
            let mut all = decode_placements_page(&first, &order_id)?;
            all.page_number = Some(1);
            let pages = all.num_pages.unwrap_or(1).min(PLACEMENTS_MAX_PAGES);
            for n in 2..=pages {
                let body = self.get(&url(n)).await?;
                merge_page(&mut all, decode_placements_page(&body, &order_id)?, n);
            }
            Ok(all)
        })
    }

    /// With no ids, answers an empty list without a request (the venue would return the
    /// messages of every order).
    fn order_errors(&self, order_ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        let joined = order_ids
            .iter()
            .map(|id| encode(id.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        Box::pin(async move {
            if joined.is_empty() {
                return Ok(Vec::new());
            }
            let body = self
                .get(&format!("/api/order_errors/?order_ids={joined}"))
                .await?;
            decode_order_errors(&body)
        })
    }

    /// [`TreadfiClient::finished_orders`], then the figures `/api/orders/` leaves out read
    /// from each newly finished order's detail (`GET /api/order/{id}`, once per order).
    fn history(&self, since: jiff::Timestamp) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(async move {
            let mut page = self.finished_orders(since).await?;
            self.add_finished_figures(&mut page.rows).await;
            Ok(page)
        })
    }

    /// `Ok(None)` (poll only, no upgrade request) when `push = "off"`.
    fn push(&self) -> BoxFuture<'_, VenueResult<Option<crate::venue::PushStream>>> {
        Box::pin(async move {
            if self.push.mode == super::ws::PushMode::Off {
                return Ok(None);
            }
            super::ws::connect(
                &self.base,
                self.key.as_ref(),
                &self.push,
                self.logged.clone(),
            )
            .await
            .map(Some)
        })
    }

    fn act(&self, action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        let (method, path, body) = action_request(action);
        let verb = action.verb();
        Box::pin(async move {
            if path.is_empty() {
                return Err(VenueError::Unsupported {
                    venue: "Tread.fi".into(),
                    what: verb.into(),
                });
            }
            let mut req = self.request(method, &path)?;
            if let Some(body) = &body {
                req = req.json(body);
            }
            let (status, reply) = self.send(req).await.map_err(unknown_if_sent)?;
            let mut message = reply_message(&reply);
            if message.is_empty() {
                message = reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("OK")
                    .to_owned();
            }
            Ok(ActionReply { status, message })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_keeps_commas_and_unreserved() {
        assert_eq!(encode("a-b_c.d~e,f"), "a-b_c.d~e,f");
        assert_eq!(encode("a b/c&d"), "a%20b%2Fc%26d");
    }

    #[test]
    fn amend_body_has_only_set_fields_and_exact_numbers() {
        let c = AmendChanges {
            base_asset_qty: Some(Decimal::new(50, 2)),
            duration_secs: Some(900),
            limit_price: Some("51000".into()),
            ..AmendChanges::default()
        };
        let body = serde_json::to_string(&amend_changes(&c)).unwrap();
        assert_eq!(
            body,
            r#"{"base_asset_qty":0.50,"duration":900,"limit_price":"51000"}"#
        );
    }

    #[test]
    fn debug_hides_key() {
        let c = TreadfiClient::new(
            "http://127.0.0.1:1/",
            Some(SecretString::from("sekrit-key")),
            Duration::from_secs(1),
        )
        .unwrap();
        let d = format!("{c:?}");
        assert!(!d.contains("sekrit"), "{d}");
        assert!(d.contains("[redacted]"), "{d}");
        assert_eq!(c.base_url(), "http://127.0.0.1:1");
    }
}
