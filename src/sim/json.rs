//! Wire rendering of the simulated book in Tread.fi's documented shapes, quirks included:
//! decimals mostly as strings but some as JSON numbers, `pct_filled` as a 0–100 string,
//! `limit_price: -1.0` (a number) for no limit, `""` for empty `custom_order_id` and
//! `failure_reason`, and placements with numeric (float) quantities.

use rust_decimal::Decimal;
use serde_json::{Number, Value, json};

use super::book::{SimMessage, SimMulti, SimOrder, SimPlacement};

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

/// One order as in `/api/active_orders/` and `/api/orders/`.
pub fn order(o: &SimOrder) -> Value {
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
        "limit_price": match o.limit { Some(l) => json!(l.to_string()), None => num(Decimal::new(-10, 1)) },
        "is_reverse_limit_price": false,
        "time_start": ts(o.time_start),
        "time_end": ts(end),
        "created_at": ts(o.created_at),
        "updated_at": ts(o.updated_at),
    })
}

/// One multi-order as in `/api/multi_orders/` (children embedded when asked).
pub fn multi(m: &SimMulti, children: &[&SimOrder], include_children: bool) -> Value {
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
            Value::Array(children.iter().map(|c| order(c)).collect()),
        );
    }
    v
}

/// One placement as in `/api/placements/`: numbers as JSON numbers (the document's noted
/// type inconsistency), `""` for empty failure reason / external id, null price for TAKE.
pub fn placement(p: &SimPlacement) -> Value {
    json!({
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
    })
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
