//! Text formatting of domain values for the screen and for `dump --format table`. Pure.
//!
//! Numbers are shown exactly as the venue sent them; only trailing zeros past 8 decimal places
//! are dropped (value-preserving), so `45000.00` stays `45000.00` and
//! `0.00000100000000000000` shows as `0.000001`.

use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

use crate::domain::{LimitPrice, MultiOrder, Order, Ratio, Side, Unreadable};
use crate::sanitize::clean;

/// Placeholder for "not given".
pub const NONE: &str = "—";

/// Placeholder for a value the venue sent but the blotter cannot read or compute (a field
/// listed in an order's `unreadable`, or arithmetic that would overflow the decimal range).
pub const UNREADABLE: &str = "?";

/// What a table column shows, for mapping a venue field that could not be read
/// ([`Unreadable`]) to the cell that must show `?` instead of "not given".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderField {
    /// Pair / market.
    Pair,
    /// Side.
    Side,
    /// Strategy or order type.
    Strategy,
    /// Status.
    Status,
    /// Executed quantity.
    Executed,
    /// Target size (quantity or amount).
    Target,
    /// Remaining quantity.
    Remaining,
    /// Fill ratio / percent filled.
    FillRatio,
    /// Average executed price.
    AvgPrice,
    /// Limit price.
    Limit,
    /// Notional (executed, exposure).
    Notional,
    /// Start time.
    TimeStart,
    /// End time (and the time left derived from it).
    TimeEnd,
    /// Created time.
    Created,
    /// Updated time.
    Updated,
    /// Account names.
    Accounts,
    /// Fees.
    Fee,
}

/// The columns a venue field feeds, by the field's top-level key in the row (Tread.fi
/// snake_case, Anboto v2 snake_case, AlphaSec camelCase; the documents' own names). Fields no
/// column shows map to nothing (the detail view still lists them).
pub fn fields_of(path: &str) -> &'static [OrderField] {
    use OrderField as F;
    let key = path.split(['.', '[']).next().unwrap_or(path);
    match key {
        "pair" | "pairs" | "symbol" | "marketId" => &[F::Pair],
        "side" => &[F::Side],
        "strategy" | "super_strategy" | "super_strategy_name" | "orderType" => &[F::Strategy],
        "status" | "calculated_status" | "is_paused" | "is_active" => &[F::Status],
        "executed_qty" | "target_executed_qty" | "executedQty" => &[F::Executed, F::FillRatio],
        // Anboto: target = filled + leaves, fill ratio = filled / target.
        "filled_quantity" => &[F::Executed, F::Target, F::FillRatio],
        "leaves_quantity" => &[F::Remaining, F::Target, F::FillRatio],
        "target_order_qty" | "order_qty" | "buy_token_amount" | "sell_token_amount"
        | "target_token" | "qty" | "origQty" | "origQuoteOrderQty" => &[F::Target],
        "target_remaining_qty" | "remaining_qty" => &[F::Remaining],
        "pct_filled" => &[F::FillRatio],
        "average_executed_price" | "executed_price" | "average_price" => &[F::AvgPrice],
        "executedQuoteQty" => &[F::Notional, F::AvgPrice],
        "limit_price" | "price" | "triggerPrice" => &[F::Limit],
        "executed_notional" | "notional_exposure" => &[F::Notional],
        "time_start" | "start_datetime" | "start_timedate" => &[F::TimeStart],
        "time_end" | "duration" => &[F::TimeEnd],
        "created_at" | "createdAt" => &[F::Created],
        "updated_at" | "updatedAt" => &[F::Updated],
        "account_names" => &[F::Accounts],
        "total_fee" | "fee_asset" => &[F::Fee],
        _ => &[],
    }
}

/// True when one of `unreadable` feeds `field`.
pub fn is_unreadable(unreadable: &[Unreadable], field: OrderField) -> bool {
    unreadable
        .iter()
        .any(|u| fields_of(&u.path).contains(&field))
}

/// `text`, or `?` when the field behind it could not be read.
pub fn or_unreadable(text: String, unreadable: &[Unreadable], field: OrderField) -> String {
    if is_unreadable(unreadable, field) {
        UNREADABLE.to_string()
    } else {
        text
    }
}

/// An exact decimal for display; `—` when absent.
pub fn decimal(d: Option<Decimal>) -> String {
    match d {
        Some(d) => decimal_text(d),
        None => NONE.to_string(),
    }
}

/// An exact decimal for display (trailing zeros past 8 places dropped).
pub fn decimal_text(d: Decimal) -> String {
    if d.scale() > 8 {
        d.normalize().to_string()
    } else {
        d.to_string()
    }
}

