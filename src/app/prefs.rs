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
/// COMPLETE (never on the first load of a venue's data), and the trader's own rules
/// (`[alerts.stalled]`, `[alerts.behind_schedule]`, `[alerts.fill_above]`,
/// `[alerts.slippage]`; each off unless its table is present). A rule fires once per order
/// when its condition starts to hold and re-arms when it stops holding; rules are checked
/// whenever a venue's orders arrive (each refresh, each pushed update).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Alerts {
    /// A new ERROR message (default: status).
    pub on_error: Vec<AlertAction>,
    /// An order turned FAILED (default: status and flash).
    pub on_failed: Vec<AlertAction>,
    /// An order turned COMPLETE (default: status).
    pub on_complete: Vec<AlertAction>,
    /// `[alerts.stalled]`: a working order with no fill for `minutes` while behind schedule.
    pub stalled: Option<StalledRule>,
    /// `[alerts.behind_schedule]`: a working order more than `points` behind its schedule.
    pub behind_schedule: Option<BehindScheduleRule>,
    /// `[alerts.fill_above]`: one fill (an executed-quantity increase) above a size.
    pub fill_above: Option<FillAboveRule>,
    /// `[alerts.slippage]`: slippage vs arrival past `bps` (live where known, and finished).
    pub slippage: Option<SlippageRule>,
}

impl Default for Alerts {
    fn default() -> Self {
        Self {
            on_error: vec![AlertAction::Status],
            on_failed: vec![AlertAction::Status, AlertAction::Flash],
            on_complete: vec![AlertAction::Status],
            stalled: None,
            behind_schedule: None,
            fill_above: None,
            slippage: None,
        }
    }
}

fn status_only() -> Vec<AlertAction> {
    vec![AlertAction::Status]
}

/// `[alerts.stalled]`: a working order (not finished, not paused) that is behind its schedule
/// ([`crate::tca::schedule_gap`] above 0) and has had no fill for `minutes`. The last fill is
/// when this blotter saw the executed quantity rise; an order seen with nothing executed counts
/// from its `time_start`, one seen part-filled from when it was first seen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StalledRule {
    /// Minutes without a fill, at least 1.
    pub minutes: u32,
    /// What it does (default: status).
    #[serde(default = "status_only")]
    pub on: Vec<AlertAction>,
}

/// `[alerts.behind_schedule]`: a working order (not finished, not paused) whose schedule gap
/// ([`crate::tca::schedule_gap`]: elapsed share of its duration − filled share) is more than
/// `points` percentage points.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BehindScheduleRule {
    /// Percentage points of the schedule, 0 ≤ points < 100 (`10` = 10 % of the order behind
    /// where the schedule says it should be).
    #[serde(deserialize_with = "decimal")]
    pub points: rust_decimal::Decimal,
    /// What it does (default: status).
    #[serde(default = "status_only")]
    pub on: Vec<AlertAction>,
}

/// `[alerts.fill_above]`: one fill — the executed quantity rising between two readings of an
/// order — larger than `qty` (base asset) or worth more than `notional` (quote asset). At least
/// one of the two is set. The fill's notional is the rise of `executed_notional` (else of
/// executed base quantity × average price).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FillAboveRule {
    /// Base-asset size (`0.5` BTC on BTC-USDT), above 0.
    #[serde(default, deserialize_with = "some_decimal")]
    pub qty: Option<rust_decimal::Decimal>,
    /// Quote-asset notional (`25000` USDT on BTC-USDT), above 0.
    #[serde(default, deserialize_with = "some_decimal")]
    pub notional: Option<rust_decimal::Decimal>,
    /// What it does (default: status).
    #[serde(default = "status_only")]
    pub on: Vec<AlertAction>,
}

/// `[alerts.slippage]`: slippage of the average fill price vs the arrival price, in basis
/// points, positive = cost ([`crate::tca::slippage_bps`]), above `bps`. Finished orders (the
/// History tab, only those finishing while the blotter runs) and live orders where the venue
/// gives both prices.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlippageRule {
    /// Basis points of cost (`25` = 0.25 % worse than arrival), at least 0.
    #[serde(deserialize_with = "decimal")]
    pub bps: rust_decimal::Decimal,
    /// What it does (default: status).
    #[serde(default = "status_only")]
    pub on: Vec<AlertAction>,
}

