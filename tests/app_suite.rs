//! One test binary for the app, state, render and local tests that need no network: each
//! `tests/<file>.rs` below is a module here (`cargo test --test app_suite render::`), so the
//! cold build links one binary instead of one per file. Test files are not moved, so their
//! history and `include_str!` paths stay; insta names their snapshots
//! `app_suite__<file>__<test>.snap`. To add a test file, see `Cargo.toml` (`autotests = false`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// tests may fail loudly
// Each file keeps its own `mod common;` (and `mod recording;`), so it reads as before and edits
// to it merge cleanly; the shared helpers are compiled once per file that uses them.
#![allow(clippy::duplicate_mod)]

#[path = "alert_rules.rs"]
mod alert_rules;
#[path = "alerts.rs"]
mod alerts;
#[path = "amend_rules.rs"]
mod amend_rules;
#[path = "app_update.rs"]
mod app_update;
#[path = "assets.rs"]
mod assets;
#[path = "audit_view.rs"]
mod audit_view;
#[path = "book_parts.rs"]
mod book_parts;
#[path = "book_refresh.rs"]
mod book_refresh;
#[path = "clipboard.rs"]
mod clipboard;
#[path = "desk.rs"]
mod desk;
#[path = "doc_shapes.rs"]
mod doc_shapes;
#[path = "errors_console.rs"]
mod errors_console;
#[path = "history_app.rs"]
mod history_app;
#[path = "history_render.rs"]
mod history_render;
#[path = "loop_io.rs"]
mod loop_io;
#[path = "prompts.rs"]
mod prompts;
#[path = "properties.rs"]
mod properties;
#[path = "reading.rs"]
mod reading;
#[path = "render.rs"]
mod render;
#[path = "replay.rs"]
mod replay;
#[path = "views.rs"]
mod views;

/// Every `tests/*.rs` file is compiled into some test binary: with `autotests = false` a new
/// file is otherwise silently never run. A file counts when `Cargo.toml` names it as a
/// `[[test]]` path or a `[[test]]` file includes it with `#[path = "<file>"]`.
#[test]
fn every_test_file_is_registered() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let targets: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("path = \"tests/"))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    let mut included: Vec<String> = targets.iter().map(|t| (*t).to_owned()).collect();
    for target in &targets {
        let text = std::fs::read_to_string(root.join("tests").join(target)).unwrap();
        included.extend(
            text.lines()
                .filter_map(|l| l.trim().strip_prefix("#[path = \""))
                .filter_map(|l| l.strip_suffix("\"]"))
                .map(str::to_owned),
        );
    }
    let mut missing: Vec<String> = std::fs::read_dir(root.join("tests"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs") && !included.contains(name))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "test files in tests/ that run in no test binary: {missing:?}; add each as \
         `#[path = \"<file>\"] mod <name>;` to tests/app_suite.rs or tests/venue_suite.rs, or as \
         a [[test]] in Cargo.toml"
    );
}
