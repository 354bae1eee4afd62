//! [`AlphaSecClient`]: the AlphaSec order API (read-only) behind [`Venue`].

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::header::{ACCEPT, RETRY_AFTER};

mod history;

use super::convert::{
    TokenMap, Trade, decode_error, decode_order, decode_orders_page, decode_trades_page,
    order_messages,
};
use crate::domain::{Fill, MultiOrder, Order, OrderId, OrderMessage, Page, Placement};
// Query values and the order id path segment: RFC 3986 unreserved characters only.
use crate::venue::http::{encode_unreserved as encode, network_error};
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

/// The venue's default look-back without `from`/`to`, days ("Default time range: 30 days").
pub const DEFAULT_LOOKBACK_DAYS: i64 = 30;

/// The widest `from`–`to` range one request may ask for, days ("Maximum time range: 90 days";
/// one day of slack for clock differences).
pub const MAX_RANGE_DAYS: i64 = 89;

/// How far back any read goes, days ("Historical data limit: Up to 730 days").
pub const HISTORY_LIMIT_DAYS: i64 = 730;

/// `limit` of trade and history reads: the documented maximum, so few pages are needed.
pub const MAX_LIMIT: u32 = 500;

/// At most this many requests make one logical read (pages × time windows); a read stopped
/// here is returned partial ([`crate::venue::is_partial`]).
pub const MAX_REQUESTS_PER_READ: u32 = 10;

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
    /// `createdAt` (ms) of the open orders seen by the last [`AlphaSecClient::open_orders`]:
    /// how far back their trades must be read.
    opened_at: Arc<Mutex<HashMap<OrderId, i64>>>,
}

/// One time window of a paged read: `from`/`to` in ms (`None`: the venue's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    from: Option<i64>,
    to: Option<i64>,
}

