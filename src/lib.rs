#![recursion_limit = "256"]
#![warn(missing_docs)]
// Venue numbers are `Decimal`s whose operators panic on overflow: all their arithmetic goes
// through `num`'s checked helpers (integer and time types are allowed in clippy.toml).
#![deny(clippy::arithmetic_side_effects)]
//! `blotter`: a terminal order blotter for crypto execution venues.
//!
//! Layers (one direction): [`venue`] adapters → [`feed`] task → [`app`] state → [`ui`] render.
//! [`sim`] is the embedded Tread.fi-compatible venue used by demo mode and tests; [`serve`]
//! runs sessions of the same app over SSH, all fed by one shared feed per venue.

pub mod actions;
pub mod app;
pub mod audit;
pub mod config;
pub mod desk;
pub mod domain;
pub mod dump;
pub mod feed;
pub mod filter_history;
pub mod format;
pub mod history;
pub mod nats;
pub mod num;
pub mod record;
pub mod sanitize;
pub mod serve;
// The embedded simulator computes on its own book, not on venue payloads.
#[allow(clippy::arithmetic_side_effects)]
pub mod sim;
pub mod tca;
pub mod tui;
pub mod ui;
pub mod venue;

/// Test hook, debug builds only: panics when the environment variable
/// `BLOTTER_DEBUG_PANIC` names `place` (`render`, `update` or `feed`), so tests can check
/// that a panic anywhere leaves the terminal restored. Release builds compile it away.
#[inline]
pub fn debug_panic(place: &str) {
    #[cfg(debug_assertions)]
    #[allow(clippy::panic, reason = "a test hook: the panic is the point")]
    if std::env::var("BLOTTER_DEBUG_PANIC").is_ok_and(|v| v == place) {
        panic!("BLOTTER_DEBUG_PANIC: deliberate panic in {place}");
    }
    #[cfg(not(debug_assertions))]
    let _ = place;
}
