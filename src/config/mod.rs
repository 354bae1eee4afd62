//! Configuration file (TOML). Every key is optional; command-line flags override the file.
//! The API key is never read from the file or the command line: only from the environment
//! variable named by `treadfi.api_key_env` (default `TREADFI_API_KEY`).

use std::path::{Path, PathBuf};

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
    /// `[[venue]]` sections: several venues side by side. When present, `[treadfi]`'s `url`
    /// must be unset (one way to name a venue).
    #[serde(rename = "venue")]
    pub venues: Vec<VenueConfig>,
}

/// One `[[venue]]` section, told apart by `kind`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum VenueConfig {
    /// `kind = "treadfi"`: Tread.fi core order + multi-order API (REST and WebSocket).
    Treadfi(TreadfiVenue),
    /// `kind = "anboto"`: Anboto Trading API v2 (HMAC-signed; cancel only).
    Anboto(AnbotoVenue),
    /// `kind = "alphasec"`: AlphaSec order API (read-only).
    Alphasec(AlphaSecVenue),
}

impl VenueConfig {
    /// The section's `name` (stamped on rows, used by the `venue:` filter), defaulting to its
    /// kind.
    pub fn name(&self) -> &str {
        let (name, kind) = match self {
            VenueConfig::Treadfi(v) => (&v.name, "treadfi"),
            VenueConfig::Anboto(v) => (&v.name, "anboto"),
            VenueConfig::Alphasec(v) => (&v.name, "alphasec"),
        };
        name.as_deref().unwrap_or(kind)
    }
}

/// `[[venue]] kind = "treadfi"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TreadfiVenue {
    /// Short name shown in the venue column (default `treadfi`).
    pub name: Option<String>,
    /// Base URL, e.g. `https://app.tread.fi`.
    pub url: String,
    /// Environment variable holding the API key (default `TREADFI_API_KEY`).
    #[serde(default = "treadfi_key_env")]
    pub api_key_env: String,
    /// Per-request timeout, seconds (default 10).
    #[serde(default = "default_timeout")]
    pub timeout_secs: f64,
    /// Allow plain `http://` to a non-loopback host.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Refuse every action on this venue (reads only).
    #[serde(default)]
    pub read_only: bool,
    /// `push = "auto" | "off"`: follow the (inferred) WebSocket order stream, or poll only
    /// and never request an upgrade (default `auto`).
    #[serde(default)]
    pub push: PushMode,
    /// Seconds before trying the push channel again after the server refused the upgrade
    /// (404 and the like): minutes, not seconds (default 300; ±10% jitter).
    #[serde(default = "default_push_retry")]
    pub push_retry_secs: f64,
}

impl TreadfiVenue {
    /// The push-channel settings these keys describe (timing otherwise at its defaults).
    pub fn push_settings(&self) -> PushSettings {
        push_settings(self.push, self.push_retry_secs)
    }
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

/// `[[venue]] kind = "anboto"`. The API key and the HMAC secret come only from environment
/// variables or, for the secret, a file readable by its owner alone (mode `0600`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnbotoVenue {
    /// Short name shown in the venue column (default `anboto`).
    pub name: Option<String>,
    /// Base URL: `https://api.anboto.xyz` (mainnet) or `https://api.testnet.anboto.xyz`.
    pub url: String,
    /// Environment variable holding the API key (default `ANBOTO_API_KEY`).
    #[serde(default = "anboto_key_env")]
    pub api_key_env: String,
    /// Environment variable holding the base64 HMAC secret, or with `signature = "rsa"` the
    /// PEM private key (default `ANBOTO_API_SECRET`).
    #[serde(default = "anboto_secret_env")]
    pub secret_env: String,
    /// File holding the secret (or PEM private key) instead (must not be readable by group or
    /// others).
    pub secret_file: Option<PathBuf>,
    /// How `X-SIGN` is made: `hex` (HMAC-SHA256, the document's rule, default), `base64`
    /// (HMAC-SHA256, as the vendor's examples send it) or `rsa` (RSA-SHA256 with a
    /// self-generated key, base64).
    #[serde(default = "hex")]
    pub signature: String,
    /// `X-RECV-WINDOW`, milliseconds (default 5000).
    #[serde(default = "recv_window")]
    pub recv_window_ms: u64,
    /// Per-request timeout, seconds (default 10).
    #[serde(default = "default_timeout")]
    pub timeout_secs: f64,
    /// Allow plain `http://` to a non-loopback host.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Refuse every action on this venue (reads only).
    #[serde(default)]
    pub read_only: bool,
}

