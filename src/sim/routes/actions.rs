//! The documented write endpoints: cancel, pause, resume, amend, the multi-order actions and
//! the bulk `*_all_orders` calls, with the documents' replies and refusals.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::sim::Shared;
use crate::sim::book::{Amend, Bulk};

use super::{Params, S, body_json, error, flag, ok, reject, str_field};

pub(super) async fn cancel(State(shared): S, Path(id): Path<String>) -> Response {
    let result = shared.book().cancel(&id, Timestamp::now());
    match result {
        Ok((changes, msg)) => {
            shared.publish(changes);
            ok(StatusCode::OK, json!(msg))
        }
        Err(r) if r.status == 404 => ok(StatusCode::NOT_FOUND, json!(r.error)),
        Err(r) => reject(r),
    }
}

pub(super) async fn pause(State(shared): S, body: Bytes) -> Response {
    let Some(id) = str_field(&body_json(&body), "order_id") else {
        return error(400, "Missing required field: order_id");
    };
    let result = shared.book().pause(&id, Timestamp::now());
    match result {
        Ok(c) => {
            shared.publish(c);
            ok(
                StatusCode::ACCEPTED,
                json!({"message": "Successfully paused order."}),
            )
        }
        Err(r) => reject(r),
    }
}

pub(super) async fn resume(State(shared): S, body: Bytes) -> Response {
    let Some(id) = str_field(&body_json(&body), "order_id") else {
        return error(400, "Missing required field: order_id");
    };
    let result = shared.book().resume(&id, Timestamp::now());
    match result {
        Ok(c) => {
            shared.publish(c);
            ok(
                StatusCode::ACCEPTED,
                json!({"message": "Successfully resumed order."}),
            )
        }
        Err(r) => reject(r),
    }
}

/// A decimal sent as a JSON number or string.
fn dec_field(v: &Value, key: &str) -> Result<Option<Decimal>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .map(Some)
            .map_err(|_| format!("{key} is invalid")),
        Some(Value::String(s)) => Decimal::from_str(s.trim())
            .map(Some)
            .map_err(|_| format!("{key} is invalid")),
        Some(_) => Err(format!("{key} is invalid")),
    }
}

pub(super) async fn amend(State(shared): S, body: Bytes) -> Response {
    let v = body_json(&body);
    let (Some(id), Some(changes)) = (
        str_field(&v, "order_id"),
        v.as_ref()
            .and_then(|v| v.get("changes"))
            .filter(|c| c.is_object())
            .cloned(),
    ) else {
        return error(400, "Missing required field(s): order_id, changes");
    };
    let parsed = (|| -> Result<Amend, String> {
        Ok(Amend {
            base_asset_qty: dec_field(&changes, "base_asset_qty")?,
            quote_asset_qty: dec_field(&changes, "quote_asset_qty")?,
            duration: match dec_field(&changes, "duration")? {
                Some(d) => Some(
                    i64::try_from(d.trunc().mantissa() / 10i128.pow(d.trunc().scale()))
                        .map_err(|_| "duration is invalid".to_string())?,
                ),
                None => None,
            },
            pov_target: dec_field(&changes, "pov_target")?,
            limit_price: match changes.get("limit_price") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            },
        })
    })();
    let amend = match parsed {
        Ok(a) => a,
        Err(e) => return error(400, &e),
    };
    let result = shared.book().amend(&id, &amend, Timestamp::now());
    match result {
        Ok(c) => {
            shared.publish(c);
            ok(
                StatusCode::ACCEPTED,
                json!({"message": "Successfully amended order."}),
            )
        }
        Err(r) => reject(r),
    }
}

async fn set_multi(shared: Arc<Shared>, body: Bytes, pause: bool) -> Response {
    let Some(id) = str_field(&body_json(&body), "multi_order_id") else {
        return error(400, "Missing required field: multi_order_id");
    };
    let result = shared.book().set_multi_paused(&id, pause, Timestamp::now());
    match result {
        Ok(c) => {
            shared.publish(c);
            let msg = if pause {
                "Successfully paused multi order."
            } else {
                "Successfully resumed multi order."
            };
            ok(StatusCode::ACCEPTED, json!({ "message": msg }))
        }
        Err(r) => reject(r),
    }
}

pub(super) async fn pause_multi(State(shared): S, body: Bytes) -> Response {
    set_multi(shared, body, true).await
}

pub(super) async fn resume_multi(State(shared): S, body: Bytes) -> Response {
    set_multi(shared, body, false).await
}