/// A ratio 0–1 as a percentage with one decimal, e.g. `0.5` → `50.0%`; `—` when absent,
/// `?` when the percentage overflows the decimal range.
pub fn percent(r: Option<Ratio>) -> String {
    match r.map(crate::num::percent) {
        Some(Some(p)) => format!("{:.1}%", p.round_dp(1)),
        Some(None) => UNREADABLE.to_string(),
        None => NONE.to_string(),
    }
}

/// A limit price: the price, the expression, or `none`.
pub fn limit(l: &Option<LimitPrice>) -> String {
    match l {
        Some(LimitPrice::Price(p)) => decimal_text(*p),
        Some(LimitPrice::Expression(e)) => clean(e).into_owned(),
        None => "none".to_string(),
    }
}

/// A compact duration: `42s`, `5m12s`, `3h05m`, `2d04h`.
pub fn duration(secs: i64) -> String {
    let neg = secs < 0;
    let s = secs.unsigned_abs();
    let text = if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600)
    };
    if neg { format!("-{text}") } else { text }
}

/// Age of `t` at `now`, e.g. `3s`, `2m05s`; `—` when unknown.
pub fn age(now: Timestamp, t: Option<Timestamp>) -> String {
    match t {
        Some(t) => duration(now.duration_since(t).as_secs().max(0)),
        None => NONE.to_string(),
    }
}

/// Time left until `end` at `now` (`ended` once past), else `—`.
pub fn time_left(now: Timestamp, end: Option<Timestamp>) -> String {
    match end {
        Some(end) => {
            let left: SignedDuration = end.duration_since(now);
            if left.is_negative() {
                "ended".into()
            } else {
                duration(left.as_secs())
            }
        }
        None => NONE.to_string(),
    }
}

/// `HH:MM:SS` in UTC; `—` when absent.
pub fn clock(t: Option<Timestamp>) -> String {
    match t {
        Some(t) => t.strftime("%H:%M:%S").to_string(),
        None => NONE.to_string(),
    }
}

/// Full UTC time, `2024-01-15 10:30:00Z`; `—` when absent.
pub fn datetime(t: Option<Timestamp>) -> String {
    match t {
        Some(t) => t.strftime("%Y-%m-%d %H:%M:%SZ").to_string(),
        None => NONE.to_string(),
    }
}

/// Upper-case side word.
pub fn side(s: &Side) -> String {
    clean(s.as_str()).to_uppercase()
}

/// Comma-joined, sanitised list.
pub fn list<S: std::borrow::Borrow<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return NONE.to_string();
    }
    clean(&items.join(",")).into_owned()
}

/// The order's target size as `qty token`, e.g. `0.5 BTC`, or the quote amount it was sized in.
pub fn order_size(o: &Order) -> String {
    if let Some(q) = o.target_qty {
        let token = o.target_token.as_deref().unwrap_or("");
        return format!("{} {}", decimal_text(q), clean(token))
            .trim_end()
            .to_string();
    }
    let (amount, token) = match o.side {
        Side::Sell => (o.sell_token_amount, o.sell_token.as_deref()),
        _ => (o.buy_token_amount.or(o.sell_token_amount), None),
    };
    let token = token
        .or(if o.buy_token_amount.is_some() {
            o.buy_token.as_deref()
        } else {
            o.sell_token.as_deref()
        })
        .unwrap_or("");
    match amount {
        Some(a) => format!("{} {}", decimal_text(a), clean(token))
            .trim_end()
            .to_string(),
        None => NONE.to_string(),
    }
}

/// One line naming an order for dialogs: `BUY 0.5 BTC BTC-USD TWAP · binance_main`.
pub fn order_summary(o: &Order) -> String {
    let strategy = o.strategy.as_deref().map(clean).unwrap_or_default();
    let accounts = list(&o.account_names);
    format!(
        "{} {} {} {} · {}",
        side(&o.side),
        order_size(o),
        clean(&o.pair),
        strategy,
        accounts
    )
}

/// One line naming a multi-order for dialogs: `BTC-USDT,ETH-USDT · 2 legs · TWAP · mock`.
pub fn multi_summary(m: &MultiOrder) -> String {
    format!(
        "{} · {} legs · {} · {}",
        list(&m.pairs),
        m.child_order_ids.len().max(m.child_orders.len()),
        m.strategy.as_deref().map(clean).unwrap_or_default(),
        list(&m.account_names)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn decimals_keep_their_places() {
        assert_eq!(decimal(Some(d("45000.00"))), "45000.00");
        assert_eq!(decimal(Some(d("0.00000100000000000000"))), "0.000001");
        assert_eq!(decimal(None), "—");
    }

    #[test]
    fn percent_from_ratio() {
        assert_eq!(percent(Some(d("0.5"))), "50.0%");
        assert_eq!(percent(Some(d("0.12345"))), "12.3%");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(42), "42s");
        assert_eq!(duration(312), "5m12s");
        assert_eq!(duration(3 * 3600 + 300), "3h05m");
    }
}
