//! `blotter`: a terminal order blotter for crypto execution venues.
//!
//! Layers (one direction): [`venue`] adapters → [`feed`] task → [`app`] state → [`ui`] render.
//! [`sim`] is the embedded Tread.fi-compatible venue used by demo mode and tests.

pub mod domain;
pub mod sim;
pub mod venue;
