//! The feed: background tokio tasks that keep every tab fresh and carry out actions.
//!
//! One poller per data set (active orders, multi-orders, placements, order errors, history),
//! each on its own interval, each backing off with jitter on errors without stopping the others. Results go
//! to the UI as [`FeedEvent`]s over a bounded channel; the UI never awaits the network.
//! Actions run in their own task, are sent exactly once, and trigger an immediate refresh.
//!
//! - `poll`: the four pollers and the one loop that drives them;
//! - `push`: the venue's push channel (optional, never worse than polling);
//! - `commands`: actions and on-demand fetches (fills, a multi-order's children).

mod commands;
mod poll;
mod push;

pub use commands::fetch_on_demand;
pub use push::refused_retry;

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::app::PushStatus;
use crate::app::{FeedEvent, Tab};
use crate::domain::{OrderId, Page, VenueId};
use crate::venue::{Action, Venue, VenueError};

/// Room for events between the feed tasks and the app loop (`mpsc::channel` capacity, in
/// events). Small on purpose: a 100k-order read arrives as ~100 parts of 1000 rows
/// ([`FeedEvent::ActiveOrdersPart`]) and decoding outruns the app applying them; with room for
/// 1024 events the whole read (60 MB of rows) waited in the queue on top of the book, and the
/// RSS high-water mark reached 1.6× the steady RSS (issue 19). A full queue only makes the
/// feed wait: the app never waits on the feed (commands go on unbounded channels).
pub const EVENT_QUEUE: usize = 8;

/// While the push channel is live, polling slows to this multiple of the interval (it only
/// repairs anything missed).
pub const LIVE_POLL_SLOWDOWN: u32 = 5;

/// Feed timing and limits.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    /// Normal refresh interval of each tab (default 2 s).
    pub interval: Duration,
    /// Longest wait between retries after errors (default 30 s).
    pub max_backoff: Duration,
    /// At most this many orders get their placements read per cycle (default 100): orders
    /// that changed, the open detail first; the rest stay due and are read the next cycle.
    pub placements_max_orders: usize,
    /// At most this many multi-order pages are fetched per cycle (default 10).
    pub multi_max_pages: u32,
    /// Where every action is recorded before its result is shown (none: not audited).
    pub audit: Option<Arc<crate::audit::AuditLog>>,
    /// Records every event delivered (`--record FILE`).
    pub recorder: Option<Arc<crate::record::Recorder>>,
    /// Stamped on every row and event of this feed (`[[venue]] name`; empty for a single
    /// venue), so the app can merge several venues and route actions back.
    pub venue_id: VenueId,
    /// How often the History tab's finished orders are read (default 60 s: they change
    /// rarely); an order leaving the active set triggers a read at once.
    pub history_interval: Duration,
    /// The History window read until the user widens it (`[history] window`).
    pub history_window: crate::history::Window,
    /// Active orders go out in parts as the reply arrives ([`FeedEvent::ActiveOrdersPart`],
    /// default): the first rows show at once and the app updates its book in place. Off for a
    /// shared hub ([`crate::serve::hub::Hub`]), whose snapshot and NATS publishing keep whole
    /// reads ([`FeedEvent::ActiveOrders`]). A read that arrives as one part is sent whole
    /// either way.
    pub active_in_parts: bool,
    /// In parts: rows gathered before a part goes to the app (default 1000). A read with fewer
    /// rows in all goes whole ([`FeedEvent::ActiveOrders`]), as before parts existed.
    pub active_part_rows: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            max_backoff: Duration::from_secs(30),
            placements_max_orders: 100,
            multi_max_pages: 10,
            audit: None,
            recorder: None,
            venue_id: VenueId::default(),
            history_interval: Duration::from_secs(60),
            history_window: crate::history::Window::default(),
            active_in_parts: true,
            active_part_rows: 1000,
        }
    }
}

/// Commands from the UI to the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedCommand {
    /// Carry out an action (one request).
    Act(Action),
    /// Refetch every tab now.
    Refresh,
    /// Fetch one multi-order with its child orders (`multi_order(id)`), reported as
    /// `FeedEvent::MultiOrderDetail` (or `FetchFailed` on the multi-order tab).
    FetchMulti(OrderId),
    /// Fetch the fills of one order (`fills(id)`), reported as `FeedEvent::Fills`.
    FetchFills(OrderId),
    /// Read the History tab in this window from now on (`history(start)`), at once; reported
    /// as `FeedEvent::History`. Sent to every venue's feed.
    HistoryWindow(crate::history::Window),
}

/// Handle to running feeds (one per venue): send commands, stop them.
#[derive(Debug, Clone)]
pub struct FeedHandle {
    /// Command channel of each venue's feed, by venue id.
    routes: Vec<(VenueId, mpsc::UnboundedSender<FeedCommand>)>,
    cancel: CancellationToken,
}

