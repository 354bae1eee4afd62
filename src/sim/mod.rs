//! The embedded simulated Tread.fi venue (axum): real HTTP and WebSocket on loopback, the
//! documented endpoints, shapes, status codes and replies, orders that progress over time, and
//! switchable faults. Used by demo mode, tests and benches.
//!
//! As strict as the documents (`treadfi-core-order-api.md`, `treadfi-multi-order-api.md`):
//! - **Auth**: every `/api/` call needs `Authorization: Token <key>` ("Send Authorization:
//!   `Token <API_KEY>` with every request"). The simulator always has a key: the one in
//!   [`SimConfig::token`], else a random one ([`SimHandle::token`]). A missing header is 401
//!   `{"detail": "Authentication credentials were not provided."}`; any other scheme
//!   (`Bearer`, shown once in the multi-order document's examples) or a wrong key is 401
//!   `{"detail": "Invalid token."}`, as Django REST framework's `TokenAuthentication` answers.
//! - **Endpoints**: only the documented paths and methods. Anything else is 404
//!   `{"detail": "Not found."}`; a documented path with another method is 405
//!   `{"detail": "Method \"X\" not allowed."}` (Django's replies). The official client's
//!   `DELETE /api/multi_order/{id}` is not in the document and is refused.
//! - **Write bodies**: JSON only (`Content-Type: application/json`); another media type is
//!   415 `{"detail": "Unsupported media type \"text/plain\" in request."}`, a body without a
//!   content type is read as no data (then the endpoint's "Missing required field" 400).
//! - **Amend** (`POST /api/amend_order/`): the documented 400/404/422 rules, see `book::Book::amend`.
//! - **Bulk** (`pause_all_orders`, `resume_all_orders`, `cancel_all_orders`): 400
//!   `{"message": "No active orders to cancel."}` / `"No paused orders to resume."` when there is
//!   nothing to do, 422 `{"error": "Paused N orders with M failures: [...]"}` on partial failure
//!   ([`Faults::bulk_fail`] picks the orders that fail).
//!
//! Not venue endpoints, kept off the venue's surface:
//! - **Admin** (`/_sim/faults`, `/_sim/step`, `/_sim/paused`): the simulator's own controls
//!   for tests and benches. The `/_sim/` prefix is no path in any of the documents (Tread.fi
//!   and Anboto live under `/api/`, AlphaSec under its own base), and it needs the same
//!   `Token` key as the API, so a `blotter sim --listen 0.0.0.0:…` is not steerable by anyone.
//! - **WebSocket** `/ws/orders/`: our inference of Tread.fi's push channel (no document
//!   describes it), served only when [`SimConfig::push`] is on (the default).
//!
//! [`SimConfig::shapes`] picks how rows are written: [`Shapes::Sim`] (one consistent shape)
//! or [`Shapes::Docs`] (rows vary as the documents' examples vary: optional fields left out,
//! numbers as strings in some rows and JSON numbers in others, timestamps with and without a
//! zone, each documented fill shape).

pub mod alphasec;
pub mod anboto;
mod book;
mod json;
mod routes;
mod ws;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use book::{Book, Changes};

/// How the simulator runs.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Seed of the order book and its progression (same seed, same fills per step).
    pub seed: u64,
    /// The API key every `/api/` call must send as `Authorization: Token <key>` (and the
    /// WebSocket's `authenticate` command). `None`: a random key is made at start
    /// ([`SimHandle::token`]); there is no "anything goes".
    pub token: Option<SecretString>,
    /// Wall-clock period of one simulation step when auto-advancing.
    pub tick: Duration,
    /// Step automatically every `tick` (demo); tests set false and call [`SimHandle::advance`].
    pub auto_advance: bool,
    /// Extra synthetic working orders on top of the seeded book (performance runs).
    pub extra_orders: usize,
    /// Serve the `/ws/orders/` push channel (our inference, no document describes it). Off:
    /// the path is 404 like any undocumented one, and clients must poll.
    pub push: bool,
    /// How rows are written (see [`Shapes`]).
    pub shapes: Shapes,
}

