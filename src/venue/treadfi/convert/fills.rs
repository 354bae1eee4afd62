//! An order's execution figures from what Tread.fi sends with it: `stats` (read field by
//! field, an unreadable field listed, not fatal), `fills` and their totals, and the executed
//! quantity derived from fills when the order row lacks one.

use crate::venue::decode::decode_row;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use crate::domain::{ExecutionStats, Fill, OrderId, Ratio, Side, Unreadable};
use crate::venue::treadfi::wire::{RawStats, WireFill, WireFillAmounts, WireOrder};

use super::derive_ratio;

/// A raw JSON value read as a decimal with the shared tolerant rules (string or number,
/// `null`/`""` → `None`); `Err` is the reason it could not be read.
fn raw_decimal(raw: Option<&RawValue>) -> Result<Option<Decimal>, String> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let mut de = serde_json::Deserializer::from_str(raw.get());
    crate::venue::decode::opt_decimal(&mut de).map_err(|e| {
        let mut m = e.to_string();
        if let Some(at) = m.rfind(" at line ") {
            m.truncate(at);
        }
        m
    })
}

/// Tread's `stats` object (`/api/orders_with_stats/`): `arrival_price`, `vwap` (the market's
/// over the order's interval), `departure_price` (quote per base) and `interval_volume` (base).
/// A value that cannot be read is left out and listed in `unreadable` as `stats.<key>`; a
/// `stats` that is not an object is listed as `stats`. `None` when nothing was readable.
pub(super) fn execution_stats(
    raw: &RawValue,
    unreadable: &mut Vec<Unreadable>,
) -> Option<ExecutionStats> {
    let text = raw.get();
    if text == "null" {
        return None;
    }
    // serde would also read a list positionally: only an object is a `stats`.
    let parsed = if text.starts_with('{') {
        serde_json::from_str::<RawStats<'_>>(text).map_err(|e| e.to_string())
    } else {
        Err(format!(
            "expected an object, got {}",
            crate::sanitize::clean_truncated(text, 40)
        ))
    };
    let r = match parsed {
        Ok(r) => r,
        Err(reason) => {
            unreadable.push(Unreadable {
                path: "stats".into(),
                reason,
            });
            return None;
        }
    };
    let mut read = |key: &str, v: Option<&RawValue>| {
        raw_decimal(v).unwrap_or_else(|reason| {
            unreadable.push(Unreadable {
                path: format!("stats.{key}"),
                reason,
            });
            None
        })
    };
    let s = ExecutionStats {
        arrival_price: read("arrival_price", r.arrival_price),
        interval_vwap: read("vwap", r.vwap),
        departure_price: read("departure_price", r.departure_price),
        interval_volume: read("interval_volume", r.interval_volume),
    };
    (s != ExecutionStats::default()).then_some(s)
}

/// One decoded fill of any documented shape (see [`WireFill`]) as a domain [`Fill`]. Field
/// aliases: `quantity` → qty, `price` → price, `timestamp` → time, `fee_currency` → fee asset;
/// `placement` is the enclosing placement's id for fills nested in `placements[]`.
pub(super) fn fill(w: WireFill, order_id: &OrderId, placement: Option<&str>) -> Fill {
    Fill {
        venue: Default::default(),
        order_id: order_id.clone(),
        placement_id: w.placement_id.or_else(|| placement.map(str::to_owned)),
        exchange: w.exchange,
        role: w.role,
        price: w.executed_price.or(w.price),
        qty: w.executed_qty.or(w.quantity),
        notional: w.executed_notional,
        fee: w.fee,
        fee_asset: w.fee_currency,
        time: w.fill_time.or(w.timestamp),
    }
}

/// Totals over an order row's own `fills`, in the fills' units: quantity in the base asset,
/// notional in the quote asset.
#[derive(Debug, Default)]
pub(super) struct FillTotals {
    /// Σ quantity (base).
    qty: Decimal,
    /// Σ notional (quote): the fill's `executed_notional`, else price × quantity. `None` when
    /// a fill with a quantity has neither (the sum would be short).
    notional: Option<Decimal>,
    /// Σ notional and Σ quantity over the fills that have a price: the VWAP's terms.
    priced_notional: Decimal,
    priced_qty: Decimal,
}

