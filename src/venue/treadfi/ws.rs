//! Tread.fi's order stream: `wss://<host>/ws/orders/` (`ws://` for plain-http hosts).
//!
//! Protocol: send `{"command":"authenticate","token":KEY}` (the key never goes in the URL, so
//! no logged URL can carry it), then `{"command":"subscribe","data_type":"user_orders"}`, then
//! `{"command":"keep_alive"}` every ~10 s (the server drops idle sockets after ~30 s). Messages
//! `{"type":"order_update","data":{"order_id","update_type","order":{…}}}` become
//! [`PushEvent::OrderUpdate`]; other message types are ignored. A close with code 4001 is an
//! authentication failure.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::decode_order;
use crate::domain::OrderId;
use crate::venue::{PushEvent, PushStream, VenueError, VenueResult};

/// Default keep-alive period (the venue drops sockets idle for ~30 s).
pub const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// The stream URL for an API base URL: `https://h` → `wss://h/ws/orders/`,
/// `http://h:1` → `ws://h:1/ws/orders/`.
///
/// # Errors
/// [`VenueError::Network`] for a base URL that is not http(s).
pub fn stream_url(base: &str) -> VenueResult<String> {
    let base = base.trim_end_matches('/');
    let rest = if let Some(r) = base.strip_prefix("https://") {
        format!("wss://{r}")
    } else if let Some(r) = base.strip_prefix("http://") {
        format!("ws://{r}")
    } else {
        return Err(VenueError::Network(format!(
            "no websocket for base url {base:?}"
        )));
    };
    Ok(format!("{rest}/ws/orders/"))
}

