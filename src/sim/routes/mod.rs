//! HTTP routes of the simulator, plus the middleware that records every request and applies
//! auth and faults.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::book::{Amend, Bulk, Reject};
use super::{Faults, RecordedRequest, Shared, json as wire, lock, set_faults};

type S = State<Arc<Shared>>;
type Params = Query<HashMap<String, String>>;

/// All routes: the documented Tread.fi endpoints, the Anboto and AlphaSec books under their
/// prefixes, the push channel when [`super::SimConfig::push`] is on, and the simulator's own
/// controls under `/_sim/` (see the module docs of `sim`).
pub(super) fn router(shared: Arc<Shared>) -> Router {
    let mut app = Router::new()
        .route("/api/active_orders/", get(active_orders))
        .route("/api/orders/", get(orders))
        .route("/api/order/{id}", get(order).delete(cancel))
        .route("/api/multi_orders/", get(multi_orders))
        // `DELETE /api/multi_order/{id}` (the official client's cancel) is not documented:
        // cancelling goes through `POST /api/cancel_multi_orders/`.
        .route("/api/multi_order/{id}", get(multi_order))
        .route("/api/placements/", get(placements))
        .route("/api/order_errors/", get(order_errors))
        .route("/api/pause_order/", post(pause))
        .route("/api/resume_order/", post(resume))
        .route("/api/amend_order/", post(amend))
        .route("/api/pause_multi_order/", post(pause_multi))
        .route("/api/resume_multi_order/", post(resume_multi))
        .route("/api/cancel_multi_orders/", post(cancel_multis))
        .route("/api/pause_all_orders/", post(pause_all))
        .route("/api/resume_all_orders/", post(resume_all))
        .route("/api/cancel_all_orders/", post(cancel_all))
        .route(ADMIN_FAULTS, get(get_faults).post(put_faults))
        .route(ADMIN_STEP, post(admin_step))
        .route(ADMIN_PAUSED, post(admin_paused));
    if shared.cfg.push {
        app = app.route("/ws/orders/", get(super::ws::upgrade));
    }
    app.nest("/anboto", super::anboto::router())
        .nest("/alphasec", super::alphasec::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

/// Prefix of the simulator's own controls: no document has a path under it.
pub(super) const ADMIN_PREFIX: &str = "/_sim/";
/// `GET`/`POST /_sim/faults`: read or replace the [`Faults`] (JSON).
const ADMIN_FAULTS: &str = "/_sim/faults";
/// `POST /_sim/step?n=N`: run N simulation steps now.
const ADMIN_STEP: &str = "/_sim/step";
/// `POST /_sim/paused?on=true|false`: freeze or resume automatic progression.
const ADMIN_PAUSED: &str = "/_sim/paused";

fn error(status: u16, msg: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, axum::Json(json!({ "error": msg }))).into_response()
}

fn reject(r: Reject) -> Response {
    error(r.status, &r.error)
}

fn ok(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Django's reply to a path it has no route for.
async fn not_found() -> Response {
    ok(StatusCode::NOT_FOUND, json!({"detail": "Not found."}))
}

/// Django REST framework's reply to a documented path called with another method.
async fn method_not_allowed(method: Method) -> Response {
    ok(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({ "detail": format!("Method \"{method}\" not allowed.") }),
    )
}

/// Records the request, then applies auth to `/api/` and `/_sim/` routes and faults to `/api/`.
async fn gate(State(shared): S, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let header_text = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    {
        let mut log = lock(&shared.requests);
        if log.len() >= super::MAX_RECORDED {
            // Keep an all-day demo's memory flat: forget the oldest half.
            log.drain(..super::MAX_RECORDED / 2);
        }
        log.push(RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(String::from),
            authorization: header_text(header::AUTHORIZATION),
            content_type: header_text(header::CONTENT_TYPE),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    let path = parts.uri.path();
    let is_api = path.starts_with("/api/");
    if is_api || path.starts_with(ADMIN_PREFIX) {
        // The documents: "Send Authorization: `Token <API_KEY>` with every request". No other
        // scheme (the multi-order document's examples show `Bearer`; the core document, which
        // defines authentication, says `Token`), no anonymous access.
        match header_text(header::AUTHORIZATION) {
            None => {
                return (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({"detail": "Authentication credentials were not provided."})),
                )
                    .into_response();
            }
            Some(h) => {
                let given = h.strip_prefix("Token ");
                if !given.is_some_and(|g| super::key_matches(&shared, g)) {
                    return invalid_token();
                }
            }
        }
    }
    if is_api {
        let faults = shared.faults();
        let served = shared.served.fetch_add(1, Ordering::SeqCst);
        if let Some(r) = fault_response(&faults, served, &parts.method).await {
            return r;
        }
    }
    // "For write endpoints, include `Content-Type: application/json`". As Django REST
    // framework parses: another media type is a 415; none means no data (the handler then
    // answers its "Missing required field" 400).
    let mut bytes = bytes;
    if is_api && parts.method == Method::POST && !bytes.is_empty() {
        match header_text(header::CONTENT_TYPE) {
            Some(ct) if ct.trim_start().starts_with("application/json") => {}
            Some(ct) => {
                return ok(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    json!({ "detail": format!("Unsupported media type \"{ct}\" in request.") }),
                );
            }
            None => bytes = Bytes::new(),
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn invalid_token() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({"detail": "Invalid token."})),
    )
        .into_response()
}

async fn fault_response(f: &Faults, served: u64, method: &Method) -> Option<Response> {
    if f.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(f.latency_ms)).await;
    }
    if f.unauthorized_after.is_some_and(|n| served >= n) {
        return Some(invalid_token());
    }
    if f.server_error {
        return Some(error(503, "Service unavailable (simulated fault)"));
    }
    if let Some(secs) = f.rate_limit_secs {
        let mut r = error(429, "Request was throttled.");
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Some(r);
    }
    if *method == Method::GET && f.malformed {
        return Some(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"orders": [{"id": "6debb950", "pair": "BTC-US"#,
            )
                .into_response(),
        );
    }
    if *method == Method::GET && f.stall {
        let first: Result<Bytes, std::io::Error> = Ok(Bytes::from_static(br#"{"orders": ["#));
        let stream = futures_util::stream::iter([first]).chain(futures_util::stream::pending());
        return Some(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                Body::from_stream(stream),
            )
                .into_response(),
        );
    }
    None
}

use futures_util::StreamExt;

fn flag(q: &HashMap<String, String>, key: &str, default: bool) -> bool {
    q.get(key)
        .map(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
        .unwrap_or(default)
}

fn list(q: &HashMap<String, String>, key: &str) -> Vec<String> {
    q.get(key)
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn page_params(q: &HashMap<String, String>, page_key: &str) -> (usize, usize) {
    let page = q
        .get(page_key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    let size = q
        .get("page_size")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100usize)
        .clamp(1, 1000);
    (page, size)
}

async fn active_orders(State(shared): S, Query(q): Params) -> Response {
    let exclude_paused = flag(&q, "exclude_paused", true);
    let only_active = flag(&q, "only_active", false);
    let accounts = list(&q, "account_names");
    let book = shared.book();
    let rows: Vec<Value> = book
        .orders
        .iter()
        .filter(|o| o.is_open())
        .filter(|o| !(exclude_paused && o.status == "PAUSED"))
        .filter(|o| !only_active || o.status == "ACTIVE")
        .filter(|o| accounts.is_empty() || accounts.iter().any(|a| a == o.account))
        .map(|o| wire::order(o, shared.cfg.shapes))
        .collect();
    ok(
        StatusCode::OK,
        json!({"order_count": rows.len(), "orders": rows}),
    )
}

async fn orders(State(shared): S, Query(q): Params) -> Response {
    let statuses = list(&q, "statuses");
    let (page, size) = page_params(&q, "page");
    let book = shared.book();
    let all: Vec<&_> = book
        .orders
        .iter()
        .filter(|o| {
            statuses.is_empty() || statuses.iter().any(|s| s.eq_ignore_ascii_case(&o.status))
        })
        .collect();
    let rows: Vec<Value> = all
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|o| wire::order(o, shared.cfg.shapes))
        .collect();
    ok(
        StatusCode::OK,
        json!({"orders": rows, "page_number": page, "page_size": size,
               "num_pages": all.len().div_ceil(size).max(1), "order_count": all.len()}),
    )
}

async fn order(State(shared): S, Path(id): Path<String>, Query(q): Params) -> Response {
    let book = shared.book();
    let Some(o) = book.order(&id) else {
        return ok(
            StatusCode::NOT_FOUND,
            json!("No order found with given ID!"),
        );
    };
    let mut v = wire::order(o, shared.cfg.shapes);
    if flag(&q, "include_fills", false)
        && let Some(obj) = v.as_object_mut()
    {
        let fills: Vec<Value> = book
            .placements
            .iter()
            .filter(|p| p.order_id == id && p.status == "FILLED")
            .map(|p| wire::fill(o, p, shared.cfg.shapes))
            .collect();
        obj.insert("fills".into(), Value::Array(fills));
    }
    ok(StatusCode::OK, v)
}

async fn cancel(State(shared): S, Path(id): Path<String>) -> Response {
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

fn multi_json(shared: &Shared, id: Option<&str>, include: bool) -> Vec<Value> {
    let book = shared.book();
    book.multis
        .iter()
        .filter(|m| id.is_none_or(|id| m.id == id))
        .map(|m| {
            let kids: Vec<_> = book
                .orders
                .iter()
                .filter(|o| m.children.contains(&o.id))
                .collect();
            wire::multi(m, &kids, include, shared.cfg.shapes)
        })
        .collect()
}

async fn multi_orders(State(shared): S, Query(q): Params) -> Response {
    let include = flag(&q, "include_child_orders", false);
    let (page, size) = page_params(&q, "page_number");
    let all = multi_json(&shared, None, include);
    let count = all.len();
    let rows: Vec<Value> = all.into_iter().skip((page - 1) * size).take(size).collect();
    ok(
        StatusCode::OK,
        json!({"multi_orders": rows, "page_number": page, "page_size": size,
               "num_pages": count.div_ceil(size).max(1), "multi_order_count": count}),
    )
}

async fn multi_order(State(shared): S, Path(id): Path<String>, Query(q): Params) -> Response {
    let include = flag(&q, "include_child_orders", false);
    match multi_json(&shared, Some(&id), include).into_iter().next() {
        Some(v) => ok(StatusCode::OK, v),
        None => error(404, "multi order not found"),
    }
}

async fn placements(State(shared): S, Query(q): Params) -> Response {
    let Some(order_id) = q.get("order_id").filter(|s| !s.is_empty()) else {
        return error(400, "Missing required field: order_id");
    };
    let statuses = list(&q, "statuses");
    // `after` / `before`: "ISO 8601 timestamp (UTC). Filter placements created after (before)
    // this time." (treadfi-multi-order-api.md, Get Placements). That section documents no
    // error; the core document answers a bad date with 400 `{"message": "Invalid after date
    // format"}` (Get all orders, Get order details by custom ID), so the same here.
    let (after, before) = match (time_param(&q, "after"), time_param(&q, "before")) {
        (Ok(after), Ok(before)) => (after, before),
        (Err(()), _) => return bad_date("after"),
        (_, Err(())) => return bad_date("before"),
    };
    let (page, size) = page_params(&q, "page_number");
    let book = shared.book();
    let mut all: Vec<_> = book
        .placements
        .iter()
        .filter(|p| &p.order_id == order_id)
        .filter(|p| statuses.is_empty() || statuses.iter().any(|s| s == p.status))
        // To the microsecond, as the rows are written (and as the venue's database keeps them).
        .filter(|p| after.is_none_or(|t| p.created_at.as_microsecond() > t.as_microsecond()))
        .filter(|p| before.is_none_or(|t| p.created_at.as_microsecond() < t.as_microsecond()))
        .collect();
    all.reverse();
    let rows: Vec<Value> = all
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|p| wire::placement(p, shared.cfg.shapes))
        .collect();
    ok(
        StatusCode::OK,
        json!({"placements": rows, "page_number": page, "page_size": size,
               "num_pages": all.len().div_ceil(size).max(1), "count": all.len()}),
    )
}

/// The document's 400 for a date parameter that is not ISO 8601. The core document's sample
/// reads `Invalid after date format` for both `after` and `before` (its `before` scenario
/// repeats the `after` text); the parameter's own name is used here.
fn bad_date(param: &str) -> Response {
    ok(
        StatusCode::BAD_REQUEST,
        json!({ "message": format!("Invalid {param} date format") }),
    )
}

/// A time query parameter: absent or empty is `Ok(None)`; ISO 8601 with a zone (`Z`,
/// `+02:00`) or without one (read as UTC, as the documents' naive timestamps are), date and
/// time or a bare date (midnight UTC); anything else `Err`.
fn time_param(q: &HashMap<String, String>, key: &str) -> Result<Option<Timestamp>, ()> {
    let Some(text) = q.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(Some(t));
    }
    text.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| Some(z.timestamp()))
        .ok_or(())
}

async fn order_errors(State(shared): S, Query(q): Params) -> Response {
    let ids = list(&q, "order_ids");
    let book = shared.book();
    let mut out: std::collections::BTreeMap<&str, Vec<Value>> = Default::default();
    // Newest first within each order.
    for m in book.messages.iter().rev() {
        if ids.is_empty() || ids.contains(&m.order_id) {
            out.entry(m.order_id.as_str())
                .or_default()
                .push(wire::message(m));
        }
    }
    ok(StatusCode::OK, json!(out))
}

fn body_json(body: &Bytes) -> Option<Value> {
    serde_json::from_slice(body).ok()
}

fn str_field(v: &Option<Value>, key: &str) -> Option<String> {
    v.as_ref()?.get(key)?.as_str().map(String::from)
}

async fn pause(State(shared): S, body: Bytes) -> Response {
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

async fn resume(State(shared): S, body: Bytes) -> Response {
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

async fn amend(State(shared): S, body: Bytes) -> Response {
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

async fn pause_multi(State(shared): S, body: Bytes) -> Response {
    set_multi(shared, body, true).await
}

async fn resume_multi(State(shared): S, body: Bytes) -> Response {
    set_multi(shared, body, false).await
}

async fn cancel_multis(State(shared): S, body: Bytes) -> Response {
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

async fn pause_all(State(shared): S, Query(q): Params, body: Bytes) -> Response {
    bulk(shared, q, body, Bulk::Pause).await
}

async fn resume_all(State(shared): S, Query(q): Params, body: Bytes) -> Response {
    bulk(shared, q, body, Bulk::Resume).await
}

async fn cancel_all(State(shared): S, Query(q): Params, body: Bytes) -> Response {
    bulk(shared, q, body, Bulk::Cancel).await
}

async fn get_faults(State(shared): S) -> Response {
    ok(
        StatusCode::OK,
        serde_json::to_value(shared.faults()).unwrap_or_default(),
    )
}

async fn put_faults(State(shared): S, body: Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(f) => {
            set_faults(&shared, f.clone());
            ok(StatusCode::OK, serde_json::to_value(f).unwrap_or_default())
        }
        Err(e) => error(400, &format!("invalid faults: {e}")),
    }
}

/// `POST /_sim/paused?on=true|false`: freeze or resume automatic progression.
async fn admin_paused(State(shared): S, Query(q): Params) -> Response {
    let on = flag(&q, "on", true);
    shared.paused.store(on, Ordering::SeqCst);
    ok(StatusCode::OK, json!({ "paused": on }))
}

async fn admin_step(State(shared): S, Query(q): Params) -> Response {
    let n = q
        .get("n")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1u32)
        .min(10_000);
    shared.step(n);
    ok(StatusCode::OK, json!({"step": shared.book().step}))
}
