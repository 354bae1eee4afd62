//! Anboto adapter: Trading API v2 (`anboto-trading-api-v2.md`).
//!
//! - [`AnbotoClient`] implements [`crate::venue::Venue`] over signed HTTP: cancel is the only
//!   action ([`ANBOTO_CAPABILITIES`]); pause/resume/amend and multi-order actions are refused
//!   without a request.
//! - [`sign`] holds the pure signing rules (HMAC-SHA256 over
//!   `timestamp + key + recv_window + (sorted query | JSON body)`, hex or base64).
//! - The `decode_*` functions are pure: bytes of a documented response → domain types, per row
//!   for order lists ([`crate::domain::BadRow`]); [`order_messages`] derives error messages from
//!   rejection codes, since Anboto has no order-messages endpoint.
//!
//! Mapping (`anboto-trading-api-v2.md`, schemas `OrderDetails`, `OrderSummary`, `OrderStatus`,
//! `ApiErrorCode`, `Side`):
//!
//! | Anboto `status`    | [`OrderStatus`](crate::domain::OrderStatus)                     |
//! |--------------------|-------------------------------------|
//! | `PENDING_NEW`      | `Submitted`                         |
//! | `ACCEPTED`         | `Active`                            |
//! | `PARTIALLY_FILLED` | `Active` (fill shown by the ratio)  |
//! | `FILLED`           | `Complete`                          |
//! | `CANCELLED`        | `Canceled`                          |
//! | `REJECTED`         | `Failed`                            |
//! | `PAUSED`           | `Paused`                            |
//! | `PENDING_CANCEL`, `PENDING_PAUSE`, `PENDING_UNPAUSE`, `EXPIRED`, `CANCEL_REJECTED`, any other word | `Other(word)` |
//!
//! When a word collapses onto a domain status (`ACCEPTED`, `PARTIALLY_FILLED`, `PENDING_NEW`, …)
//! the venue's word is kept in [`Order::notes`](crate::domain::Order::notes) as `status WORD`, so nothing is lost.
//!
//! Rejections: `error_code` (an `ApiErrorCode` such as `INSUFFICIENT_FUNDS`,
//! `SLIPPAGE_EXCEEDED`, or any other text) and `message` become [`Order::failure_reason`](crate::domain::Order::failure_reason)
//! `CODE: message`; [`order_messages`] turns failure reasons and rejected statuses into
//! [`OrderMessage`](crate::domain::OrderMessage)s of level [`MessageLevel::Error`](crate::domain::MessageLevel::Error).

mod client;
mod convert;
mod history;
pub mod sign;
mod wire;

pub use client::{
    ANBOTO_CAPABILITIES, AnbotoClient, DEFAULT_RECV_WINDOW_MS, MAINNET_URL, TESTNET_URL,
};
pub use convert::{
    OrderSummary, decode_error_message, decode_order_summary, decode_orders_page, decode_summaries,
    map_status, order_messages,
};
pub use history::{HISTORY_LIMIT, HISTORY_MAX_REQUESTS};
pub use sign::{SignatureEncoding, Signer};
