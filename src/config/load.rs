//! Loading and checking the configuration: parse the TOML (unknown keys are errors), check the
//! saved views, columns and keys against the screen, find the file, and the default paths
//! (config, audit log, log).

use std::path::{Path, PathBuf};

use super::{Config, VenueConfig};

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
        cfg.history.window().map_err(invalid)?;
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
    /// `[keys]` entry, an `[alerts]` rule's threshold out of range.
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
            alerts: {
                self.alerts.check()?;
                self.alerts.clone()
            },
            history_window: self.history.window()?,
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
