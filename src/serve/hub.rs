//! One shared feed per venue for every SSH session.
//!
//! The [`Hub`] runs the ordinary [`crate::feed`] once and fans its [`FeedEvent`]s out over a
//! broadcast channel. It also keeps the latest event of every data set ([`Snapshot`]), so a new
//! session — or one that fell behind — starts from the current data at once instead of waiting
//! for the next poll. A session that falls behind never slows the feed or the other sessions:
//! the broadcast drops what it missed and the session is re-synced from the snapshot.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio::sync::{broadcast, mpsc};

use crate::actions::{Actor, Outcome};
use crate::app::{FeedEvent, Tab};
use crate::audit::AuditLog;
use crate::domain::VenueId;
use crate::feed::{self, FeedCommand, FeedConfig, FeedHandle};
use crate::venue::{Action, Venue};

/// Events kept for a lagging subscriber before it is re-synced from the snapshot.
const BROADCAST_CAPACITY: usize = 256;

/// Most pushed updates kept after the latest active-orders page (older ones are dropped; the
/// next poll repairs whatever a new session would miss).
const MAX_PUSH_BACKLOG: usize = 4096;

/// Shortest time between two refreshes asked for by sessions (`R`): a hundred viewers pressing
/// `R` cost the venue one refresh.
const REFRESH_GAP: Duration = Duration::from_secs(2);

/// The latest state of every data set, as the events that rebuild it (pure).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    data: [Option<FeedEvent>; Tab::COUNT],
    failed: [Option<FeedEvent>; Tab::COUNT],
    push: Option<FeedEvent>,
    /// The latest NATS link state (edges only).
    link: Option<FeedEvent>,
    push_updates: Vec<FeedEvent>,
}

impl Snapshot {
    /// Folds one event in.
    pub fn apply(&mut self, ev: &FeedEvent) {
        match ev {
            FeedEvent::ActiveOrders { .. } => {
                self.push_updates.clear();
                self.set_data(Tab::Active, ev);
            }
            // A hub's feed sends each read whole ([`FeedConfig::active_in_parts`] off): parts
            // never reach a snapshot, which must rebuild a whole book for a late joiner.
            FeedEvent::ActiveOrdersPart { .. } => {}
            FeedEvent::MultiOrders { .. } => self.set_data(Tab::Multi, ev),
            FeedEvent::Placements { .. } => self.set_data(Tab::Placements, ev),
            FeedEvent::OrderErrors { .. } => self.set_data(Tab::Errors, ev),
            FeedEvent::History { .. } => self.set_data(Tab::History, ev),
            FeedEvent::FetchFailed { tab, .. } => self.failed[tab.index()] = Some(ev.clone()),
            FeedEvent::Push { .. } => self.push = Some(ev.clone()),
            FeedEvent::Link { .. } => self.link = Some(ev.clone()),
            FeedEvent::PushUpdate { .. } => {
                if self.push_updates.len() >= MAX_PUSH_BACKLOG {
                    self.push_updates.remove(0);
                }
                self.push_updates.push(ev.clone());
            }
            // Per-session events (answers to one session's request) never reach the hub's
            // snapshot.
            FeedEvent::Notice { .. }
            | FeedEvent::ActionDone { .. }
            | FeedEvent::MultiOrderDetail { .. }
            | FeedEvent::Fills { .. } => {}
        }
    }

    fn set_data(&mut self, tab: Tab, ev: &FeedEvent) {
        self.data[tab.index()] = Some(ev.clone());
        self.failed[tab.index()] = None;
    }

    /// The events that bring a fresh `State` to the current data: push state, each data set,
    /// failures since, then live updates since the last active-orders page.
    pub fn events(&self) -> Vec<FeedEvent> {
        self.push
            .iter()
            .chain(self.link.iter())
            .chain(self.data.iter().flatten())
            .chain(self.failed.iter().flatten())
            .chain(self.push_updates.iter())
            .cloned()
            .collect()
    }
}

struct Inner {
    snapshot: Snapshot,
    tx: broadcast::Sender<FeedEvent>,
}

/// Where a hub's events come from and where its refreshes and actions go: the venue's own
/// feed task in this process ([`Hub::start`]), or a feed process over NATS
/// ([`crate::nats::edge`]). Sessions do not care which.
pub trait Upstream: Send + Sync {
    /// Asks for a refresh of every data set.
    fn refresh(&self);
    /// Carries out one action for `who` through the one action pipeline
    /// ([`crate::actions::execute`]), wherever that runs, and says what became of it. `audit`
    /// is the asking process's own log (an edge has none: the feed process audits).
    fn act<'a>(
        &'a self,
        venue: &'a Arc<dyn Venue>,
        action: &'a Action,
        who: &'a Actor,
        audit: Option<&'a Arc<AuditLog>>,
    ) -> BoxFuture<'a, Outcome>;
    /// Stops the source.
    fn stop(&self);
}

