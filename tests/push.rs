//! The push channel is an inference (no venue document describes a WebSocket), so it must
//! never make things worse than polling. Each test runs the real Tread.fi client and feed
//! against an axum stub on loopback that serves the REST endpoints and one kind of
//! `/ws/orders/`: none (404), one that never answers a Ping, one that chatters in message
//! types nobody documented. The stub counts upgrade attempts and times every active-orders poll.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State as AxState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use blotter::app::{FeedEvent, Msg, PushStatus, State, update};
use blotter::config::{Config, PushMode, PushSettings, VenueConfig};
use blotter::feed::{self, FeedConfig, FeedHandle};
use blotter::venue::Venue;
use blotter::venue::treadfi::TreadfiClient;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// What the stub's `/ws/orders/` does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ws {
    /// No such endpoint: 404 like any unknown path.
    Missing,
    /// 404 for the first upgrade, then accepts and answers Pings.
    MissingThenServed,
    /// Accepts the first upgrade, sends one `order_update`, and never reads the socket again
    /// (so never answers a Ping); later upgrades get 404.
    Deaf,
    /// Accepts, answers Pings, and never sends anything.
    Quiet,
    /// Accepts, then sends unknown types, error frames and binary frames around two
    /// `order_update`s, and keeps answering Pings.
    Chatty,
}

#[derive(Clone)]
struct Stub {
    ws: Ws,
    upgrades: Arc<AtomicUsize>,
    /// When each `GET /api/active_orders/` arrived.
    polls: Arc<Mutex<Vec<Instant>>>,
}

impl Stub {
    fn upgrades(&self) -> usize {
        self.upgrades.load(Ordering::SeqCst)
    }

    fn polls_between(&self, from: Instant, to: Instant) -> Vec<Instant> {
        let polls = self.polls.lock().unwrap_or_else(|e| e.into_inner());
        polls
            .iter()
            .copied()
            .filter(|t| *t >= from && *t < to)
            .collect()
    }
}

const ORDER: &str =
    r#"{"id":"o1","pair":"ETH-USD","side":"buy","status":"ACTIVE","executed_qty":"0.5"}"#;

fn update_msg(id: &str) -> String {
    format!(
        r#"{{"type":"order_update","data":{{"order_id":"{id}","update_type":"fill_received","order":{{"id":"{id}","pair":"BTC-USD","side":"sell","status":"ACTIVE","executed_qty":"0.25"}}}}}}"#
    )
}

async fn active(AxState(s): AxState<Stub>) -> String {
    s.polls
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Instant::now());
    format!(r#"{{"orders":[{ORDER}],"page_number":1,"num_pages":1}}"#)
}

