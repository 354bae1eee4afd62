//! [`AlphaSecClient`]: the AlphaSec order API (read-only) behind [`Venue`].

use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::header::{ACCEPT, RETRY_AFTER};

use super::convert::{
    TokenMap, Trade, decode_error, decode_order, decode_orders_page, decode_trades_page,
    order_messages,
};
use crate::domain::{Fill, MultiOrder, Order, OrderId, OrderMessage, Page, Placement};
use crate::venue::{Action, ActionReply, Capabilities, Venue, VenueError, VenueResult};

/// Venue name shown in the UI and in [`VenueError::Unsupported`].
const NAME: &str = "AlphaSec";

/// Nothing but reads: AlphaSec order actions are signed on-chain transactions, outside this
/// blotter.
pub const ALPHASEC_CAPABILITIES: Capabilities = Capabilities::NONE;

/// `limit` sent on list reads unless changed with [`AlphaSecClient::with_limit`]: the
/// documented default (100; history and trades allow up to 500).
pub const DEFAULT_LIMIT: u32 = 100;

/// How far back open orders are requested, in days. Without `from`/`to` the venue covers only
/// the last 30 days, which would hide older open orders; the maximum range is 90 days, so 89
/// (a day of slack for clock differences; "future timestamps are not allowed", so `to` is
/// left to the venue).
pub const OPEN_LOOKBACK_DAYS: i64 = 89;

const DAY_MS: i64 = 86_400_000;

/// An AlphaSec connection for one wallet address: base URL, address, token map and one pooled
/// HTTP client. Cheap to clone. Every call carries `address` and is one request (except
/// [`Venue::order_errors`], one per id); nothing is retried.
#[derive(Debug, Clone)]
pub struct AlphaSecClient {
    http: reqwest::Client,
    base: String,
    address: String,
    tokens: TokenMap,
    limit: u32,
}

/// Percent-encodes a query value or path segment (RFC 3986 unreserved kept).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn network_error(e: reqwest::Error) -> VenueError {
    if e.is_timeout() {
        VenueError::Network(format!("timed out: {e}"))
    } else {
        VenueError::Network(e.to_string())
    }
}

impl AlphaSecClient {
    /// A client for the AlphaSec API at `base_url` (a trailing slash is ignored) reading the
    /// orders of wallet `address` (`0x…`). `tokens` maps token ids to symbols (`"1"` → `"ALP"`)
    /// for showing `marketId` `1_2` as `ALP-USDT`; unmapped markets show their raw id.
    /// `timeout` bounds each whole request.
    ///
    /// # Errors
    /// [`VenueError::Network`] when `base_url` is not an http(s) URL, `address` is empty, or
    /// the HTTP client cannot be built.
    pub fn new(
        base_url: &str,
        address: String,
        tokens: TokenMap,
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
        let address = address.trim().to_owned();
        if address.is_empty() {
            return Err(VenueError::Network(
                "AlphaSec needs a wallet address".into(),
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
            address,
            tokens,
            limit: DEFAULT_LIMIT,
        })
    }

    /// The same client sending `limit` on list reads (at least 1; the venue documents a
    /// maximum of 500 for history and trades).
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// One order's trades: `GET /api/v1/order/trade` (last 30 days, up to 500 trades — the
    /// endpoint has no order filter) keeping this order's; undecodable rows kept as bad rows.
    async fn order_trades(&self, order_id: &OrderId) -> VenueResult<Page<Trade>> {
        let mut page = self.trades(None, None, Some(500)).await?;
        page.rows.retain(|t| &t.order_id == order_id);
        Ok(page)
    }

    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The wallet address sent as `address`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// `GET path?address=…&<extra>`; the body of a 2xx answer, else the envelope's `errMsg`.
    async fn get(&self, path: &str, extra: &[(&str, String)]) -> VenueResult<Vec<u8>> {
        let mut url = format!("{}{}?address={}", self.base, path, encode(&self.address));
        for (k, v) in extra {
            url.push_str(&format!("&{}={}", encode(k), encode(v)));
        }
        let resp = self
            .http
            .get(url)
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(network_error)?;
        let status = resp.status();
        let retry_after_secs = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok());
        let body = resp.bytes().await.map_err(network_error)?.to_vec();
        if status.is_success() {
            return Ok(body);
        }
        Err(match decode_error(status.as_u16(), &body) {
            VenueError::Http {
                status, message, ..
            } => VenueError::Http {
                status,
                message,
                retry_after_secs,
            },
            other => other,
        })
    }

