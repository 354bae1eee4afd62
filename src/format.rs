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

/// A pair in the blotter's one form (`BTC/USDT` → `BTC-USDT`, see
/// [`crate::domain::symbol::normalize`]), sanitised, at most `max` characters (`…` when cut).
pub fn pair(pair: &str, max: usize) -> String {
    crate::sanitize::clean_truncated(&crate::domain::symbol::normalize(pair), max).into_owned()
}

/// A strategy name upper-case (`Limit` → `LIMIT`; a strategy UUID as sent), sanitised, at most
/// `max` characters; `—` when absent.
pub fn strategy(s: Option<&str>, max: usize) -> String {
    match s {
        Some(s) => {
            crate::sanitize::clean_truncated(&crate::domain::symbol::strategy(s), max).into_owned()
        }
        None => NONE.to_string(),
    }
}

/// Decimal places shown for a value the blotter computed (a notional from quantity × price, a
/// VWAP from fills) in `quote`: 2 for USD-like quotes (fiat and dollar stablecoins), 8 for
/// BTC, 6 for ETH and 4 for anything else or unknown.
pub fn quote_scale(quote: Option<&str>) -> u32 {
    match quote.map(str::to_ascii_uppercase).as_deref() {
        Some(
            "USD" | "USDT" | "USDC" | "BUSD" | "FDUSD" | "TUSD" | "USDE" | "DAI" | "PYUSD" | "EUR"
            | "GBP" | "JPY",
        ) => 2,
        Some("BTC" | "WBTC") => 8,
        Some("ETH" | "WETH") => 6,
        _ => 4,
    }
}

/// A value the blotter computed (not sent by the venue), rounded half away from zero to
/// at most [`quote_scale`] places of the quote asset of `pair` (any venue's form), trailing
/// zeros dropped (`1234.5678` USDT → `1234.57`, `22500.000` → `22500`); `—` when absent.
/// Columns line them up with the venue's figures ([`align_decimals`]).
/// The detail view labels such values "computed".
pub fn computed(d: Option<Decimal>, pair: &str) -> String {
    let scale = quote_scale(crate::domain::symbol::quote(pair).as_deref());
    match d {
        Some(d) => d
            .round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize()
            .to_string(),
        None => NONE.to_string(),
    }
}

/// Where an order's notional (quote asset) comes from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotionalSource {
    /// The venue's `executed_notional`, as sent.
    Executed(Decimal),
    /// The quote amount the order was sized in (`sell_token_amount` of a buy,
    /// `buy_token_amount` of a sell), as sent.
    Sized(Decimal),
    /// Target quantity × limit price, computed by the blotter.
    Computed(Decimal),
}

/// The order's notional and its source; `None` when neither the venue nor the order's size and
/// limit give one. Same figure as `executed_notional.or(Order::target_notional())`.
pub fn notional_source(o: &Order) -> Option<NotionalSource> {
    if let Some(n) = o.executed_notional {
        return Some(NotionalSource::Executed(n));
    }
    let sized = match o.side {
        Side::Buy => o.sell_token_amount,
        Side::Sell => o.buy_token_amount,
        Side::Other(_) => None,
    };
    match sized {
        Some(n) => Some(NotionalSource::Sized(n)),
        None => o.target_notional().map(NotionalSource::Computed),
    }
}

/// The Notional cell: a venue's figure exactly as sent, a computed one at its quote's scale
/// ([`computed`]); `—` when unknown.
pub fn order_notional(o: &Order) -> String {
    match notional_source(o) {
        Some(NotionalSource::Executed(n) | NotionalSource::Sized(n)) => decimal_text(n),
        Some(NotionalSource::Computed(n)) => computed(Some(n), &o.pair),
        None => NONE.to_string(),
    }
}

