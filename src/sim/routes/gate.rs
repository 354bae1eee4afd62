//! The middleware every request passes: it is recorded, then `/api/` and `/_sim/` calls are
//! authenticated (`Authorization: Token <key>`) and the switchable faults are applied.

use std::sync::atomic::Ordering;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::json;

use crate::sim::{Faults, RecordedRequest, lock};

use super::{ADMIN_PREFIX, S, error, ok};

/// Records the request, then applies auth to `/api/` and `/_sim/` routes and faults to `/api/`.
pub(super) async fn gate(State(shared): S, req: Request, next: Next) -> Response {
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
        if log.len() >= crate::sim::MAX_RECORDED {
            // Keep an all-day demo's memory flat: forget the oldest half.
            log.drain(..crate::sim::MAX_RECORDED / 2);
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
                if !given.is_some_and(|g| crate::sim::key_matches(&shared, g)) {
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
