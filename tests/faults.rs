//! Each simulator fault, end to end through the real client, the feed and `app::update`: the
//! header names the fault, the last good data stays, and the feed recovers by itself when the
//! fault clears. Keys are handled while a request hangs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use blotter::venue::treadfi::ws::{PushMode, PushSettings};
use std::sync::Arc;
use std::time::Duration;

use blotter::app::{Connection, FeedEvent, Msg, PushStatus, State, Tab, update};
use blotter::feed::{self, FeedConfig, FeedHandle};
use blotter::sim::{self, Faults, SimConfig, SimHandle};
use blotter::venue::Venue;
use blotter::venue::treadfi::TreadfiClient;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use secrecy::SecretString;
use tokio::sync::mpsc;

struct Rig {
    sim: SimHandle,
    feed: FeedHandle,
    rx: mpsc::Receiver<FeedEvent>,
    state: State,
}

async fn rig(keep_alive: Duration) -> Rig {
    rig_polling_every(keep_alive, Duration::from_millis(100)).await
}

/// A rig whose feed polls every `interval` (the simulator still steps every 100 ms).
async fn rig_polling_every(keep_alive: Duration, interval: Duration) -> Rig {
    rig_with(keep_alive, interval, PushMode::Auto).await
}

/// A rig with the push channel `push` (`Off`: polling only, so every request is the feed's own).
async fn rig_with(keep_alive: Duration, interval: Duration, push: PushMode) -> Rig {
    let sim = sim::spawn(SimConfig {
        token: Some("t".into()),
        tick: Duration::from_millis(100),
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let venue: Arc<dyn Venue> = Arc::new(
        TreadfiClient::new(
            &sim.base_url(),
            Some(SecretString::from("t".to_string())),
            Duration::from_millis(400),
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .with_push(PushSettings {
            mode: push,
            ..PushSettings::default()
        })
        .with_keep_alive(keep_alive),
    );
    let (tx, rx) = mpsc::channel(1024);
    let cfg = FeedConfig {
        interval,
        max_backoff: Duration::from_millis(300),
        ..FeedConfig::default()
    };
    let feed = feed::spawn(venue.clone(), cfg, tx);
    let state = State::new(venue.name(), venue.capabilities(), jiff::Timestamp::now());
    Rig {
        sim,
        feed,
        rx,
        state,
    }
}

impl Rig {
    /// Applies feed events until `pred` holds (10 s at most).
    async fn until(&mut self, what: &str, pred: impl Fn(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !pred(&self.state) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(ev)) => {
                    update(&mut self.state, Msg::Feed(ev));
                }
                Ok(None) => panic!("feed ended while waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}: {:?} / {:?} / {:?}",
                    self.state.venues[0].connection,
                    self.state.venues[0].push,
                    self.state.venues[0].freshness[0]
                ),
            }
        }
    }

    fn active_error(&self) -> String {
        self.state.venues[0].freshness[Tab::Active.index()]
            .error
            .as_ref()
            .map(|(e, _)| e.clone())
            .unwrap_or_default()
    }

    async fn stop(self) {
        self.feed.stop();
        self.sim.shutdown().await;
    }
}

async fn fault_then_recover(faults: Faults, expect: &str) {
    let mut r = rig(Duration::from_secs(10)).await;
    r.until("first data", |s| !s.book.orders().is_empty()).await;
    let before = r.state.book.orders().len();
    r.sim.set_faults(faults);
    r.until(expect, |s| {
        s.venues[0].freshness[0]
            .error
            .as_ref()
            .is_some_and(|(e, _)| e.contains(expect))
    })
    .await;
    assert_eq!(
        r.state.book.orders().len(),
        before,
        "last good data stays on screen"
    );
    assert!(matches!(
        r.state.venues[0].connection,
        Connection::Retrying { .. } | Connection::AuthFailed { .. }
    ));
    r.sim.set_faults(Faults::default());
    r.until("recovery", |s| {
        s.venues[0].freshness[0].error.is_none() && s.venues[0].connection == Connection::Polling
    })
    .await;
    r.stop().await;
}

#[tokio::test]
async fn server_errors() {
    fault_then_recover(
        Faults {
            server_error: true,
            ..Faults::default()
        },
        "503",
    )
    .await;
}

#[tokio::test]
async fn rate_limited() {
    fault_then_recover(
        Faults {
            rate_limit_secs: Some(1),
            ..Faults::default()
        },
        "429",
    )
    .await;
}

#[tokio::test]
async fn malformed_json() {
    fault_then_recover(
        Faults {
            malformed: true,
            ..Faults::default()
        },
        "decode",
    )
    .await;
}

#[tokio::test]
async fn body_stalls_mid_way() {
    fault_then_recover(
        Faults {
            stall: true,
            ..Faults::default()
        },
        "network",
    )
    .await;
}

#[tokio::test]
async fn latency_beyond_the_timeout() {
    fault_then_recover(
        Faults {
            latency_ms: 1_000,
            ..Faults::default()
        },
        "network",
    )
    .await;
}

#[tokio::test]
async fn unauthorized_after_a_while_shows_auth_failed() {
    let mut r = rig(Duration::from_secs(10)).await;
    r.until("first data", |s| !s.book.orders().is_empty()).await;
    r.sim.set_faults(Faults {
        unauthorized_after: Some(0),
        ..Faults::default()
    });
    r.until("auth failure", |s| {
        matches!(s.venues[0].connection, Connection::AuthFailed { .. })
    })
    .await;
    assert_eq!(r.active_error(), "401 Invalid token.");
    r.stop().await;
}

#[tokio::test]
async fn websocket_drop_reconnects_and_repairs() {
    // An hour between polls: only the reconnect's repair can fetch active orders again.
    let mut r = rig_polling_every(Duration::from_secs(10), Duration::from_secs(3600)).await;
    r.until("live", |s| s.venues[0].push == PushStatus::Live)
        .await;
    r.until("first data", |s| {
        s.venues[0].freshness[0].updated_at.is_some()
    })
    .await;
    r.sim.set_faults(Faults {
        ws_drop: true,
        ..Faults::default()
    });
    r.until("reconnecting", |s| {
        matches!(s.venues[0].push, PushStatus::Reconnecting { .. })
    })
    .await;
    let down_at = jiff::Timestamp::now();
    r.sim.clear_requests();
    // The book moves on while the channel is down.
    r.sim.advance(5);
    r.sim.set_faults(Faults::default());
    r.until("live again", |s| s.venues[0].push == PushStatus::Live)
        .await;
    r.until("active orders refetched after the reconnect", |s| {
        s.venues[0].freshness[0]
            .updated_at
            .is_some_and(|t| t > down_at)
    })
    .await;
    let gets = r
        .sim
        .requests()
        .iter()
        .filter(|q| q.method == "GET" && q.path == "/api/active_orders/")
        .count();
    assert!(gets >= 1, "the reconnect refetched the book");
    r.stop().await;
}

#[tokio::test]
async fn websocket_silence_is_detected() {
    let mut r = rig(Duration::from_millis(150)).await;
    r.until("live", |s| s.venues[0].push == PushStatus::Live)
        .await;
    r.sim.set_faults(Faults {
        ws_silence: true,
        ..Faults::default()
    });
    r.until(
        "silence detected",
        |s| matches!(&s.venues[0].push, PushStatus::Reconnecting { error, .. } if error.contains("silent")),
    )
    .await;
    r.stop().await;
}

#[tokio::test]
async fn keys_are_handled_while_a_request_hangs() {
    let r = rig(Duration::from_secs(10)).await;
    r.sim.set_faults(Faults {
        stall: true,
        latency_ms: 5_000,
        ..Faults::default()
    });
    let keys = [
        KeyCode::Char('2'),
        KeyCode::Char('?'),
        KeyCode::Esc,
        KeyCode::Char('4'),
    ]
    .map(|c| Ok(Event::Key(KeyEvent::new(c, KeyModifiers::NONE))));
    let input = futures_util::stream::iter(keys);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30))
        .unwrap_or_else(|e| panic!("{e}"));
    let Rig {
        sim,
        feed,
        rx,
        state,
    } = r;
    let done = tokio::time::timeout(
        Duration::from_secs(3),
        blotter::tui::run(&mut terminal, state, &feed, rx, input),
    )
    .await
    .unwrap_or_else(|_| panic!("the UI blocked on a hanging request"))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.tab, Tab::Errors);
    assert!(done.modal.is_none());
    feed.stop();
    sim.shutdown().await;
}