async fn ws_route(AxState(s): AxState<Stub>, upgrade: WebSocketUpgrade) -> Response {
    let n = s.upgrades.fetch_add(1, Ordering::SeqCst) + 1;
    match (s.ws, n) {
        (Ws::Missing, _) | (Ws::MissingThenServed, 1) | (Ws::Deaf, 2..) => {
            (StatusCode::NOT_FOUND, r#"{"detail":"Not found."}"#).into_response()
        }
        (Ws::MissingThenServed | Ws::Quiet, _) => upgrade.on_upgrade(answer_pings),
        (Ws::Deaf, _) => upgrade.on_upgrade(|mut socket| async move {
            let _ = socket.send(Message::Text(update_msg("o9").into())).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(socket);
        }),
        (Ws::Chatty, _) => upgrade.on_upgrade(chatter),
    }
}

/// Reads (and so answers Pings) until the client goes.
async fn answer_pings(mut socket: WebSocket) {
    while let Some(Ok(_)) = socket.recv().await {}
}

async fn chatter(mut socket: WebSocket) {
    let noise = || {
        vec![
            Message::Text(r#"{"type":"portfolio_tick","data":{"x":1}}"#.into()),
            Message::Text(r#"{"type":"error","message":"unknown command"}"#.into()),
            Message::Text(r#"{"error":"throttled"}"#.into()),
            Message::Binary(vec![1u8, 2, 3].into()),
        ]
    };
    let mut script = Vec::new();
    for _ in 0..3 {
        script.extend(noise());
    }
    script.push(Message::Text(update_msg("o9").into()));
    for _ in 0..3 {
        script.extend(noise());
    }
    script.push(Message::Text(update_msg("o10").into()));
    for m in script {
        if socket.send(m).await.is_err() {
            return;
        }
    }
    answer_pings(socket).await;
}

async fn stub(ws: Ws) -> (Stub, String) {
    let s = Stub {
        ws,
        upgrades: Arc::default(),
        polls: Arc::default(),
    };
    let app = Router::new()
        .route("/api/active_orders/", get(active))
        .route(
            "/api/multi_orders/",
            get(|| async { r#"{"multi_orders":[],"page_number":1,"num_pages":1}"# }),
        )
        .route("/api/placements/", get(|| async { r#"{"placements":[]}"# }))
        .route("/api/order_errors/", get(|| async { "{}" }))
        .route("/ws/orders/", get(ws_route))
        .with_state(s.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (s, format!("http://{addr}"))
}

/// Short timings: Ping every `ping`, Pong within `pong`, `retry` after a refused upgrade.
fn settings(ping: Duration, pong: Duration, retry: Duration) -> PushSettings {
    PushSettings {
        mode: PushMode::Auto,
        ping_interval: ping,
        pong_timeout: pong,
        keep_alive: Duration::from_secs(30),
        handshake_timeout: Duration::from_secs(2),
        retry_refused: retry,
    }
}

const INTERVAL: Duration = Duration::from_millis(200);

struct Rig {
    feed: FeedHandle,
    rx: mpsc::Receiver<FeedEvent>,
    state: State,
}

fn start(venue: Arc<dyn Venue>) -> Rig {
    let (tx, rx) = mpsc::channel(1024);
    let cfg = FeedConfig {
        interval: INTERVAL,
        max_backoff: Duration::from_secs(2),
        ..FeedConfig::default()
    };
    let feed = feed::spawn(venue.clone(), cfg, tx);
    let state = State::new(venue.name(), venue.capabilities(), jiff::Timestamp::now());
    Rig { feed, rx, state }
}

fn client(base: &str, push: PushSettings) -> Arc<dyn Venue> {
    Arc::new(
        TreadfiClient::new(base, None, Duration::from_secs(2))
            .unwrap_or_else(|e| panic!("{e}"))
            .with_push(push),
    )
}

impl Rig {
    /// Applies feed events until `pred` holds (10 s at most); returns when it did.
    async fn until(&mut self, what: &str, pred: impl Fn(&State) -> bool) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pred(&self.state) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(ev)) => {
                    update(&mut self.state, Msg::Feed(ev));
                }
                Ok(None) => panic!("feed ended while waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}: {:?}",
                    self.state.venues[0].push
                ),
            }
        }
        Instant::now()
    }

    /// Applies every event that arrives within `d`.
    async fn run_for(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, self.rx.recv()).await {
            update(&mut self.state, Msg::Feed(ev));
        }
    }

    /// The header line as drawn.
    fn header(&self) -> String {
        let backend = ratatui::backend::TestBackend::new(self.state.size.0, self.state.size.1);
        let mut t = ratatui::Terminal::new(backend).unwrap_or_else(|e| panic!("{e}"));
        t.draw(|f| blotter::ui::render(&self.state, f))
            .unwrap_or_else(|e| panic!("{e}"));
        let b = t.backend().buffer();
        (0..b.area.width)
            .map(|x| b[(x, 0)].symbol().to_string())
            .collect()
    }
}

/// Gaps between consecutive polls.
fn gaps(polls: &[Instant]) -> Vec<Duration> {
    polls.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test]
async fn missing_endpoint_polls_at_full_rate_and_retries_only_after_minutes() {
    let (stub, base) = stub(Ws::Missing).await;
    let default_retry = PushSettings::default().retry_refused;
    let push = settings(
        Duration::from_secs(10),
        Duration::from_secs(10),
        default_retry,
    );
    let mut r = start(client(&base, push));
    let refused_at = r
        .until("no push channel", |s| {
            matches!(s.venues[0].push, PushStatus::NoChannel { .. })
        })
        .await;
    r.until("orders", |s| !s.book.orders().is_empty()).await;
    r.run_for(Duration::from_millis(1500)).await;

    let header = r.header();
    assert!(header.contains("● polling (no push channel)"), "{header}");
    let polls = stub.polls_between(refused_at, refused_at + Duration::from_millis(1500));
    assert!(
        polls.len() >= 5,
        "full rate is one poll per {INTERVAL:?}: {} polls in 1.5 s",
        polls.len()
    );
    assert_eq!(
        stub.upgrades(),
        1,
        "the handshake is not retried within seconds"
    );
    let PushStatus::NoChannel { retry_at, error } = &r.state.venues[0].push else {
        panic!("{:?}", r.state.venues[0].push)
    };
    assert!(error.contains("HTTP 404"), "{error}");
    let wait = retry_at.duration_since(jiff::Timestamp::now()).as_secs();
    assert!(
        (265..=330).contains(&wait),
        "next attempt in 300 s ±10%, not seconds: {wait} s"
    );
    r.feed.stop();
}

#[tokio::test]
async fn a_refused_upgrade_is_tried_again_after_push_retry_and_can_go_live() {
    let (stub, base) = stub(Ws::MissingThenServed).await;
    let push = settings(
        Duration::from_millis(200),
        Duration::from_secs(2),
        Duration::from_secs(1),
    );
    let mut r = start(client(&base, push));
    let refused_at = r
        .until("no push channel", |s| {
            matches!(s.venues[0].push, PushStatus::NoChannel { .. })
        })
        .await;
    let live_at = r
        .until("live", |s| s.venues[0].push == PushStatus::Live)
        .await;
    assert_eq!(stub.upgrades(), 2);
    let waited = live_at - refused_at;
    assert!(
        waited >= Duration::from_millis(850) && waited < Duration::from_secs(3),
        "second attempt after push_retry (1 s ±10%): {waited:?}"
    );
    let header = r.header();
    assert!(header.contains("● live"), "{header}");
    r.feed.stop();
}

#[tokio::test]
async fn an_unanswered_ping_kills_the_link_and_polling_returns_to_full_speed_at_once() {
    let (stub, base) = stub(Ws::Deaf).await;
    let ping = Duration::from_millis(1000);
    let pong = Duration::from_millis(500);
    let mut r = start(client(
        &base,
        settings(ping, pong, Duration::from_secs(300)),
    ));
    let live_at = r
        .until("live", |s| s.venues[0].push == PushStatus::Live)
        .await;
    let dead_at = r
        .until("link declared dead", |s| {
            matches!(s.venues[0].push, PushStatus::Reconnecting { .. })
        })
        .await;
    let PushStatus::Reconnecting { error, .. } = &r.state.venues[0].push else {
        panic!()
    };
    assert!(error.contains("no pong within 500 ms"), "{error}");
    let lived = dead_at - live_at;
    assert!(
        lived >= ping + pong - Duration::from_millis(100) && lived < ping + pong * 3,
        "dead after the first Ping went unanswered for the pong timeout: {lived:?}"
    );
    // While the link was live (and had delivered an update), polling was slowed: it only
    // repairs what push missed.
    let while_live = stub.polls_between(
        live_at + Duration::from_millis(150),
        dead_at - Duration::from_millis(50),
    );
    assert!(
        while_live.len() <= 2,
        "slowed while live: {} polls in {lived:?}",
        while_live.len()
    );
    r.run_for(Duration::from_millis(1200)).await;
    let after = stub.polls_between(dead_at, dead_at + Duration::from_millis(1200));
    assert!(
        after
            .first()
            .is_some_and(|t| *t - dead_at < Duration::from_millis(150)),
        "a poll at once when the link dies: {:?}",
        after.first().map(|t| *t - dead_at)
    );
    assert!(
        after.len() >= 4 && gaps(&after).iter().all(|g| *g < INTERVAL * 3),
        "full speed after the link died: {} polls, gaps {:?}",
        after.len(),
        gaps(&after)
    );
    r.feed.stop();
}

#[tokio::test]
async fn a_channel_that_carries_nothing_never_slows_polling() {
    let (stub, base) = stub(Ws::Quiet).await;
    let push = settings(
        Duration::from_millis(200),
        Duration::from_secs(1),
        Duration::from_secs(300),
    );
    let mut r = start(client(&base, push));
    let live_at = r
        .until("live", |s| s.venues[0].push == PushStatus::Live)
        .await;
    r.run_for(Duration::from_millis(1500)).await;
    assert_eq!(r.state.venues[0].push, PushStatus::Live, "pongs keep it up");
    let polls = stub.polls_between(
        live_at + Duration::from_millis(100),
        live_at + Duration::from_millis(1500),
    );
    assert!(
        polls.len() >= 4 && gaps(&polls).iter().all(|g| *g < INTERVAL * 3),
        "no update has come over the channel, so polling stays at full speed: {} polls, gaps {:?}",
        polls.len(),
        gaps(&polls)
    );
    r.feed.stop();
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines_with(&self, needle: &str) -> usize {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| l.contains(needle))
            .count()
    }
}

// One thread, so the subscriber set for this thread sees the feed's and the socket's tasks.
#[tokio::test(flavor = "current_thread")]
async fn unknown_types_and_error_frames_are_logged_once_and_updates_still_apply() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (stub, base) = stub(Ws::Chatty).await;
    let push = settings(
        Duration::from_millis(100),
        Duration::from_secs(1),
        Duration::from_secs(300),
    );
    let mut r = start(client(&base, push));
    r.until("both pushed updates applied", |s| {
        let filled = |id: &str| {
            s.book.orders().iter().any(|o| {
                o.id.as_str() == id
                    && o.executed_qty.map(|d| d.to_string()).as_deref() == Some("0.25")
            })
        };
        filled("o9") && filled("o10")
    })
    .await;
    // A few Pings later the link is still up: nothing above ended it.
    r.run_for(Duration::from_millis(400)).await;
    assert_eq!(r.state.venues[0].push, PushStatus::Live);
    assert_eq!(stub.upgrades(), 1);

    assert_eq!(
        log.lines_with("kind=portfolio_tick"),
        1,
        "unknown type: once"
    );
    assert_eq!(
        log.lines_with("kind=error "),
        1,
        "error frames (both shapes): once"
    );
    assert_eq!(log.lines_with("kind=<binary>"), 1, "binary frames: once");
    assert_eq!(
        log.lines_with("push message ignored"),
        3,
        "three distinct kinds in all"
    );
    assert_eq!(log.lines_with("unknown command"), 1);
    r.feed.stop();
}

#[tokio::test]
async fn push_off_in_a_venue_section_never_asks_for_an_upgrade() {
    let (stub, base) = stub(Ws::Chatty).await;
    let text = format!("[[venue]]\nkind = \"treadfi\"\nurl = \"{base}\"\npush = \"off\"\n");
    let cfg =
        Config::parse(&text, std::path::Path::new("c.toml")).unwrap_or_else(|e| panic!("{e}"));
    let [section @ VenueConfig::Treadfi(_)] = &cfg.venues[..] else {
        panic!("{:?}", cfg.venues)
    };
    let (venue, _) = blotter::desk::venue_from_config(section).unwrap_or_else(|e| panic!("{e}"));
    let mut r = start(venue);
    r.until("polling only", |s| {
        s.venues[0].push == PushStatus::Unavailable && !s.book.orders().is_empty()
    })
    .await;
    r.run_for(Duration::from_millis(800)).await;
    assert_eq!(stub.upgrades(), 0, "no upgrade request at all");
    let header = r.header();
    assert!(header.contains("● polling"), "{header}");
    r.feed.stop();
}

#[test]
fn push_sometimes_is_a_clear_config_error() {
    let text =
        "[[venue]]\nkind = \"treadfi\"\nurl = \"https://app.tread.fi\"\npush = \"sometimes\"\n";
    let err = Config::parse(text, std::path::Path::new("blotter.toml"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("blotter.toml")
            && err.contains(r#"push must be "auto" or "off", not "sometimes""#),
        "{err}"
    );
}

#[test]
fn a_refused_upgrade_waits_push_retry_with_ten_percent_jitter() {
    use blotter::venue::VenueError;
    let refused = |retry: Option<u64>| VenueError::Http {
        status: 404,
        message: "no push channel".into(),
        retry_after_secs: retry,
    };
    let wait = |retry, jitter| feed::refused_retry(&refused(retry), jitter);
    assert_eq!(wait(Some(300), 0.0), Duration::from_secs(270));
    assert_eq!(wait(Some(300), 0.5), Duration::from_secs(300));
    assert_eq!(wait(Some(300), 1.0), Duration::from_secs(330));
    assert_eq!(wait(Some(600), 0.5), Duration::from_secs(600));
    assert_eq!(
        wait(None, 0.5),
        Duration::from_secs(300),
        "no retry given: 300 s"
    );
    assert_eq!(wait(Some(0), 0.5), Duration::from_secs(1), "never 0");
}