impl FeedHandle {
    /// Sends a command: `Refresh` to every venue's feed; `Act` to the only venue's feed (use
    /// [`FeedHandle::send_to`] when there are several). Fails when the feed has stopped (or an
    /// action can't be routed); the caller must then report the action as not sent.
    pub fn send(&self, cmd: FeedCommand) -> Result<(), Box<FeedCommand>> {
        match (&cmd, self.routes.as_slice()) {
            (FeedCommand::Refresh | FeedCommand::HistoryWindow(_), routes) => {
                let mut sent = false;
                for (_, tx) in routes {
                    sent |= tx.send(cmd.clone()).is_ok();
                }
                if sent { Ok(()) } else { Err(Box::new(cmd)) }
            }
            (_, [(_, tx)]) => tx.send(cmd).map_err(|e| Box::new(e.0)),
            (_, _) => Err(Box::new(cmd)),
        }
    }

    /// Sends a command to one venue's feed. Fails when that venue has no feed here or its feed
    /// has stopped.
    pub fn send_to(&self, venue: &VenueId, cmd: FeedCommand) -> Result<(), Box<FeedCommand>> {
        match self.routes.iter().find(|(id, _)| id == venue) {
            Some((_, tx)) => tx.send(cmd).map_err(|e| Box::new(e.0)),
            None => Err(Box::new(cmd)),
        }
    }

    /// Combines the handles of several venues' feeds into one (stopping it stops them all).
    pub fn join(handles: Vec<FeedHandle>) -> Self {
        let cancel = CancellationToken::new();
        let mut routes = Vec::new();
        for h in handles {
            let child = h.cancel.clone();
            let parent = cancel.clone();
            tokio::spawn(async move {
                parent.cancelled().await;
                child.cancel();
            });
            routes.extend(h.routes);
        }
        Self { routes, cancel }
    }

    /// Stops every feed task.
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    /// A handle whose commands arrive on the returned receivers (one per venue id, in the
    /// same order) instead of going to feed tasks: an SSH session's own command path checks
    /// the user's role before anything is sent.
    pub fn channels(venues: &[VenueId]) -> (Self, Vec<mpsc::UnboundedReceiver<FeedCommand>>) {
        let mut routes = Vec::new();
        let mut receivers = Vec::new();
        for id in venues {
            let (tx, rx) = mpsc::unbounded_channel();
            routes.push((id.clone(), tx));
            receivers.push(rx);
        }
        let handle = Self {
            routes,
            cancel: CancellationToken::new(),
        };
        (handle, receivers)
    }

    /// A handle attached to no feed (for benches and tests that drive the loop with their own
    /// events): every command fails as "feed stopped".
    pub fn detached() -> Self {
        let (commands, _) = mpsc::unbounded_channel();
        Self {
            routes: vec![(VenueId::default(), commands)],
            cancel: CancellationToken::new(),
        }
    }
}

/// Starts the feed tasks on the current tokio runtime.
pub fn spawn(
    venue: Arc<dyn Venue>,
    cfg: FeedConfig,
    events: mpsc::Sender<FeedEvent>,
) -> FeedHandle {
    let cancel = CancellationToken::new();
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (refresh_tx, refresh_rx) = watch::channel(0u64);
    let (snap_tx, snap_rx) = watch::channel(None::<poll::Snapshot>);
    let (focus_tx, focus_rx) = watch::channel(None::<OrderId>);
    let (live_tx, live_rx) = watch::channel(false);
    let (details_tx, details_rx) = watch::channel(0u64);
    let (window_tx, window_rx) = watch::channel(cfg.history_window);
    let refresh_tx = Arc::new(refresh_tx);
    let ctx_venue_id = cfg.venue_id.clone();
    let ctx = Ctx {
        venue,
        cfg,
        events,
        cancel: cancel.clone(),
        refresh: refresh_rx,
        details: None,
        live: live_rx,
        slows_when_live: true,
    };
    let with_details = Ctx {
        details: Some(details_rx),
        ..ctx.clone()
    };
    let active = poll::Active::new(snap_tx);
    tokio::spawn(poll::run(ctx.clone(), active));
    let multi_ctx = Ctx {
        slows_when_live: false,
        ..ctx.clone()
    };
    tokio::spawn(poll::run(multi_ctx, poll::Multi));
    let history_ctx = Ctx {
        slows_when_live: false,
        ..ctx.clone()
    };
    tokio::spawn(poll::run(
        history_ctx,
        poll::History::new(window_rx, snap_rx.clone()),
    ));
    let placements = poll::Placements::new(snap_rx.clone(), focus_rx);
    tokio::spawn(poll::run(with_details.clone(), placements));
    tokio::spawn(poll::run(with_details, poll::Errors { snap: snap_rx }));
    tokio::spawn(push::run(
        ctx.clone(),
        live_tx,
        refresh_tx.clone(),
        details_tx,
    ));
    tokio::spawn(commands::run(ctx, cmd_rx, refresh_tx, focus_tx, window_tx));
    FeedHandle {
        routes: vec![(ctx_venue_id, cmd_tx)],
        cancel,
    }
}

