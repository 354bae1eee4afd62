//! The example files shipped under `assets/` are real: each one is read by the code that would
//! read it in production, so an example cannot drift from what the blotter accepts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::path::{Path, PathBuf};

use blotter::app::keymap::KeyAction;
use blotter::config::Config;
use blotter::serve::keys::AuthorizedKeys;
use blotter::ui::theme::ThemeName;

fn asset(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    (path, text)
}

#[test]
fn the_example_keymap_is_a_valid_keys_table_and_binds_vim_movement() {
    let (path, text) = asset("keys.vim.toml");
    let cfg = Config::parse(&text, &path).unwrap();
    let prefs = cfg.prefs().unwrap();
    assert_eq!(prefs.keymap.keys_label(KeyAction::Down), "j/↓");
    assert_eq!(prefs.keymap.keys_label(KeyAction::KillSwitch), "Ctrl-k");
}

#[test]
fn the_example_light_theme_selects_the_light_theme_and_the_mouse() {
    let (path, text) = asset("theme-light.toml");
    let cfg = Config::parse(&text, &path).unwrap();
    assert_eq!(cfg.ui.theme, Some(ThemeName::Light));
    assert!(cfg.ui.mouse);
}

#[test]
fn the_example_authorized_keys_holds_exactly_one_key_and_nothing_unreadable() {
    let (_, text) = asset("authorized_keys.example");
    let (keys, bad) = AuthorizedKeys::parse(&text);
    assert_eq!((keys.len(), bad), (1, 0));
}

#[test]
fn the_systemd_unit_runs_serve_with_secrets_from_an_environment_file_only() {
    let (_, text) = asset("blotter-serve.service");
    let exec = text
        .lines()
        .find(|l| l.starts_with("ExecStart="))
        .expect("ExecStart line");
    assert!(exec.contains(" serve "), "{exec}");
    assert!(
        !exec.to_ascii_lowercase().contains("key="),
        "no secret on argv: {exec}"
    );
    assert!(text.contains("EnvironmentFile=/etc/blotter/secrets.env"));
    // Every flag of the unit's command line is one the binary knows (clap stops at `--help`
    // only after reading the flags before it, so an unknown or misplaced flag fails here).
    let args: Vec<&str> = exec["ExecStart=".len()..]
        .split_whitespace()
        .skip(1)
        .collect();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args(&args)
        .arg("--help")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