/// A threshold written as a TOML integer (`25`), float (`0.5`, read through its shortest
/// decimal text) or string (`"0.5"`, exact).
fn decimal<'de, D: serde::Deserializer<'de>>(d: D) -> Result<rust_decimal::Decimal, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = rust_decimal::Decimal;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number (25, 0.5 or \"0.5\")")
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(v.into())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(v.into())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse()
                .map_err(|_| E::custom(format!("{v:?} is not a number")))
        }
    }
    d.deserialize_any(V)
}

fn some_decimal<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<rust_decimal::Decimal>, D::Error> {
    decimal(d).map(Some)
}

/// `flash, status` for a help line; `nothing` for an empty list.
fn actions_words(on: &[AlertAction]) -> String {
    if on.is_empty() {
        return "nothing".into();
    }
    on.iter()
        .map(|a| match a {
            AlertAction::Flash => "flash",
            AlertAction::Status => "status",
            AlertAction::Bell => "bell",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Alerts {
    /// True when at least one of the trader's rules (stalled, behind schedule, fill above,
    /// slippage) is set.
    pub fn has_rules(&self) -> bool {
        self.stalled.is_some()
            || self.behind_schedule.is_some()
            || self.fill_above.is_some()
            || self.slippage.is_some()
    }

    /// Checks the rules' thresholds; the error names the table and key.
    ///
    /// # Errors
    /// `minutes` 0, `points` outside 0–100 (100 excluded), `bps` negative, a `fill_above`
    /// with neither `qty` nor `notional`, or one of them 0 or negative.
    pub fn check(&self) -> Result<(), String> {
        use rust_decimal::Decimal;
        if let Some(r) = &self.stalled
            && r.minutes == 0
        {
            return Err("[alerts.stalled] minutes must be at least 1".into());
        }
        if let Some(r) = &self.behind_schedule
            && !(Decimal::ZERO..Decimal::ONE_HUNDRED).contains(&r.points)
        {
            return Err(format!(
                "[alerts.behind_schedule] points is percentage points of the schedule, from 0 \
                 to under 100, not {}",
                r.points
            ));
        }
        if let Some(r) = &self.fill_above {
            if r.qty.is_none() && r.notional.is_none() {
                return Err(
                    "[alerts.fill_above] needs qty (base asset) or notional (quote asset)".into(),
                );
            }
            for (key, v) in [("qty", r.qty), ("notional", r.notional)] {
                if let Some(v) = v
                    && v <= Decimal::ZERO
                {
                    return Err(format!(
                        "[alerts.fill_above] {key} must be above 0, not {v}"
                    ));
                }
            }
        }
        if let Some(r) = &self.slippage
            && r.bps < Decimal::ZERO
        {
            return Err(format!(
                "[alerts.slippage] bps is a cost (positive = worse than arrival), at least 0, \
                 not {}",
                r.bps
            ));
        }
        Ok(())
    }

    /// The alerts in words, one line each, for the help overlay: the three events (left out
    /// when their list is empty) and every rule that is set, with its threshold and what it
    /// does, e.g. `stalled: no fill for 10 min while behind schedule → status, flash`.
    pub fn help_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (what, on) in [
            ("a new ERROR message", &self.on_error),
            ("an order turns FAILED", &self.on_failed),
            ("an order turns COMPLETE", &self.on_complete),
        ] {
            if !on.is_empty() {
                lines.push(format!("{what} → {}", actions_words(on)));
            }
        }
        if let Some(r) = &self.stalled {
            lines.push(format!(
                "stalled: no fill for {} min while behind schedule → {}",
                r.minutes,
                actions_words(&r.on)
            ));
        }
        if let Some(r) = &self.behind_schedule {
            lines.push(format!(
                "behind schedule by more than {} points → {}",
                r.points,
                actions_words(&r.on)
            ));
        }
        if let Some(r) = &self.fill_above {
            let sizes: Vec<String> = [
                r.qty.map(|q| format!("{q} base")),
                r.notional.map(|n| format!("{n} quote notional")),
            ]
            .into_iter()
            .flatten()
            .collect();
            lines.push(format!(
                "a single fill above {} → {}",
                sizes.join(" or "),
                actions_words(&r.on)
            ));
        }
        if let Some(r) = &self.slippage {
            lines.push(format!(
                "slippage vs arrival above {} bps (cost) → {}",
                r.bps,
                actions_words(&r.on)
            ));
        }
        lines
    }
}
