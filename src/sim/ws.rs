//! The simulator's `/ws/orders/` WebSocket (only when `SimConfig::push` is on: no document
//! describes Tread.fi's push channel, this is our inference), speaking Tread.fi's protocol: authenticate by
//! `?token=` or `{"command":"authenticate","token":…}` (a bad token closes with 4001),
//! `{"command":"subscribe","data_type":"user_orders"}`, `{"command":"keep_alive"}` answered with
//! `{"type":"keep_alive"}`, and `order_update` messages after every change.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use super::Shared;

pub(super) async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let query_token = q.get("token").cloned();
    ws.on_upgrade(move |socket| session(socket, shared, query_token))
}

fn token_ok(shared: &Shared, given: Option<&str>) -> bool {
    given.is_some_and(|g| super::key_matches(shared, g))
}

async fn close(mut socket: WebSocket, code: u16, reason: &str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.to_string().into(),
        })))
        .await;
}

async fn session(mut socket: WebSocket, shared: Arc<Shared>, query_token: Option<String>) {
    if shared.faults().ws_drop {
        return close(socket, 1011, "dropped (simulated fault)").await;
    }
    let mut authed = query_token.is_some() && token_ok(&shared, query_token.as_deref());
    if query_token.is_some() && !authed {
        return close(socket, 4001, "Invalid token.").await;
    }
    let mut subscribed = false;
    let mut updates = shared.updates.subscribe();
    let mut drops = shared.drop_sockets.subscribe();
    drops.borrow_and_update();
    loop {
        // Silent means silent on the wire: the socket is not read, so no Ping gets its Pong
        // (the client judges liveness by Ping/Pong, not by application replies).
        let silent = shared.faults().ws_silence;
        tokio::select! {
            _ = drops.changed() => return close(socket, 1011, "dropped (simulated fault)").await,
            _ = tokio::time::sleep(std::time::Duration::from_millis(50)), if silent => continue,
            msg = socket.recv(), if !silent => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t.to_string(),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                match v.get("command").and_then(Value::as_str) {
                    Some("authenticate") => {
                        if token_ok(&shared, v.get("token").and_then(Value::as_str)) {
                            authed = true;
                            let _ = socket.send(Message::Text(r#"{"type":"authenticated"}"#.into())).await;
                        } else {
                            return close(socket, 4001, "Invalid token.").await;
                        }
                    }
                    Some(_) if !authed => return close(socket, 4001, "Authentication required.").await,
                    Some("subscribe") => {
                        subscribed = true;
                        let _ = socket
                            .send(Message::Text(r#"{"type":"subscribed","data_type":"user_orders"}"#.into()))
                            .await;
                    }
                    Some("keep_alive") => {
                        if !shared.faults().ws_silence {
                            let _ = socket.send(Message::Text(r#"{"type":"keep_alive"}"#.into())).await;
                        }
                    }
                    _ => {
                        let _ = socket
                            .send(Message::Text(r#"{"type":"error","message":"unknown command"}"#.into()))
                            .await;
                    }
                }
            }
            update = updates.recv(), if subscribed => match update {
                Ok(text) => {
                    if shared.faults().ws_silence {
                        continue;
                    }
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            },
        }
    }
}
