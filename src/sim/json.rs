//! Wire rendering of the simulated book in Tread.fi's documented shapes, quirks included:
//! decimals mostly as strings but some as JSON numbers, `pct_filled` as a 0–100 string,
//! `limit_price: -1.0` (a number) for no limit, `""` for empty `custom_order_id` and
//! `failure_reason`, and placements with numeric (float) quantities.
//!
//! In [`Shapes::Docs`] each order row takes one of three looks, fixed by its id
//! ([`doc_variant`]), as the documents' own examples differ:
//! - **0, "order detail"**: the `Shapes::Sim` row (decimals as strings, `Z` timestamps).
//! - **1, "sparse"**: every nullable field that is only decoration is left out
//!   (`batch_order_id`, `notes`, `super_strategy`, `engine_passiveness`,
//!   `schedule_discretion`, `pov_limit`, `alpha_tilt`, `fee_asset`, `executed_buy_qty`,
//!   `target_executed_qty`, `pct_filled`, `time_end`, null amounts, `parent_order_id` when
//!   null), quantities as JSON numbers (`"executed_qty": 0.5`), timestamps without a zone
//!   (`"2023-08-08T23:59:06.300319"`, as the detail example's `time_end`).
//! - **2, "summary"**: quantities as JSON numbers, `pct_filled` a number, `limit_price: null`
//!   for no limit and `failure_reason: null` (the detail example), whole-second `Z` times.
//!
//! Fills (`GET /api/order/{id}?include_fills=true`) follow the same variant, one documented
//! fill shape each: 0 the order-detail shape (`placement_id`, `role`, `executed_price`,
//! `executed_qty`, `executed_notional`, `fee`, `fill_time`, strings); 1 the placement-nested
//! shape (`id`, `created_at`, `fill_time` without a zone, `role`, `external_id`, numbers);
//! 2 the active-orders shape (`id`, `order_id`, `pair`, `side`, `quantity`, `price`,
//! `timestamp`, `fee`, `fee_currency`).

use rust_decimal::Decimal;
use serde_json::{Map, Number, Value, json};

use super::Shapes;
use super::book::{SimMessage, SimMulti, SimOrder, SimPlacement};

/// Which of the three documented looks a row takes in [`Shapes::Docs`] (0, 1 or 2), fixed
/// by the order id so a row keeps its look from one poll to the next.
pub fn doc_variant(id: &str) -> u8 {
    let h = id
        .bytes()
        .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    // The modulo keeps it below 3.
    u8::try_from(h % 3).unwrap_or(0)
}