#[derive(Clone)]
struct Ctx {
    venue: Arc<dyn Venue>,
    cfg: FeedConfig,
    events: mpsc::Sender<FeedEvent>,
    cancel: CancellationToken,
    refresh: watch::Receiver<u64>,
    /// Wakes the placements/errors pollers early (after fills and failures pushed live).
    details: Option<watch::Receiver<u64>>,
    /// True while the push channel is live (polling slows down).
    live: watch::Receiver<bool>,
    /// Whether this poller slows down while the push channel is live (not for data the
    /// channel doesn't carry, such as multi-order aggregates).
    slows_when_live: bool,
}

impl Ctx {
    /// Sends an event; false when the UI has gone (the task should stop).
    async fn emit(&self, ev: FeedEvent) -> bool {
        if let Some(r) = &self.cfg.recorder {
            r.record(&ev);
        }
        self.events.send(ev).await.is_ok()
    }

    /// Waits `delay`, or less if a refresh is requested; false when cancelled.
    async fn wait(&mut self, delay: Duration) -> bool {
        let delay = if self.slows_when_live && *self.live.borrow() {
            delay.saturating_mul(LIVE_POLL_SLOWDOWN)
        } else {
            delay
        };
        let details = async {
            match self.details.as_mut() {
                Some(d) => d.changed().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = self.cancel.cancelled() => false,
            _ = tokio::time::sleep(delay) => true,
            Ok(()) = self.refresh.changed() => true,
            Ok(()) = details => true,
        }
    }

    /// A push-channel state event for this venue.
    fn push_status(&self, status: PushStatus) -> FeedEvent {
        FeedEvent::Push {
            venue: self.cfg.venue_id.clone(),
            status,
            at: Timestamp::now(),
        }
    }

    async fn failed(&self, tab: Tab, error: VenueError) -> bool {
        tracing::warn!(tab = tab.title(), error = %crate::sanitize::clean(&error.to_string()), "fetch failed");
        self.emit(FeedEvent::FetchFailed {
            venue: self.cfg.venue_id.clone(),
            tab,
            error,
            at: Timestamp::now(),
        })
        .await
    }
}

/// Backoff after `failures` consecutive errors: interval × 2^n, capped, ±20% jitter; a
/// `Retry-After` from the venue wins when longer.
pub fn backoff(
    cfg: &FeedConfig,
    failures: u32,
    error: Option<&VenueError>,
    jitter: f64,
) -> Duration {
    let base = cfg
        .interval
        .saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(cfg.max_backoff);
    let jittered = base.mul_f64((0.8 + 0.4 * jitter.clamp(0.0, 1.0)).max(0.0));
    let retry_after = match error {
        Some(VenueError::Http {
            retry_after_secs: Some(s),
            ..
        }) => Duration::from_secs(*s),
        _ => Duration::ZERO,
    };
    jittered.max(retry_after)
}

/// Tracks consecutive failures of one poller and computes its next delay.
struct Pacer {
    failures: u32,
}

impl Pacer {
    fn ok(&mut self, cfg: &FeedConfig) -> Duration {
        self.failures = 0;
        cfg.interval
    }

    fn err(&mut self, cfg: &FeedConfig, e: &VenueError) -> Duration {
        self.failures = self.failures.saturating_add(1);
        backoff(cfg, self.failures, Some(e), fastrand::f64())
    }
}

fn log_bad_rows<T>(what: &str, page: &Page<T>) {
    for bad in &page.bad_rows {
        tracing::warn!(
            endpoint = what,
            index = bad.index,
            id = bad.id.as_deref().map(crate::sanitize::clean).unwrap_or_default().as_ref(),
            reason = %crate::sanitize::clean(&bad.reason),
            "row could not be decoded; rest of the page kept"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacer_resets_after_a_success() {
        let cfg = FeedConfig::default();
        let e = VenueError::Network("down".into());
        let mut p = Pacer { failures: 0 };
        let first = p.err(&cfg, &e);
        let second = p.err(&cfg, &e);
        assert!(second > first, "{second:?} > {first:?}");
        for _ in 0..20 {
            assert!(
                p.err(&cfg, &e) <= Duration::from_secs(36),
                "capped at 30 s (+20% jitter)"
            );
        }
        assert_eq!(p.ok(&cfg), cfg.interval);
        assert!(
            p.err(&cfg, &e) <= Duration::from_millis(4_800),
            "back to the first step"
        );
    }

    #[test]
    fn backoff_grows_caps_and_honours_retry_after() {
        let cfg = FeedConfig::default();
        assert_eq!(backoff(&cfg, 1, None, 0.5), Duration::from_secs(4));
        assert_eq!(backoff(&cfg, 10, None, 0.5), Duration::from_secs(30));
        let e = VenueError::Http {
            status: 429,
            message: "slow down".into(),
            retry_after_secs: Some(90),
        };
        assert_eq!(backoff(&cfg, 1, Some(&e), 0.5), Duration::from_secs(90));
        assert!(backoff(&cfg, 1, None, 0.0) < backoff(&cfg, 1, None, 1.0));
    }
}