/// `[[venue]] kind = "alphasec"` (read-only: writes are signed on-chain transactions).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlphaSecVenue {
    /// Short name shown in the venue column (default `alphasec`).
    pub name: Option<String>,
    /// Base URL of the AlphaSec API.
    pub url: String,
    /// The wallet address whose orders are shown (`0x…`; public, not a secret).
    pub address: String,
    /// Token id → symbol (`"1" = "ALP"`), for showing market `1_2` as `ALP-USDT`; markets with
    /// an unmapped token show their raw id.
    #[serde(default)]
    pub tokens: std::collections::BTreeMap<String, String>,
    /// Per-request timeout, seconds (default 10).
    #[serde(default = "default_timeout")]
    pub timeout_secs: f64,
    /// Allow plain `http://` to a non-loopback host.
    #[serde(default)]
    pub allow_insecure: bool,
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

/// Reads a secret from a file that only its owner can read (Unix mode without group/other
/// bits); trailing whitespace is dropped.
///
/// # Errors
/// When the file can't be read or is readable by group or others (the message names the path,
/// never the content).
pub fn read_secret_file(path: &Path) -> Result<String, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} is readable by others (mode {:o}); run chmod 600 on it",
                path.display(),
                mode & 0o777
            ));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.trim().to_owned())
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

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file named with `--config` could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema.
    #[error("invalid config {path}: {message}")]
    Parse {
        /// The path.
        path: PathBuf,
        /// The TOML error, with line and column.
        message: String,
    },
}

impl Config {
    /// Parses TOML text.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let cfg: Self = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        };
        if !cfg.venues.is_empty() && cfg.treadfi.url.is_some() {
            return Err(invalid(
                "both [treadfi] url and [[venue]] sections are set: list Tread.fi as a \
                 [[venue]] kind = \"treadfi\" instead"
                    .into(),
            ));
        }
        cfg.keymap().map_err(invalid)?;
        let mut names = std::collections::BTreeSet::new();
        for v in &cfg.venues {
            if !names.insert(v.name()) {
                return Err(invalid(format!(
                    "two [[venue]] sections are named {:?}: give each a distinct name",
                    v.name()
                )));
            }
            if let VenueConfig::Anboto(a) = v
                && !a.signature.eq_ignore_ascii_case("rsa")
                && crate::venue::anboto::SignatureEncoding::parse(&a.signature).is_none()
            {
                return Err(invalid(format!(
                    "[[venue]] {:?}: signature must be \"hex\", \"base64\" or \"rsa\", not {:?}",
                    v.name(),
                    a.signature
                )));
            }
        }
        cfg.prefs().map_err(invalid)?;
        Ok(cfg)
    }

    /// Everything that shapes the screen: saved views and columns (checked against the
    /// screen's columns and sort keys), keys, theme (`NO_COLOR` read here) and alerts.
    ///
    /// # Errors
    /// A view without a name, two views with one name, an unknown sort key or column, a bad
    /// `[keys]` entry.
    pub fn prefs(&self) -> Result<crate::app::Prefs, String> {
        use crate::app::{SavedView, Tab, view::Sort, view::SortKey};
        let mut saved_views = Vec::new();
        for v in &self.saved_views {
            if v.name.trim().is_empty() {
                return Err("a [[views]] entry has no name".into());
            }
            if saved_views.iter().any(|s: &SavedView| s.name == v.name) {
                return Err(format!("two [[views]] are named {:?}", v.name));
            }
            let key = match v.sort.as_deref() {
                None => SortKey::default(),
                Some(word) => SortKey::parse(word).ok_or_else(|| {
                    let keys: Vec<_> = SortKey::ALL.iter().map(|k| k.label()).collect();
                    format!(
                        "[[views]] {:?}: no sort {word:?}; choose from: {}",
                        v.name,
                        keys.join(", ")
                    )
                })?,
            };
            saved_views.push(SavedView {
                name: v.name.clone(),
                filter: v.filter.clone(),
                sort: Sort {
                    key,
                    reverse: v.reverse,
                },
            });
        }
        let c = &self.columns;
        let mut columns: [Option<Vec<usize>>; 4] = Default::default();
        for (tab, names) in [
            (Tab::Active, &c.active),
            (Tab::Multi, &c.multi),
            (Tab::Placements, &c.placements),
            (Tab::Errors, &c.errors),
        ] {
            if let Some(names) = names {
                columns[tab.index()] = Some(
                    crate::ui::pick_columns(tab, names).map_err(|e| format!("[columns] {e}"))?,
                );
            }
        }
        Ok(crate::app::Prefs {
            saved_views,
            columns,
            keymap: self.keymap()?,
            theme: crate::ui::theme::ThemeName::resolve(
                None,
                self.ui.theme,
                self.ui.color,
                std::env::var_os("NO_COLOR").as_deref(),
            ),
            alerts: self.alerts.clone(),
        })
    }

    /// The default keymap with the `[keys]` overrides applied.
    ///
    /// # Errors
    /// An unknown action, a key that does not parse or a key bound twice (the message names
    /// the entry).
    pub fn keymap(&self) -> Result<crate::app::keymap::Keymap, String> {
        crate::app::keymap::Keymap::default().with_overrides(
            self.keys
                .iter()
                .map(|(name, keys)| (name.as_str(), keys.keys())),
        )
    }

    /// Loads `explicit` (must exist) or else the platform default path (used only if it
    /// exists), or else defaults. Returns the config and the path it came from.
    pub fn load(explicit: Option<&Path>) -> Result<(Self, Option<PathBuf>), ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match default_path() {
                Some(p) if p.exists() => p,
                _ => return Ok((Self::default(), None)),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        Ok((Self::parse(&text, &path)?, Some(path)))
    }
}

