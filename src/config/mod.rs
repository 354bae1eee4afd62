//! Configuration file (TOML). Every key is optional; command-line flags override the file.
//! The API key is never read from the file or the command line: only from the environment
//! variable named by `treadfi.api_key_env` (default `TREADFI_API_KEY`).
//!
//! Here: [`Config`], its sections and their defaults; `venues.rs`: the `[[venue]]` sections;
//! `load.rs`: parsing, checking and the default paths.

use std::path::PathBuf;

use serde::Deserialize;

pub use crate::venue::treadfi::ws::{PushMode, PushSettings};

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[treadfi]`: the venue.
    pub treadfi: TreadfiConfig,
    /// `[refresh]`: polling.
    pub refresh: RefreshConfig,
    /// `[ui]`: display.
    pub ui: UiConfig,
    /// `[keys]`: key overrides, action name (`pause`, `kill_switch`, …) → one key or a list
    /// (`"p"`, `["p", "F5"]`); an action named here loses its default keys.
    pub keys: std::collections::BTreeMap<String, KeyList>,
    /// `[alerts]`: what a new ERROR, a FAILED or a COMPLETE order does (flash, status, bell).
    pub alerts: crate::app::Alerts,
    /// `[log]`: log file.
    pub log: LogConfig,
    /// `[actions]`: read-only mode and the audit log.
    pub actions: ActionsConfig,
    /// `[serve]`: `blotter serve` (SSH).
    pub serve: crate::serve::ServeSection,
    /// `[[views]]`: saved views (name, filter, sort) that `v` cycles through on the
    /// active-orders tab.
    #[serde(rename = "views")]
    pub saved_views: Vec<ViewConfig>,
    /// `[columns]`: which columns each tab shows, in which order.
    pub columns: ColumnsConfig,
    /// `[history]`: the History tab's window and how often it is read.
    pub history: HistoryConfig,
    /// `[[venue]]` sections: several venues side by side. When present, `[treadfi]`'s `url`
    /// must be unset (one way to name a venue).
    #[serde(rename = "venue")]
    pub venues: Vec<VenueConfig>,
}

/// Push-channel settings from `push` and `push_retry_secs` (at least 1 s; the default for a
/// value that is not a number of seconds).
fn push_settings(mode: PushMode, retry_secs: f64) -> PushSettings {
    let default = crate::venue::treadfi::ws::RETRY_REFUSED;
    PushSettings {
        mode,
        retry_refused: std::time::Duration::try_from_secs_f64(retry_secs.max(1.0))
            .unwrap_or(default),
        ..PushSettings::default()
    }
}

fn treadfi_key_env() -> String {
    "TREADFI_API_KEY".into()
}
fn anboto_key_env() -> String {
    "ANBOTO_API_KEY".into()
}
fn anboto_secret_env() -> String {
    "ANBOTO_API_SECRET".into()
}
fn hex() -> String {
    "hex".into()
}
fn recv_window() -> u64 {
    5000
}
fn default_timeout() -> f64 {
    10.0
}
fn default_push_retry() -> f64 {
    crate::venue::treadfi::ws::RETRY_REFUSED.as_secs_f64()
}

/// `[actions]` section.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ActionsConfig {
    /// Refuse every action (pause, resume, amend, cancel) where requests are built.
    pub read_only: bool,
    /// Audit log (JSON lines); unset: `<data dir>/blotter/audit.jsonl`.
    pub audit_file: Option<PathBuf>,
}

/// `[treadfi]` section.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TreadfiConfig {
    /// Base URL, e.g. `https://app.tread.fi`. Unset: demo mode (embedded simulated venue).
    pub url: Option<String>,
    /// Name of the environment variable holding the API key.
    pub api_key_env: String,
    /// Per-request timeout in seconds.
    pub timeout_secs: f64,
    /// Allow plain `http://` to a non-loopback host (the key then travels unencrypted).
    pub allow_insecure: bool,
    /// `push = "auto" | "off"`: follow the (inferred) WebSocket order stream, or poll only
    /// and never request an upgrade (default `auto`).
    pub push: PushMode,
    /// Seconds before trying the push channel again after the server refused the upgrade
    /// (404 and the like): minutes, not seconds (default 300; ±10% jitter).
    pub push_retry_secs: f64,
}

impl TreadfiConfig {
    /// The push-channel settings these keys describe (timing otherwise at its defaults).
    pub fn push_settings(&self) -> PushSettings {
        push_settings(self.push, self.push_retry_secs)
    }
}

