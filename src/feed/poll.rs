//! The pollers: one per data set (active orders, multi-orders, placements, order errors), all
//! driven by one loop ([`run`]) that delivers each cycle's event, reports its error and backs
//! off on it, and waits for the next cycle (a refresh, a pushed change or the interval,
//! whichever comes first). Each poller only says what one cycle fetches ([`Poller::cycle`]).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::watch;

use super::{Ctx, Pacer, log_bad_rows};
use crate::app::{FeedEvent, Tab};
use crate::domain::{Order, OrderId, Page, Placement};
use crate::venue::VenueError;

/// What one poll cycle produced: the event to deliver (if any) and the error to report and
/// back off on (if any). A cycle may have both: placements read for some orders and not others.
pub(super) struct Cycle {
    event: Option<FeedEvent>,
    error: Option<VenueError>,
}

impl Cycle {
    fn done(event: FeedEvent) -> Self {
        Self {
            event: Some(event),
            error: None,
        }
    }

    fn failed(error: VenueError) -> Self {
        Self {
            event: None,
            error: Some(error),
        }
    }
}

/// One data set's poll cycle.
pub(super) trait Poller: Send {
    /// The tab a failure is reported on.
    const TAB: Tab;

    /// Fetches once; `None` when the feed is stopping.
    async fn cycle(&mut self, ctx: &Ctx) -> Option<Cycle>;

    /// Waits before the next cycle; false when the feed is stopping. By default the interval
    /// (or the backoff), cut short by a refresh or a pushed change.
    async fn wait(&mut self, ctx: &mut Ctx, delay: std::time::Duration) -> bool {
        ctx.wait(delay).await
    }
}

/// The one poll loop: cycle → deliver → pace (reset on success, back off on error, with the
/// venue's `Retry-After` winning) → report the error → wait. Ends when the feed is cancelled
/// or the UI has gone.
pub(super) async fn run<P: Poller>(mut ctx: Ctx, mut poller: P) {
    let mut pacer = Pacer { failures: 0 };
    loop {
        let Some(Cycle { event, error }) = poller.cycle(&ctx).await else {
            return;
        };
        if let Some(ev) = event
            && !ctx.emit(ev).await
        {
            return;
        }
        let delay = match error {
            None => pacer.ok(&ctx.cfg),
            Some(e) => {
                let d = pacer.err(&ctx.cfg, &e);
                if !ctx.failed(P::TAB, e).await {
                    return;
                }
                d
            }
        };
        if !poller.wait(&mut ctx, delay).await {
            return;
        }
    }
}

/// The active orders of the last poll, each with a [`fingerprint`]: what the placements
/// poller compares to see which orders changed.
pub(super) type Snapshot = Arc<Vec<(OrderId, u64)>>;

/// A hash of the order fields that move when its placements do: status, executed quantity,
/// fill ratio, `updated_at`.
fn fingerprint(o: &Order) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    o.status.as_str().hash(&mut h);
    o.executed_qty.hash(&mut h);
    o.fill_ratio.map(|r| r.to_string()).hash(&mut h);
    o.updated_at.hash(&mut h);
    h.finish()
}

/// `/api/active_orders/` (or the venue's equivalent), read in parts
/// ([`crate::venue::Venue::active_orders_parts`]). The venue's parts are gathered until they
/// hold [`super::FeedConfig::active_part_rows`] rows, then go to the app at once
/// ([`FeedEvent::ActiveOrdersPart`]); the stream's end sends what is left as the last part. A
/// read that never reached that size (every small book) goes whole as
/// [`FeedEvent::ActiveOrders`], as does every read of a hub's feed
/// ([`super::FeedConfig::active_in_parts`] off). A failed part ends the read: the rows before it
/// go out (they are fresher; without a last part nothing is removed) and the failure takes the
/// usual path. Publishes the [`Snapshot`] of every complete read: its ids for the errors
/// poller, ids and fingerprints for the placements poller (one copy of the ids for both: 100k
/// orders are 100k ids).
pub(super) struct Active {
    snap: watch::Sender<Option<Snapshot>>,
    /// Reads started so far (the `read` of each part).
    reads: u64,
}

