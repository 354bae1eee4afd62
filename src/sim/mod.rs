//! The embedded simulated Tread.fi venue (axum), used by demo mode, tests and benches.