/// The windows that cover `since_ms` … now, newest first: the venue's default window when
/// `since_ms` is within its 30 days (or unknown), else windows of at most
/// [`MAX_RANGE_DAYS`] back to `since_ms` (never past [`HISTORY_LIMIT_DAYS`]).
fn windows(now_ms: i64, since_ms: Option<i64>) -> Vec<Window> {
    let Some(since) = since_ms.filter(|s| *s < now_ms - DEFAULT_LOOKBACK_DAYS * DAY_MS) else {
        return vec![Window {
            from: None,
            to: None,
        }];
    };
    let since = since.max(now_ms - HISTORY_LIMIT_DAYS * DAY_MS);
    let mut out = Vec::new();
    let mut to = None;
    let mut upper = now_ms;
    while upper > since {
        let from = (upper - MAX_RANGE_DAYS * DAY_MS).max(since);
        out.push(Window {
            from: Some(from),
            to,
        });
        upper = from;
        to = Some(from);
    }
    out
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
        let base = crate::venue::http::base_url(base_url)?;
        let address = address.trim().to_owned();
        if address.is_empty() {
            return Err(VenueError::Network(
                "AlphaSec needs a wallet address".into(),
            ));
        }
        let http = crate::venue::http::client(timeout)?;
        Ok(Self {
            http,
            base,
            address,
            tokens,
            limit: DEFAULT_LIMIT,
            opened_at: Arc::default(),
        })
    }

    /// The same client sending `limit` on list reads (at least 1; the venue documents a
    /// maximum of 500 for history and trades).
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// One order's trades: [`AlphaSecClient::trades_since`] back to its opening (when known
    /// from the open-order list; else the venue's 30-day default), keeping this order's.
    async fn order_trades(&self, order_id: &OrderId) -> VenueResult<Page<Trade>> {
        let since = self.oldest_opening(std::slice::from_ref(order_id));
        let mut page = self.trades_since(since).await?;
        page.rows.retain(|t| &t.order_id == order_id);
        Ok(page)
    }

    /// The earliest `createdAt` (ms) among these orders, as seen in the last open-order list.
    fn oldest_opening(&self, ids: &[OrderId]) -> Option<i64> {
        let known = self.opened_at.lock().ok()?;
        ids.iter().filter_map(|id| known.get(id).copied()).min()
    }

    /// Every trade of the wallet since `since_ms` (ms; `None`: the venue's 30-day default):
    /// `GET /api/v1/order/trade` with `limit=500` per time window (89 days at most), each window
    /// read newest first and paged back by `to` = the oldest `createdAt` of a full page (rows
    /// seen twice at the page edge are dropped by `tradeId`). At most
    /// [`MAX_REQUESTS_PER_READ`] requests: beyond that the page is partial.
    ///
    /// # Errors
    /// As [`AlphaSecClient::open_orders`].
    pub async fn trades_since(&self, since_ms: Option<i64>) -> VenueResult<Page<Trade>> {
        let now = jiff::Timestamp::now().as_millisecond();
        read_windows(
            windows(now, since_ms),
            |from, to| self.trades(from, to, Some(MAX_LIMIT)),
            |t: &Trade| t.trade_id.clone(),
            |t| t.created_at,
        )
        .await
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
    ///
    /// A full page (as many rows as `limit`) is followed by the next one back, `to` = its
    /// oldest `createdAt` (rows seen twice at the edge dropped by order id), up to
    /// [`MAX_REQUESTS_PER_READ`] requests; beyond that the page is partial
    /// ([`crate::venue::is_partial`]).
    pub async fn open_orders(&self) -> VenueResult<Page<Order>> {
        let from = jiff::Timestamp::now().as_millisecond() - OPEN_LOOKBACK_DAYS * DAY_MS;
        let mut all: Page<Order> = Page::default();
        let mut seen = HashSet::new();
        let mut to = None;
        for n in 1..=MAX_REQUESTS_PER_READ {
            let body = self
                .get("/api/v1/order/open", &self.range(Some(from), to, None))
                .await?;
            let page = decode_orders_page(&body, &self.tokens)?;
            let full = page.rows.len() + page.bad_rows.len() >= self.limit as usize;
            let oldest = merge_new(
                &mut all,
                page,
                &mut seen,
                |o| o.id.clone(),
                |o| o.created_at,
            );
            match oldest {
                Some(o) if full && Some(o) != to && o > from => {
                    if n == MAX_REQUESTS_PER_READ {
                        all.page_number = Some(n);
                        all.num_pages = Some(n + 1);
                    }
                    to = Some(o);
                }
                _ => break,
            }
        }
        if let Ok(mut known) = self.opened_at.lock() {
            *known = all
                .rows
                .iter()
                .filter_map(|o| Some((o.id.clone(), o.created_at?.as_millisecond())))
                .collect();
        }
        Ok(all)
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
                page_number: page.page_number,
                num_pages: page.num_pages,
            })
        })
    }

    /// The trades endpoint is per address: one [`AlphaSecClient::trades_since`] read per
    /// cycle, back to the oldest of these orders' opening, split by order — the request count
    /// does not grow with the number of orders. `after` is applied here (the endpoint has no
    /// such filter). Undecodable rows are reported once, with the first order.
    fn placements_many(
        &self,
        requests: Vec<crate::venue::PlacementsRequest>,
    ) -> BoxFuture<'_, Vec<(OrderId, VenueResult<Page<Placement>>)>> {
        Box::pin(async move {
            if requests.is_empty() {
                return Vec::new();
            }
            let ids: Vec<OrderId> = requests.iter().map(|r| r.order_id.clone()).collect();
            let trades = match self.trades_since(self.oldest_opening(&ids)).await {
                Ok(t) => t,
                Err(e) => {
                    return requests
                        .into_iter()
                        .map(|r| (r.order_id, Err(e.clone())))
                        .collect();
                }
            };
            let mut bad_rows = Some(trades.bad_rows);
            requests
                .into_iter()
                .map(|r| {
                    let rows = trades
                        .rows
                        .iter()
                        .filter(|t| t.order_id == r.order_id)
                        .filter(|t| match (r.after, t.created_at) {
                            (Some(after), Some(at)) => at > after,
                            _ => true,
                        })
                        .map(Trade::to_placement)
                        .collect();
                    let page = Page {
                        rows,
                        bad_rows: bad_rows.take().unwrap_or_default(),
                        page_number: trades.page_number,
                        num_pages: trades.num_pages,
                    };
                    (r.order_id, Ok(page))
                })
                .collect()
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

    /// Any number: [`Venue::order_errors`] is one history read whatever the ids.
    fn order_errors_batch(&self) -> usize {
        usize::MAX
    }

    /// Derived: the completed-order history (`GET /api/v1/order`, `limit=500`, back to the
    /// oldest of these orders' opening or the venue's 30-day default; one request unless a page
    /// is full) kept to these ids, then [`super::order_messages`] (rejected orders). The
    /// request count does not grow with the number of ids (the open orders asked about are
    /// not rejected until they show up there). No ids → empty, no request.
    fn order_errors(&self, order_ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        let ids: HashSet<OrderId> = order_ids.iter().cloned().collect();
        let since = self.oldest_opening(order_ids);
        Box::pin(async move {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let now = jiff::Timestamp::now().as_millisecond();
            let mut orders = Vec::new();
            let mut requests = 0u32;
            'windows: for w in windows(now, since) {
                let mut to = w.to;
                loop {
                    if requests == MAX_REQUESTS_PER_READ {
                        break 'windows;
                    }
                    requests += 1;
                    let page = self.history(w.from, to, Some(MAX_LIMIT)).await?;
                    let full = page.rows.len() + page.bad_rows.len() >= MAX_LIMIT as usize;
                    let oldest = page
                        .rows
                        .iter()
                        .filter_map(|o| o.created_at)
                        .min()
                        .map(|t| t.as_millisecond());
                    orders.extend(page.rows.into_iter().filter(|o| ids.contains(&o.id)));
                    match oldest {
                        Some(o) if full && Some(o) != to && w.from.is_none_or(|f| o > f) => {
                            to = Some(o)
                        }
                        _ => break,
                    }
                }
            }
            orders.sort_by(|a, b| a.id.cmp(&b.id));
            orders.dedup_by(|a, b| a.id == b.id);
            Ok(order_messages(&orders))
        })
    }

    /// [`AlphaSecClient::finished_since`] `since`.
    fn history(&self, since: jiff::Timestamp) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(self.finished_since(since.as_millisecond()))
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

/// Adds the rows of `page` not seen before (by `key`) to `all`, and its bad rows; returns the
/// oldest row's creation time in milliseconds: where the next request pages back from (`to`).
/// AlphaSec pages newest first and a row at the boundary can come twice.
/// Reads `windows` in order, each newest first and paged back by `to` = the oldest `created`
/// of a full page ([`MAX_LIMIT`] rows; rows seen twice at the page edge are dropped by `key`).
/// At most [`MAX_REQUESTS_PER_READ`] requests: beyond that the page is returned partial
/// (`page_number` < `num_pages`).
///
/// # Errors
/// The first failed request's error.
async fn read_windows<T, K, Fut>(
    windows: Vec<Window>,
    fetch: impl Fn(Option<i64>, Option<i64>) -> Fut,
    key: impl Fn(&T) -> K,
    created: impl Fn(&T) -> Option<jiff::Timestamp>,
) -> VenueResult<Page<T>>
where
    K: Eq + std::hash::Hash,
    Fut: std::future::Future<Output = VenueResult<Page<T>>>,
{
    let mut all: Page<T> = Page::default();
    let mut seen = HashSet::new();
    let mut requests = 0u32;
    for w in windows {
        let mut to = w.to;
        loop {
            if requests == MAX_REQUESTS_PER_READ {
                all.page_number = Some(requests);
                all.num_pages = Some(requests + 1);
                return Ok(all);
            }
            requests += 1;
            let page = fetch(w.from, to).await?;
            let full = page.rows.len() + page.bad_rows.len() >= MAX_LIMIT as usize;
            let oldest = merge_new(&mut all, page, &mut seen, &key, &created);
            match oldest {
                // A full page with room before its oldest row: read on from there.
                Some(o) if full && Some(o) != to && w.from.is_none_or(|f| o > f) => to = Some(o),
                _ => break,
            }
        }
    }
    Ok(all)
}

fn merge_new<T, K: Eq + std::hash::Hash>(
    all: &mut Page<T>,
    page: Page<T>,
    seen: &mut std::collections::HashSet<K>,
    key: impl Fn(&T) -> K,
    created: impl Fn(&T) -> Option<jiff::Timestamp>,
) -> Option<i64> {
    let oldest = page
        .rows
        .iter()
        .filter_map(&created)
        .min()
        .map(|t| t.as_millisecond());
    all.bad_rows.extend(page.bad_rows);
    for row in page.rows {
        if seen.insert(key(&row)) {
            all.rows.push(row);
        }
    }
    oldest
}