/// How the simulator writes its JSON rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Shapes {
    /// One consistent shape: every field present, decimals as strings, `Z` timestamps.
    #[default]
    Sim,
    /// As the documents' examples vary, row by row: optional fields left out, numbers as
    /// JSON numbers in some rows and strings in others, timestamps with and without a zone,
    /// and each documented shape of a fill.
    Docs,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 7,
            token: None,
            tick: Duration::from_secs(1),
            auto_advance: true,
            extra_orders: 0,
            push: true,
            shapes: Shapes::Sim,
        }
    }
}

/// Faults to inject, switchable at run time ([`SimHandle::set_faults`] or
/// `POST /_sim/faults` with this JSON). All off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Added latency on every `/api/` response, milliseconds.
    pub latency_ms: u64,
    /// Answer `/api/` calls with 503 `{"error": …}`.
    pub server_error: bool,
    /// Answer `/api/` calls with 429 and `Retry-After: <secs>`.
    pub rate_limit_secs: Option<u64>,
    /// Answer GETs with a truncated JSON body (status 200).
    pub malformed: bool,
    /// Send half of a GET body, then stall forever.
    pub stall: bool,
    /// Drop every WebSocket connection (and refuse new ones while set).
    pub ws_drop: bool,
    /// Stop answering WebSocket keep-alives and stop sending updates.
    pub ws_silence: bool,
    /// Answer 401 `Invalid token.` once this many `/api/` requests have been served.
    pub unauthorized_after: Option<u64>,
    /// Order ids that fail inside a bulk call (`pause_all_orders`, `resume_all_orders`,
    /// `cancel_all_orders`): the others go through and the reply is the documented 422
    /// partial failure.
    pub bulk_fail: Vec<String>,
}

/// One request as received (recorded before auth and faults), for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, `DELETE`, ….
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// `Authorization` header value.
    pub authorization: Option<String>,
    /// `Content-Type` header value.
    pub content_type: Option<String>,
    /// Body as text.
    pub body: String,
}

/// Most requests kept in the request log (older ones are forgotten).
const MAX_RECORDED: usize = 20_000;

pub(crate) struct Shared {
    book: Mutex<Book>,
    /// The Anboto-style book served under `/anboto`.
    anboto: anboto::Book,
    /// The AlphaSec-style book served under `/alphasec`.
    alphasec: alphasec::Book,
    cfg: SimConfig,
    /// The API key (`Authorization: Token <key>`), from the config or random.
    token: SecretString,
    faults: Mutex<Faults>,
    requests: Mutex<Vec<RecordedRequest>>,
    served: std::sync::atomic::AtomicU64,
    paused: std::sync::atomic::AtomicBool,
    updates: broadcast::Sender<String>,
    drop_sockets: tokio::sync::watch::Sender<u64>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn book(&self) -> MutexGuard<'_, Book> {
        lock(&self.book)
    }

    fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Sends `order_update` messages for changes (after the book lock is released).
    fn publish(&self, changes: Changes) {
        if changes.is_empty() || self.updates.receiver_count() == 0 {
            return;
        }
        let msgs: Vec<String> = {
            let book = self.book();
            changes
                .iter()
                .filter_map(|(id, kind)| {
                    book.order(id).map(|o| {
                        serde_json::json!({
                            "type": "order_update",
                            "data": {"order_id": id, "update_type": kind, "order": json::order(o, self.cfg.shapes)}
                        })
                        .to_string()
                    })
                })
                .collect()
        };
        for m in msgs {
            let _ = self.updates.send(m);
        }
    }

    fn step(&self, n: u32) {
        let now_ms = Timestamp::now().as_millisecond();
        for _ in 0..n {
            lock(&self.anboto).step();
            lock(&self.alphasec).step(now_ms);
            let changes = self.book().step(Timestamp::now());
            self.publish(changes);
        }
    }
}

