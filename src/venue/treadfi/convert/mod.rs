//! Tread.fi wire → domain conversion and the public, pure decode functions (used by the
//! client, tests and `dump`).
//!
//! Pages are decoded per row: the envelope is read with its rows left as raw JSON, then each
//! row on its own, so one bad row becomes a [`BadRow`] (with its `id` and the failing field
//! path) and the rest of the page is kept.
//!
//! Here: the row conversions (order, multi-order, placement, message); `fills.rs`: execution
//! figures from `stats` and `fills`; `pages.rs`: the public page and document decoders.

use rust_decimal::Decimal;

use super::wire::{WireMessage, WireMultiOrder, WireOrder, WirePlacement};
use crate::domain::{
    LimitPrice, MessageLevel, MultiOrder, Order, OrderExtra, OrderId, OrderMessage, OrderStatus,
    Placement, Ratio, Side,
};
use crate::venue::decode::parse_decimal;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Tread `pct_filled` (percent 0–100) → ratio 0–1.
fn pct_to_ratio(pct: Option<Decimal>) -> Option<Ratio> {
    pct.and_then(|p| p.checked_div(HUNDRED))
}

/// executed / target as a ratio 0–1, when both are known and target is not zero.
fn derive_ratio(executed: Option<Decimal>, target: Option<Decimal>) -> Option<Ratio> {
    match (executed, target) {
        (Some(e), Some(t)) if !t.is_zero() => e.checked_div(t),
        _ => None,
    }
}

/// Tread `limit_price`: `""`/`null`/`-1`/`-1.0` → `None` (no limit), numeric text or number →
/// [`LimitPrice::Price`], any other text → [`LimitPrice::Expression`].
pub(super) fn limit_price(raw: Option<String>) -> Option<LimitPrice> {
    let raw = raw?;
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    match parse_decimal(text) {
        Some(d) if d == Decimal::NEGATIVE_ONE => None,
        Some(d) => Some(LimitPrice::Price(d)),
        None => Some(LimitPrice::Expression(raw)),
    }
}

fn status(raw: Option<impl AsRef<str>>) -> OrderStatus {
    match raw {
        Some(s) => OrderStatus::parse(s.as_ref()),
        // `status` is documented nullable on order detail: kept visible as an empty word.
        None => OrderStatus::Other("".into()),
    }
}

/// The first list that is not empty.
fn first_non_empty<T>(lists: [Vec<T>; 3]) -> Vec<T> {
    lists
        .into_iter()
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}

pub(super) fn order(w: WireOrder) -> Order {
    let target_qty = w.target_order_qty.or(w.order_qty);
    // `target_executed_qty` is explicitly "in target token terms"; `executed_qty` is the
    // documented fallback (the summary/stats endpoints only send that one).
    let executed_qty = w.target_executed_qty.or(w.executed_qty);
    let fill_ratio = pct_to_ratio(w.pct_filled).or_else(|| derive_ratio(executed_qty, target_qty));
    let mut unreadable = Vec::new();
    let stats = w
        .stats
        .as_deref()
        .and_then(|raw| execution_stats(raw, &mut unreadable));
    // The order detail carries the same figures as fields of the order (`vwap`,
    // `interval_volume`, `departure_price`, `arrival_price`); `stats` wins where both say.
    let stats = match (stats, w.vwap, w.interval_volume, w.departure_price) {
        (None, None, None, None) => None,
        (s, vwap, volume, departure) => {
            let mut s = s.unwrap_or_default();
            s.interval_vwap = s.interval_vwap.or(vwap);
            s.interval_volume = s.interval_volume.or(volume);
            s.departure_price = s.departure_price.or(departure);
            s.arrival_price = s.arrival_price.or(w.arrival_price);
            Some(s)
        }
    };
    let from_fills = w
        .fills
        .as_deref()
        .and_then(|raw| fill_totals(raw, &mut unreadable))
        .map(|t| executed_from_fills(&w, target_qty, executed_qty, &t));
    let arrival_price = w
        .arrival_price
        .or_else(|| stats.as_ref().and_then(|s| s.arrival_price));
    let mut o = Order::new(w.id, w.pair, Side::parse(&w.side), status(w.status));
    o.strategy = w.strategy;
    // The name is what a user reads; `super_strategy` is sometimes a UUID.
    o.super_strategy = w.super_strategy_name.or(w.super_strategy);
    o.target_qty = target_qty;
    o.target_token = w.target_token;
    o.executed_qty = executed_qty;
    o.remaining_qty = w.target_remaining_qty.or(w.remaining_qty);
    o.fill_ratio = fill_ratio;
    o.avg_price = w.average_executed_price.or(w.executed_price);
    o.limit_price = limit_price(w.limit_price);
    o.executed_notional = w.executed_notional;
    o.buy_token = w.buy_token;
    o.buy_token_amount = w.buy_token_amount;
    o.sell_token = w.sell_token;
    o.sell_token_amount = w.sell_token_amount;
    o.account_names = w.account_names.into();
    o.exchanges = first_non_empty([w.exchanges, w.exchange_names, w.unique_venues]).into();
    o.time_start = w.time_start.or(w.start_datetime).or(w.start_timedate);
    o.time_end = w.time_end;
    o.duration_secs = w.duration;
    o.created_at = w.created_at;
    o.updated_at = w.updated_at;
    o.total_fee = w.total_fee;
    o.fee_asset = w.fee_asset;
    if let Some(f) = from_fills {
        o.executed_qty = o.executed_qty.or(f.executed_qty);
        o.fill_ratio = o.fill_ratio.or(f.fill_ratio);
        o.avg_price = o.avg_price.or(f.avg_price);
        o.executed_notional = o.executed_notional.or(f.notional);
    }
    // The rarely-sent fields: no box at all when every one is empty (most active rows).
    o.set_extra(OrderExtra {
        custom_order_id: w.custom_order_id,
        parent_order_id: w.parent_order_id.map(OrderId::new),
        arrival_price,
        pov_target: w.pov_target,
        notes: w.notes,
        failure_reason: w.failure_reason,
        stats: stats.map(Box::new),
    });
    o.unreadable = unreadable;
    o
}