    fn range(
        &self,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
        limit: Option<u32>,
    ) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(f) = from_ms {
            q.push(("from", f.to_string()));
        }
        if let Some(t) = to_ms {
            q.push(("to", t.to_string()));
        }
        q.push(("limit", limit.unwrap_or(self.limit).max(1).to_string()));
        q
    }

    /// `GET /api/v1/order/open?address=…&from=<now − 89 days>&limit=…`: open orders
    /// (`NEW`, `PARTIALLY_FILLED`) of all markets, as [`super::decode_orders_page`].
    ///
    /// # Errors
    /// [`VenueError::Http`] (envelope `code` ≠ 200 or HTTP error, with `errMsg`),
    /// [`VenueError::Network`], [`VenueError::Decode`].
    pub async fn open_orders(&self) -> VenueResult<Page<Order>> {
        let from = jiff::Timestamp::now().as_millisecond() - OPEN_LOOKBACK_DAYS * DAY_MS;
        let body = self
            .get("/api/v1/order/open", &self.range(Some(from), None, None))
            .await?;
        decode_orders_page(&body, &self.tokens)
    }

    /// `GET /api/v1/order?address=…&from=&to=&limit=`: completed orders (filled, canceled,
    /// rejected). `from_ms`/`to_ms` are ms since the Unix epoch (UTC; at most 90 days apart;
    /// without both the venue covers the last 30 days); `limit` 1–500 (default: the client's).
    ///
    /// # Errors
    /// As [`AlphaSecClient::open_orders`].
    pub async fn history(
        &self,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
        limit: Option<u32>,
    ) -> VenueResult<Page<Order>> {
        let body = self
            .get("/api/v1/order", &self.range(from_ms, to_ms, limit))
            .await?;
        decode_orders_page(&body, &self.tokens)
    }

    /// `GET /api/v1/order/{orderId}?address=…`: one order, as [`super::decode_order`].
    ///
    /// # Errors
    /// As [`AlphaSecClient::open_orders`].
    pub async fn order(&self, id: &OrderId) -> VenueResult<Order> {
        let body = self
            .get(&format!("/api/v1/order/{}", encode(id.as_str())), &[])
            .await?;
        decode_order(&body, &self.tokens)
    }

    /// `GET /api/v1/order/trade?address=…&from=&to=&limit=`: executed trades (newest first),
    /// as [`super::decode_trades_page`]; range rules as [`AlphaSecClient::history`].
    ///
    /// # Errors
    /// As [`AlphaSecClient::open_orders`].
    pub async fn trades(
        &self,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
        limit: Option<u32>,
    ) -> VenueResult<Page<Trade>> {
        let body = self
            .get("/api/v1/order/trade", &self.range(from_ms, to_ms, limit))
            .await?;
        decode_trades_page(&body, &self.tokens)
    }
}

impl Venue for AlphaSecClient {
    fn name(&self) -> &str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        ALPHASEC_CAPABILITIES
    }

    /// [`AlphaSecClient::open_orders`].
    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(self.open_orders())
    }

    /// No multi-orders: an empty page, no request.
    fn multi_orders(&self, _page_number: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        Box::pin(async { Ok(Page::default()) })
    }

    /// No multi-orders: [`VenueError::Unsupported`], no request.
    fn multi_order(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        Box::pin(async {
            Err(VenueError::Unsupported {
                venue: NAME.into(),
                what: "multi-orders".into(),
            })
        })
    }

    /// The order's fills: `GET /api/v1/order/trade` (last 30 days, up to 500 trades — the
    /// endpoint has no order filter) keeping this order's trades, each as
    /// [`Trade::to_placement`]. Rows that failed to decode are kept as bad rows.
    fn placements(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        let order_id = order_id.clone();
        Box::pin(async move {
            let page = self.order_trades(&order_id).await?;
            Ok(Page {
                rows: page.rows.iter().map(Trade::to_placement).collect(),
                bad_rows: page.bad_rows,
                page_number: None,
                num_pages: None,
            })
        })
    }

    /// The order's trades (`GET /api/v1/order/trade`, filtered to this order) as fills:
    /// `tradeId`, maker/taker role, price, quantity, notional = price × quantity, fee.
    fn fills(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Fill>>> {
        let order_id = order_id.clone();
        Box::pin(async move {
            let page = self.order_trades(&order_id).await?;
            let mut out = Page::of(
                page.rows
                    .iter()
                    .map(|t| Fill {
                        venue: Default::default(),
                        order_id: t.order_id.clone(),
                        placement_id: Some(t.trade_id.clone()),
                        exchange: None,
                        role: Some(if t.is_maker { "MAKE" } else { "TAKE" }.into()),
                        price: t.price,
                        qty: t.quantity,
                        notional: t.price.zip(t.quantity).and_then(|(p, q)| p.checked_mul(q)),
                        fee: t.fee,
                        fee_asset: None,
                        time: t.created_at,
                    })
                    .collect(),
            );
            out.bad_rows = page.bad_rows;
            Ok(out)
        })
    }

    /// Derived: `GET /api/v1/order/{id}` for each id (one request per id, in order), then
    /// [`super::order_messages`] (rejected orders). No ids → empty, no request.
    fn order_errors(&self, order_ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        let ids = order_ids.to_vec();
        Box::pin(async move {
            let mut orders = Vec::with_capacity(ids.len());
            for id in &ids {
                orders.push(self.order(id).await?);
            }
            Ok(order_messages(&orders))
        })
    }

    /// Read-only: every action is [`VenueError::Unsupported`] (`read-only venue`), no request.
    fn act(&self, _action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        Box::pin(async {
            Err(VenueError::Unsupported {
                venue: NAME.into(),
                what: "read-only venue".into(),
            })
        })
    }
}
