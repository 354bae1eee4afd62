//! The History tab's window and its rows as dumped and exported: pure, no IO.
//!
//! - [`Window`]: which finished orders are shown — since 00:00 UTC today (the default), or the
//!   last N hours or days (`[history] window = "today" | "24h" | "7d"`); [`Window::widen`] is
//!   the key that widens it (today → 7 days → 30 days → 90 days → back to the configured one).
//! - [`Record`]: a finished order with its transaction-cost figures ([`crate::tca::Tca`]), the
//!   row `dump history` prints and the History tab exports: the order's own fields (API names,
//!   as [`crate::dump::Dump`] for [`Order`]) followed by the venue's statistics and the figures.

use std::fmt;
use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};

use crate::domain::Order;
use crate::dump::{Dump, Val};
use crate::tca::Tca;

/// The History window: which finished orders are asked for and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Window {
    /// Since 00:00 UTC today.
    #[default]
    Today,
    /// The last this many hours (a `…d` window is `24 ×` days).
    Hours(u32),
}

/// The widest window the widen key reaches, hours (90 days: AlphaSec's widest single range).
const WIDEST_HOURS: u32 = 90 * 24;

impl Window {
    /// Parses `today`, `<n>h` or `<n>d` (n ≥ 1, at most 730 days: the oldest history any
    /// venue documents), case-insensitively.
    ///
    /// # Errors
    /// A message naming the accepted forms.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        if t == "today" {
            return Ok(Window::Today);
        }
        let bad = || {
            format!(
                "history window {s:?}: use \"today\", \"<n>h\" or \"<n>d\" (e.g. \"24h\", \"7d\")"
            )
        };
        let (n, unit) = t.split_at(t.len().saturating_sub(1));
        let n: u32 = n.parse().map_err(|_| bad())?;
        let hours = match unit {
            "h" => n,
            "d" => n.checked_mul(24).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        if hours == 0 || hours > 730 * 24 {
            return Err(bad());
        }
        Ok(Window::Hours(hours))
    }

    /// The window's start at `now` (UTC): midnight of `now`'s UTC day, or `now` less the hours.
    pub fn start(self, now: Timestamp) -> Timestamp {
        match self {
            Window::Today => {
                let day = now.to_zoned(jiff::tz::TimeZone::UTC).date();
                day.to_zoned(jiff::tz::TimeZone::UTC)
                    .map(|z| z.timestamp())
                    .unwrap_or(now)
            }
            Window::Hours(h) => now
                .checked_sub(SignedDuration::from_hours(i64::from(h)))
                .unwrap_or(Timestamp::MIN),
        }
    }

    /// The next wider window: today → 7 days → 30 days → 90 days, each step only if wider than
    /// the current one; past 90 days, back to `configured`.
    pub fn widen(self, configured: Window) -> Window {
        let hours = match self {
            Window::Today => 0,
            Window::Hours(h) => h,
        };
        [7 * 24, 30 * 24, WIDEST_HOURS]
            .into_iter()
            .find(|&h| h > hours)
            .map_or(configured, Window::Hours)
    }
}

impl fmt::Display for Window {
    /// `today (since 00:00 UTC)`, `last 7d`, `last 36h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Today => f.write_str("today (since 00:00 UTC)"),
            Window::Hours(h) if h % 24 == 0 => write!(f, "last {}d", h / 24),
            Window::Hours(h) => write!(f, "last {h}h"),
        }
    }
}

/// Keeps `rows` that finished inside the window starting at `start` (their `updated_at`, else
/// `time_end`, else `created_at`, at or after `start`; a row with no time at all is kept, the
/// venue having returned it for the window), newest first.
pub fn in_window(rows: &mut Vec<Order>, start: Timestamp) {
    rows.retain(|o| finished_at(o).is_none_or(|t| t >= start));
    rows.sort_by_key(|o| std::cmp::Reverse(finished_at(o)));
}

/// The last action this blotter took on an order, from its audit log (`src/audit.rs`): joined
/// into the History rows (who paused or cancelled it from here, and when).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Acted {
    /// The order (`order_id` of the audit entry).
    pub order_id: String,
    /// `pause`, `cancel`, `amend`, … (`action`).
    pub action: String,
    /// Who (`user`).
    pub user: String,
    /// When, as written (`at`, RFC 3339 UTC).
    pub at: String,
    /// The venue accepted it (`outcome.ok`).
    pub ok: bool,
}

/// The newest audit entry per order among `entries` (newest first, as
/// [`crate::audit::AuditTail::entries`]), for entries on one order (`scope` `order`).
pub fn acted_by_order(entries: &[crate::audit::AuditEntry]) -> Vec<Acted> {
    let mut seen = std::collections::HashSet::new();
    entries
        .iter()
        .filter(|e| e.scope == "order" && seen.insert(e.order_id.clone()))
        .map(|e| Acted {
            order_id: e.order_id.clone(),
            action: e.action.clone(),
            user: e.user.clone(),
            at: e.at.clone(),
            ok: e.ok,
        })
        .collect()
}