pub(super) fn multi_order(w: WireMultiOrder) -> MultiOrder {
    MultiOrder {
        venue: Default::default(),
        id: OrderId::new(w.id),
        custom_order_id: w.custom_order_id,
        status: status(w.status),
        calculated_status: w.calculated_status.map(|s| OrderStatus::parse(&s)),
        pairs: w.pairs,
        account_names: w.account_names,
        strategy: w.strategy,
        executed_notional: w.executed_notional,
        notional_exposure: w.notional_exposure,
        exposure_tolerance: w.exposure_tolerance,
        fill_ratio: pct_to_ratio(w.pct_filled),
        is_paused: w.is_paused,
        is_active: w.is_active,
        child_order_ids: w.child_order_ids.into_iter().map(OrderId::new).collect(),
        child_orders: w
            .child_orders
            .unwrap_or_default()
            .into_iter()
            .map(order)
            .collect(),
        time_start: w.start_datetime.or(w.start_timedate).or(w.time_start),
        duration_secs: w.duration,
        created_at: w.created_at,
        updated_at: w.updated_at,
        failure_reason: w.failure_reason,
        unreadable: Vec::new(),
    }
}

pub(super) fn placement(w: WirePlacement, order_id: &OrderId) -> Placement {
    Placement {
        venue: Default::default(),
        id: w.id,
        order_id: w.order.map_or_else(|| order_id.clone(), OrderId::new),
        exchange: w.exchange,
        placement_type: w.placement_type.unwrap_or_default(),
        qty: w.qty,
        executed_qty: w.executed_qty,
        price: w.price,
        status: w.status.unwrap_or_default(),
        failure_reason: w.failure_reason,
        fill_ratio: pct_to_ratio(w.pct_filled),
        external_id: w.external_id,
        created_at: w.created_at,
        unreadable: Vec::new(),
    }
}

fn message(order_id: &str, w: WireMessage) -> OrderMessage {
    OrderMessage {
        venue: Default::default(),
        order_id: OrderId::new(order_id),
        level: MessageLevel::parse(w.message_type.as_deref().unwrap_or_default()),
        message: w.message.unwrap_or_default(),
        created_at: w.created_at,
    }
}

mod fills;
mod pages;
pub(super) mod stream;
#[cfg(test)]
mod tests;

use fills::{executed_from_fills, execution_stats, fill_totals};
pub use pages::{
    decode_fills, decode_multi_order, decode_multi_orders_page, decode_order, decode_order_errors,
    decode_orders_page, decode_placements_page,
};