/// Lines up a column of numbers on the decimal point by padding each cell **with spaces**
/// (the digits are never changed: no rounding, no zeros added): the integer parts are padded
/// on the left to one width and the fractions (point included) on the right to one width. A
/// cell that does not start with a number (`—`, `?`, `none`, a limit expression) counts as an
/// integer part. With `even` (right-aligned columns) every lined-up cell gets the same width,
/// and a cell with text after its number (`0.125 @ 45000.00`, a placement row in the
/// multi-order tree) is left as it is; without it (left-aligned sizes such as `0.5 BTC`) the
/// unit follows the number and the cells stay ragged on the right:
/// `["0.5", "12.25", "1000"]` → `["   0.5 ", "  12.25", "1000   "]`.
pub fn align_decimals<'a>(cells: impl IntoIterator<Item = &'a mut String>, even: bool) {
    let mut cells: Vec<&mut String> = cells.into_iter().collect();
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    // (integer part, fraction with its point, the rest) of each cell.
    let split = |s: &str| -> (usize, usize) {
        let sign = usize::from(s.starts_with('-'));
        let digits = s[sign..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(s.len(), |at| at + sign);
        if digits == sign {
            // Not a number: the whole text sits where the integer part would.
            return (s.len(), s.len());
        }
        let frac_end = match s[digits..].strip_prefix('.') {
            Some(rest) => {
                digits
                    + 1
                    + rest
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(rest.len())
            }
            None => digits,
        };
        (digits, frac_end)
    };
    let parts: Vec<(usize, usize, usize, usize)> = cells
        .iter()
        .map(|s| {
            let (int_end, frac_end) = split(s);
            (
                width(&s[..int_end]),
                width(&s[int_end..frac_end]),
                width(&s[frac_end..]),
                frac_end,
            )
        })
        .collect();
    // In an even column, a cell with text after its number is not a number: left alone.
    let lined_up = |p: &(usize, usize, usize, usize)| !even || p.2 == 0;
    let int_w = parts.iter().filter(|p| lined_up(p)).map(|p| p.0).max();
    let frac_w = parts.iter().filter(|p| lined_up(p)).map(|p| p.1).max();
    let (Some(int_w), Some(frac_w)) = (int_w, frac_w) else {
        return;
    };
    for (cell, part) in cells.iter_mut().zip(parts) {
        let (int, frac, rest, frac_end) = part;
        if !lined_up(&part) {
            continue;
        }
        let mut out = String::with_capacity(int_w + frac_w + cell.len());
        out.extend(std::iter::repeat_n(' ', int_w - int));
        out.push_str(&cell[..frac_end]);
        if rest == 0 {
            out.extend(std::iter::repeat_n(' ', frac_w - frac));
        }
        out.push_str(&cell[frac_end..]);
        **cell = out;
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

/// The Last action cell: who last paused, resumed, amended or cancelled the order from any
/// blotter of the desk, and when (UTC `HH:MM`), from the audit log: `alice paused 14:02`; a
/// refused or failed action says so: `bob cancel ✗ 14:05`. Empty when the log has none.
pub fn last_action(a: Option<&crate::history::Acted>) -> String {
    let Some(a) = a else {
        return String::new();
    };
    let action = clean(&a.action);
    let what = if a.ok {
        match action.as_ref() {
            "pause" | "pause multi-order" => "paused".to_string(),
            "resume" | "resume multi-order" => "resumed".to_string(),
            "amend" => "amended".to_string(),
            "cancel" | "cancel multi-order" | "cancel many" => "cancelled".to_string(),
            other => other.to_string(),
        }
    } else {
        format!("{action} ✗")
    };
    let at = a.at.parse::<Timestamp>().map_or_else(
        |_| clean(&a.at).into_owned(),
        |t| t.strftime("%H:%M").to_string(),
    );
    format!(
        "{} {what} {at}",
        crate::sanitize::clean_truncated(&a.user, 12)
    )
}

/// Upper-case side word.
pub fn side(s: &Side) -> String {
    clean(s.as_str()).to_uppercase()
}

/// Comma-joined pairs, each in the one form of [`pair`], sanitised; `—` when empty.
pub fn pair_list(pairs: &[String]) -> String {
    let shown: Vec<String> = pairs
        .iter()
        .map(|p| crate::domain::symbol::normalize(p).into_owned())
        .collect();
    list(&shown)
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
    let strategy = o
        .strategy
        .as_deref()
        .map(|s| clean(&crate::domain::symbol::strategy(s)).into_owned())
        .unwrap_or_default();
    let accounts = list(&o.account_names);
    format!(
        "{} {} {} {} · {}",
        side(&o.side),
        order_size(o),
        clean(&crate::domain::symbol::normalize(&o.pair)),
        strategy,
        accounts
    )
}

/// One line naming a multi-order for dialogs: `BTC-USDT,ETH-USDT · 2 legs · TWAP · mock`.
pub fn multi_summary(m: &MultiOrder) -> String {
    format!(
        "{} · {} legs · {} · {}",
        pair_list(&m.pairs),
        m.child_order_ids.len().max(m.child_orders.len()),
        m.strategy
            .as_deref()
            .map(|s| clean(&crate::domain::symbol::strategy(s)).into_owned())
            .unwrap_or_default(),
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
    fn columns_line_up_on_the_point_without_touching_digits() {
        let mut cells: Vec<String> = ["0.5", "12.25", "1000", "—", "-3.125"]
            .map(String::from)
            .into();
        align_decimals(cells.iter_mut(), true);
        assert_eq!(
            cells,
            ["   0.5  ", "  12.25 ", "1000    ", "   —    ", "  -3.125"]
        );
        let mut whole: Vec<String> = ["1", "20"].map(String::from).into();
        align_decimals(whole.iter_mut(), true);
        assert_eq!(whole, [" 1", "20"]);
        let mut tree: Vec<String> = ["11250.00", "0.125 @ 45000.00", "7.5"]
            .map(String::from)
            .into();
        align_decimals(tree.iter_mut(), true);
        assert_eq!(tree, ["11250.00", "0.125 @ 45000.00", "    7.5 "]);
        let mut ragged: Vec<String> = ["0.5 BTC", "120 USDT", "—", "7.25"]
            .map(String::from)
            .into();
        align_decimals(ragged.iter_mut(), false);
        assert_eq!(ragged, ["  0.5 BTC", "120 USDT", "  —   ", "  7.25"]);
    }

    #[test]
    fn computed_values_take_their_quote_scale() {
        assert_eq!(computed(Some(d("1234.5678")), "BTC/USDT"), "1234.57");
        assert_eq!(computed(Some(d("0.123456789")), "ETH-BTC"), "0.12345679");
        assert_eq!(computed(Some(d("1.23456789")), "BTC-ETH"), "1.234568");
        assert_eq!(computed(Some(d("2.00000")), "1_2"), "2");
        assert_eq!(computed(Some(d("22500.000")), "BTC-USDT"), "22500");
        assert_eq!(computed(None, "BTC-USD"), "—");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(42), "42s");
        assert_eq!(duration(312), "5m12s");
        assert_eq!(duration(3 * 3600 + 300), "3h05m");
    }
}