impl Active {
    /// A poller publishing its snapshots on `snap`.
    pub fn new(snap: watch::Sender<Option<Snapshot>>) -> Self {
        Self { snap, reads: 0 }
    }

    /// The event of one part of read `read`.
    fn part(ctx: &Ctx, read: u64, part: u32, page: Page<Order>, last: bool) -> FeedEvent {
        FeedEvent::ActiveOrdersPart {
            venue: ctx.cfg.venue_id.clone(),
            read,
            part,
            page,
            last,
            at: Timestamp::now(),
        }
    }
}

impl Poller for Active {
    const TAB: Tab = Tab::Active;

    async fn cycle(&mut self, ctx: &Ctx) -> Option<Cycle> {
        use futures_util::StreamExt;
        self.reads = self.reads.wrapping_add(1);
        let read = self.reads;
        let in_parts = ctx.cfg.active_in_parts;
        let min_rows = ctx.cfg.active_part_rows.max(1);
        let mut parts = ctx.venue.active_orders_parts();
        let mut snapshot = Vec::new();
        // The rows gathered and not sent yet (in parts), or every row (whole).
        let mut held: Option<Page<Order>> = None;
        // `page_number` / `num_pages` as the venue's parts gave them: for the last part.
        let mut paging = (None, None);
        let mut sent = 0u32;
        loop {
            match parts.next().await {
                Some(Ok(mut page)) => {
                    log_bad_rows("active_orders", &page);
                    snapshot.extend(page.rows.iter().map(|o| (o.id.clone(), fingerprint(o))));
                    paging = (
                        page.page_number.take().or(paging.0),
                        page.num_pages.take().or(paging.1),
                    );
                    let all = match held.take() {
                        None => page,
                        Some(mut all) => {
                            all.rows.append(&mut page.rows);
                            all.bad_rows.append(&mut page.bad_rows);
                            all
                        }
                    };
                    if in_parts && all.rows.len().saturating_add(all.bad_rows.len()) >= min_rows {
                        if !ctx.emit(Self::part(ctx, read, sent, all, false)).await {
                            return None;
                        }
                        sent = sent.saturating_add(1);
                    } else {
                        held = Some(all);
                    }
                }
                Some(Err(e)) => {
                    // The rows read before the failure are fresher than the book's: they go
                    // to the app; without a last part nothing is removed.
                    if in_parts
                        && let Some(prev) = held.take()
                        && !ctx.emit(Self::part(ctx, read, sent, prev, false)).await
                    {
                        return None;
                    }
                    return Some(Cycle::failed(e));
                }
                None => break,
            }
        }
        if sent == 0 && held.is_none() {
            return Some(Cycle::failed(VenueError::Network(
                "the active orders read ended without a reply".into(),
            )));
        }
        let mut page = held.unwrap_or_else(|| Page::of(Vec::new()));
        (page.page_number, page.num_pages) = paging;
        crate::debug_panic("feed");
        self.snap.send_replace(Some(Arc::new(snapshot)));
        let at = Timestamp::now();
        Some(Cycle::done(if sent == 0 {
            FeedEvent::ActiveOrders {
                venue: ctx.cfg.venue_id.clone(),
                page,
                at,
            }
        } else {
            Self::part(ctx, read, sent, page, true)
        }))
    }
}

/// `/api/multi_orders/`, every page up to `multi_max_pages`.
pub(super) struct Multi;

impl Poller for Multi {
    const TAB: Tab = Tab::Multi;

