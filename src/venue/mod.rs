//! Venue adapters behind one trait. Each adapter turns its venue's wire format into the crate's
//! [`crate::domain`] types; wire structs stay private to the adapter module.

pub mod alphasec;
pub mod anboto;
pub mod decode;
mod http;
pub use http::install_crypto_provider;
pub mod treadfi;

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{Fill, MultiOrder, Order, OrderId, OrderMessage, Page, Placement};

/// What a venue supports. A venue without an action says so; the UI shows the action as
/// unavailable with the reason rather than hiding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Single orders can be paused.
    pub pause: bool,
    /// Single orders can be resumed.
    pub resume: bool,
    /// Single orders can be amended.
    pub amend: bool,
    /// Single orders can be canceled.
    pub cancel: bool,
    /// The venue has multi-orders (tab 2 and its actions).
    pub multi_orders: bool,
    /// The venue has a push channel (WebSocket).
    pub push: bool,
    /// One request pauses every active order (`POST /api/pause_all_orders/`).
    pub pause_all: bool,
    /// One request cancels every open order, optionally of some accounts
    /// (`POST /api/cancel_all_orders/` with `account_names`).
    pub cancel_all: bool,
    /// One request resumes every paused order ([`Action::ResumeAll`]; Tread:
    /// `POST /api/resume_all_orders/`, no account filter).
    #[serde(default)]
    pub resume_all: bool,
    /// One request cancels a list of orders by id ([`Action::CancelMany`]; Anboto:
    /// `POST /api/v2/trading/order/cancelMany`).
    #[serde(default)]
    pub cancel_many: bool,
    /// Most order ids one [`Action::CancelMany`] may carry (callers split longer lists);
    /// `None`: the venue documents no limit.
    #[serde(default)]
    pub cancel_many_max: Option<usize>,
}

impl Capabilities {
    /// Everything Tread.fi supports: every single-order action, multi-orders, push, and the
    /// venue-wide `pause_all_orders`, `resume_all_orders`, `cancel_all_orders`. No bulk cancel
    /// by id ([`Capabilities::cancel_many`]): the Tread documents have none for single orders.
    pub const ALL: Capabilities = Capabilities {
        pause: true,
        resume: true,
        amend: true,
        cancel: true,
        multi_orders: true,
        push: true,
        pause_all: true,
        cancel_all: true,
        resume_all: true,
        cancel_many: false,
        cancel_many_max: None,
    };

    /// Nothing supported: read-only, no multi-orders, no push channel.
    pub const NONE: Capabilities = Capabilities {
        pause: false,
        resume: false,
        amend: false,
        cancel: false,
        multi_orders: false,
        push: false,
        pause_all: false,
        cancel_all: false,
        resume_all: false,
        cancel_many: false,
        cancel_many_max: None,
    };

    /// The bulk requests cancelling `ids` takes on this venue: `None` without
    /// [`Capabilities::cancel_many`] (one cancel per order instead), else the ids in chunks of
    /// at most [`Capabilities::cancel_many_max`] (one chunk when the venue documents no limit),
    /// input order kept. No ids → no chunks.
    pub fn cancel_many_chunks(&self, ids: &[OrderId]) -> Option<Vec<Vec<OrderId>>> {
        if !self.cancel_many {
            return None;
        }
        let size = self.cancel_many_max.unwrap_or(usize::MAX).max(1);
        Some(ids.chunks(size).map(<[OrderId]>::to_vec).collect())
    }
}

/// The fields of an amend (`POST /api/amend_order/` `changes`). Only set fields are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendChanges {
    /// `base_asset_qty`, base asset; exclusive with `quote_asset_qty`; positive.
    pub base_asset_qty: Option<Decimal>,
    /// `quote_asset_qty`, quote asset; exclusive with `base_asset_qty`; positive.
    pub quote_asset_qty: Option<Decimal>,
    /// `duration`, seconds; at least 5% more than the elapsed time.
    pub duration_secs: Option<i64>,
    /// `pov_target`, ratio 0–1.
    pub pov_target: Option<Decimal>,
    /// `limit_price`, a price or price expression, sent as a string.
    pub limit_price: Option<String>,
}