/// The venue's feed task in this process: actions are executed (and audited) here.
struct LocalFeed(FeedHandle);

impl Upstream for LocalFeed {
    fn refresh(&self) {
        let _ = self.0.send(FeedCommand::Refresh);
    }

    fn act<'a>(
        &'a self,
        venue: &'a Arc<dyn Venue>,
        action: &'a Action,
        who: &'a Actor,
        audit: Option<&'a Arc<AuditLog>>,
    ) -> BoxFuture<'a, Outcome> {
        Box::pin(crate::actions::execute(venue.as_ref(), action, who, audit))
    }

    fn stop(&self) {
        self.0.stop();
    }
}

/// A running shared feed. Cheap to share (`Arc<Hub>`).
pub struct Hub {
    id: VenueId,
    venue: Arc<dyn Venue>,
    demo: bool,
    refresh_secs: u64,
    upstream: Arc<dyn Upstream>,
    inner: Arc<Mutex<Inner>>,
    last_refresh: Mutex<Option<Instant>>,
}

/// What a new subscriber gets: the events to catch up with, then the live ones.
pub struct Subscription {
    /// Current data, to apply first.
    pub initial: Vec<FeedEvent>,
    /// Every event after those.
    pub live: broadcast::Receiver<FeedEvent>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Hub {
    /// Starts the feed for `venue` on the current runtime (its rows stamped with
    /// `cfg.venue_id`). `demo` marks the embedded simulator (shown in each session's header). The feed's own audit log is not used:
    /// sessions carry out and audit their actions themselves.
    pub fn start(venue: Arc<dyn Venue>, cfg: FeedConfig, demo: bool) -> Arc<Self> {
        let refresh_secs = cfg.interval.as_secs_f64().ceil().max(1.0) as u64;
        let id = cfg.venue_id.clone();
        let (tx, rx) = mpsc::channel(1024);
        // Whole reads: the snapshot (late joiners, NATS) holds a whole book per event.
        let cfg = FeedConfig {
            audit: None,
            active_in_parts: false,
            ..cfg
        };
        let feed = feed::spawn(venue.clone(), cfg, tx);
        Self::from_events(
            HubInfo {
                id,
                venue,
                demo,
                refresh_secs,
            },
            rx,
            Arc::new(LocalFeed(feed)),
        )
    }

    /// A hub fed by `events` from elsewhere (a feed process over NATS), its refreshes and
    /// actions going to `upstream`. Runs on the current runtime.
    pub fn from_events(
        info: HubInfo,
        mut rx: mpsc::Receiver<FeedEvent>,
        upstream: Arc<dyn Upstream>,
    ) -> Arc<Self> {
        let HubInfo {
            id,
            venue,
            demo,
            refresh_secs,
        } = info;
        let (btx, _) = broadcast::channel(BROADCAST_CAPACITY);
        let inner = Arc::new(Mutex::new(Inner {
            snapshot: Snapshot::default(),
            tx: btx,
        }));
        let pump = inner.clone();
        tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                let mut g = lock(&pump);
                g.snapshot.apply(&ev);
                // No subscriber is fine: the snapshot has it.
                let _ = g.tx.send(ev);
            }
        });
        Arc::new(Self {
            id,
            venue,
            demo,
            refresh_secs,
            upstream,
            inner,
            last_refresh: Mutex::new(None),
        })
    }

    /// The id stamped on this venue's rows (`FeedConfig::venue_id`; empty for a lone venue).
    pub fn id(&self) -> &VenueId {
        &self.id
    }

    /// The venue (sessions send their actions to it directly).
    pub fn venue(&self) -> &Arc<dyn Venue> {
        &self.venue
    }

    /// True for the embedded demo venue.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// Refresh interval in whole seconds (for the stale marker of each session).
    pub fn refresh_secs(&self) -> u64 {
        self.refresh_secs
    }

    /// The current data and a receiver for everything after it, with nothing lost or repeated
    /// in between.
    pub fn subscribe(&self) -> Subscription {
        let g = lock(&self.inner);
        Subscription {
            initial: g.snapshot.events(),
            live: g.tx.subscribe(),
        }
    }

    /// Number of sessions subscribed right now.
    pub fn subscribers(&self) -> usize {
        lock(&self.inner).tx.receiver_count()
    }

    /// A refresh asked for by a session: carried out at most once per `REFRESH_GAP` (2 s) whoever
    /// asks. Returns whether it was passed on.
    pub fn refresh(&self) -> bool {
        let mut last = lock(&self.last_refresh);
        if last.is_some_and(|t| t.elapsed() < REFRESH_GAP) {
            return false;
        }
        *last = Some(Instant::now());
        self.upstream.refresh();
        true
    }

    /// A refresh after an action (always passed on: the order just changed).
    pub fn refresh_after_action(&self) {
        self.upstream.refresh();
    }

    /// Carries out one action of a session through the one action pipeline: here for a venue
    /// this process feeds, at the feed process for an edge.
    pub async fn act(
        &self,
        action: &Action,
        who: &Actor,
        audit: Option<&Arc<AuditLog>>,
    ) -> Outcome {
        self.upstream.act(&self.venue, action, who, audit).await
    }

    /// Stops the feed.
    pub fn stop(&self) {
        self.upstream.stop();
    }
}

