//! One test binary for the venue clients against the simulator and axum stubs, the feed, the
//! simulator's own rules, the documents' payloads, and the CLI run as a child process: each
//! `tests/<file>.rs` below is a module here (`cargo test --test venue_suite anboto::`), so the
//! cold build links one binary instead of one per file. Test files are not moved; insta names
//! their snapshots `venue_suite__<file>__<test>.snap`. To add a test file, see `Cargo.toml`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// tests may fail loudly
// Each file keeps its own `mod common;` (and `mod recording;`), so it reads as before and edits
// to it merge cleanly; the shared helpers are compiled once per file that uses them.
#![allow(clippy::duplicate_mod)]

#[path = "actions.rs"]
mod actions;
#[path = "alphasec.rs"]
mod alphasec;
#[path = "anboto.rs"]
mod anboto;
#[path = "budget.rs"]
mod budget;
#[path = "bulk.rs"]
mod bulk;
#[path = "cli_actions.rs"]
mod cli_actions;
#[path = "doc_examples.rs"]
mod doc_examples;
#[path = "doc_payloads.rs"]
mod doc_payloads;
#[path = "faults.rs"]
mod faults;
#[path = "feed.rs"]
mod feed;
#[path = "feed_parts.rs"]
mod feed_parts;
#[path = "fills.rs"]
mod fills;
#[path = "history.rs"]
mod history;
#[path = "paging.rs"]
mod paging;
#[path = "push.rs"]
mod push;
#[path = "shell.rs"]
mod shell;
#[path = "sim_anboto_sign.rs"]
mod sim_anboto_sign;
#[path = "sim_client.rs"]
mod sim_client;
#[path = "sim_demo_data.rs"]
mod sim_demo_data;
#[path = "sim_shapes.rs"]
mod sim_shapes;
#[path = "sim_strict.rs"]
mod sim_strict;
#[path = "stream_read.rs"]
mod stream_read;
#[path = "treadfi_client.rs"]
mod treadfi_client;
#[path = "treadfi_decode.rs"]
mod treadfi_decode;
#[path = "tree.rs"]
mod tree;
#[path = "venues.rs"]
mod venues;
