//! The feed: background tokio tasks that keep every tab fresh and carry out actions.
//!
//! One poller per data set (active orders, multi-orders, placements, order errors), each on its
//! own interval, each backing off with jitter on errors without stopping the others. Results go
//! to the UI as [`FeedEvent`]s over a bounded channel; the UI never awaits the network.
//! Actions run in their own task, are sent exactly once, and trigger an immediate refresh.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::app::PushStatus;
use crate::app::{FeedEvent, Tab};
use crate::domain::{OrderId, Page, VenueId};
use crate::venue::{Action, PushEvent, Venue, VenueError};

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
            (FeedCommand::Refresh, routes) => {
                let mut sent = false;
                for (_, tx) in routes {
                    sent |= tx.send(FeedCommand::Refresh).is_ok();
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
    let (ids_tx, ids_rx) = watch::channel(None::<Vec<OrderId>>);
    let (snap_tx, snap_rx) = watch::channel(None::<Snapshot>);
    let (focus_tx, focus_rx) = watch::channel(None::<OrderId>);
    let (live_tx, live_rx) = watch::channel(false);
    let (details_tx, details_rx) = watch::channel(0u64);
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
    tokio::spawn(poll_active(ctx.clone(), ids_tx, snap_tx));
    tokio::spawn(poll_multi(Ctx {
        slows_when_live: false,
        ..ctx.clone()
    }));
    tokio::spawn(poll_placements(with_details.clone(), snap_rx, focus_rx));
    tokio::spawn(poll_errors(with_details, ids_rx));
    tokio::spawn(run_push(
        ctx.clone(),
        live_tx,
        refresh_tx.clone(),
        details_tx,
    ));
    tokio::spawn(run_commands(ctx, cmd_rx, refresh_tx, focus_tx));
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

/// The active orders of the last poll, each with a [`fingerprint`]: what the placements
/// poller compares to see which orders changed.
type Snapshot = Arc<Vec<(OrderId, u64)>>;

/// A hash of the order fields that move when its placements do: status, executed quantity,
/// fill ratio, `updated_at`.
fn fingerprint(o: &crate::domain::Order) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    o.status.as_str().hash(&mut h);
    o.executed_qty.hash(&mut h);
    o.fill_ratio.map(|r| r.to_string()).hash(&mut h);
    o.updated_at.hash(&mut h);
    h.finish()
}

async fn poll_active(
    mut ctx: Ctx,
    ids: watch::Sender<Option<Vec<OrderId>>>,
    snap: watch::Sender<Option<Snapshot>>,
) {
    let mut pacer = Pacer { failures: 0 };
    loop {
        let delay = match ctx.venue.active_orders().await {
            Ok(page) => {
                crate::debug_panic("feed");
                log_bad_rows("active_orders", &page);
                ids.send_replace(Some(page.rows.iter().map(|o| o.id.clone()).collect()));
                snap.send_replace(Some(Arc::new(
                    page.rows
                        .iter()
                        .map(|o| (o.id.clone(), fingerprint(o)))
                        .collect(),
                )));
                let ev = FeedEvent::ActiveOrders {
                    venue: ctx.cfg.venue_id.clone(),
                    page,
                    at: Timestamp::now(),
                };
                if !ctx.emit(ev).await {
                    return;
                }
                pacer.ok(&ctx.cfg)
            }
            Err(e) => {
                let d = pacer.err(&ctx.cfg, &e);
                if !ctx.failed(Tab::Active, e).await {
                    return;
                }
                d
            }
        };
        if !ctx.wait(delay).await {
            return;
        }
    }
}

async fn poll_multi(mut ctx: Ctx) {
    let mut pacer = Pacer { failures: 0 };
    loop {
        let delay = match fetch_all_multi(&ctx).await {
            Ok(page) => {
                log_bad_rows("multi_orders", &page);
                if !ctx
                    .emit(FeedEvent::MultiOrders {
                        venue: ctx.cfg.venue_id.clone(),
                        page,
                        at: Timestamp::now(),
                    })
                    .await
                {
                    return;
                }
                pacer.ok(&ctx.cfg)
            }
            Err(e) => {
                let d = pacer.err(&ctx.cfg, &e);
                if !ctx.failed(Tab::Multi, e).await {
                    return;
                }
                d
            }
        };
        if !ctx.wait(delay).await {
            return;
        }
    }
}

async fn fetch_all_multi(ctx: &Ctx) -> Result<Page<crate::domain::MultiOrder>, VenueError> {
    let mut all = ctx.venue.multi_orders(1).await?;
    let pages = all.num_pages.unwrap_or(1).min(ctx.cfg.multi_max_pages);
    for n in 2..=pages {
        let page = ctx.venue.multi_orders(n).await?;
        all.rows.extend(page.rows);
        all.bad_rows.extend(page.bad_rows);
        if page.num_pages.is_some() {
            all.num_pages = page.num_pages;
        }
    }
    // The last page read: below `num_pages` when `multi_max_pages` stopped the read (shown as
    // "capped" in the tab title).
    if all.num_pages.is_some() {
        all.page_number = Some(pages.max(1));
    }
    Ok(all)
}

/// Waits for the first list of active order ids; None when cancelled.
async fn first_ids(
    ctx: &Ctx,
    ids: &mut watch::Receiver<Option<Vec<OrderId>>>,
) -> Option<Vec<OrderId>> {
    loop {
        if let Some(v) = ids.borrow_and_update().clone() {
            return Some(v);
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return None,
            r = ids.changed() => if r.is_err() { return None },
        }
    }
}

/// What the placements poller knows of one order between cycles.
struct KnownPlacements {
    /// The order's [`fingerprint`] when its placements were last read.
    fingerprint: u64,
    /// Every placement read so far, merged by placement id.
    rows: Vec<crate::domain::Placement>,
    /// The last read stopped at the client's page cap.
    partial: bool,
}

/// Placement statuses that do not change again (Tread `FILLED`, `CANCELED`, `FAILED`).
fn placement_final(status: &str) -> bool {
    matches!(
        status.trim().to_ascii_uppercase().as_str(),
        "FILLED" | "CANCELED" | "CANCELLED" | "FAILED"
    )
}

/// The `after` of the next read of an order whose placements are `known`: one second before
/// the oldest placement that may still change (so it and everything newer is read again), or
/// before the newest one when all are final (only new ones are read). `None` (read all) when
/// nothing is known, a placement has no time, or the last read was partial.
fn after_for(known: &KnownPlacements) -> Option<Timestamp> {
    if known.partial || known.rows.is_empty() {
        return None;
    }
    let mut open = None::<Timestamp>;
    let mut newest = None::<Timestamp>;
    for p in &known.rows {
        let at = p.created_at?;
        newest = Some(newest.map_or(at, |n| n.max(at)));
        if !placement_final(&p.status) {
            open = Some(open.map_or(at, |o| o.min(at)));
        }
    }
    open.or(newest)?
        .checked_sub(jiff::SignedDuration::from_secs(1))
        .ok()
}

/// Merges a fresh read into the known rows: same placement id → replaced, new → added.
fn merge_placements(
    known: &mut Vec<crate::domain::Placement>,
    fresh: Vec<crate::domain::Placement>,
) {
    for p in fresh {
        match known.iter_mut().find(|k| k.id == p.id) {
            Some(k) => *k = p,
            None => known.push(p),
        }
    }
}

/// Waits for the first snapshot of active orders; None when cancelled.
async fn first_snapshot(
    ctx: &Ctx,
    snap: &mut watch::Receiver<Option<Snapshot>>,
) -> Option<Snapshot> {
    loop {
        if let Some(v) = snap.borrow_and_update().clone() {
            return Some(v);
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return None,
            r = snap.changed() => if r.is_err() { return None },
        }
    }
}

/// Keeps the placements tab fresh with a request count that follows what changed, not how
/// many orders there are: each cycle reads the placements of orders that are new or whose
/// [`fingerprint`] moved since their last read, plus the order whose detail is open (`focus`),
/// at most `placements_max_orders` of them (the rest stay due for the next cycle); known
/// placements are not read again ([`after_for`]). All the reads go to the venue as one
/// [`Venue::placements_many`] (one request for AlphaSec). The event carries the orders read
/// plus every order whose list is partial (so the app keeps saying "capped").
async fn poll_placements(
    mut ctx: Ctx,
    mut snap: watch::Receiver<Option<Snapshot>>,
    focus: watch::Receiver<Option<OrderId>>,
) {
    let mut pacer = Pacer { failures: 0 };
    let mut known: std::collections::HashMap<OrderId, KnownPlacements> = Default::default();
    loop {
        let Some(orders) = first_snapshot(&ctx, &mut snap).await else {
            return;
        };
        let focused = focus.borrow().clone();
        let current: std::collections::HashMap<&OrderId, u64> =
            orders.iter().map(|(id, fp)| (id, *fp)).collect();
        known.retain(|id, _| current.contains_key(id) || focused.as_ref() == Some(id));
        let mut due: Vec<OrderId> = Vec::new();
        if let Some(f) = &focused {
            due.push(f.clone());
        }
        for (id, fp) in orders.iter() {
            let changed = known.get(id).is_none_or(|k| k.fingerprint != *fp);
            if changed && focused.as_ref() != Some(id) {
                due.push(id.clone());
            }
        }
        due.truncate(ctx.cfg.placements_max_orders.max(1));
        let requests = due
            .iter()
            .map(|id| crate::venue::PlacementsRequest {
                order_id: id.clone(),
                after: known.get(id).and_then(after_for),
            })
            .collect();
        let results = ctx.venue.placements_many(requests).await;
        let mut by_order = Vec::new();
        let mut first_error = None;
        let mut read = std::collections::HashSet::new();
        for (id, r) in results {
            match r {
                Ok(page) => {
                    log_bad_rows("placements", &page);
                    let fingerprint = current.get(&id).copied().unwrap_or_default();
                    let partial = crate::venue::is_partial(&page);
                    let entry = known.entry(id.clone()).or_insert(KnownPlacements {
                        fingerprint,
                        rows: Vec::new(),
                        partial,
                    });
                    entry.fingerprint = fingerprint;
                    entry.partial = partial;
                    merge_placements(&mut entry.rows, page.rows);
                    read.insert(id.clone());
                    by_order.push((
                        id,
                        Page {
                            rows: entry.rows.clone(),
                            bad_rows: page.bad_rows,
                            page_number: page.page_number,
                            num_pages: page.num_pages,
                        },
                    ));
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        // Orders whose list is partial go out every time, so "capped" stays on screen.
        for (id, k) in &known {
            if k.partial && !read.contains(id) {
                by_order.push((
                    id.clone(),
                    Page {
                        rows: k.rows.clone(),
                        bad_rows: Vec::new(),
                        page_number: Some(1),
                        num_pages: Some(2),
                    },
                ));
            }
        }
        let ev = FeedEvent::Placements {
            venue: ctx.cfg.venue_id.clone(),
            by_order,
            at: Timestamp::now(),
        };
        if !ctx.emit(ev).await {
            return;
        }
        let delay = match first_error {
            None => pacer.ok(&ctx.cfg),
            Some(e) => {
                let d = pacer.err(&ctx.cfg, &e);
                if !ctx.failed(Tab::Placements, e).await {
                    return;
                }
                d
            }
        };
        // A new snapshot of the active orders is a reason to look again (changed orders are
        // read as soon as they are seen); a cycle with nothing changed sends no request.
        tokio::select! {
            more = ctx.wait(delay) => if !more { return },
            r = snap.changed() => if r.is_err() { return },
        }
    }
}

async fn poll_errors(mut ctx: Ctx, mut ids: watch::Receiver<Option<Vec<OrderId>>>) {
    let mut pacer = Pacer { failures: 0 };
    loop {
        let Some(order_ids) = first_ids(&ctx, &mut ids).await else {
            return;
        };
        let mut messages = Vec::new();
        let mut error = None;
        // As many ids per request as the venue takes (50 where they go in a query string).
        for chunk in order_ids.chunks(ctx.venue.order_errors_batch().max(1)) {
            match ctx.venue.order_errors(chunk).await {
                Ok(mut m) => messages.append(&mut m),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let delay = match error {
            None => {
                let ev = FeedEvent::OrderErrors {
                    venue: ctx.cfg.venue_id.clone(),
                    messages,
                    at: Timestamp::now(),
                };
                if !ctx.emit(ev).await {
                    return;
                }
                pacer.ok(&ctx.cfg)
            }
            Some(e) => {
                let d = pacer.err(&ctx.cfg, &e);
                if !ctx.failed(Tab::Errors, e).await {
                    return;
                }
                d
            }
        };
        if !ctx.wait(delay).await {
            return;
        }
    }
}

/// A link that stayed up this long resets the reconnect backoff; shorter ones keep growing
/// it, so a channel that opens and drops again at once cannot reconnect (and refetch
/// everything) every few seconds.
const STABLE_LINK: Duration = Duration::from_secs(60);

/// Follows the venue's push channel: applies updates live, and after every connect refetches
/// everything once to repair any gap. Never makes things worse than polling:
/// - a venue with no channel (or `push = "off"`): [`PushStatus::Unavailable`], polling only;
/// - an upgrade answered with an HTTP status ([`VenueError::Http`] from `push()`): no push
///   channel there, [`PushStatus::NoChannel`], polling at the normal rate, next attempt after
///   the error's `retry_after_secs` (the venue's `push_retry_secs`, default 300 s) ±10%;
/// - polling slows ([`LIVE_POLL_SLOWDOWN`]) only once the link has delivered an update, so a
///   channel that connects but carries nothing costs no freshness;
/// - a link that drops or goes silent: polling returns to full speed at once (plus one
///   refetch of everything for the gap), reconnect with backoff and jitter.
async fn run_push(
    ctx: Ctx,
    live: watch::Sender<bool>,
    refresh: Arc<watch::Sender<u64>>,
    details: watch::Sender<u64>,
) {
    let mut failures = 0u32;
    loop {
        let connected = tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            r = ctx.venue.push() => r,
        };
        let (error, refused) = match connected {
            Ok(None) => {
                ctx.emit(ctx.push_status(PushStatus::Unavailable)).await;
                return;
            }
            Err(e) => {
                let refused = matches!(e, VenueError::Http { .. });
                (e, refused)
            }
            Ok(Some(stream)) => {
                let since = tokio::time::Instant::now();
                tracing::info!("push channel live");
                let end = follow_push(&ctx, stream, &live, &refresh, &details).await;
                live.send_replace(false);
                // Polling is back to its normal rate from now on; fetch everything at once for
                // whatever the dead link missed.
                refresh.send_modify(|n| *n += 1);
                let Some(end) = end else { return };
                if since.elapsed() >= STABLE_LINK {
                    failures = 0;
                }
                (end, false)
            }
        };
        let (delay, status) = if refused {
            let delay = refused_retry(&error, fastrand::f64());
            tracing::warn!(error = %crate::sanitize::clean(&error.to_string()), retry_in_s = delay.as_secs(), "no push channel; polling only until the next attempt");
            let retry_at = after(delay);
            (
                delay,
                PushStatus::NoChannel {
                    error: error.to_string(),
                    retry_at,
                },
            )
        } else {
            failures = failures.saturating_add(1);
            let delay = backoff(&ctx.cfg, failures, Some(&error), fastrand::f64());
            tracing::warn!(error = %crate::sanitize::clean(&error.to_string()), retry_in_ms = delay.as_millis() as u64, "push channel down");
            let retry_at = after(delay);
            let status = if error.is_auth() {
                PushStatus::AuthFailed {
                    error: error.to_string(),
                    retry_at,
                }
            } else {
                PushStatus::Reconnecting {
                    error: error.to_string(),
                    retry_at,
                }
            };
            (delay, status)
        };
        if !ctx.emit(ctx.push_status(status)).await {
            return;
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// Applies one live link's events until it ends: `Some(why)` when the link went down, `None`
/// when the feed is stopping (cancelled, or the UI has gone).
async fn follow_push(
    ctx: &Ctx,
    mut stream: crate::venue::PushStream,
    live: &watch::Sender<bool>,
    refresh: &watch::Sender<u64>,
    details: &watch::Sender<u64>,
) -> Option<VenueError> {
    if !ctx.emit(ctx.push_status(PushStatus::Live)).await {
        return None;
    }
    refresh.send_modify(|n| *n += 1);
    loop {
        let item = tokio::select! {
            _ = ctx.cancel.cancelled() => return None,
            item = stream.next() => item,
        };
        match item {
            Some(Ok(event)) => {
                // The channel has shown it delivers: from now on polling may slow down. A link
                // that connects but never carries an update leaves polling at full speed.
                live.send_if_modified(|l| !std::mem::replace(l, true));
                if event.touches_details() {
                    details.send_modify(|n| *n += 1);
                }
                if !matches!(event, PushEvent::OrderUpdate { order: Some(_), .. }) {
                    // No usable order in the message: refetch to see the change.
                    refresh.send_modify(|n| *n += 1);
                }
                let ev = FeedEvent::PushUpdate {
                    venue: ctx.cfg.venue_id.clone(),
                    event,
                    at: Timestamp::now(),
                };
                if !ctx.emit(ev).await {
                    return None;
                }
            }
            Some(Err(e)) => return Some(e),
            None => return Some(VenueError::Network("push channel ended".into())),
        }
    }
}

/// Wait after a refused upgrade: the error's `retry_after_secs` (the venue's
/// `push_retry_secs`; 300 s when it gives none), ±10% by `jitter` (0–1), so many blotters
/// don't all knock at once.
pub fn refused_retry(error: &VenueError, jitter: f64) -> Duration {
    let base = match error {
        VenueError::Http {
            retry_after_secs: Some(s),
            ..
        } => Duration::from_secs((*s).max(1)),
        _ => crate::venue::treadfi::ws::RETRY_REFUSED,
    };
    base.mul_f64(0.9 + 0.2 * jitter.clamp(0.0, 1.0))
}

/// Now + `delay` as a timestamp (now when it doesn't fit).
fn after(delay: Duration) -> Timestamp {
    Timestamp::now()
        .checked_add(jiff::SignedDuration::try_from(delay).unwrap_or_default())
        .unwrap_or_else(|_| Timestamp::now())
}

async fn run_commands(
    ctx: Ctx,
    mut commands: mpsc::UnboundedReceiver<FeedCommand>,
    refresh: Arc<watch::Sender<u64>>,
    focus: watch::Sender<Option<OrderId>>,
) {
    loop {
        let cmd = tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            c = commands.recv() => match c { Some(c) => c, None => return },
        };
        match cmd {
            FeedCommand::Refresh => {
                refresh.send_modify(|n| *n += 1);
            }
            FeedCommand::FetchFills(_) | FeedCommand::FetchMulti(_) => {
                // The order whose detail was opened is the one on screen: its placements are
                // read every cycle from now on.
                if let FeedCommand::FetchFills(id) = &cmd {
                    focus.send_replace(Some(id.clone()));
                }
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    if let Some(ev) =
                        fetch_on_demand(ctx.venue.as_ref(), &ctx.cfg.venue_id, cmd).await
                    {
                        ctx.emit(ev).await;
                    }
                });
            }
            FeedCommand::Act(action) => {
                let ctx = ctx.clone();
                let refresh = refresh.clone();
                tokio::spawn(async move {
                    tracing::info!(action = action.verb(), order = %crate::sanitize::clean(action.order_id().as_str()), "sending action");
                    let started = std::time::Instant::now();
                    let result = ctx.venue.act(&action).await;
                    let audit_error = audit(&ctx, &action, &result, started.elapsed()).await;
                    match &result {
                        Ok(r) => {
                            tracing::info!(action = action.verb(), order = %crate::sanitize::clean(action.order_id().as_str()), status = r.status, reply = %crate::sanitize::clean(&r.message), "action done")
                        }
                        Err(e) => {
                            tracing::warn!(action = action.verb(), order = %crate::sanitize::clean(action.order_id().as_str()), error = %crate::sanitize::clean(&e.to_string()), "action failed")
                        }
                    }
                    ctx.emit(FeedEvent::ActionDone {
                        action,
                        result,
                        at: Timestamp::now(),
                    })
                    .await;
                    if let Some(text) = audit_error {
                        ctx.emit(FeedEvent::Notice {
                            text,
                            at: Timestamp::now(),
                        })
                        .await;
                    }
                    refresh.send_modify(|n| *n += 1);
                });
            }
        }
    }
}

/// Writes the audit line (fsynced, off the async threads); returns a message if that failed.
async fn audit(
    ctx: &Ctx,
    action: &Action,
    result: &Result<crate::venue::ActionReply, VenueError>,
    latency: Duration,
) -> Option<String> {
    let log = ctx.cfg.audit.clone()?;
    let (venue, action, result) = (ctx.venue.name().to_string(), action.clone(), result.clone());
    let written =
        tokio::task::spawn_blocking(move || log.record(&venue, &action, &result, latency, "tui"))
            .await;
    match written {
        Ok(Ok(())) => None,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "audit log write failed");
            Some(format!("AUDIT LOG WRITE FAILED: {e}"))
        }
        Err(e) => Some(format!("AUDIT LOG WRITE FAILED: {e}")),
    }
}

/// Carries out a fetch the user asked for by opening something — `FetchFills` (the detail's
/// fills) or `FetchMulti` (a multi-order's children) — and returns the event that answers it
/// (`Fills`, `MultiOrderDetail`, or `FetchFailed` on the multi-order tab). Used by the feed
/// task and by an SSH session's own command path. `None` for any other command.
pub async fn fetch_on_demand(
    venue: &dyn Venue,
    venue_id: &VenueId,
    cmd: FeedCommand,
) -> Option<FeedEvent> {
    Some(match cmd {
        FeedCommand::FetchFills(order_id) => {
            let result = venue.fills(&order_id).await;
            if let Ok(page) = &result {
                log_bad_rows("fills", page);
            }
            FeedEvent::Fills {
                venue: venue_id.clone(),
                order_id,
                result,
                at: Timestamp::now(),
            }
        }
        FeedCommand::FetchMulti(id) => match venue.multi_order(&id).await {
            Ok(multi) => FeedEvent::MultiOrderDetail {
                venue: venue_id.clone(),
                multi: Box::new(multi),
                at: Timestamp::now(),
            },
            Err(error) => {
                tracing::warn!(tab = Tab::Multi.title(), error = %crate::sanitize::clean(&error.to_string()), "fetch failed");
                FeedEvent::FetchFailed {
                    venue: venue_id.clone(),
                    tab: Tab::Multi,
                    error,
                    at: Timestamp::now(),
                }
            }
        },
        FeedCommand::Refresh | FeedCommand::Act(_) => return None,
    })
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
