//! Colours with meaning, in three named themes: `dark` (the default, for dark backgrounds),
//! `light` (dark colour variants readable on a white background: no yellow or white text) and
//! `mono` (no colours at all: bold, reverse and underline only). `NO_COLOR` (non-empty) or
//! `color = false` selects `mono`. Meaning is never carried by colour alone: sides and statuses
//! are always written out as text.

use std::fmt;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use crate::app::BannerLevel;
use crate::domain::{MessageLevel, OrderStatus, Side};

pub use crate::app::prefs::ThemeName;

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ThemeName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ThemeName::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown theme {s:?}: use dark, light or mono"))
    }
}

/// The colour of each meaning in one theme (`None`: no colour, text attributes only).
#[derive(Debug, Clone, Copy)]
struct Palette {
    /// Buy, active, filled, healthy.
    green: Option<Color>,
    /// Sell, failed, ERROR.
    red: Option<Color>,
    /// Paused, WARN, warnings, table headers, the active tab.
    amber: Option<Color>,
    /// Scheduled/submitted, keys, info banners.
    cyan: Option<Color>,
    /// Finisher, INFO.
    blue: Option<Color>,
    /// Statuses and sides the venue docs don't list.
    magenta: Option<Color>,
    /// Finished orders, de-emphasised text.
    grey: Option<Color>,
    /// Background of the error banner (white bold text on it).
    alarm_bg: Option<Color>,
    /// Background of a just-changed cell (white bold text on it).
    flash_bg: Option<Color>,
}

const DARK: Palette = Palette {
    green: Some(Color::Green),
    red: Some(Color::Red),
    amber: Some(Color::Yellow),
    cyan: Some(Color::Cyan),
    blue: Some(Color::Blue),
    magenta: Some(Color::Magenta),
    grey: Some(Color::DarkGray),
    alarm_bg: Some(Color::Red),
    flash_bg: Some(Color::Blue),
};

/// xterm 256-colour indices, chosen dark enough for a white background.
const LIGHT: Palette = Palette {
    green: Some(Color::Indexed(28)),   // #008700
    red: Some(Color::Indexed(124)),    // #af0000
    amber: Some(Color::Indexed(130)),  // #af5f00
    cyan: Some(Color::Indexed(30)),    // #008787
    blue: Some(Color::Indexed(25)),    // #005faf
    magenta: Some(Color::Indexed(90)), // #870087
    grey: Some(Color::Indexed(242)),   // #6c6c6c
    alarm_bg: Some(Color::Indexed(124)),
    flash_bg: Some(Color::Indexed(25)),
};

const MONO: Palette = Palette {
    green: None,
    red: None,
    amber: None,
    cyan: None,
    blue: None,
    magenta: None,
    grey: None,
    alarm_bg: None,
    flash_bg: None,
};

/// Styles for one render, from a named theme.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    name: ThemeName,
    p: Palette,
}

impl Default for Theme {
    fn default() -> Self {
        Self::new(ThemeName::Dark)
    }
}

impl Theme {
    /// The theme called `name`.
    pub fn new(name: ThemeName) -> Self {
        let p = match name {
            ThemeName::Dark => DARK,
            ThemeName::Light => LIGHT,
            ThemeName::Mono => MONO,
        };
        Self { name, p }
    }

    /// The theme for a state: its `theme`, or `mono` when its colour switch is off.
    pub fn for_state(state: &crate::app::State) -> Self {
        Self::new(if state.color {
            state.prefs.theme
        } else {
            ThemeName::Mono
        })
    }

    /// This theme's name.
    pub fn name(&self) -> ThemeName {
        self.name
    }