/// `~/.config/blotter/config.toml` (or the platform's equivalent).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "blotter").map(|d| d.config_dir().join("config.toml"))
}

/// `~/.local/share/blotter/audit.jsonl` (or the platform's equivalent).
pub fn default_audit_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "blotter")
        .map(|d| d.data_local_dir().join("audit.jsonl"))
}

/// `~/.local/share/blotter/blotter.log` (or the platform's equivalent).
pub fn default_log_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "blotter")
        .map(|d| d.data_local_dir().join("blotter.log"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses() {
        let text = include_str!("../config.example.toml");
        let cfg = Config::parse(text, Path::new("config.example.toml"));
        assert!(cfg.is_ok(), "{cfg:?}");
    }

    #[test]
    fn venue_sections_parse_and_are_checked() {
        let text = r#"
[[venue]]
kind = "treadfi"
url = "https://app.tread.fi"

[[venue]]
kind = "anboto"
name = "anboto-test"
url = "https://api.testnet.anboto.xyz"
signature = "base64"

[[venue]]
kind = "alphasec"
url = "https://api.alphasec.example"
address = "0xabc"
tokens = { "1" = "ALP", "2" = "USDT" }
"#;
        let cfg = Config::parse(text, Path::new("c.toml")).unwrap();
        let names: Vec<_> = cfg.venues.iter().map(VenueConfig::name).collect();
        assert_eq!(names, ["treadfi", "anboto-test", "alphasec"]);
        let dup = format!("{text}\n[[venue]]\nkind = \"alphasec\"\nurl = \"x\"\naddress = \"y\"\n");
        let err = Config::parse(&dup, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("distinct name"), "{err}");
        let bad = "[[venue]]\nkind = \"anboto\"\nurl = \"x\"\nsignature = \"ed25519\"\n";
        let err = Config::parse(bad, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("hex"), "{err}");
        let secret_in_file = "[[venue]]\nkind = \"anboto\"\nurl = \"x\"\napi_secret = \"s\"\n";
        assert!(Config::parse(secret_in_file, Path::new("c.toml")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn secret_files_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "c2VjcmV0\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_secret_file(&path).unwrap_err();
        assert!(
            err.contains("chmod 600") && !err.contains("c2VjcmV0"),
            "{err}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_secret_file(&path).unwrap(), "c2VjcmV0");
    }

    #[test]
    fn example_venue_sections_parse_when_uncommented() {
        let text = include_str!("../config.example.toml");
        let start = text.find("# --- venues ---").unwrap();
        let end = text.find("# --- end venues ---").unwrap();
        let block: String = text[start..end]
            .lines()
            .filter(|l| l.starts_with("# ") && !l.starts_with("# # ") && !l.starts_with("# ---"))
            .map(|l| format!("{}\n", &l[2..]))
            .filter(|l| l.starts_with('[') || l.contains(" = "))
            .collect();
        let cfg = Config::parse(&block, Path::new("example")).unwrap();
        let names: Vec<_> = cfg.venues.iter().map(VenueConfig::name).collect();
        assert_eq!(names, ["treadfi", "anboto", "alphasec"]);
    }

    #[test]
    fn saved_views_and_columns_are_checked_against_the_screen() {
        let text = include_str!("../config.example.toml");
        let cfg = Config::parse(text, Path::new("example")).unwrap();
        let prefs = cfg.prefs().unwrap();
        let names: Vec<_> = prefs.saved_views.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["paused", "big-eth"]);
        assert_eq!(
            prefs.saved_views[0].sort.key,
            crate::app::view::SortKey::Notional
        );

        let start = text.find("# --- columns ---").unwrap();
        let end = text.find("# --- end columns ---").unwrap();
        let block: String = text[start..end]
            .lines()
            .filter(|l| l.starts_with("# [") || l.contains(" = "))
            .map(|l| format!("{}\n", &l[2..]))
            .collect();
        let prefs = Config::parse(&block, Path::new("example"))
            .unwrap()
            .prefs()
            .unwrap();
        let active = prefs.columns[0].clone().unwrap();
        assert_eq!(active.len(), 10);
        assert_eq!(active[0], 0, "ID first");
        assert!(prefs.columns[1].is_none() && prefs.columns[3].is_some());

        for (bad, says) in [
            (
                "[columns]\nactive = [\"ID\", \"Colour\"]\n",
                "no column \"Colour\"; choose from: ID, Pair",
            ),
            ("[columns]\nactive = [\"id\", \"ID\"]\n", "listed twice"),
            ("[columns]\nerrors = []\n", "no columns"),
            (
                "[[views]]\nname = \"x\"\nsort = \"price\"\n",
                "no sort \"price\"; choose from: created",
            ),
            ("[[views]]\nname = \"\"\n", "has no name"),
            (
                "[[views]]\nname = \"a\"\n[[views]]\nname = \"a\"\n",
                "two [[views]] are named",
            ),
        ] {
            let err = Config::parse(bad, Path::new("c.toml"));
            assert!(
                matches!(&err, Err(ConfigError::Parse { message, .. }) if message.contains(says)),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn keys_table_overrides_and_names_bad_entries() {
        let cfg = Config::parse(
            "[keys]\npause = [\"p\", \"F5\"]\nkill_switch = \"Ctrl-k\"\n",
            Path::new("c.toml"),
        )
        .unwrap();
        let km = cfg.keymap().unwrap();
        assert_eq!(km.keys_label(crate::app::keymap::KeyAction::Pause), "p/F5");
        assert_eq!(
            km.keys_label(crate::app::keymap::KeyAction::KillSwitch),
            "Ctrl-k"
        );
        for (text, want) in [
            ("[keys]\npuase = \"p\"\n", "puase"),
            ("[keys]\npause = \"Ctrl-\"\n", "[keys] pause"),
            ("[keys]\npause = \"c\"\n", "both"),
        ] {
            let err = Config::parse(text, Path::new("c.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(want) && err.contains("c.toml"), "{err}");
        }
        assert!(Config::parse("[keys]\npause = 5\n", Path::new("c.toml")).is_err());
    }

    #[test]
    fn example_keys_parse_when_uncommented() {
        let text = include_str!("../config.example.toml");
        let start = text.find("# --- keys ---").unwrap();
        let end = text.find("# --- end keys ---").unwrap();
        let block: String = text[start..end]
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| {
                l.starts_with('[')
                    || l.split_once(" = ")
                        .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let cfg = Config::parse(&block, Path::new("example")).unwrap();
        assert_eq!(cfg.keys.len(), 2, "{block}");
    }

    #[test]
    fn alerts_default_and_parse() {
        use crate::app::AlertAction as A;
        let cfg = Config::parse("", Path::new("c.toml")).unwrap();
        assert_eq!(cfg.alerts.on_failed, [A::Status, A::Flash]);
        let cfg = Config::parse(
            "[alerts]\non_error = [\"bell\", \"status\"]\non_complete = []\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(cfg.alerts.on_error, [A::Bell, A::Status]);
        assert!(cfg.alerts.on_complete.is_empty());
        assert_eq!(cfg.alerts.on_failed, [A::Status, A::Flash]);
        let err = Config::parse("[alerts]\non_error = [\"siren\"]\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("siren"), "{err}");
    }

    #[test]
    fn push_is_auto_or_off_in_both_tables() {
        let cfg = Config::parse("", Path::new("c.toml")).unwrap();
        assert_eq!(cfg.treadfi.push, PushMode::Auto);
        assert_eq!(
            cfg.treadfi.push_settings().retry_refused,
            std::time::Duration::from_secs(300)
        );
        let cfg = Config::parse(
            "[treadfi]\npush = \"off\"\npush_retry_secs = 600\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(cfg.treadfi.push_settings().mode, PushMode::Off);
        assert_eq!(
            cfg.treadfi.push_settings().retry_refused,
            std::time::Duration::from_secs(600)
        );
        let venue = "[[venue]]\nkind = \"treadfi\"\nurl = \"https://x\"\npush = \"off\"\n";
        match &Config::parse(venue, Path::new("c.toml")).unwrap().venues[..] {
            [VenueConfig::Treadfi(t)] => assert_eq!(t.push_settings().mode, PushMode::Off),
            other => panic!("{other:?}"),
        }
        for text in [
            "[treadfi]\npush = \"sometimes\"\n",
            "[[venue]]\nkind = \"treadfi\"\nurl = \"https://x\"\npush = \"sometimes\"\n",
        ] {
            let err = Config::parse(text, Path::new("c.toml"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(r#"push must be "auto" or "off", not "sometimes""#)
                    && err.contains("c.toml"),
                "{err}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = Config::parse("[treadfi]\napi_key = \"x\"\n", Path::new("c.toml"));
        assert!(matches!(err, Err(ConfigError::Parse { .. })));
    }
}