impl AmendChanges {
    /// True when no field is set (nothing to send).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// An action a user asks the venue to carry out. Sent exactly once per confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// `POST /api/pause_order/` `{"order_id"}`.
    Pause(OrderId),
    /// `POST /api/resume_order/` `{"order_id"}`.
    Resume(OrderId),
    /// `DELETE /api/order/{id}`.
    Cancel(OrderId),
    /// `POST /api/amend_order/` `{"order_id", "changes"}`.
    Amend(OrderId, AmendChanges),
    /// `POST /api/pause_multi_order/` `{"multi_order_id"}`.
    PauseMulti(OrderId),
    /// `POST /api/resume_multi_order/` `{"multi_order_id"}`.
    ResumeMulti(OrderId),
    /// `POST /api/cancel_multi_orders/` `{"order_ids": [id]}`.
    CancelMulti(OrderId),
    /// `POST /api/pause_all_orders/` (no body: every active order of the key's user — the
    /// document gives this endpoint no account filter). `venue` only routes it.
    PauseAll {
        /// The venue connection to send it to.
        venue: crate::domain::VenueId,
    },
    /// `POST /api/resume_all_orders/` (no body: every paused single-leg order of the key's
    /// user). Offered where [`Capabilities::pause_all`] is (Tread documents the pair side by
    /// side). `venue` only routes it.
    ResumeAll {
        /// The venue connection to send it to.
        venue: crate::domain::VenueId,
    },
    /// Cancel these orders in one request where the venue has a bulk cancel (Anboto:
    /// `POST /api/v2/trading/order/cancelMany` `{"orders": [{"order_id": N}, …]}`). Offered
    /// where [`Capabilities::cancel`] is; a venue without a bulk endpoint answers
    /// [`VenueError::Unsupported`] and the caller sends one [`Action::Cancel`] per order.
    /// `venue` only routes it.
    CancelMany {
        /// The venue connection to send it to.
        venue: crate::domain::VenueId,
        /// The orders to cancel.
        order_ids: Vec<OrderId>,
    },
    /// `POST /api/cancel_all_orders/?exclude_paused=false` with
    /// `{"account_names": "a,b"}` (no body: every account): every open order, paused ones
    /// included. `venue` only routes it.
    CancelAll {
        /// The venue connection to send it to.
        venue: crate::domain::VenueId,
        /// Accounts to cancel (empty: all).
        account_names: Vec<String>,
    },
}

impl Action {
    /// The order (or multi-order) the action targets; for the all-order actions a stand-in
    /// naming the scope (`all orders`, `all orders of binance_main`), which also keys "an action
    /// on this is in flight".
    pub fn order_id(&self) -> OrderId {
        match self {
            Action::Pause(id)
            | Action::Resume(id)
            | Action::Cancel(id)
            | Action::Amend(id, _)
            | Action::PauseMulti(id)
            | Action::ResumeMulti(id)
            | Action::CancelMulti(id) => id.clone(),
            Action::PauseAll { .. } | Action::ResumeAll { .. } => OrderId::new("all orders"),
            Action::CancelMany { order_ids, .. } => match order_ids.as_slice() {
                [one] => one.clone(),
                many => OrderId::new(format!("{} orders", many.len())),
            },
            Action::CancelAll { account_names, .. } if account_names.is_empty() => {
                OrderId::new("all orders")
            }
            Action::CancelAll { account_names, .. } => {
                OrderId::new(format!("all orders of {}", account_names.join(",")))
            }
        }
    }

    /// The venue an all-order action is addressed to (order actions go to their order's venue).
    pub fn venue(&self) -> Option<&crate::domain::VenueId> {
        match self {
            Action::PauseAll { venue }
            | Action::ResumeAll { venue }
            | Action::CancelMany { venue, .. }
            | Action::CancelAll { venue, .. } => Some(venue),
            _ => None,
        }
    }

