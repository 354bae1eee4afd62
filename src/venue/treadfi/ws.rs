//! Tread.fi's order stream: `wss://<host>/ws/orders/` (`ws://` for plain-http hosts).
//!
//! No venue document describes a WebSocket: this channel is our best reading of one, so it
//! must never make things worse than polling.
//!
//! Protocol (inferred): send `{"command":"authenticate","token":KEY}` (the key never goes in
//! the URL, so no logged URL can carry it), then `{"command":"subscribe","data_type":"user_orders"}`,
//! then `{"command":"keep_alive"}` every ~10 s (in case the server drops idle sockets). Messages
//! `{"type":"order_update","data":{"order_id","update_type","order":{…}}}` become
//! [`PushEvent::OrderUpdate`]; `keep_alive`, `authenticated` and `subscribed` replies are
//! expected and ignored; any other type, error frames (`{"type":"error",…}`, `{"error":…}`),
//! text that is not JSON and binary frames are logged once per distinct type and ignored. A
//! close with code 4001 is an authentication failure.
//!
//! Liveness is the WebSocket's own: a Ping every [`PushSettings::ping_interval`], and a link
//! whose Pong has not come within [`PushSettings::pong_timeout`] is dead. Replies to
//! application messages (or their absence) prove nothing either way.
//!
//! A server that answers the upgrade with an HTTP status (404, 400, 403, a 200 page, …) has
//! no push channel for us: [`connect`] reports [`VenueError::Http`] with that status and
//! `retry_after_secs` set to [`PushSettings::retry_refused`] (or the server's `Retry-After`
//! when longer), so the feed polls and tries again only after minutes.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
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

/// Default period of the `keep_alive` command (the venue is thought to drop sockets idle for
/// ~30 s).
pub const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Default period between WebSocket Ping frames.
pub const PING_INTERVAL: Duration = Duration::from_secs(10);

/// Default wait for the Pong that answers a Ping before the link is declared dead.
pub const PONG_TIMEOUT: Duration = Duration::from_secs(10);

/// Default bound on the connect + upgrade handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Default wait before trying again after the server refused the upgrade
/// (`push_retry_secs`, 300 s): minutes, not seconds.
pub const RETRY_REFUSED: Duration = Duration::from_secs(300);

/// At most this many distinct unknown message types are remembered (and logged once each);
/// past that, further new types are ignored without a log line.
const MAX_LOGGED_KINDS: usize = 64;

/// Whether the push channel is used (`push = "auto" | "off"` in the Tread.fi venue settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PushMode {
    /// Try the push channel; fall back to polling when it is missing or down (default).
    #[default]
    Auto,
    /// Never open it: poll only, and make no upgrade request at all.
    Off,
}

impl PushMode {
    /// Parses a config word: `auto` or `off` (any case).
    ///
    /// # Errors
    /// Any other word, with a message naming the allowed ones.
    pub fn parse(word: &str) -> Result<Self, String> {
        match word.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(PushMode::Auto),
            "off" => Ok(PushMode::Off),
            _ => Err(format!("push must be \"auto\" or \"off\", not {word:?}")),
        }
    }
}

impl<'de> Deserialize<'de> for PushMode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        PushMode::parse(&word).map_err(serde::de::Error::custom)
    }
}

/// How the push channel is opened and watched. Defaults: `auto`, Ping every 10 s, Pong
/// within 10 s, `keep_alive` every 10 s, handshake within 10 s, 300 s after a refused upgrade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSettings {
    /// `push = "auto" | "off"`.
    pub mode: PushMode,
    /// Period between WebSocket Ping frames.
    pub ping_interval: Duration,
    /// A Ping unanswered by a Pong for this long means the link is dead.
    pub pong_timeout: Duration,
    /// Period of the application `{"command":"keep_alive"}` (sent, its reply not relied on).
    pub keep_alive: Duration,
    /// Bound on TCP connect + TLS + HTTP upgrade.
    pub handshake_timeout: Duration,
    /// Wait before the next attempt after the server refused the upgrade
    /// (`push_retry_secs`; whole seconds, at least 1; the feed adds jitter).
    pub retry_refused: Duration,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            mode: PushMode::Auto,
            ping_interval: PING_INTERVAL,
            pong_timeout: PONG_TIMEOUT,
            keep_alive: KEEP_ALIVE,
            handshake_timeout: HANDSHAKE_TIMEOUT,
            retry_refused: RETRY_REFUSED,
        }
    }
}