/// What a hub fed from elsewhere ([`Hub::from_events`]) says about its venue.
pub struct HubInfo {
    /// The id stamped on the venue's rows.
    pub id: VenueId,
    /// The venue: its name, capabilities and request descriptions, and on-demand fetches.
    pub venue: Arc<dyn Venue>,
    /// True for the embedded demo venue.
    pub demo: bool,
    /// Refresh interval in whole seconds.
    pub refresh_secs: u64,
}

/// Forwards a subscription into one session's bounded channel until the session goes away.
/// When the session fell behind the broadcast, it is re-synced from the snapshot (frames are
/// coalesced; nothing upstream waits).
pub async fn forward(hub: Arc<Hub>, out: mpsc::Sender<FeedEvent>) {
    let mut sub = hub.subscribe();
    loop {
        for ev in std::mem::take(&mut sub.initial) {
            if out.send(ev).await.is_err() {
                return;
            }
        }
        loop {
            let next = tokio::select! {
                r = sub.live.recv() => r,
                // The session ended while the venue was quiet: stop now, not at the next event.
                () = out.closed() => return,
            };
            match next {
                Ok(ev) => {
                    if out.send(ev).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "session fell behind the feed; re-syncing");
                    sub = hub.subscribe();
                    break;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Order, OrderId, OrderStatus, Page, Side};
    use crate::venue::{PushEvent, VenueError};
    use jiff::Timestamp;

    fn active(ids: &[&str]) -> FeedEvent {
        FeedEvent::ActiveOrders {
            venue: VenueId::default(),
            page: Page::of(
                ids.iter()
                    .map(|i| Order::new(*i, "BTC-USDT", Side::Buy, OrderStatus::Active))
                    .collect(),
            ),
            at: Timestamp::UNIX_EPOCH,
        }
    }

    fn pushed(id: &str) -> FeedEvent {
        FeedEvent::PushUpdate {
            venue: VenueId::default(),
            event: PushEvent::OrderUpdate {
                order_id: OrderId::new(id),
                update_type: "fill_received".into(),
                order: None,
            },
            at: Timestamp::UNIX_EPOCH,
        }
    }

    fn kinds(evs: &[FeedEvent]) -> Vec<&'static str> {
        evs.iter()
            .map(|e| match e {
                FeedEvent::ActiveOrders { .. } => "active",
                FeedEvent::FetchFailed { .. } => "failed",
                FeedEvent::PushUpdate { .. } => "update",
                FeedEvent::Push { .. } => "push",
                _ => "other",
            })
            .collect()
    }

    #[test]
    fn the_snapshot_keeps_the_latest_page_and_the_updates_after_it() {
        let mut s = Snapshot::default();
        s.apply(&active(&["a"]));
        s.apply(&pushed("a"));
        s.apply(&active(&["a", "b"]));
        s.apply(&pushed("b"));
        let evs = s.events();
        assert_eq!(kinds(&evs), ["active", "update"]);
        assert!(
            matches!(&evs[0], FeedEvent::ActiveOrders { page, .. } if page.rows.len() == 2),
            "the newest page"
        );
    }

    #[test]
    fn a_failure_is_kept_until_the_next_success() {
        let mut s = Snapshot::default();
        s.apply(&active(&["a"]));
        s.apply(&FeedEvent::FetchFailed {
            venue: VenueId::default(),
            tab: Tab::Active,
            error: VenueError::Network("down".into()),
            at: Timestamp::UNIX_EPOCH,
        });
        assert_eq!(kinds(&s.events()), ["active", "failed"]);
        s.apply(&active(&["a"]));
        assert_eq!(kinds(&s.events()), ["active"]);
    }

    #[test]
    fn the_push_backlog_is_bounded() {
        let mut s = Snapshot::default();
        for _ in 0..MAX_PUSH_BACKLOG + 10 {
            s.apply(&pushed("a"));
        }
        assert_eq!(s.events().len(), MAX_PUSH_BACKLOG);
    }
}