/// Reads a row's raw `fills` into [`FillTotals`]. `None` when `fills` is not a list, when any
/// fill cannot be read (each listed in `unreadable` as `fills[i].<field>`: a total missing a
/// fill would show too little as executed), or on overflow.
pub(super) fn fill_totals(raw: &RawValue, unreadable: &mut Vec<Unreadable>) -> Option<FillTotals> {
    let rows: Vec<&RawValue> = match serde_json::from_str::<Option<Vec<&RawValue>>>(raw.get()) {
        Ok(rows) => rows?,
        Err(e) => {
            unreadable.push(Unreadable {
                path: "fills".into(),
                reason: e.to_string(),
            });
            return None;
        }
    };
    let mut t = FillTotals {
        notional: Some(Decimal::ZERO),
        ..FillTotals::default()
    };
    let mut complete = true;
    for (i, raw) in rows.into_iter().enumerate() {
        let w = match decode_row::<WireFillAmounts>(raw) {
            Ok(w) => w,
            Err(reason) => {
                // `decode_row` says `field: message` (just `message` for the fill itself).
                let (path, reason) = match reason.split_once(": ") {
                    Some((field, why)) if !field.contains(' ') => {
                        (format!("fills[{i}].{field}"), why.to_owned())
                    }
                    _ => (format!("fills[{i}]"), reason),
                };
                unreadable.push(Unreadable { path, reason });
                complete = false;
                continue;
            }
        };
        let Some(q) = w.executed_qty.or(w.quantity) else {
            continue;
        };
        let price = w.executed_price.or(w.price);
        let n = w
            .executed_notional
            .or_else(|| price.and_then(|p| p.checked_mul(q)));
        t.qty = t.qty.checked_add(q)?;
        t.notional = match (t.notional, n) {
            (Some(acc), Some(n)) => Some(acc.checked_add(n)?),
            _ => None,
        };
        if let Some(n) = n {
            t.priced_notional = t.priced_notional.checked_add(n)?;
            t.priced_qty = t.priced_qty.checked_add(q)?;
        }
    }
    complete.then_some(t)
}

/// What an order row's fills say about its execution, for the fields the row itself leaves
/// out.
#[derive(Debug, Default)]
pub(super) struct FromFills {
    pub(super) executed_qty: Option<Decimal>,
    pub(super) fill_ratio: Option<Ratio>,
    pub(super) avg_price: Option<Decimal>,
    pub(super) notional: Option<Decimal>,
}

/// Execution figures from a row's own `fills`, used only where the row does not give them
/// (the main `/api/active_orders/` example has no `pct_filled`, `target_*` nor
/// `executed_qty`; what has executed is only in its `fills`).
///
/// The rule:
/// - Fill quantities are in the base asset and prices in quote per base, so Σ quantity is the
///   base executed and Σ notional (the fill's `executed_notional`, else price × quantity) the
///   quote executed.
/// - The base asset is the token bought on a buy and sold on a sell (`buy_token` /
///   `sell_token`); the other one is the quote.
/// - The order's size, in its target token: `target_order_qty` (alias `order_qty`) in
///   `target_token`; else the `buy_token_amount` or `sell_token_amount` whose token is
///   `target_token`; else, with no `target_token`, the side's own amount (`buy_token_amount`
///   on a buy, `sell_token_amount` on a sell: sized in base) or, failing that, the other
///   one (sized in quote) — the same amount the table shows as the order's size.
/// - Executed quantity = the base or quote total, whichever the size is in; only when the
///   row has no `executed_qty`/`target_executed_qty` (whose unit the documents do not pin
///   down when `target_token` is absent). Fill % = executed ÷ size (not when size is 0).
/// - Average price = Σ notional ÷ Σ quantity over the fills with a price.
///
/// All arithmetic is checked: an overflow leaves the figure `None`.
pub(super) fn executed_from_fills(
    w: &WireOrder,
    target_qty: Option<Decimal>,
    executed_qty: Option<Decimal>,
    t: &FillTotals,
) -> FromFills {
    let avg_price = if t.priced_qty.is_zero() {
        None
    } else {
        t.priced_notional
            .checked_div(t.priced_qty)
            .map(|p| p.round_dp(8).normalize())
    };
    let mut out = FromFills {
        avg_price,
        notional: t.notional,
        ..FromFills::default()
    };
    if executed_qty.is_some() {
        return out;
    }
    let Some((size, in_base)) = order_size(w, target_qty) else {
        return out;
    };
    out.executed_qty = if in_base { Some(t.qty) } else { t.notional };
    out.fill_ratio = derive_ratio(out.executed_qty, Some(size));
    out
}

/// The order's size in its target token and whether that token is the base asset, per the
/// rule on [`executed_from_fills`]. `None` when the size or its unit is unknown.
fn order_size(w: &WireOrder, target_qty: Option<Decimal>) -> Option<(Decimal, bool)> {
    let (own, own_token, other, other_token) = match Side::parse(&w.side) {
        Side::Buy => (
            w.buy_token_amount,
            w.buy_token.as_deref(),
            w.sell_token_amount,
            w.sell_token.as_deref(),
        ),
        Side::Sell => (
            w.sell_token_amount,
            w.sell_token.as_deref(),
            w.buy_token_amount,
            w.buy_token.as_deref(),
        ),
        Side::Other(_) => return None,
    };
    match (w.target_token.as_deref(), target_qty) {
        (Some(tt), Some(q)) if Some(tt) == own_token => Some((q, true)),
        (Some(tt), Some(q)) if Some(tt) == other_token => Some((q, false)),
        (_, Some(_)) => None,
        (Some(tt), None) if Some(tt) == own_token => own.map(|a| (a, true)),
        (Some(tt), None) if Some(tt) == other_token => other.map(|a| (a, false)),
        (Some(_), None) => None,
        (None, None) => own.map(|a| (a, true)).or(other.map(|a| (a, false))),
    }
}