    async fn cycle(&mut self, ctx: &Ctx) -> Option<Cycle> {
        Some(match fetch_all_multi(ctx).await {
            Ok(page) => {
                log_bad_rows("multi_orders", &page);
                Cycle::done(FeedEvent::MultiOrders {
                    venue: ctx.cfg.venue_id.clone(),
                    page,
                    at: Timestamp::now(),
                })
            }
            Err(e) => Cycle::failed(e),
        })
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

/// Waits for the first value of `rx`; `None` when the feed is cancelled or the sender gone.
async fn first<T: Clone>(ctx: &Ctx, rx: &mut watch::Receiver<Option<T>>) -> Option<T> {
    loop {
        if let Some(v) = rx.borrow_and_update().clone() {
            return Some(v);
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return None,
            r = rx.changed() => if r.is_err() { return None },
        }
    }
}

/// `/api/order_errors/` for the ids of the last active-orders page, as many ids per request
/// as the venue takes (50 where they go in a query string).
pub(super) struct Errors {
    /// The active-orders poller's [`Snapshot`] (its ids are read).
    pub snap: watch::Receiver<Option<Snapshot>>,
}

impl Poller for Errors {
    const TAB: Tab = Tab::Errors;

    async fn cycle(&mut self, ctx: &Ctx) -> Option<Cycle> {
        let snap = first(ctx, &mut self.snap).await?;
        let mut messages = Vec::new();
        for chunk in snap.chunks(ctx.venue.order_errors_batch().max(1)) {
            let ids: Vec<OrderId> = chunk.iter().map(|(id, _)| id.clone()).collect();
            match ctx.venue.order_errors(&ids).await {
                Ok(mut m) => messages.append(&mut m),
                Err(e) => return Some(Cycle::failed(e)),
            }
        }
        Some(Cycle::done(FeedEvent::OrderErrors {
            venue: ctx.cfg.venue_id.clone(),
            messages,
            at: Timestamp::now(),
        }))
    }
}

/// What the placements poller knows of one order between cycles.
struct KnownPlacements {
    /// The order's [`fingerprint`] when its placements were last read.
    fingerprint: u64,
    /// Every placement read so far, merged by placement id.
    rows: Vec<Placement>,
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
fn merge_placements(known: &mut Vec<Placement>, fresh: Vec<Placement>) {
    for p in fresh {
        match known.iter_mut().find(|k| k.id == p.id) {
            Some(k) => *k = p,
            None => known.push(p),
        }
    }
}

/// Keeps the placements tab fresh with a request count that follows what changed, not how
/// many orders there are: each cycle reads the placements of orders that are new or whose
/// [`fingerprint`] moved since their last read, plus the order whose detail is open (`focus`),
/// at most `placements_max_orders` of them (the rest stay due for the next cycle); known
/// placements are not read again ([`after_for`]). All the reads go to the venue as one
/// [`crate::venue::Venue::placements_many`] (one request for AlphaSec). The event carries the
/// orders read plus every order whose list is partial (so the app keeps saying "capped").
pub(super) struct Placements {
    pub snap: watch::Receiver<Option<Snapshot>>,
    pub focus: watch::Receiver<Option<OrderId>>,
    known: HashMap<OrderId, KnownPlacements>,
}

impl Placements {
    /// A poller that has read nothing yet.
    pub fn new(
        snap: watch::Receiver<Option<Snapshot>>,
        focus: watch::Receiver<Option<OrderId>>,
    ) -> Self {
        Self {
            snap,
            focus,
            known: HashMap::new(),
        }
    }

    /// The orders to read this cycle: the focused one first, then every new or changed order.
    fn due(&mut self, orders: &Snapshot, focused: Option<&OrderId>, max: usize) -> Vec<OrderId> {
        let current: HashSet<&OrderId> = orders.iter().map(|(id, _)| id).collect();
        self.known
            .retain(|id, _| current.contains(id) || focused == Some(id));
        let mut due: Vec<OrderId> = focused.into_iter().cloned().collect();
        for (id, fp) in orders.iter() {
            let changed = self.known.get(id).is_none_or(|k| k.fingerprint != *fp);
            if changed && focused != Some(id) {
                due.push(id.clone());
            }
        }
        due.truncate(max.max(1));
        due
    }
}

impl Poller for Placements {
    const TAB: Tab = Tab::Placements;

    async fn cycle(&mut self, ctx: &Ctx) -> Option<Cycle> {
        let orders = first(ctx, &mut self.snap).await?;
        let focused = self.focus.borrow().clone();
        let fingerprints: HashMap<&OrderId, u64> =
            orders.iter().map(|(id, fp)| (id, *fp)).collect();
        let due = self.due(&orders, focused.as_ref(), ctx.cfg.placements_max_orders);
        let requests = due
            .iter()
            .map(|id| crate::venue::PlacementsRequest {
                order_id: id.clone(),
                after: self.known.get(id).and_then(after_for),
            })
            .collect();
        let results = ctx.venue.placements_many(requests).await;
        let mut by_order = Vec::new();
        let mut first_error = None;
        let mut read = HashSet::new();
        for (id, r) in results {
            match r {
                Ok(page) => {
                    log_bad_rows("placements", &page);
                    let fingerprint = fingerprints.get(&id).copied().unwrap_or_default();
                    let partial = crate::venue::is_partial(&page);
                    let entry = self.known.entry(id.clone()).or_insert(KnownPlacements {
                        fingerprint,
                        rows: Vec::new(),
                        partial,
                    });
                    entry.fingerprint = fingerprint;
                    entry.partial = partial;
                    merge_placements(&mut entry.rows, page.rows);
                    read.insert(id.clone());
                    let page = Page {
                        rows: entry.rows.clone(),
                        bad_rows: page.bad_rows,
                        page_number: page.page_number,
                        num_pages: page.num_pages,
                    };
                    by_order.push((id, page));
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        // Orders whose list is partial go out every time, so "capped" stays on screen.
        for (id, k) in &self.known {
            if k.partial && !read.contains(id) {
                let page = Page {
                    rows: k.rows.clone(),
                    bad_rows: Vec::new(),
                    page_number: Some(1),
                    num_pages: Some(2),
                };
                by_order.push((id.clone(), page));
            }
        }
        Some(Cycle {
            event: Some(FeedEvent::Placements {
                venue: ctx.cfg.venue_id.clone(),
                by_order,
                at: Timestamp::now(),
            }),
            error: first_error,
        })
    }

    /// Also wakes on a new snapshot of the active orders (changed orders are read as soon as
    /// they are seen); a cycle with nothing changed sends no request.
    async fn wait(&mut self, ctx: &mut Ctx, delay: std::time::Duration) -> bool {
        tokio::select! {
            more = ctx.wait(delay) => more,
            r = self.snap.changed() => r.is_ok(),
        }
    }
}

/// The History tab's finished orders ([`crate::venue::Venue::history`] from the window's start),
/// read every `history_interval` (slow: they change rarely), at once when the window changes
/// (`w`) and as soon as an order leaves the active set (it has just finished), with this
/// blotter's audit log joined in (who paused or cancelled it from here). A venue without a
/// history read reports it once on the tab and is not asked again.
pub(super) struct History {
    window: watch::Receiver<crate::history::Window>,
    snap: watch::Receiver<Option<Snapshot>>,
    /// The last active-orders snapshot seen (shared with the other pollers, not copied: 100k
    /// ids held twice were 7 MB of the TUI's steady RSS, issue 19).
    active: Option<Snapshot>,
    /// The last cycle succeeded (wait the slow interval, not the backoff).
    ok: bool,
    /// The venue has no history read: stop asking.
    unsupported: bool,
}

impl History {
    /// A poller reading `window`, woken early by orders leaving `snap`.
    pub fn new(
        window: watch::Receiver<crate::history::Window>,
        snap: watch::Receiver<Option<Snapshot>>,
    ) -> Self {
        Self {
            window,
            snap,
            active: None,
            ok: false,
            unsupported: false,
        }
    }

    /// True when an order of the previous snapshot is missing from the new one (it left the
    /// active set: finished); remembers the new ids.
    fn someone_left(&mut self) -> bool {
        let now = self.snap.borrow_and_update().clone();
        let left = match (&self.active, &now) {
            (Some(before), Some(now)) if !Arc::ptr_eq(before, now) => {
                let ids: HashSet<&OrderId> = now.iter().map(|(id, _)| id).collect();
                before.iter().any(|(id, _)| !ids.contains(id))
            }
            (Some(before), None) => !before.is_empty(),
            _ => false,
        };
        self.active = now;
        left
    }
}

/// This blotter's audit log joined per order (empty when there is none or it cannot be read;
/// read off the async threads).
async fn acted(ctx: &Ctx) -> Vec<crate::history::Acted> {
    let Some(log) = ctx.cfg.audit.clone() else {
        return Vec::new();
    };
    let path = log.path().to_path_buf();
    tokio::task::spawn_blocking(move || crate::audit::tail(&path, 5_000))
        .await
        .ok()
        .and_then(Result::ok)
        .map(|t| crate::history::acted_by_order(&t.entries))
        .unwrap_or_default()
}

impl Poller for History {
    const TAB: Tab = Tab::History;

    async fn cycle(&mut self, ctx: &Ctx) -> Option<Cycle> {
        if self.unsupported {
            // Nothing to read: wait for the feed to stop (or the window to change).
            return Some(Cycle {
                event: None,
                error: None,
            });
        }
        let window = *self.window.borrow_and_update();
        let since = window.start(Timestamp::now());
        let result = ctx.venue.history(since).await;
        self.ok = result.is_ok();
        Some(match result {
            Ok(mut page) => {
                log_bad_rows("history", &page);
                crate::history::in_window(&mut page.rows, since);
                Cycle::done(FeedEvent::History {
                    venue: ctx.cfg.venue_id.clone(),
                    page,
                    since,
                    acted: acted(ctx).await,
                    at: Timestamp::now(),
                })
            }
            Err(e) => {
                if matches!(e, VenueError::Unsupported { .. }) {
                    self.unsupported = true;
                }
                Cycle::failed(e)
            }
        })
    }

    /// The slow interval after a success (the backoff after a failure), cut short by a
    /// refresh, a new window or an order leaving the active set.
    async fn wait(&mut self, ctx: &mut Ctx, delay: std::time::Duration) -> bool {
        let delay = if self.ok && !self.unsupported {
            ctx.cfg.history_interval.max(delay)
        } else if self.unsupported {
            std::time::Duration::from_secs(86_400)
        } else {
            delay
        };
        let sleep = ctx.wait(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                more = &mut sleep => return more,
                r = self.window.changed() => {
                    if r.is_err() {
                        return false;
                    }
                    self.unsupported = false;
                    return true;
                }
                r = self.snap.changed() => {
                    if r.is_err() {
                        return false;
                    }
                    if self.someone_left() && !self.unsupported {
                        return true;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly
mod tests {
    use super::*;

    fn snap(ids: &[&str]) -> Option<Snapshot> {
        Some(Arc::new(
            ids.iter().map(|i| (OrderId::new(*i), 0)).collect(),
        ))
    }

    #[test]
    fn history_wakes_only_when_an_order_leaves_the_active_set() {
        let (tx, rx) = watch::channel(None);
        let (_w, window) = watch::channel(crate::history::Window::default());
        let mut h = History::new(window, rx);
        tx.send_replace(snap(&["a", "b"]));
        assert!(
            !h.someone_left(),
            "the first snapshot: nobody was there before"
        );
        tx.send_replace(snap(&["a", "b", "c"]));
        assert!(!h.someone_left(), "an order arrived, none left");
        tx.send_replace(snap(&["c", "a"]));
        assert!(h.someone_left(), "b left");
        assert!(!h.someone_left(), "the same snapshot again");
        tx.send_replace(None);
        assert!(h.someone_left(), "no snapshot: every order left");
    }
}
