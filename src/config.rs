//! Configuration file (TOML). Every key is optional; command-line flags override the file.
//! The API key is never read from the file or the command line: only from the environment
//! variable named by `treadfi.api_key_env` (default `TREADFI_API_KEY`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

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
    /// `[log]`: log file.
    pub log: LogConfig,
    /// `[actions]`: read-only mode and the audit log.
    pub actions: ActionsConfig,
    /// `[serve]`: `blotter serve` (SSH).
    pub serve: crate::serve::ServeSection,
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
}

impl Default for TreadfiConfig {
    fn default() -> Self {
        Self {
            url: None,
            api_key_env: "TREADFI_API_KEY".into(),
            timeout_secs: 10.0,
            allow_insecure: false,
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
    /// Mouse: click to select a row or a tab, wheel to scroll. Off by default, because mouse
    /// capture stops the terminal's own text selection (hold Shift to select while it is on).
    pub mouse: bool,
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
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
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
    fn unknown_keys_are_errors() {
        let err = Config::parse("[treadfi]\napi_key = \"x\"\n", Path::new("c.toml"));
        assert!(matches!(err, Err(ConfigError::Parse { .. })));
    }
}
