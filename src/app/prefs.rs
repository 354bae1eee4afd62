//! Preferences: what a user chose (in the config or on the command line) about how the
//! blotter looks, as opposed to what the venues sent.

use serde::Deserialize;

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