    fn fg(&self, c: Option<Color>) -> Style {
        match c {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    /// Buy green, sell red (the text says BUY/SELL too).
    pub fn side(&self, side: &Side) -> Style {
        match side {
            Side::Buy => self.fg(self.p.green),
            Side::Sell => self.fg(self.p.red),
            Side::Other(_) => self.fg(self.p.magenta),
        }
    }

    /// Status colour: active green, paused amber (bold, so it stands out without colour too),
    /// failed red (bold), scheduled/submitted cyan, finished grey.
    pub fn status(&self, status: &OrderStatus) -> Style {
        match status {
            OrderStatus::Active => self.fg(self.p.green),
            OrderStatus::Paused => self.fg(self.p.amber).add_modifier(Modifier::BOLD),
            OrderStatus::Failed => self.fg(self.p.red).add_modifier(Modifier::BOLD),
            OrderStatus::Scheduled | OrderStatus::Submitted => self.fg(self.p.cyan),
            OrderStatus::Finisher => self.fg(self.p.blue),
            OrderStatus::Complete | OrderStatus::Canceled => self.fg(self.p.grey),
            OrderStatus::Other(_) => self.fg(self.p.magenta),
        }
    }

    /// Placement status colour (text statuses).
    pub fn placement_status(&self, status: &str) -> Style {
        match status {
            "FAILED" | "MISSING" => self.fg(self.p.red).add_modifier(Modifier::BOLD),
            "FILLED" => self.fg(self.p.green),
            "ACTIVE" | "PENDING" => self.fg(self.p.cyan),
            "CANCELED" | "CANCEL_PENDING" => self.fg(self.p.grey),
            _ => self.fg(self.p.magenta),
        }
    }

    /// Message level colour: ERROR red (bold), WARN amber, INFO blue.
    pub fn level(&self, level: &MessageLevel) -> Style {
        match level {
            MessageLevel::Error => self.fg(self.p.red).add_modifier(Modifier::BOLD),
            MessageLevel::Warn => self.fg(self.p.amber),
            MessageLevel::Info => self.fg(self.p.blue),
            MessageLevel::Other(_) => self.fg(self.p.magenta),
        }
    }

    /// Banner style by level.
    pub fn banner(&self, level: BannerLevel) -> Style {
        match level {
            BannerLevel::Info => self.fg(self.p.cyan),
            BannerLevel::Success => self.fg(self.p.green).add_modifier(Modifier::BOLD),
            BannerLevel::Error => match self.p.alarm_bg {
                Some(bg) => Style::new()
                    .fg(Color::White)
                    .bg(bg)
                    .add_modifier(Modifier::BOLD),
                None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            },
        }
    }

    /// Warning text (stale data, errors in the header).
    pub fn warn(&self) -> Style {
        self.fg(self.p.amber).add_modifier(Modifier::BOLD)
    }

    /// Healthy indicator.
    pub fn ok(&self) -> Style {
        self.fg(self.p.green)
    }

    /// De-emphasised text.
    pub fn dim(&self) -> Style {
        self.fg(self.p.grey)
    }

    /// The `DEMO` marker.
    pub fn demo(&self) -> Style {
        match self.name {
            ThemeName::Mono => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            _ => Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        }
    }

    /// A cell that just changed (fill or status), or a row an alert points at.
    pub fn flash(&self) -> Style {
        match self.p.flash_bg {
            Some(bg) => Style::new()
                .bg(bg)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    /// Selected table row.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Table header row.
    pub fn header(&self) -> Style {
        self.fg(self.p.amber).add_modifier(Modifier::BOLD)
    }

    /// Active tab title.
    pub fn tab_active(&self) -> Style {
        self.fg(self.p.amber)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Keys in the footer/help.
    pub fn key(&self) -> Style {
        self.fg(self.p.cyan).add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_forces_mono_and_flags_beat_the_config() {
        let r = ThemeName::resolve;
        assert_eq!(r(None, None, None, None), ThemeName::Dark);
        assert_eq!(r(None, None, Some(false), None), ThemeName::Mono);
        assert_eq!(
            r(None, Some(ThemeName::Light), Some(false), None),
            ThemeName::Light
        );
        assert_eq!(
            r(Some(ThemeName::Dark), Some(ThemeName::Light), None, None),
            ThemeName::Dark
        );
        assert_eq!(
            r(
                Some(ThemeName::Light),
                None,
                Some(true),
                Some(OsStr::new("1"))
            ),
            ThemeName::Mono
        );
        assert_eq!(r(None, None, None, Some(OsStr::new(""))), ThemeName::Dark);
        assert_eq!("LIGHT".parse::<ThemeName>(), Ok(ThemeName::Light));
        assert!("solarized".parse::<ThemeName>().is_err());
    }

    #[test]
    fn light_has_no_yellow_or_white_text() {
        let t = Theme::new(ThemeName::Light);
        let bad = [
            Some(Color::Yellow),
            Some(Color::White),
            Some(Color::LightYellow),
        ];
        for s in [
            t.side(&Side::Buy),
            t.side(&Side::Sell),
            t.status(&OrderStatus::Paused),
            t.status(&OrderStatus::Active),
            t.level(&MessageLevel::Warn),
            t.warn(),
            t.header(),
            t.tab_active(),
            t.key(),
            t.dim(),
            t.banner(BannerLevel::Info),
        ] {
            assert!(!bad.contains(&s.fg), "{s:?}");
        }
    }
}
