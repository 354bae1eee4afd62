#![recursion_limit = "256"]
//! `blotter`: a terminal order blotter for crypto execution venues.
//!
//! Layers (one direction): [`venue`] adapters → [`feed`] task → [`app`] state → [`ui`] render.
//! [`sim`] is the embedded Tread.fi-compatible venue used by demo mode and tests.

pub mod app;
pub mod audit;
pub mod config;
pub mod domain;
pub mod dump;
pub mod feed;
pub mod format;
pub mod sanitize;
pub mod sim;
pub mod tui;
pub mod ui;
pub mod venue;