/// A running simulator.
pub struct SimHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Base URL of the Anboto-style endpoints (`http://127.0.0.1:PORT/anboto`); they accept
    /// [`anboto::DEMO_KEY`] signed with [`anboto::DEMO_SECRET_B64`] (HMAC-SHA256, `X-SIGN` in
    /// hex or base64) and [`anboto::DEMO_RSA_KEY`] signed with the RSA key whose public half is
    /// [`anboto::DEMO_RSA_PUBLIC_PEM`].
    pub fn anboto_url(&self) -> String {
        format!("http://{}/anboto", self.addr)
    }

    /// Base URL of the AlphaSec-style endpoints (`http://127.0.0.1:PORT/alphasec`), serving
    /// the wallet [`alphasec::DEMO_ADDRESS`].
    pub fn alphasec_url(&self) -> String {
        format!("http://{}/alphasec", self.addr)
    }

    /// The API key the simulator accepts (`Authorization: Token <key>`): the configured one,
    /// else the random one made at start. Hand it to the client; never log it.
    pub fn token(&self) -> SecretString {
        self.shared.token.clone()
    }

    /// Runs `steps` simulation steps now (deterministic for the seed).
    pub fn advance(&self, steps: u32) {
        self.shared.step(steps);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Freezes (or unfreezes) automatic progression, for an idle demo.
    pub fn set_paused(&self, paused: bool) {
        self.shared
            .paused
            .store(paused, std::sync::atomic::Ordering::SeqCst);
    }

    /// Replaces the active faults.
    pub fn set_faults(&self, faults: Faults) {
        set_faults(&self.shared, faults);
    }

    /// Stops the server and its tasks.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        // Upgraded WebSocket sessions outlive graceful shutdown: close them.
        self.shared.drop_sockets.send_modify(|n| *n += 1);
        let _ = self.server.await;
    }
}

fn set_faults(shared: &Shared, faults: Faults) {
    let drop = faults.ws_drop;
    *lock(&shared.faults) = faults;
    if drop {
        shared.drop_sockets.send_modify(|n| *n += 1);
    }
}

/// A random 40-hex-digit key (the length of a Django REST framework token).
fn random_key() -> SecretString {
    let mut bytes = [0u8; 20];
    rand::fill(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    SecretString::from(hex)
}

/// Whether `given` is the simulator's key (compared over the whole length).
fn key_matches(shared: &Shared, given: &str) -> bool {
    let want = shared.token.expose_secret().as_bytes();
    let given = given.as_bytes();
    want.len() == given.len()
        && want
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Starts a simulator on `127.0.0.1:0` (an ephemeral port).
///
/// # Errors
/// When the port cannot be bound.
pub async fn spawn(cfg: SimConfig) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    spawn_on(listener, cfg).await
}

/// Starts a simulator on a bound listener.
///
/// # Errors
/// When the listener's address cannot be read.
pub async fn spawn_on(
    listener: tokio::net::TcpListener,
    cfg: SimConfig,
) -> std::io::Result<SimHandle> {
    let addr = listener.local_addr()?;
    let (updates, _) = broadcast::channel(4096);
    let token = cfg.token.clone().unwrap_or_else(random_key);
    let shared = Arc::new(Shared {
        anboto: Mutex::new(anboto::AnbotoBook::seeded(
            Timestamp::now().as_millisecond(),
        )),
        alphasec: Mutex::new(alphasec::AlphaBook::seeded(
            Timestamp::now().as_millisecond(),
        )),
        book: Mutex::new({
            let now = Timestamp::now();
            let mut book = Book::seeded(cfg.seed, now);
            book.add_bulk_orders(cfg.extra_orders, now);
            book
        }),
        cfg: cfg.clone(),
        token,
        faults: Mutex::new(Faults::default()),
        requests: Mutex::new(Vec::new()),
        served: std::sync::atomic::AtomicU64::new(0),
        paused: std::sync::atomic::AtomicBool::new(false),
        updates,
        drop_sockets: tokio::sync::watch::channel(0).0,
    });
    let cancel = CancellationToken::new();
    if cfg.auto_advance {
        let (shared, cancel) = (shared.clone(), cancel.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(cfg.tick);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tick.tick() => {
                        if !shared.paused.load(std::sync::atomic::Ordering::SeqCst) {
                            shared.step(1);
                        }
                    }
                }
            }
        });
    }
    let app = routes::router(shared.clone());
    let stop = cancel.clone();
    let server = tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "simulator server stopped");
        }
    });
    Ok(SimHandle {
        addr,
        shared,
        cancel,
        server,
    })
}
