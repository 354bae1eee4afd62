//! Tread.fi adapter: core order API and multi-order/placement API
//! (`treadfi-core-order-api.md`, `treadfi-multi-order-api.md`).
//!
//! - [`TreadfiClient`] implements [`crate::venue::Venue`] over HTTP (`Authorization: Token`).
//! - The `decode_*` functions are pure: bytes of a documented response → domain types, with
//!   exact decimals, percent 0–100 → ratio 0–1, UTC times, and per-row error reporting
//!   ([`crate::domain::BadRow`]) for pages.
//! - Wire structs are private (`wire`); conversion rules (aliases, `limit_price: -1` → no
//!   limit, fill ratio derived from executed/target when `pct_filled` is absent) live in
//!   `convert`.

mod client;
mod convert;
mod error;
mod wire;
pub mod ws;

pub use client::{
    HISTORY_DETAIL_TRIES, HISTORY_DETAILS_PER_READ, HISTORY_MAX_PAGES, HISTORY_STATUSES, PAGE_SIZE,
    PLACEMENTS_MAX_PAGES, TreadfiClient,
};
pub use convert::{
    decode_fills, decode_multi_order, decode_multi_orders_page, decode_order, decode_order_errors,
    decode_orders_page, decode_placements_page,
};
pub use error::decode_error_message;