/// Connects, authenticates, subscribes, and returns the event stream. A background task owns
/// the socket: it sends keep-alives every `keep_alive` and ends the stream with an error when
/// the socket closes or stays silent for 3 keep-alive periods.
///
/// # Errors
/// [`VenueError::Network`] when the connection or handshake fails.
pub async fn connect(
    base: &str,
    key: Option<&SecretString>,
    keep_alive: Duration,
) -> VenueResult<PushStream> {
    let url = stream_url(base)?;
    let (mut ws, _resp) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .map_err(|e| VenueError::Network(format!("websocket {url}: {e}")))?;
    if let Some(key) = key {
        let auth = serde_json::json!({"command": "authenticate", "token": key.expose_secret()});
        send_text(&mut ws, auth.to_string()).await?;
    }
    let subscribe = r#"{"command":"subscribe","data_type":"user_orders"}"#;
    send_text(&mut ws, subscribe.to_string()).await?;
    let (tx, rx) = mpsc::channel(1024);
    tokio::spawn(pump(ws, tx, keep_alive));
    Ok(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .boxed())
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send_text(ws: &mut Socket, text: String) -> VenueResult<()> {
    ws.send(Message::Text(text.into()))
        .await
        .map_err(|e| VenueError::Network(format!("websocket send: {e}")))
}

async fn pump(mut ws: Socket, tx: mpsc::Sender<VenueResult<PushEvent>>, keep_alive: Duration) {
    let mut ticker = tokio::time::interval_at(Instant::now() + keep_alive, keep_alive);
    let mut last_heard = Instant::now();
    let end = loop {
        tokio::select! {
            _ = tx.closed() => break None,
            _ = ticker.tick() => {
                if last_heard.elapsed() > keep_alive * 3 {
                    break Some(VenueError::Network(format!(
                        "websocket silent for {}s",
                        last_heard.elapsed().as_secs()
                    )));
                }
                if let Err(e) = send_text(&mut ws, r#"{"command":"keep_alive"}"#.into()).await {
                    break Some(e);
                }
            }
            msg = ws.next() => {
                last_heard = Instant::now();
                match msg {
                    None => break Some(VenueError::Network("websocket closed".into())),
                    Some(Err(e)) => break Some(VenueError::Network(format!("websocket: {e}"))),
                    Some(Ok(Message::Text(text))) => match decode_message(text.as_bytes()) {
                        Ok(Some(ev)) => {
                            if tx.send(Ok(ev)).await.is_err() {
                                break None;
                            }
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %crate::sanitize::clean(&e.to_string()), "undecodable websocket message ignored"),
                    },
                    Some(Ok(Message::Close(frame))) => break Some(close_error(frame)),
                    Some(Ok(_)) => {}
                }
            }
        }
    };
    if let Some(e) = end {
        let _ = tx.send(Err(e)).await;
    }
    let _ = ws.close(None).await;
}

fn close_error(frame: Option<tokio_tungstenite::tungstenite::protocol::CloseFrame>) -> VenueError {
    match frame {
        Some(f) if f.code == CloseCode::from(4001) => VenueError::Http {
            status: 401,
            message: format!(
                "websocket authentication failed (4001 {})",
                crate::sanitize::clean(&f.reason)
            ),
            retry_after_secs: None,
        },
        Some(f) => VenueError::Network(format!(
            "websocket closed ({} {})",
            u16::from(f.code),
            crate::sanitize::clean(&f.reason)
        )),
        None => VenueError::Network("websocket closed".into()),
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct UpdateData<'a> {
    #[serde(default, deserialize_with = "crate::venue::decode::opt_string")]
    order_id: Option<String>,
    #[serde(default, deserialize_with = "crate::venue::decode::opt_string")]
    update_type: Option<String>,
    #[serde(borrow, default)]
    order: Option<&'a RawValue>,
}

/// Decodes one text message. `Ok(None)` for messages that are not order updates
/// (keep-alive replies, subscription acks).
///
/// # Errors
/// [`VenueError::Decode`] when an `order_update` has neither an order id nor a decodable order.
pub fn decode_message(bytes: &[u8]) -> VenueResult<Option<PushEvent>> {
    let text = std::str::from_utf8(bytes).map_err(|e| VenueError::Decode {
        path: "$".into(),
        message: e.to_string(),
    })?;
    let env: Envelope = serde_json::from_str(text).map_err(|e| VenueError::Decode {
        path: "$".into(),
        message: e.to_string(),
    })?;
    if env.kind.as_deref() != Some("order_update") {
        return Ok(None);
    }
    let Some(data) = env.data else {
        return Err(VenueError::Decode {
            path: "data".into(),
            message: "order_update without data".into(),
        });
    };
    let data: UpdateData = serde_json::from_str(data.get()).map_err(|e| VenueError::Decode {
        path: "data".into(),
        message: e.to_string(),
    })?;
    let order = match data.order {
        Some(raw) if raw.get() != "null" => match decode_order(raw.get().as_bytes()) {
            Ok(o) => Some(Box::new(o)),
            Err(e) => {
                tracing::warn!(error = %crate::sanitize::clean(&e.to_string()), "order in websocket update could not be decoded; refetching");
                None
            }
        },
        _ => None,
    };
    let order_id = data
        .order_id
        .map(OrderId::new)
        .or_else(|| order.as_ref().map(|o| o.id.clone()))
        .ok_or_else(|| VenueError::Decode {
            path: "data.order_id".into(),
            message: "order_update names no order".into(),
        })?;
    Ok(Some(PushEvent::OrderUpdate {
        order_id,
        update_type: data.update_type.unwrap_or_else(|| "order_changed".into()),
        order,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            stream_url("https://app.tread.fi/").ok().as_deref(),
            Some("wss://app.tread.fi/ws/orders/")
        );
        assert_eq!(
            stream_url("http://127.0.0.1:9").ok().as_deref(),
            Some("ws://127.0.0.1:9/ws/orders/")
        );
        assert!(stream_url("ftp://x").is_err());
    }

    #[test]
    fn order_update_decodes_with_exact_numbers() {
        let msg = br#"{"type":"order_update","data":{"order_id":"7fecb061-725b-5477-c84c-8e8685ge0f26","update_type":"fill_received","order":{"id":"7fecb061-725b-5477-c84c-8e8685ge0f26","pair":"ETH-USD","side":"sell","status":"ACTIVE","executed_qty":0.02,"pct_filled":"50.00"}}}"#;
        match decode_message(msg) {
            Ok(Some(PushEvent::OrderUpdate {
                order_id,
                update_type,
                order,
            })) => {
                assert_eq!(order_id.as_str(), "7fecb061-725b-5477-c84c-8e8685ge0f26");
                assert_eq!(update_type, "fill_received");
                let o = order.unwrap_or_else(|| panic!("order"));
                assert_eq!(
                    o.executed_qty.map(|d| d.to_string()).as_deref(),
                    Some("0.02")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_messages_are_ignored_and_unknown_types_kept() {
        assert_eq!(decode_message(br#"{"type":"keep_alive"}"#).ok(), Some(None));
        let msg =
            br#"{"type":"order_update","data":{"order_id":"x","update_type":"something_new"}}"#;
        assert!(matches!(
            decode_message(msg),
            Ok(Some(PushEvent::OrderUpdate { order: None, .. }))
        ));
        assert!(decode_message(b"not json").is_err());
    }
}
