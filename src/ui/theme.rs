//! Colours with meaning. Under `NO_COLOR` (or `color = false`) every style drops its colour but
//! keeps bold/reverse, so meaning is still carried by text and position.

use ratatui::style::{Color, Modifier, Style};

use crate::app::BannerLevel;
use crate::domain::{MessageLevel, OrderStatus, Side};

/// Styles for one render, honouring the colour switch.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// A theme; `color == false` strips all colours.
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Buy green, sell red.
    pub fn side(&self, side: &Side) -> Style {
        match side {
            Side::Buy => self.fg(Color::Green),
            Side::Sell => self.fg(Color::Red),
            Side::Other(_) => self.fg(Color::Magenta),
        }
    }

    /// Status colour: active green, paused yellow (bold, so it stands out without colour too),
    /// failed red, scheduled/submitted cyan, finished grey.
    pub fn status(&self, status: &OrderStatus) -> Style {
        match status {
            OrderStatus::Active => self.fg(Color::Green),
            OrderStatus::Paused => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            OrderStatus::Failed => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            OrderStatus::Scheduled | OrderStatus::Submitted => self.fg(Color::Cyan),
            OrderStatus::Finisher => self.fg(Color::Blue),
            OrderStatus::Complete | OrderStatus::Canceled => self.fg(Color::DarkGray),
            OrderStatus::Other(_) => self.fg(Color::Magenta),
        }
    }

    /// Placement status colour (text statuses).
    pub fn placement_status(&self, status: &str) -> Style {
        match status {
            "FAILED" | "MISSING" => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            "FILLED" => self.fg(Color::Green),
            "ACTIVE" | "PENDING" => self.fg(Color::Cyan),
            "CANCELED" | "CANCEL_PENDING" => self.fg(Color::DarkGray),
            _ => self.fg(Color::Magenta),
        }
    }

    /// Message level colour: ERROR red, WARN yellow, INFO blue.
    pub fn level(&self, level: &MessageLevel) -> Style {
        match level {
            MessageLevel::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            MessageLevel::Warn => self.fg(Color::Yellow),
            MessageLevel::Info => self.fg(Color::Blue),
            MessageLevel::Other(_) => self.fg(Color::Magenta),
        }
    }

    /// Banner style by level.
    pub fn banner(&self, level: BannerLevel) -> Style {
        match level {
            BannerLevel::Info => self.fg(Color::Cyan),
            BannerLevel::Success => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            BannerLevel::Error => {
                if self.color {
                    Style::new()
                        .fg(Color::White)
                        .bg(Color::Red)
                        .add_modifier(Modifier::BOLD)
                } else {
                    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
                }
            }
        }
    }

    /// Warning text (stale data, errors in the header).
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Healthy indicator.
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    /// De-emphasised text.
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    /// The `DEMO` marker.
    pub fn demo(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// A cell that just changed (fill or status).
    pub fn flash(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    /// Selected table row.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Table header row.
    pub fn header(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Active tab title.
    pub fn tab_active(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Keys in the footer/help.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}
