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

mod client;
mod convert;
pub mod sign;
mod wire;

pub use client::{
    ANBOTO_CAPABILITIES, AnbotoClient, DEFAULT_RECV_WINDOW_MS, MAINNET_URL, TESTNET_URL,
};
pub use convert::{
    OrderSummary, decode_error_message, decode_order_summary, decode_orders_page, decode_summaries,
    map_status, order_messages,
};
pub use sign::SignatureEncoding;