/// When an order finished, as well as the venue says: `updated_at`, else `time_end`, else
/// `created_at`.
pub fn finished_at(o: &Order) -> Option<Timestamp> {
    o.updated_at.or(o.time_end).or(o.created_at)
}

/// A finished order with its figures: one line of `dump history` and of the History export.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The order as the venue sent it.
    pub order: Order,
    /// Its transaction-cost figures.
    pub tca: Tca,
}

impl Record {
    /// `o` with its figures at `now`.
    pub fn of(o: Order, now: Timestamp) -> Self {
        let tca = Tca::of(&o, now);
        Record { order: o, tca }
    }
}

/// The fields [`Record`] adds after the order's own.
const TCA_FIELDS: [&str; 11] = [
    "arrival_price",
    "vwap",
    "departure_price",
    "interval_volume",
    "slippage_vs_arrival_bps",
    "slippage_vs_vwap_bps",
    "participation_pct",
    "fees_bps",
    "duration_used",
    "schedule_gap_pct",
    "pov_target_pct",
];

static FIELDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    <Order as Dump>::fields()
        .iter()
        .copied()
        .chain(TCA_FIELDS)
        .collect()
});

fn dec(d: Option<rust_decimal::Decimal>) -> Val {
    Val::Text(d.map(|d| d.normalize().to_string()))
}

fn pct(r: Option<rust_decimal::Decimal>) -> Val {
    Val::Text(
        r.and_then(crate::num::percent)
            .map(|p| p.normalize().to_string()),
    )
}

impl Dump for Record {
    fn fields() -> &'static [&'static str] {
        FIELDS.as_slice()
    }

    fn values(&self) -> Vec<Val> {
        let stats = self.order.stats.as_deref();
        let t = &self.tca;
        let mut v = self.order.values();
        v.extend([
            dec(t.arrival_price),
            dec(stats.and_then(|s| s.interval_vwap)),
            dec(stats.and_then(|s| s.departure_price)),
            dec(stats.and_then(|s| s.interval_volume)),
            dec(t.slippage_arrival_bps.map(|b| b.round_dp(4))),
            dec(t.slippage_vwap_bps.map(|b| b.round_dp(4))),
            pct(t.participation.map(|p| p.round_dp(6))),
            dec(t.fees_bps.map(|b| b.round_dp(4))),
            Val::Int(t.duration_used_secs),
            pct(t.schedule_gap.map(|g| g.round_dp(6))),
            pct(t.pov_target),
        ]);
        v
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly
    use super::*;
    use crate::domain::{OrderStatus, Side};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn window_parse_start_and_widen() {
        assert_eq!(Window::parse("today"), Ok(Window::Today));
        assert_eq!(Window::parse(" 24H "), Ok(Window::Hours(24)));
        assert_eq!(Window::parse("7d"), Ok(Window::Hours(168)));
        for bad in ["", "0h", "7w", "d", "-1d", "731d"] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
        let now = ts("2026-12-01T16:21:03Z");
        assert_eq!(Window::Today.start(now), ts("2026-12-01T00:00:00Z"));
        assert_eq!(Window::Hours(24).start(now), ts("2026-11-30T16:21:03Z"));
        let c = Window::Today;
        assert_eq!(Window::Today.widen(c), Window::Hours(168));
        assert_eq!(Window::Hours(168).widen(c), Window::Hours(720));
        assert_eq!(Window::Hours(720).widen(c), Window::Hours(2160));
        assert_eq!(Window::Hours(2160).widen(c), Window::Today);
        assert_eq!(Window::Hours(36).widen(c), Window::Hours(168));
        assert_eq!(Window::Hours(168).to_string(), "last 7d");
        assert_eq!(Window::Hours(36).to_string(), "last 36h");
    }

    #[test]
    fn in_window_keeps_recent_newest_first() {
        let at = |id: &str, t: Option<&str>| {
            let mut o = Order::new(id, "BTC-USDT", Side::Buy, OrderStatus::Complete);
            o.updated_at = t.map(ts);
            o
        };
        let mut rows = vec![
            at("old", Some("2026-11-30T23:59:59Z")),
            at("a", Some("2026-12-01T01:00:00Z")),
            at("b", Some("2026-12-01T09:00:00Z")),
            at("untimed", None),
        ];
        in_window(&mut rows, ts("2026-12-01T00:00:00Z"));
        let ids: Vec<&str> = rows.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "untimed"]);
    }

    #[test]
    fn record_adds_the_figures_after_the_order_fields() {
        let mut o = Order::new("x", "BTC-USDT", Side::Sell, OrderStatus::Complete);
        o.avg_price = Some("99".parse().unwrap());
        o.arrival_price = Some("100".parse().unwrap());
        let r = Record::of(o, ts("2026-12-01T00:00:00Z"));
        let fields = Record::fields();
        let values = r.values();
        assert_eq!(fields.len(), values.len());
        let i = fields
            .iter()
            .position(|f| *f == "slippage_vs_arrival_bps")
            .unwrap();
        assert_eq!(values[i], Val::Text(Some("100".into())));
        let j = fields.iter().position(|f| *f == "vwap").unwrap();
        assert_eq!(values[j], Val::Text(None));
    }
}