pub(super) async fn cancel_multis(State(shared): S, body: Bytes) -> Response {
    let v = body_json(&body);
    let ids: Vec<String> = ["order_ids", "custom_order_ids"]
        .iter()
        .filter_map(|k| v.as_ref()?.get(*k)?.as_array().cloned())
        .flatten()
        .filter_map(|x| x.as_str().map(String::from))
        .collect();
    if ids.is_empty() {
        return ok(
            StatusCode::BAD_REQUEST,
            json!({"errors": ["Missing required field: order_ids or custom_order_ids"]}),
        );
    }
    let changes = shared.book().cancel_multis(&ids, Timestamp::now());
    shared.publish(changes);
    ok(StatusCode::OK, json!({"message": "Multi orders canceled!"}))
}

/// `POST /api/pause_all_orders/`, `/api/resume_all_orders/`, `/api/cancel_all_orders/`, with
/// the documented replies:
/// - 200 `{"message": "Successfully paused all orders."}` (resumed, canceled);
///   `cancel_all_orders` also answers 200 when there is nothing to cancel ("Orders
///   successfully canceled or no orders to cancel").
/// - 400 `{"message": "No active orders to cancel."}` when `pause_all_orders` finds nothing
///   to pause (the document's pause sample reads "cancel"), `{"message": "No paused orders to
///   resume."}` for `resume_all_orders`; with ". Failed to fetch accounts: ['Account not found:
///   NAME']" appended when `account_names` names an unknown account (then also for cancel).
/// - 422 `{"error": "Paused 5 orders with 2 failures: ['id1', 'id2']"}` (pause) or
///   `"Canceled 2 orders with 1 failures: ['Failed to cancel order ID']"` (cancel) when some
///   orders fail ([`Faults::bulk_fail`]); resume documents no partial failure, so its
///   failures are only left paused.
async fn bulk(shared: Arc<Shared>, q: HashMap<String, String>, body: Bytes, op: Bulk) -> Response {
    let accounts: Vec<String> = str_field(&body_json(&body), "account_names")
        .map(|s| {
            s.split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let exclude_paused = flag(&q, "exclude_paused", true);
    let fail = match op {
        Bulk::Resume => Vec::new(),
        Bulk::Pause | Bulk::Cancel => shared.faults().bulk_fail,
    };
    let out = shared
        .book()
        .bulk(op, &accounts, exclude_paused, &fail, Timestamp::now());
    let done = out.changes.len();
    shared.publish(out.changes);
    let accounts_note = if out.unknown_accounts.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = out
            .unknown_accounts
            .iter()
            .map(|a| format!("'Account not found: {a}'"))
            .collect();
        format!(" Failed to fetch accounts: [{}]", names.join(", "))
    };
    let quoted = |items: Vec<String>| -> String {
        let items: Vec<String> = items.into_iter().map(|i| format!("'{i}'")).collect();
        format!("[{}]", items.join(", "))
    };
    if !out.failed.is_empty() {
        let n = out.failed.len();
        let text = match op {
            Bulk::Pause => format!(
                "Paused {done} orders with {n} failures: {}{accounts_note}",
                quoted(out.failed)
            ),
            _ => format!(
                "Canceled {done} orders with {n} failures: {}{accounts_note}",
                quoted(
                    out.failed
                        .iter()
                        .map(|id| format!("Failed to cancel order {id}"))
                        .collect()
                )
            ),
        };
        return error(422, &text);
    }
    if done == 0 && (op != Bulk::Cancel || !accounts_note.is_empty()) {
        let text = match op {
            Bulk::Resume => "No paused orders to resume.",
            Bulk::Pause | Bulk::Cancel => "No active orders to cancel.",
        };
        return ok(
            StatusCode::BAD_REQUEST,
            json!({ "message": format!("{text}{accounts_note}") }),
        );
    }
    if done > 0 && !accounts_note.is_empty() && op == Bulk::Cancel {
        return error(
            422,
            &format!("Canceled {done} orders with 0 failures: []{accounts_note}"),
        );
    }
    let msg = match op {
        Bulk::Pause => "Successfully paused all orders.",
        Bulk::Resume => "Successfully resumed all orders.",
        Bulk::Cancel => "Successfully canceled all orders.",
    };
    ok(StatusCode::OK, json!({ "message": msg }))
}

pub(super) async fn pause_all(State(shared): S, Query(q): Params, body: Bytes) -> Response {
    bulk(shared, q, body, Bulk::Pause).await
}

pub(super) async fn resume_all(State(shared): S, Query(q): Params, body: Bytes) -> Response {
    bulk(shared, q, body, Bulk::Resume).await
}

pub(super) async fn cancel_all(State(shared): S, Query(q): Params, body: Bytes) -> Response {
    bulk(shared, q, body, Bulk::Cancel).await
}