/// A timestamp with microseconds and no zone (the documents' `"2023-08-08T23:59:06.300319"`).
fn ts_naive(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// A timestamp to whole seconds with `Z`.
fn ts_secs(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A decimal as a JSON number carrying its exact text (serde_json `arbitrary_precision`).
fn num(d: Decimal) -> Value {
    Number::from_string_unchecked(d.to_string()).into()
}

fn pct(executed: Decimal, target: Decimal) -> Decimal {
    if target.is_zero() {
        Decimal::ZERO
    } else {
        (executed * Decimal::ONE_HUNDRED / target).round_dp(2)
    }
}

fn ts(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// One order as in `/api/active_orders/` and `/api/orders/`, in the given [`Shapes`].
pub fn order(o: &SimOrder, shapes: Shapes) -> Value {
    let v = sim_order(o);
    match shapes {
        Shapes::Sim => v,
        Shapes::Docs => docs_order(o, v),
    }
}

/// Reshapes a `Shapes::Sim` row into its documented variant (see the module docs).
fn docs_order(o: &SimOrder, v: Value) -> Value {
    let variant = doc_variant(&o.id);
    let Value::Object(mut m) = v else { return v };
    // The documents' row examples carry no `arrival_price` (the detail's completion fields do).
    m.remove("arrival_price");
    let numbers = [
        "executed_qty",
        "executed_buy_qty",
        "executed_notional",
        "target_order_qty",
        "target_remaining_qty",
        "target_executed_qty",
    ];
    let to_number = |m: &mut Map<String, Value>, key: &str| {
        if let Some(Value::String(s)) = m.get(key)
            && let Ok(d) = s.parse::<Decimal>()
        {
            m.insert(key.into(), num(d));
        }
    };
    let end = o
        .time_start
        .checked_add(jiff::SignedDuration::from_secs(o.duration))
        .unwrap_or(o.time_start);
    match variant {
        1 => {
            for key in [
                "batch_order_id",
                "super_strategy",
                "engine_passiveness",
                "schedule_discretion",
                "pov_limit",
                "alpha_tilt",
                "fee_asset",
                "executed_buy_qty",
                "target_executed_qty",
                "pct_filled",
                "time_end",
            ] {
                m.remove(key);
            }
            for key in [
                "notes",
                "parent_order_id",
                "buy_token_amount",
                "sell_token_amount",
                "pov_target",
                "average_executed_price",
            ] {
                if matches!(m.get(key), Some(Value::Null))
                    || m.get(key).and_then(Value::as_str) == Some("")
                {
                    m.remove(key);
                }
            }
            for key in numbers {
                to_number(&mut m, key);
            }
            m.insert("time_start".into(), json!(ts_naive(o.time_start)));
            m.insert("created_at".into(), json!(ts_naive(o.created_at)));
            m.insert("updated_at".into(), json!(ts_naive(o.updated_at)));
        }
        2 => {
            for key in numbers {
                to_number(&mut m, key);
            }
            m.insert("pct_filled".into(), num(pct(o.executed_qty, o.target_qty)));
            if o.limit.is_none() {
                m.insert("limit_price".into(), Value::Null);
            }
            if o.failure_reason.is_empty() {
                m.insert("failure_reason".into(), Value::Null);
            }
            m.insert("time_start".into(), json!(ts_secs(o.time_start)));
            m.insert("time_end".into(), json!(ts_secs(end)));
            m.insert("created_at".into(), json!(ts_secs(o.created_at)));
            m.insert("updated_at".into(), json!(ts_secs(o.updated_at)));
        }
        _ => {}
    }
    Value::Object(m)
}

/// One fill of `GET /api/order/{id}?include_fills=true` from a filled placement: in
/// `Shapes::Sim` the documented order-detail shape (`executed_price`, `executed_qty`,
/// `executed_notional`, `fee`), in `Shapes::Docs` the documented shape of the order's variant
/// (see the module docs). Every fill has the price it traded at (`fill_price`, a TAKE
/// placement has no limit `price`) and its fee (4 bps of its notional, in the quote asset, as
/// the order's `total_fee`).
pub fn fill(o: &SimOrder, p: &SimPlacement, shapes: Shapes) -> Value {
    let price = p.fill_price.or(p.price).unwrap_or_default();
    let notional = (p.executed_qty * price).round_dp(2);
    let fee = (notional * Decimal::new(4, 4)).round_dp(4);
    let variant = match shapes {
        Shapes::Sim => 0,
        Shapes::Docs => doc_variant(&o.id),
    };
    match variant {
        1 => json!({
            "id": p.id,
            "created_at": ts(p.created_at),
            "fill_time": ts_naive(p.created_at),
            "role": p.placement_type,
            "external_id": p.external_id,
            "executed_price": num(price),
            "executed_qty": num(p.executed_qty),
            "exchange": p.exchange,
            "fee": num(fee),
        }),
        2 => json!({
            "id": p.id,
            "order_id": o.id,
            "exchange": p.exchange,
            "pair": o.pair(),
            "side": o.side,
            "quantity": p.executed_qty.to_string(),
            "price": price.to_string(),
            "timestamp": ts_secs(p.created_at),
            "fee": fee.to_string(),
            "fee_currency": o.quote,
        }),
        _ => json!({
            "placement_id": p.id,
            "exchange": p.exchange,
            "role": p.placement_type,
            "executed_price": price.to_string(),
            "executed_qty": p.executed_qty.to_string(),
            "executed_notional": notional.to_string(),
            "fee": fee.to_string(),
            "fill_time": ts(p.created_at),
        }),
    }
}

/// The `Shapes::Sim` row: every field, decimals as strings, `Z` timestamps.
fn sim_order(o: &SimOrder) -> Value {
    let (buy_token, sell_token) = if o.side == "buy" {
        (o.target_base(), o.quote.clone())
    } else {
        (o.quote.clone(), o.target_base())
    };
    let (buy_amount, sell_amount) = match (o.side, o.quote_sized) {
        ("buy", true) => (Value::Null, json!(o.target_qty.to_string())),
        ("buy", false) => (json!(o.target_qty.to_string()), Value::Null),
        (_, true) => (json!(o.target_qty.to_string()), Value::Null),
        (_, false) => (Value::Null, json!(o.target_qty.to_string())),
    };
    let end = o
        .time_start
        .checked_add(jiff::SignedDuration::from_secs(o.duration))
        .unwrap_or(o.time_start);
    json!({
        "id": o.id,
        "custom_order_id": o.custom_order_id,
        "parent_order_id": o.parent,
        "batch_order_id": null,
        "notes": o.notes,
        "pair": o.pair(),
        "side": o.side,
        "exchanges": [o.exchange],
        "buy_token": buy_token,
        "buy_token_amount": buy_amount,
        "sell_token": sell_token,
        "sell_token_amount": sell_amount,
        "executed_qty": o.executed_qty.to_string(),
        "executed_buy_qty": o.executed_base.to_string(),
        "average_executed_price": o.avg_price().map(|p| p.to_string()),
        "executed_notional": o.executed_notional.to_string(),
        "target_order_qty": o.target_qty.to_string(),
        "target_remaining_qty": (o.target_qty - o.executed_qty).to_string(),
        "target_token": o.target_token(),
        "target_executed_qty": o.executed_qty.to_string(),
        "pct_filled": pct(o.executed_qty, o.target_qty).to_string(),
        "total_fee": num(o.total_fee),
        "fee_asset": o.quote,
        "strategy": o.strategy,
        "super_strategy": "Impact Minimization",
        "duration": o.duration,
        "accounts": [format!("acct-{}", o.account)],
        "account_names": [o.account],
        "engine_passiveness": num(Decimal::new(2, 2)),
        "schedule_discretion": num(Decimal::new(8, 2)),
        "pov_limit": null,
        "pov_target": o.pov_target.map(num),
        "alpha_tilt": "0.00",
        "strategy_params": {"passive_only": o.strategy == "TWAP"},
        "user": "42",
        "status": o.status,
        "active": o.status == "ACTIVE",
        "is_simple": o.strategy == "Limit",
        "failure_reason": o.failure_reason,
        "arrival_price": arrival(o),
        "limit_price": match o.limit { Some(l) => json!(l.to_string()), None => num(Decimal::new(-10, 1)) },
        "is_reverse_limit_price": false,
        "time_start": ts(o.time_start),
        "time_end": ts(end),
        "created_at": ts(o.created_at),
        "updated_at": ts(o.updated_at),
    })
}

/// One multi-order as in `/api/multi_orders/` (children embedded when asked, in `shapes`).
pub fn multi(
    m: &SimMulti,
    children: &[&SimOrder],
    include_children: bool,
    shapes: Shapes,
) -> Value {
    let target: Decimal = children.iter().map(|c| c.target_qty).sum();
    let executed: Decimal = children.iter().map(|c| c.executed_qty).sum();
    let notional: Decimal = children.iter().map(|c| c.executed_notional).sum();
    let mut pairs: Vec<String> = children.iter().map(|c| c.pair()).collect();
    pairs.dedup();
    let mut accounts: Vec<&str> = children.iter().map(|c| c.account).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let mut v = json!({
        "id": m.id,
        "created_at": ts(m.created_at),
        "updated_at": ts(m.updated_at),
        "start_timedate": ts(m.created_at),
        "duration": m.duration,
        "exposure_tolerance": "0.05",
        "notional_exposure": num(Decimal::ZERO),
        "executed_notional": notional.to_string(),
        "child_order_ids": m.children,
        "accounts": accounts,
        "strategy": m.strategy,
        "strategy_params": {},
        "engine_passiveness": "0.02",
        "schedule_discretion": "0.06",
        "alpha_tilt": "0.0",
        "limit_price_spread": null,
        "failure_reason": null,
        "pct_filled": pct(executed, target).to_string(),
        "account_names": accounts,
        "pairs": pairs.join(","),
        "status": m.status,
        "is_active": m.status == "ACTIVE",
        "is_paused": m.paused,
        "fee_notional": "0.00",
        "order_condition": "",
        "custom_order_id": m.custom_order_id,
    });
    if include_children && let Some(obj) = v.as_object_mut() {
        obj.insert(
            "child_orders".into(),
            Value::Array(children.iter().map(|c| order(c, shapes)).collect()),
        );
    }
    v
}

/// One placement as in `/api/placements/`: numbers as JSON numbers (the document's noted
/// type inconsistency), `""` for empty failure reason / external id, null price for TAKE.
/// In [`Shapes::Docs`], by the order's [`doc_variant`]: 1 leaves the nullable `base_qty` /
/// `executed_base_qty` null and writes `created_at` without a zone; 2 writes the numbers
/// with the 20 decimals of the order-detail example (`28931.15000000000000000000`).
pub fn placement(p: &SimPlacement, shapes: Shapes) -> Value {
    let v = json!({
        "id": p.id,
        "exchange": p.exchange,
        "qty": num(p.qty),
        "executed_qty": num(p.executed_qty),
        "base_qty": num(p.qty),
        "executed_base_qty": num(p.executed_qty),
        "price": p.price.map(num),
        "status": p.status,
        "placement_type": p.placement_type,
        "passiveness": num(Decimal::new(78071, 7)),
        "failure_reason": p.failure_reason,
        "created_at": ts(p.created_at),
        "pct_filled": num(pct(p.executed_qty, p.qty)),
        "external_id": p.external_id,
    });
    if shapes == Shapes::Sim {
        return v;
    }
    let Value::Object(mut m) = v else { return v };
    match doc_variant(&p.order_id) {
        1 => {
            m.insert("base_qty".into(), Value::Null);
            m.insert("executed_base_qty".into(), Value::Null);
            m.insert("created_at".into(), json!(ts_naive(p.created_at)));
        }
        2 => {
            let wide = |d: Decimal| {
                let mut d = d;
                d.rescale(20);
                num(d)
            };
            for (key, value) in [
                ("qty", Some(p.qty)),
                ("executed_qty", Some(p.executed_qty)),
                ("base_qty", Some(p.qty)),
                ("executed_base_qty", Some(p.executed_qty)),
                ("price", p.price),
            ] {
                m.insert(key.into(), value.map_or(Value::Null, wide));
            }
        }
        _ => {}
    }
    Value::Object(m)
}

/// `arrival_price`, "market price at order start": the mid when the order started, as a
/// decimal string once the order has finished and `null` while it works, as the document says
/// ("Computed: market price at order start. Populated on completion"; its SCHEDULED example
/// has `null`). The simulator knows it from the start but serves it no earlier than the venue
/// would, so nothing is tested against a shape the venue does not serve.
fn arrival(o: &SimOrder) -> Value {
    match o.arrival {
        Some(a) if !o.is_open() => Value::String(a.normalize().to_string()),
        _ => Value::Null,
    }
}

/// The order detail's completion fields (`GET /api/order/{id}`): `arrival_price` ([`arrival`]), `vwap` (market notional ÷ volume over the order's life),
/// `interval_volume` and `departure_price` as decimal strings once the order has finished,
/// `null` while it works ("Populated on completion").
pub fn completion(o: &SimOrder) -> [(String, Value); 4] {
    let done = !o.is_open();
    let text = |d: Option<Decimal>| match d {
        Some(d) if done => Value::String(d.normalize().to_string()),
        _ => Value::Null,
    };
    let vwap =
        (!o.market_volume.is_zero()).then(|| (o.market_notional / o.market_volume).round_dp(2));
    let volume = (!o.market_volume.is_zero()).then(|| o.market_volume.round_dp(4));
    [
        ("arrival_price".into(), arrival(o)),
        ("vwap".into(), text(vwap)),
        ("interval_volume".into(), text(volume)),
        ("departure_price".into(), text(o.departure)),
    ]
}

/// One order message as in `/api/order_errors/`.
pub fn message(m: &SimMessage) -> Value {
    json!({
        "message": m.message,
        "message_type": m.message_type,
        "created_at": ts(m.created_at),
    })
}

impl SimOrder {
    /// The base token as shown in buy/sell token fields (`BTC:PERP` for perps).
    pub fn target_base(&self) -> String {
        if self.perp {
            format!("{}:PERP", self.base)
        } else {
            self.base.clone()
        }
    }
}