    /// Verb for messages: `pause`, `resume`, `cancel`, `amend`, `pause multi-order`, ….
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Pause(_) => "pause",
            Action::Resume(_) => "resume",
            Action::Cancel(_) => "cancel",
            Action::Amend(..) => "amend",
            Action::PauseMulti(_) => "pause multi-order",
            Action::ResumeMulti(_) => "resume multi-order",
            Action::CancelMulti(_) => "cancel multi-order",
            Action::PauseAll { .. } => "pause all",
            Action::ResumeAll { .. } => "resume all",
            Action::CancelMany { .. } => "cancel many",
            Action::CancelAll { .. } => "cancel all",
        }
    }
}

/// A successful action reply: the venue's own message, verbatim (e.g. `Order canceled!`,
/// `Successfully paused order.`), and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionReply {
    /// HTTP status code (200 or 202 for Tread).
    pub status: u16,
    /// The venue's message: `message` of a JSON object, a bare JSON string, or the raw body.
    pub message: String,
}

/// Why a venue call failed. The UI shows [`std::fmt::Display`] of this; it never contains the
/// API key.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum VenueError {
    /// The venue answered with a non-success status. `message` is the venue's own text
    /// (`error`, `detail`, `message`, `errors[]`, or a bare string).
    #[error("{status} {message}")]
    Http {
        /// HTTP status code.
        status: u16,
        /// The venue's message.
        message: String,
        /// `Retry-After` seconds where the venue sent it (429/503).
        retry_after_secs: Option<u64>,
    },
    /// The request never got an answer (connect, timeout, reset).
    #[error("network: {0}")]
    Network(String),
    /// An action may or may not have been carried out: the request left but no answer came
    /// (timeout, connection lost mid-way). Never retried automatically; refetch to find out.
    #[error("outcome unknown ({0}); refetching the order to see what happened")]
    OutcomeUnknown(String),
    /// The body was not the documented shape. `path` is the JSON field path where known.
    #[error("decode {path}: {message}")]
    Decode {
        /// Field path, e.g. `orders[3].executed_qty` or `$`.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The venue does not support this call.
    #[error("not supported by {venue}: {what}")]
    Unsupported {
        /// Venue name.
        venue: String,
        /// The action or endpoint.
        what: String,
    },
}

impl VenueError {
    /// True for 401/403: retrying won't help until the key changes.
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            VenueError::Http {
                status: 401 | 403,
                ..
            }
        )
    }
}

/// One message from a venue's push channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PushEvent {
    /// An order changed (Tread: `{"type":"order_update","data":{…}}`).
    OrderUpdate {
        /// `data.order_id` (or the order's own `id`).
        order_id: OrderId,
        /// `data.update_type`, e.g. `fill_received`, `order_paused`, `child_order_completed`;
        /// unknown types are kept and mean "this order changed, refetch it".
        update_type: String,
        /// `data.order` when it was sent and decoded; `None` means refetch.
        order: Option<Box<Order>>,
    },
}

impl PushEvent {
    /// True for updates after which the order's placements and errors should be refetched
    /// (fills, failures, placements).
    pub fn touches_details(&self) -> bool {
        match self {
            PushEvent::OrderUpdate { update_type, .. } => {
                let t = update_type.as_str();
                t.contains("fill")
                    || t.contains("fail")
                    || t.contains("placement")
                    || t.contains("error")
            }
        }
    }
}

/// A live push subscription: events until the connection ends, then one final `Err` saying
/// why (closed, silent, auth rejected as `Http { status: 401, .. }`).
pub type PushStream = BoxStream<'static, VenueResult<PushEvent>>;

/// Read-only mode: reads pass through; every action is refused here, where requests are
/// built, so no write request can leave whatever the UI does.
pub struct ReadOnly {
    inner: std::sync::Arc<dyn Venue>,
    name: String,
}

impl ReadOnly {
    /// Wraps a venue.
    pub fn new(inner: std::sync::Arc<dyn Venue>) -> Self {
        let name = format!("{} (read-only)", inner.name());
        Self { inner, name }
    }
}

