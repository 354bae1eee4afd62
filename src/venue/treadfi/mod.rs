//! Tread.fi adapter: core order API and multi-order/placement API.