#[tokio::test]
async fn an_action_that_times_out_is_reported_as_unknown_sent_once_and_refetched() {
    // Polling once an hour and no push channel: after the first page, active orders are only
    // fetched again if the action's unknown outcome asks for it.
    let mut r = rig_with(
        Duration::from_secs(10),
        Duration::from_secs(3600),
        PushMode::Off,
    )
    .await;
    r.until("first data", |s| {
        s.book
            .orders()
            .iter()
            .any(|o| o.status == blotter::domain::OrderStatus::Active)
    })
    .await;
    let id = r
        .state
        .book
        .orders()
        .iter()
        .find(|o| o.status == blotter::domain::OrderStatus::Active)
        .map(|o| o.id.clone())
        .unwrap_or_default();
    r.sim.clear_requests();
    r.sim.set_faults(Faults {
        latency_ms: 1_000,
        ..Faults::default()
    });
    let _ = r.feed.send(blotter::feed::FeedCommand::Act(
        blotter::venue::Action::Pause(id.clone()),
    ));
    r.until("the action's outcome", |s| {
        s.banner
            .as_ref()
            .is_some_and(|b| b.text.contains("outcome unknown"))
    })
    .await;
    let outcome_at = r.state.banner.as_ref().map(|b| b.at);
    r.sim.set_faults(Faults::default());
    // Refetched right after, and the pause was sent exactly once.
    r.until("a refetch", |s| {
        s.venues[0].freshness[0].error.is_none() && s.venues[0].connection == Connection::Polling
    })
    .await;
    r.until("active orders fetched after the outcome", |s| {
        s.venues[0].freshness[0].updated_at >= outcome_at
    })
    .await;
    // Every active-orders request since the pause was asked for by the action (the first may
    // time out under the injected latency and be retried).
    let paths: Vec<String> = r.sim.requests().iter().map(|q| q.path.clone()).collect();
    let pause_at = paths.iter().position(|p| p == "/api/pause_order/");
    let first_get = paths.iter().position(|p| p == "/api/active_orders/");
    assert!(
        matches!((pause_at, first_get), (Some(p), Some(g)) if g > p),
        "{paths:?}"
    );
    let pauses = r
        .sim
        .requests()
        .iter()
        .filter(|q| q.path == "/api/pause_order/")
        .count();
    assert_eq!(pauses, 1, "never retried");
    r.stop().await;
}

#[tokio::test]
async fn no_task_outlives_the_feed_and_the_venue() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let baseline = metrics.num_alive_tasks();
    let mut r = rig(Duration::from_millis(200)).await;
    r.until("live", |s| {
        s.venues[0].push == PushStatus::Live && !s.book.orders().is_empty()
    })
    .await;
    for f in [
        Faults {
            server_error: true,
            ..Faults::default()
        },
        Faults {
            ws_drop: true,
            ..Faults::default()
        },
        Faults {
            stall: true,
            ..Faults::default()
        },
        Faults::default(),
    ] {
        r.sim.set_faults(f);
        tokio::time::sleep(Duration::from_millis(300)).await;
        while let Ok(ev) = r.rx.try_recv() {
            update(&mut r.state, Msg::Feed(ev));
        }
    }
    r.stop().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while metrics.num_alive_tasks() > baseline && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(metrics.num_alive_tasks(), baseline, "tasks leaked");
}