/// The message types already logged by one client (each distinct type is logged once).
#[derive(Debug, Clone, Default)]
pub struct LoggedKinds(Arc<Mutex<HashSet<String>>>);

impl LoggedKinds {
    /// True the first time `kind` is seen (then it should be logged), false afterwards and
    /// once [`MAX_LOGGED_KINDS`] types are remembered.
    fn first_time(&self, kind: &str) -> bool {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains(kind) || seen.len() >= MAX_LOGGED_KINDS {
            return false;
        }
        seen.insert(kind.to_owned())
    }
}

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
/// the socket: it sends Pings and keep-alives and ends the stream with an error when the
/// socket closes or a Ping goes unanswered for `settings.pong_timeout`.
///
/// # Errors
/// - [`VenueError::Http`] when the server answers the upgrade with an HTTP status instead of
///   `101 Switching Protocols` (no push channel here): `status` is that status,
///   `retry_after_secs` is `settings.retry_refused` or the server's `Retry-After`, whichever
///   is longer.
/// - [`VenueError::Network`] when the connection fails or the handshake times out.
pub async fn connect(
    base: &str,
    key: Option<&SecretString>,
    settings: &PushSettings,
    logged: LoggedKinds,
) -> VenueResult<PushStream> {
    let url = stream_url(base)?;
    let handshake = tokio_tungstenite::connect_async(url.as_str());
    let (mut ws, _resp) = match tokio::time::timeout(settings.handshake_timeout, handshake).await {
        Err(_) => {
            return Err(VenueError::Network(format!(
                "websocket {url}: no handshake within {} ms",
                settings.handshake_timeout.as_millis()
            )));
        }
        Ok(Err(tokio_tungstenite::tungstenite::Error::Http(resp))) => {
            return Err(refused(&url, &resp, settings.retry_refused));
        }
        Ok(Err(e)) => return Err(VenueError::Network(format!("websocket {url}: {e}"))),
        Ok(Ok(pair)) => pair,
    };
    if let Some(key) = key {
        let auth = serde_json::json!({"command": "authenticate", "token": key.expose_secret()});
        send_text(&mut ws, auth.to_string(), settings.pong_timeout).await?;
    }
    let subscribe = r#"{"command":"subscribe","data_type":"user_orders"}"#;
    send_text(&mut ws, subscribe.to_string(), settings.pong_timeout).await?;
    let (tx, rx) = mpsc::channel(1024);
    tokio::spawn(pump(ws, tx, settings.clone(), logged));
    Ok(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .boxed())
}