impl Default for TreadfiConfig {
    fn default() -> Self {
        Self {
            url: None,
            api_key_env: "TREADFI_API_KEY".into(),
            timeout_secs: 10.0,
            allow_insecure: false,
            push: PushMode::Auto,
            push_retry_secs: default_push_retry(),
        }
    }
}

/// `[refresh]` section.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RefreshConfig {
    /// Seconds between polls of each tab.
    pub interval_secs: f64,
    /// Longest wait between retries after errors, seconds.
    pub max_backoff_secs: f64,
    /// At most this many active orders get their placements fetched each cycle.
    pub placements_max_orders: usize,
}

impl Default for RefreshConfig {
    fn default() -> Self {
        Self {
            interval_secs: 2.0,
            max_backoff_secs: 30.0,
            placements_max_orders: 100,
        }
    }
}

/// `[history]` section: the History tab (finished orders and their transaction-cost
/// figures).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct HistoryConfig {
    /// Which finished orders are shown: `"today"` (since 00:00 UTC, the default), `"<n>h"` or
    /// `"<n>d"`; `w` widens it on screen ([`crate::history::Window`]).
    pub window: String,
    /// Seconds between reads of each venue's history (finished orders change rarely; an order
    /// leaving the active set is read at once). At least 5.
    pub poll_secs: f64,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        Self {
            window: "today".into(),
            poll_secs: 60.0,
        }
    }
}

impl HistoryConfig {
    /// The window, parsed ([`crate::history::Window::parse`]).
    ///
    /// # Errors
    /// A window that is not `today`, `<n>h` or `<n>d`.
    pub fn window(&self) -> Result<crate::history::Window, String> {
        crate::history::Window::parse(&self.window).map_err(|e| format!("[history] {e}"))
    }

    /// The poll interval (at least 5 s).
    pub fn interval(&self) -> std::time::Duration {
        std::time::Duration::try_from_secs_f64(self.poll_secs.max(5.0))
            .unwrap_or(std::time::Duration::from_secs(60))
    }
}

/// `[ui]` section.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// Force colours on (`true`) or off (`false`); unset: on unless `NO_COLOR` is set.
    pub color: Option<bool>,
    /// Colour theme: `dark` (default), `light` (for white backgrounds) or `mono` (no colours;
    /// `NO_COLOR` forces it). `--theme` overrides it.
    pub theme: Option<crate::ui::theme::ThemeName>,
    /// Mouse: click to select a row or a tab, wheel to scroll. Off by default, because mouse
    /// capture stops the terminal's own text selection (hold Shift to select while it is on).
    pub mouse: bool,
}

/// One `[[views]]` entry: a named filter + sort for the active-orders tab.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ViewConfig {
    /// Shown in the table title (`view: NAME`).
    pub name: String,
    /// The same language as `/`: words and `side:` `status:` `acct:` `pair:` `strategy:`
    /// `venue:` `id:` terms (empty: every order).
    #[serde(default)]
    pub filter: String,
    /// Sort column: created, pair, side, status, fill, notional, updated, time left,
    /// account (default created, newest first).
    #[serde(default)]
    pub sort: Option<String>,
    /// Reverse the sort's natural direction.
    #[serde(default)]
    pub reverse: bool,
}

/// `[columns]`: per tab, the column headers to show, in order (any case); unset shows them
/// all. The venue column, with several venues, always comes first.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ColumnsConfig {
    /// Active orders, e.g. `["ID", "Pair", "Side", "Status", "Fill", "Avg px", "Account"]`.
    pub active: Option<Vec<String>>,
    /// Multi-orders.
    pub multi: Option<Vec<String>>,
    /// Placements.
    pub placements: Option<Vec<String>>,
    /// Order errors.
    pub errors: Option<Vec<String>>,
}

/// One `[keys]` entry: a key (`"K"`) or a list of keys (`["p", "F5"]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum KeyList {
    /// One key.
    One(String),
    /// Several keys, the first shown first in the help.
    Many(Vec<String>),
}

impl KeyList {
    /// The keys as written.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

/// `[log]` section.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// Log file path; unset: `<data dir>/blotter/blotter.log`.
    pub file: Option<PathBuf>,
    /// Level: error, warn, info, debug, trace.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            file: None,
            level: "info".into(),
        }
    }
}

mod load;
#[cfg(test)]
mod tests;
mod venues;

pub use load::{ConfigError, default_audit_path, default_log_path, default_path};
pub use venues::{AlphaSecVenue, AnbotoVenue, TreadfiVenue, VenueConfig, read_secret_file};