impl Venue for ReadOnly {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            pause: false,
            resume: false,
            amend: false,
            cancel: false,
            pause_all: false,
            cancel_all: false,
            resume_all: false,
            cancel_many: false,
            ..self.inner.capabilities()
        }
    }

    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        self.inner.active_orders()
    }

    fn active_orders_parts(&self) -> BoxStream<'_, VenueResult<Page<Order>>> {
        self.inner.active_orders_parts()
    }

    fn multi_orders(&self, page_number: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        self.inner.multi_orders(page_number)
    }

    fn multi_order(&self, id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        self.inner.multi_order(id)
    }

    fn placements(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        self.inner.placements(order_id)
    }

    fn order_errors(&self, order_ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        self.inner.order_errors(order_ids)
    }

    fn order_errors_batch(&self) -> usize {
        self.inner.order_errors_batch()
    }

    fn placements_since(
        &self,
        order_id: &OrderId,
        after: Option<Timestamp>,
    ) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        self.inner.placements_since(order_id, after)
    }

    fn placements_many(
        &self,
        requests: Vec<PlacementsRequest>,
    ) -> BoxFuture<'_, Vec<(OrderId, VenueResult<Page<Placement>>)>> {
        self.inner.placements_many(requests)
    }

    fn fills(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Fill>>> {
        self.inner.fills(order_id)
    }

    fn describe_request(&self, action: &Action) -> Option<String> {
        self.inner.describe_request(action)
    }

    fn act(&self, action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        let what = format!("{} (read-only mode)", action.verb());
        Box::pin(async move {
            Err(VenueError::Unsupported {
                venue: self.inner.name().to_string(),
                what,
            })
        })
    }

    fn push(&self) -> BoxFuture<'_, VenueResult<Option<PushStream>>> {
        self.inner.push()
    }

    fn history(&self, since: Timestamp) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        self.inner.history(since)
    }
}

/// Keeps only the finished rows of a history read ([`crate::domain::OrderStatus::is_terminal`]):
/// a venue's history list may also carry orders still working.
pub fn keep_finished(page: &mut Page<Order>) {
    page.rows.retain(|o| o.status.is_terminal());
}

/// Result of a venue call.
pub type VenueResult<T> = Result<T, VenueError>;

/// One order's placements to read in a poll cycle: the order and, when some of its
/// placements are already known, the time after which to read (placements created earlier are
/// not fetched again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementsRequest {
    /// The order (Tread `order_id`).
    pub order_id: OrderId,
    /// Read only placements created after this (Tread `after`, ISO 8601 UTC); `None`: all.
    pub after: Option<Timestamp>,
}

/// True when `page` is a partial read: the client stopped at its page cap with more pages
/// left (`page_number` — the last page read — below `num_pages`). A venue with no page numbers
/// (AlphaSec) reports a hit row cap as `page_number = n`, `num_pages = n + 1`.
pub fn is_partial<T>(page: &Page<T>) -> bool {
    partial_read(page.page_number, page.num_pages)
}

/// [`is_partial`] of a page's `page_number` (last page read) and `num_pages`.
pub fn partial_read(page_number: Option<u32>, num_pages: Option<u32>) -> bool {
    matches!((page_number, num_pages), (Some(read), Some(total)) if read < total)
}

/// One venue connection. Implementations are cheap to share (`Arc<dyn Venue>`); every method
/// is one request (or one logical read) and never retries on its own — the feed decides.
pub trait Venue: Send + Sync {
    /// Short display name, e.g. `Tread.fi`.
    fn name(&self) -> &str;

    /// What this venue supports.
    fn capabilities(&self) -> Capabilities;

    /// Active orders, paused ones included (Tread: `GET /api/active_orders/?exclude_paused=false`).
    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>>;