/// The error for an upgrade answered with an HTTP status: no push channel at this URL.
fn refused(
    url: &str,
    resp: &tokio_tungstenite::tungstenite::handshake::client::Response,
    retry: Duration,
) -> VenueError {
    let status = resp.status();
    let server_retry = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    VenueError::Http {
        status: status.as_u16(),
        message: format!(
            "no push channel: {url} answered the upgrade with HTTP {}",
            status.as_u16()
        ),
        retry_after_secs: Some(retry.as_secs().max(1).max(server_retry)),
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Sends one frame, giving up after `within` (a socket whose peer has vanished can block a
/// write once the send buffer is full).
async fn send(ws: &mut Socket, msg: Message, within: Duration) -> VenueResult<()> {
    match tokio::time::timeout(within, ws.send(msg)).await {
        Ok(r) => r.map_err(|e| VenueError::Network(format!("websocket send: {e}"))),
        Err(_) => Err(VenueError::Network(format!(
            "websocket silent: a send did not complete within {} ms",
            within.as_millis()
        ))),
    }
}

async fn send_text(ws: &mut Socket, text: String, within: Duration) -> VenueResult<()> {
    send(ws, Message::Text(text.into()), within).await
}

async fn pump(
    mut ws: Socket,
    tx: mpsc::Sender<VenueResult<PushEvent>>,
    settings: PushSettings,
    logged: LoggedKinds,
) {
    let start = Instant::now();
    let mut keep_alive = tokio::time::interval_at(start + settings.keep_alive, settings.keep_alive);
    let mut ping = tokio::time::interval_at(start + settings.ping_interval, settings.ping_interval);
    keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // When the oldest unanswered Ping must have its Pong by.
    let mut pong_due: Option<Instant> = None;
    let mut pings = 0u64;
    let end = loop {
        let due = pong_due.unwrap_or_else(|| Instant::now() + settings.pong_timeout);
        tokio::select! {
            _ = tx.closed() => break None,
            _ = tokio::time::sleep_until(due), if pong_due.is_some() => {
                break Some(VenueError::Network(format!(
                    "websocket silent: no pong within {} ms",
                    settings.pong_timeout.as_millis()
                )));
            }
            _ = ping.tick() => {
                pings = pings.wrapping_add(1);
                pong_due.get_or_insert_with(|| Instant::now() + settings.pong_timeout);
                let payload = pings.to_be_bytes().to_vec();
                if let Err(e) = send(&mut ws, Message::Ping(payload.into()), settings.pong_timeout).await {
                    break Some(e);
                }
            }
            _ = keep_alive.tick() => {
                let msg = r#"{"command":"keep_alive"}"#.to_string();
                if let Err(e) = send_text(&mut ws, msg, settings.pong_timeout).await {
                    break Some(e);
                }
            }
            msg = ws.next() => match msg {
                None => break Some(VenueError::Network("websocket closed".into())),
                Some(Err(e)) => break Some(VenueError::Network(format!("websocket: {e}"))),
                Some(Ok(Message::Pong(_))) => pong_due = None,
                Some(Ok(Message::Text(text))) => match classify(text.as_bytes()) {
                    Incoming::Update(ev) => {
                        if tx.send(Ok(ev)).await.is_err() {
                            break None;
                        }
                    }
                    Incoming::Expected => {}
                    Incoming::Ignored { kind, detail } => log_once(&logged, &kind, &detail),
                },
                Some(Ok(Message::Binary(_))) => log_once(&logged, "<binary>", "binary frame"),
                Some(Ok(Message::Close(frame))) => break Some(close_error(frame)),
                // Pings are answered by tungstenite itself.
                Some(Ok(Message::Ping(_) | Message::Frame(_))) => {}
            }
        }
    };
    if let Some(e) = end {
        let _ = tx.send(Err(e)).await;
    }
    let _ = tokio::time::timeout(settings.pong_timeout, ws.close(None)).await;
}

/// Logs an ignored message the first time its type is seen on this client.
fn log_once(logged: &LoggedKinds, kind: &str, detail: &str) {
    if logged.first_time(kind) {
        tracing::warn!(
            kind = %crate::sanitize::clean(&truncate(kind, 64)),
            detail = %crate::sanitize::clean(&truncate(detail, 200)),
            "push message ignored (further messages of this type are ignored silently)"
        );
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
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
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
    #[serde(borrow, default)]
    error: Option<&'a RawValue>,
    #[serde(borrow, default)]
    detail: Option<&'a RawValue>,
}

/// What one text message of the stream is.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// An `order_update`.
    Update(PushEvent),
    /// A reply the protocol expects (`keep_alive`, `authenticated`, `subscribed`): nothing to do.
    Expected,
    /// Anything else: an unknown `type`, an error frame, text that is not a JSON object, an
    /// `order_update` that names no order. Logged once per `kind`, otherwise ignored.
    Ignored {
        /// The message's `type` (`error` for error frames), or `<not json>`, `<no type>`,
        /// `order_update (undecodable)`.
        kind: String,
        /// What the message said (error text, decode error), for the log line.
        detail: String,
    },
}

/// Sorts one text message: an update to apply, an expected reply, or something to ignore.
pub fn classify(bytes: &[u8]) -> Incoming {
    let ignored = |kind: &str, detail: String| Incoming::Ignored {
        kind: kind.to_owned(),
        detail,
    };
    let env: Envelope = match std::str::from_utf8(bytes)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(t).map_err(|e| e.to_string()))
    {
        Ok(env) => env,
        Err(e) => return ignored("<not json>", e),
    };
    let said = || {
        [env.message, env.error, env.detail]
            .into_iter()
            .flatten()
            .map(RawValue::get)
            .collect::<Vec<_>>()
            .join(" ")
    };
    match env.kind.as_deref() {
        Some("order_update") => match decode_message(bytes) {
            Ok(Some(ev)) => Incoming::Update(ev),
            Ok(None) => Incoming::Expected,
            Err(e) => ignored("order_update (undecodable)", e.to_string()),
        },
        Some("keep_alive" | "authenticated" | "subscribed") => Incoming::Expected,
        Some(kind) => ignored(kind, said()),
        None if env.error.is_some() || env.detail.is_some() => ignored("error", said()),
        None => ignored("<no type>", String::new()),
    }
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

    #[test]
    fn messages_are_sorted_into_updates_expected_replies_and_ignored_kinds() {
        let kind = |bytes: &[u8]| match classify(bytes) {
            Incoming::Ignored { kind, .. } => kind,
            other => panic!("not ignored: {other:?}"),
        };
        assert_eq!(classify(br#"{"type":"subscribed"}"#), Incoming::Expected);
        assert_eq!(classify(br#"{"type":"keep_alive"}"#), Incoming::Expected);
        assert_eq!(
            kind(br#"{"type":"portfolio_tick","data":{}}"#),
            "portfolio_tick"
        );
        assert_eq!(
            kind(br#"{"type":"error","message":"unknown command"}"#),
            "error"
        );
        assert_eq!(kind(br#"{"error":"throttled"}"#), "error");
        assert_eq!(kind(b"<html>"), "<not json>");
        assert_eq!(kind(br#"{"hello":1}"#), "<no type>");
        assert_eq!(
            kind(br#"{"type":"order_update","data":{}}"#),
            "order_update (undecodable)"
        );
        match classify(br#"{"type":"error","message":"unknown command"}"#) {
            Incoming::Ignored { detail, .. } => assert_eq!(detail, r#""unknown command""#),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify(br#"{"type":"order_update","data":{"order_id":"x"}}"#),
            Incoming::Update(PushEvent::OrderUpdate { .. })
        ));
    }

    #[test]
    fn each_ignored_kind_is_logged_once() {
        let logged = LoggedKinds::default();
        assert!(logged.first_time("error"));
        assert!(!logged.first_time("error"));
        assert!(logged.first_time("mystery"));
        for n in 0..200 {
            logged.first_time(&format!("k{n}"));
        }
        assert!(
            !logged.first_time("one more"),
            "remembered kinds are capped"
        );
    }

    #[test]
    fn push_mode_words() {
        assert_eq!(PushMode::parse("auto"), Ok(PushMode::Auto));
        assert_eq!(PushMode::parse("OFF"), Ok(PushMode::Off));
        let err = PushMode::parse("sometimes").unwrap_err();
        assert_eq!(err, r#"push must be "auto" or "off", not "sometimes""#);
    }
}
