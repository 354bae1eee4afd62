//! Preferences: what a user chose (in the config or on the command line) about how the
//! blotter looks, as opposed to what the venues sent.

use serde::{Deserialize, Serialize};

use super::keymap::Keymap;
use super::view::Sort;

/// A theme's name, as written in the config (`[ui] theme = "light"`) and on the command line
/// (`--theme light`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    /// Bright ANSI colours for a dark terminal background (the default).
    #[default]
    Dark,
    /// Dark 256-colour variants for a light (white) terminal background.
    Light,
    /// No colours: bold, reverse and underline only (what `NO_COLOR` asks for).
    Mono,
}

impl ThemeName {
    /// Every theme, in the order `--help` lists them.
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Mono];

    /// The name as written in the config and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }

    /// The theme to use, from (highest precedence first): `NO_COLOR` set and non-empty
    /// (forces `mono`), the `--theme` flag, the config's `theme`, the config's `color = false`
    /// (`mono`); else `dark`. `no_color` is the value of the `NO_COLOR` environment variable.
    pub fn resolve(
        flag: Option<ThemeName>,
        config_theme: Option<ThemeName>,
        config_color: Option<bool>,
        no_color: Option<&std::ffi::OsStr>,
    ) -> ThemeName {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ThemeName::Mono;
        }
        flag.or(config_theme)
            .or((config_color == Some(false)).then_some(ThemeName::Mono))
            .unwrap_or_default()
    }
}

/// What a user set up in the config that shapes every session's screen — local, replay or
/// SSH: saved views, columns, keys, theme and alerts ([`crate::config::Config::prefs`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prefs {
    /// `[[views]]`, in config order.
    pub saved_views: Vec<SavedView>,
    /// `[columns]` per tab (in display order; `None`: all, in the default order).
    pub columns: [Option<Vec<usize>>; 4],
    /// The default keys with `[keys]` applied.
    pub keymap: Keymap,
    /// `--theme` / `[ui] theme` / `NO_COLOR`, resolved.
    pub theme: ThemeName,
    /// `[alerts]`.
    pub alerts: Alerts,
    /// `[history] window`: the History tab's window (where `w` comes back to).
    pub history_window: crate::history::Window,
}

/// A named filter + sort for the active-orders tab (`[[views]]` in the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    /// Name shown in the table title, e.g. `eth-paused`.
    pub name: String,
    /// Filter text, the same language as `/` (`pair:ETH-* status:paused`).
    pub filter: String,
    /// Sort column and direction.
    pub sort: Sort,
}

/// What an alert does (`[alerts]` lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertAction {
    /// Highlight the order's row for a few seconds (`ALERT_FLASH_SECS`).
    Flash,
    /// Say it on the banner (status) line.
    Status,
    /// Ring the terminal bell (BEL), via [`Command::Bell`](crate::app::Command::Bell).
    Bell,
}

/// `[alerts]`: what happens when a new ERROR message arrives, or an order turns FAILED or
/// COMPLETE (never on the first load of a venue's data).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Alerts {
    /// A new ERROR message (default: status).
    pub on_error: Vec<AlertAction>,
    /// An order turned FAILED (default: status and flash).
    pub on_failed: Vec<AlertAction>,
    /// An order turned COMPLETE (default: status).
    pub on_complete: Vec<AlertAction>,
}

impl Default for Alerts {
    fn default() -> Self {
        Self {
            on_error: vec![AlertAction::Status],
            on_failed: vec![AlertAction::Status, AlertAction::Flash],
            on_complete: vec![AlertAction::Status],
        }
    }
}
