//! HTTP routes of the simulator, plus the middleware that records every request and applies
//! auth and faults.
//!
//! Here: the router, reply and parameter helpers and the `/_sim/` controls; `gate.rs`: the
//! middleware; `reads.rs`: the GET endpoints; `actions.rs`: the write endpoints.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::book::Reject;
use super::{Faults, Shared, set_faults};

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

fn body_json(body: &Bytes) -> Option<Value> {
    serde_json::from_slice(body).ok()
}

fn str_field(v: &Option<Value>, key: &str) -> Option<String> {
    v.as_ref()?.get(key)?.as_str().map(String::from)
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

mod actions;
mod gate;
mod reads;

use actions::{
    amend, cancel, cancel_all, cancel_multis, pause, pause_all, pause_multi, resume, resume_all,
    resume_multi,
};
use gate::gate;
use reads::{active_orders, multi_order, multi_orders, order, order_errors, orders, placements};