    /// The same read as [`Venue::active_orders`], in parts as the reply arrives, so the first
    /// rows can be shown (and memory freed) before the last byte lands. Each item is a part:
    /// the rows decoded since the last part, in the venue's order, and the rows of that part
    /// that failed ([`Page::bad_rows`], `index` counted over the whole read); `page_number` and
    /// `num_pages` are set on the last part only. The read is complete when the stream ends
    /// after an `Ok` part; an `Err` item ends it early (the parts before it are not the whole
    /// set). Concatenating every part's rows gives what `active_orders` returns.
    /// Default: the whole `active_orders` read as one part.
    fn active_orders_parts(&self) -> BoxStream<'_, VenueResult<Page<Order>>> {
        futures_util::stream::once(self.active_orders()).boxed()
    }

    /// One page (1-based) of multi-orders (Tread: `GET /api/multi_orders/?page_number=N`).
    fn multi_orders(&self, page_number: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>>;

    /// One multi-order with its child orders
    /// (Tread: `GET /api/multi_order/{id}?include_child_orders=true`).
    fn multi_order(&self, id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>>;

    /// Placements of one order (Tread: `GET /api/placements/?order_id=ID`).
    fn placements(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>>;

    /// Messages (errors, warnings, info) of these orders, newest first
    /// (Tread: `GET /api/order_errors/?order_ids=a,b`).
    fn order_errors(&self, order_ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>>;

    /// How many order ids one [`Venue::order_errors`] call takes (the feed splits longer
    /// lists): 50 by default, keeping id lists in query strings short (Tread `order_ids`,
    /// Anboto `orderIds`). A venue whose messages come from one per-account read (AlphaSec)
    /// takes any number.
    fn order_errors_batch(&self) -> usize {
        50
    }

    /// Placements of one order created after `after` (Tread: `GET /api/placements/` with
    /// `order_id`, `after` = ISO 8601 UTC, every page up to the client's page cap; a partial
    /// read is a page with `page_number < num_pages`, see [`is_partial`]). `None`: all of
    /// them. The default ignores `after` and reads everything ([`Venue::placements`]).
    fn placements_since(
        &self,
        order_id: &OrderId,
        after: Option<Timestamp>,
    ) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        let _ = after;
        self.placements(order_id)
    }

    /// Placements of several orders in one poll cycle, one answer per request, in any order.
    /// The default makes one [`Venue::placements_since`] call per order (at most 4 at once);
    /// a venue whose placements come from one per-account list (AlphaSec's trades) overrides
    /// it so the request count does not grow with the number of orders.
    fn placements_many(
        &self,
        requests: Vec<PlacementsRequest>,
    ) -> BoxFuture<'_, Vec<(OrderId, VenueResult<Page<Placement>>)>> {
        Box::pin(async move {
            futures_util::stream::iter(requests)
                .map(|r| async move {
                    let page = self.placements_since(&r.order_id, r.after).await;
                    (r.order_id, page)
                })
                .buffer_unordered(4)
                .collect()
                .await
        })
    }

    /// The request [`Venue::act`] would send for `action`, as `METHOD /path` (e.g. Tread
    /// `POST /api/pause_all_orders/`), for plans and confirmations: each venue spells its own
    /// paths. `None` when the venue does not say (or has no such request).
    fn describe_request(&self, action: &Action) -> Option<String> {
        let _ = action;
        None
    }

    /// Carry out one action; one request.
    fn act(&self, action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>>;

    /// The fills of one order, newest first (Tread: `GET /api/order/{id}?include_fills=true`).
    /// A venue that publishes none answers [`VenueError::Unsupported`] (shown as such).
    fn fills(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Fill>>> {
        let _ = order_id;
        let venue = self.name().to_string();
        Box::pin(async move {
            Err(VenueError::Unsupported {
                venue,
                what: "fills".into(),
            })
        })
    }

    /// Orders that finished (complete, canceled, failed, expired) since `since` (UTC), every
    /// page up to the client's cap (a capped read is partial, see [`is_partial`]), for the
    /// History tab. Tread: `GET /api/orders/?statuses=…&after=…&page=N&page_size=100`; Anboto:
    /// `GET /api/v2/trading/order/find?startMs=…`; AlphaSec: `GET /api/v1/order?from=…`. Only
    /// finished rows are returned. The default answers [`VenueError::Unsupported`] (no
    /// request): the History tab then says the venue has no history.
    fn history(&self, since: Timestamp) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        let _ = since;
        let venue = self.name().to_string();
        Box::pin(async move {
            Err(VenueError::Unsupported {
                venue,
                what: "order history".into(),
            })
        })
    }

    /// Opens the venue's push channel, authenticated and subscribed to the user's orders.
    /// `Ok(None)` when the venue has none (the feed then only polls).
    fn push(&self) -> BoxFuture<'_, VenueResult<Option<PushStream>>> {
        Box::pin(async { Ok(None) })
    }
}
