//! The [`Book`]: every row the blotter shows (active orders, multi-orders, placements, order
//! messages), how they are filtered, sorted, grouped and expanded, and the rows derived from
//! them (the tab views, the id index, the paused count, the error groups, the multi-order
//! tree). Its fields are private: each change goes through a method that keeps every derived
//! row in step, so no caller can forget a reindex.
//!
//! Selection and scrolling are not here ([`super::TabView`], kept visible by `update` after a
//! change): the book knows rows, not the screen.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod merge;
mod rows;
mod seen;

pub use merge::newest_first;
use merge::{merge_in, replace_venue_rows};
pub use rows::*;
pub use seen::{Change, Seen};

use super::state::Tab;
use super::view::{self, Filter, Sort, TabSort};
use crate::domain::{MultiOrder, Order, OrderId, OrderMessage, Placement, VenueId};

/// One venue's active-orders read being applied part by part ([`Book::begin_active_part`]).
#[derive(Debug, Clone, Default)]
struct ActiveRead {
    /// The feed's number of the read.
    read: u64,
    /// The part expected next.
    next_part: u32,
    /// Every part so far arrived, in order: the read's end may remove what it did not name.
    whole: bool,
    /// Rows refused so far (repeated ids, ids another venue shows).
    refused: usize,
    /// Rows that could not be read so far.
    bad_rows: usize,
}

/// Every row on screen and the rows derived from them, always in step. See the module docs.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Active orders, newest first (then by id), every venue.
    orders: Vec<Order>,
    /// Position of each order in `orders`, by id.
    order_index: HashMap<OrderId, usize>,
    /// Parallel to `orders`: the row was named by a part of its venue's active-orders read in
    /// progress (or last finished); what the read's end keeps.
    in_read: Vec<bool>,
    /// Each venue's active-orders read being applied part by part.
    reads: HashMap<VenueId, ActiveRead>,
    /// `orders.len()` when the active view was last built (parts rebuild it as the book
    /// doubles, so the rows of a first read stream in).
    view_built_on: usize,
    /// How many of `orders` are PAUSED.
    paused_count: usize,
    /// Rows of the active-orders tab: indices into `orders`, filtered and sorted.
    active_view: Vec<usize>,
    /// Multi-orders, newest first.
    multi_orders: Vec<MultiOrder>,
    /// Multi-orders shown expanded (only ids of listed multi-orders).
    expanded: BTreeSet<OrderId>,
    /// Rows of the multi-order tab: the tree flattened.
    multi_view: Vec<TreeRow>,
    /// Placements keyed by order id (only orders still active).
    placements_by_order: BTreeMap<OrderId, Vec<Placement>>,
    /// All placements of `placements_by_order`, in the placements tab's sort.
    placements: Vec<Placement>,
    /// Order messages, newest first (unread counts and "seen until" rely on it).
    messages: Vec<OrderMessage>,
    /// The errors tab's rows when sorted by something else than arrival (indices into
    /// `messages`); empty: arrival order.
    errors_order: Vec<usize>,
    /// The errors tab's rows while grouped.
    error_groups: Vec<ErrorGroup>,
    /// Orders marked for a bulk action (only ids of listed orders).
    marks: BTreeSet<OrderId>,
    /// The active-orders filter.
    filter: Filter,
    /// The active-orders sort.
    sort: Sort,
    /// Sort of every other tab, by [`Tab::index`] (the active tab's entry is unused).
    tab_sorts: [TabSort; Tab::COUNT],
    /// The History tab's rows (finished orders) and their view.
    history: super::history::HistoryRows,
    /// How the errors tab groups its messages.
    errors_grouping: ErrorGrouping,
    /// Rows changed since the trader last looked at them (`seen.rs`).
    seen: Seen,
    /// The last action on each order or multi-order from any blotter of the desk (the audit
    /// log), by order id.
    last_actions: HashMap<String, crate::history::Acted>,
}

impl Book {
    // ---- last action (the audit log) -------------------------------------------------------

    /// The last action on order (or multi-order) `id` from any blotter of the desk, as the
    /// audit log has it.
    pub fn last_action(&self, id: &OrderId) -> Option<&crate::history::Acted> {
        self.last_actions.get(id.as_str())
    }

    /// Takes in the newest audit entry per order (`history::acted_by_order`); an entry replaces
    /// what is known for its order unless that is newer (`at`, RFC 3339 UTC).
    pub fn set_last_actions(&mut self, acted: Vec<crate::history::Acted>) {
        let newer =
            |a: &str, b: &str| match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
                (Ok(a), Ok(b)) => a >= b,
                _ => a >= b,
            };
        for a in acted {
            match self.last_actions.get(&a.order_id) {
                Some(known) if !newer(&a.at, &known.at) => {}
                _ => {
                    self.last_actions.insert(a.order_id.clone(), a);
                }
            }
        }
    }

    // ---- changed since seen (`seen.rs`) ----------------------------------------------------

    /// The rows changed since seen.
    pub fn seen(&self) -> &Seen {
        &self.seen
    }

    /// How many rows of `tab` changed since seen (active orders, multi-orders; 0 elsewhere).
    pub fn changed_count(&self, tab: Tab) -> usize {
        match tab {
            Tab::Active => self.seen.orders().len(),
            Tab::Multi => self.seen.multi_orders().len(),
            _ => 0,
        }
    }

    /// Notes what `rows` (one venue's active orders as now sent) change against the rows
    /// shown, before they replace them. `first`: the venue's first page (marks nothing);
    /// `looking`: the order selected on screen (its changes are seen as they happen).
    pub fn note_order_changes(&mut self, rows: &[Order], first: bool, looking: Option<&OrderId>) {
        if first {
            return;
        }
        for new in rows {
            let change = self.order(&new.id).map(|prev| Change::of(prev, new));
            let id = &new.id;
            self.seen
                .note_order(id, change, looking.is_some_and(|l| l == id));
        }
    }

    /// Notes what `rows` (one venue's multi-orders) change (see [`Book::note_order_changes`]).
    pub fn note_multi_changes(
        &mut self,
        rows: &[MultiOrder],
        first: bool,
        looking: Option<&OrderId>,
    ) {
        if first {
            return;
        }
        for new in rows {
            let change = self
                .multi_order(&new.id)
                .map(|prev| Change::of_multi(prev, new));
            let id = &new.id;
            self.seen
                .note_multi(id, change, looking.is_some_and(|l| l == id));
        }
    }

    /// Our own action on `id` was confirmed: its next status/terms change is not news.
    pub fn expect_own_change(&mut self, id: OrderId) {
        self.seen.expect_own(id);
    }

    /// The trader looked at `id` (the selection moved onto it). True when it was marked.
    pub fn look_at(&mut self, id: &OrderId) -> bool {
        self.seen.look(id)
    }

    /// Every row seen; returns how many marks were cleared.
    pub fn mark_all_seen(&mut self) -> usize {
        self.seen.clear()
    }

    /// Drops the marks of rows no longer listed (after a page replaced a venue's rows).
    pub fn prune_seen(&mut self) {
        let orders = &self.order_index;
        let multi = &self.multi_orders;
        self.seen.retain(
            |id| orders.contains_key(id),
            |id| multi.iter().any(|m| &m.id == id),
        );
    }

    // ---- reading -------------------------------------------------------------------------

    /// Active orders, newest first (then by id), every venue.
    pub fn orders(&self) -> &[Order] {
        &self.orders
    }

    /// The active order with this id.
    pub fn order(&self, id: &OrderId) -> Option<&Order> {
        self.order_index.get(id).and_then(|&i| self.orders.get(i))
    }

    /// Position of the active order with this id in [`Book::orders`].
    pub fn position(&self, id: &OrderId) -> Option<usize> {
        self.order_index.get(id).copied()
    }

    /// Number of ids in the id index (always `orders().len()`: ids are unique; property tests
    /// check it).
    pub fn index_len(&self) -> usize {
        self.order_index.len()
    }

    /// An order among the active orders, the fetched multi-order children and the finished
    /// orders of the History tab.
    pub fn find_order(&self, id: &OrderId) -> Option<&Order> {
        self.order(id)
            .or_else(|| {
                self.multi_orders
                    .iter()
                    .flat_map(|m| m.child_orders.iter())
                    .find(|o| &o.id == id)
            })
            .or_else(|| self.history.get(id))
    }

    /// The History tab's rows (finished orders) and their view.
    pub fn history(&self) -> &super::history::HistoryRows {
        &self.history
    }

    /// How many active orders are PAUSED (for the header).
    pub fn paused_count(&self) -> usize {
        self.paused_count
    }

    /// Rows of the active-orders tab: indices into [`Book::orders`], filtered and sorted.
    pub fn active_view(&self) -> &[usize] {
        &self.active_view
    }

    /// Row `i` of the active-orders tab (after filter and sort).
    pub fn active_row(&self, i: usize) -> Option<&Order> {
        self.active_view.get(i).and_then(|&j| self.orders.get(j))
    }

    /// Multi-orders, newest first.
    pub fn multi_orders(&self) -> &[MultiOrder] {
        &self.multi_orders
    }

    /// The multi-order with this id.
    pub fn multi_order(&self, id: &OrderId) -> Option<&MultiOrder> {
        self.multi_orders.iter().find(|m| &m.id == id)
    }

    /// Rows of the multi-order tab (the tree flattened).
    pub fn multi_view(&self) -> &[TreeRow] {
        &self.multi_view
    }

    /// Multi-orders shown expanded.
    pub fn expanded(&self) -> &BTreeSet<OrderId> {
        &self.expanded
    }

    /// All placements, in the placements tab's sort.
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }

    /// The placements of one order (empty when none were read).
    pub fn placements_of(&self, id: &OrderId) -> &[Placement] {
        self.placements_by_order.get(id).map_or(&[], Vec::as_slice)
    }

    /// Order messages, newest first.
    pub fn messages(&self) -> &[OrderMessage] {
        &self.messages
    }

    /// Row `i` of the (ungrouped) errors tab, in the tab's sort.
    pub fn message_row(&self, i: usize) -> Option<&OrderMessage> {
        match self.errors_order.get(i) {
            Some(&j) => self.messages.get(j),
            None if self.errors_order.is_empty() => self.messages.get(i),
            None => None,
        }
    }

    /// The errors tab's rows while grouped (empty when not grouped).
    pub fn error_groups(&self) -> &[ErrorGroup] {
        &self.error_groups
    }

    /// How the errors tab groups its messages.
    pub fn errors_grouping(&self) -> ErrorGrouping {
        self.errors_grouping
    }

    /// Orders marked for a bulk action.
    pub fn marks(&self) -> &BTreeSet<OrderId> {
        &self.marks
    }

    /// The active-orders filter.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// The active-orders sort.
    pub fn sort(&self) -> Sort {
        self.sort
    }

    /// The sort of another tab (`s` / `S` there).
    pub fn tab_sort(&self, tab: Tab) -> TabSort {
        self.tab_sorts[tab.index()]
    }

    /// Number of rows in a tab.
    pub fn row_count(&self, tab: Tab) -> usize {
        match tab {
            Tab::Active => self.active_view.len(),
            Tab::Multi => self.multi_view.len(),
            Tab::Placements => self.placements.len(),
            Tab::Errors if self.errors_grouping != ErrorGrouping::None => self.error_groups.len(),
            Tab::Errors => self.messages.len(),
            Tab::History => self.history.len(),
        }
    }

    // ---- changing: data ------------------------------------------------------------------

    /// Replaces one venue's active orders (`rows` newest first, ids unique); the other venues'
    /// rows stay. Marks and placements of orders no longer listed go with them. The same as a
    /// read of one part ([`Book::begin_active_part`], [`Book::apply_active_part`],
    /// [`Book::end_active_read`]).
    pub fn replace_venue_orders(&mut self, venue: &VenueId, rows: Vec<Order>) {
        self.begin_active_part(venue, None, 0, 0);
        self.apply_active_part(rows);
        self.end_active_read(venue);
    }

    /// Starts or continues one venue's active-orders read ([`crate::app::FeedEvent::ActiveOrdersPart`]):
    /// part 0, a read number not seen before, or `read` `None` (a read of one part) starts a
    /// new read; a part that is not the one expected next leaves the read incomplete (its end
    /// then removes nothing). `bad_rows`: the part's rows that could not be read.
    pub fn begin_active_part(
        &mut self,
        venue: &VenueId,
        read: Option<u64>,
        part: u32,
        bad_rows: usize,
    ) {
        let new = part == 0
            || read.is_none()
            || self.reads.get(venue).is_none_or(|r| Some(r.read) != read);
        if new {
            // Nothing of the venue is named by the new read yet.
            self.in_read.resize(self.orders.len(), false);
            for (o, flag) in self.orders.iter().zip(self.in_read.iter_mut()) {
                if &o.venue == venue {
                    *flag = false;
                }
            }
            self.reads.insert(
                venue.clone(),
                ActiveRead {
                    read: read.unwrap_or_default(),
                    next_part: 0,
                    whole: true,
                    refused: 0,
                    bad_rows: 0,
                },
            );
        }
        if let Some(r) = self.reads.get_mut(venue) {
            r.whole &= part == r.next_part;
            r.next_part = part.saturating_add(1);
            r.bad_rows = r.bad_rows.saturating_add(bad_rows);
        }
    }

    /// Refuses the rows of a part (of `venue`'s read begun with [`Book::begin_active_part`])
    /// that would make selection and actions ambiguous, counting them with the read's bad rows:
    /// of the copies of one id in the read, the most recently updated wins (the first of equals,
    /// in the order the rows came); an id another venue shows is refused. `rows` must be sorted
    /// newest first. A later copy that wins replaces the earlier one when applied.
    pub fn refuse_repeated(&mut self, venue: &VenueId, rows: &mut Vec<Order>) {
        let before = rows.len();
        let (orders, index, in_read) = (&self.orders, &self.order_index, &self.in_read);
        let keep: Vec<bool> = {
            let mut latest: HashMap<&OrderId, Option<jiff::Timestamp>> = HashMap::new();
            for o in rows.iter() {
                let e = latest.entry(&o.id).or_insert(o.updated_at);
                *e = (*e).max(o.updated_at);
            }
            let mut seen = std::collections::HashSet::new();
            rows.iter()
                .map(|o| {
                    let earlier = index.get(&o.id).and_then(|&i| {
                        let shown = orders.get(i)?;
                        Some((shown, in_read.get(i).copied().unwrap_or(false)))
                    });
                    let allowed = match earlier {
                        Some((shown, _)) if &shown.venue != venue => false,
                        // Named by an earlier part of this read: that copy stays unless this
                        // one is newer.
                        Some((shown, true)) => o.updated_at > shown.updated_at,
                        _ => true,
                    };
                    latest.get(&o.id) == Some(&o.updated_at) && allowed && seen.insert(&o.id)
                })
                .collect()
        };
        let mut keep_it = keep.iter();
        rows.retain(|_| keep_it.next().copied().unwrap_or(true));
        // A later copy replacing an earlier part's copy refuses that one instead: one each way.
        let refused = before - rows.len()
            + rows
                .iter()
                .filter(|o| {
                    index
                        .get(&o.id)
                        .is_some_and(|&i| in_read.get(i).copied().unwrap_or(false))
                })
                .count();
        if let Some(r) = self.reads.get_mut(venue) {
            r.refused = r.refused.saturating_add(refused);
        }
    }

    /// Applies one part's rows (of a read begun with [`Book::begin_active_part`]; ids unique,
    /// after [`Book::refuse_repeated`]) in place, keyed by id: a listed order's row is replaced where
    /// it is, a new one is merged in where it sorts (no second copy of the book is made). Rows
    /// are removed only by the read's end. The view is rebuilt when rows moved; rows only
    /// appended after the last one join it as the book doubles, and at the read's end.
    pub fn apply_active_part(&mut self, rows: Vec<Order>) {
        self.in_read.resize(self.orders.len(), false);
        let paused = |o: &Order| usize::from(o.status == crate::domain::OrderStatus::Paused);
        let mut fresh = Vec::new();
        let mut moved = Vec::new();
        for o in rows {
            let Some((_old_id, i)) = self.order_index.remove_entry(&o.id) else {
                self.paused_count += paused(&o);
                fresh.push(o);
                continue;
            };
            // The index takes the new row's id, so the row, the index and the feed's snapshot
            // share one copy of its text; the replaced row's copy goes with it (issue 19).
            self.order_index.insert(o.id.clone(), i);
            let Some(slot) = self.orders.get_mut(i) else {
                continue;
            };
            self.paused_count = (self.paused_count + paused(&o)).saturating_sub(paused(slot));
            // Rows sort by creation time: one whose creation time changed moves.
            if slot.created_at != o.created_at {
                moved.push(i);
            }
            *slot = o;
            if let Some(flag) = self.in_read.get_mut(i) {
                *flag = true;
            }
        }
        let old_len = self.orders.len();
        let mut lowest = old_len;
        moved.sort_unstable_by(|a, b| b.cmp(a));
        for i in moved {
            fresh.push(self.orders.remove(i));
            self.in_read.remove(i);
            lowest = lowest.min(i);
        }
        if !fresh.is_empty() {
            fresh.sort_by(newest_first);
            lowest = lowest.min(merge_in(&mut self.orders, &mut self.in_read, fresh, true));
            self.reindex_from(lowest);
        }
        let shifted = lowest < old_len;
        let grew = self.orders.len() > old_len;
        // Otherwise appended rows, and rows whose filter or sort place may have changed, wait
        // for the next rebuild (at the latest the read's end): every index of the view still
        // names its row.
        if shifted || (grew && self.orders.len() >= self.view_built_on.saturating_mul(2)) {
            self.rebuild_active_view();
        }
    }

    /// Ends `venue`'s active-orders read: when the book saw every part of it, the venue's rows
    /// no part named are removed (their marks and placements with them); the view is rebuilt.
    /// Returns the rows the read refused or could not read (bad rows and repeated ids).
    pub fn end_active_read(&mut self, venue: &VenueId) -> usize {
        let Some(read) = self.reads.remove(venue) else {
            return 0;
        };
        self.in_read.resize(self.orders.len(), false);
        if read.whole {
            let before = self.orders.len();
            let keep: Vec<bool> = self
                .orders
                .iter()
                .zip(&self.in_read)
                .map(|(o, &named)| named || &o.venue != venue)
                .collect();
            let mut keep_it = keep.iter();
            self.orders
                .retain(|_| keep_it.next().copied().unwrap_or(true));
            let mut keep_it = keep.iter();
            self.in_read
                .retain(|_| keep_it.next().copied().unwrap_or(true));
            if self.orders.len() != before {
                self.reindex();
                let index = &self.order_index;
                self.marks.retain(|id| index.contains_key(id));
                self.placements_by_order
                    .retain(|id, _| index.contains_key(id));
                self.rebuild_placements();
            }
        }
        self.recount_paused();
        self.rebuild_active_view();
        read.refused.saturating_add(read.bad_rows)
    }

    /// Applies one pushed order in place, keyed by id: replaced where it is, inserted in order
    /// if new, removed from the active set once terminal. Fetched multi-order children with
    /// its id are replaced too.
    pub fn apply_order(&mut self, order: Order) -> Applied {
        // The tree's rows name children by id, so replacing a child's data leaves them as
        // they are.
        for m in &mut self.multi_orders {
            if let Some(child) = m.child_orders.iter_mut().find(|c| c.id == order.id) {
                *child = order.clone();
            }
        }
        let pos = self.order_index.get(&order.id).copied();
        let applied = match (pos, order.status.is_terminal()) {
            (Some(i), true) => {
                self.orders.remove(i);
                if i < self.in_read.len() {
                    self.in_read.remove(i);
                }
                self.marks.remove(&order.id);
                self.reindex();
                self.placements_by_order.remove(&order.id);
                self.rebuild_placements();
                Applied::Removed
            }
            (Some(i), false) => {
                let paused =
                    |o: &Order| usize::from(o.status == crate::domain::OrderStatus::Paused);
                let before = self.orders.get(i).map_or(0, paused);
                self.paused_count = (self.paused_count + paused(&order)).saturating_sub(before);
                if let Some(slot) = self.orders.get_mut(i) {
                    *slot = order;
                }
                Applied::Replaced
            }
            (None, true) => Applied::Ignored,
            (None, false) => {
                let at = self.orders.partition_point(|o| {
                    (Reverse(o.created_at), &o.id) < (Reverse(order.created_at), &order.id)
                });
                self.orders.insert(at, order);
                if at <= self.in_read.len() {
                    self.in_read.insert(at, false);
                }
                self.reindex();
                Applied::Inserted
            }
        };
        // A replacement in place keeps every index: with no filter and the default sort the
        // view is unchanged (the common case: a fill). Anything else recomputes it.
        let view_unchanged =
            applied == Applied::Replaced && self.filter.is_empty() && self.sort.is_default();
        if applied != Applied::Ignored && !view_unchanged {
            self.rebuild_active_view();
        }
        applied
    }

    /// Replaces one venue's History rows with its history read from `since` (see
    /// [`super::history::HistoryRows::replace_venue`]); `acted`: the audit log joined in
    /// (empty: keep the last join).
    pub fn replace_venue_history(
        &mut self,
        venue: &VenueId,
        rows: Vec<Order>,
        since: jiff::Timestamp,
        acted: Vec<crate::history::Acted>,
        at: jiff::Timestamp,
    ) {
        let sort = self.tab_sort(Tab::History);
        self.history
            .replace_venue(venue, rows, since, acted, at, (&self.filter, sort));
    }

    /// Lists an order seen finishing live (a completion push) on the History tab at once.
    pub fn add_finished(&mut self, order: Order, at: jiff::Timestamp) {
        let sort = self.tab_sort(Tab::History);
        self.history.add_finished(order, at, (&self.filter, sort));
    }

    /// Replaces one venue's multi-orders (`rows` in any order). A row without child orders
    /// keeps the children fetched earlier for it; expansions of multi-orders no longer listed
    /// are dropped.
    pub fn replace_venue_multi_orders(&mut self, venue: &VenueId, mut rows: Vec<MultiOrder>) {
        let cmp = |a: &MultiOrder, b: &MultiOrder| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.id.cmp(&b.id))
        };
        rows.sort_by(cmp);
        // The list carries no child orders: keep those fetched for expanded multi-orders.
        for m in &mut rows {
            if m.child_orders.is_empty()
                && let Some(prev) = self.multi_orders.iter_mut().find(|p| p.id == m.id)
            {
                m.child_orders = std::mem::take(&mut prev.child_orders);
            }
        }
        self.multi_orders = replace_venue_rows(
            std::mem::take(&mut self.multi_orders),
            venue,
            rows,
            |m| &m.venue,
            cmp,
        );
        let multis = &self.multi_orders;
        self.expanded
            .retain(|id| multis.iter().any(|m| &m.id == id));
        self.rebuild_multi_view();
    }

    /// Sets the child orders of a listed multi-order (fetched when it was expanded). Returns
    /// false when the multi-order is not listed (the answer is dropped).
    pub fn set_children(&mut self, multi: MultiOrder) -> bool {
        let Some(m) = self.multi_orders.iter_mut().find(|m| m.id == multi.id) else {
            return false;
        };
        m.child_orders = multi.child_orders;
        if !multi.child_order_ids.is_empty() {
            m.child_order_ids = multi.child_order_ids;
        }
        self.rebuild_multi_view();
        true
    }

    /// Replaces the placements of the given orders (other orders' placements stay).
    pub fn set_placements(
        &mut self,
        by_order: impl IntoIterator<Item = (OrderId, Vec<Placement>)>,
    ) {
        for (id, rows) in by_order {
            self.placements_by_order.insert(id, rows);
        }
        self.rebuild_placements();
    }

    /// Replaces one venue's order messages (`messages` in any order); the other venues' stay.
    pub fn replace_venue_messages(&mut self, venue: &VenueId, mut messages: Vec<OrderMessage>) {
        messages.sort_by_key(|m| Reverse(m.created_at));
        self.messages = replace_venue_rows(
            std::mem::take(&mut self.messages),
            venue,
            messages,
            |m| &m.venue,
            |a, b| b.created_at.cmp(&a.created_at),
        );
        self.regroup_errors();
    }

    // ---- changing: how rows are shown ----------------------------------------------------

    /// Sets the active-orders filter.
    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
        self.rebuild_active_view();
        self.history
            .rebuild(&self.filter, self.tab_sorts[Tab::History.index()]);
    }

    /// Sets the active-orders sort.
    pub fn set_sort(&mut self, sort: Sort) {
        self.sort = sort;
        self.rebuild_active_view();
    }

    /// Sets another tab's sort and re-sorts its rows.
    pub fn set_tab_sort(&mut self, tab: Tab, sort: TabSort) {
        self.tab_sorts[tab.index()] = sort;
        match tab {
            Tab::Active => {}
            Tab::Multi => self.rebuild_multi_view(),
            Tab::Placements => self.rebuild_placements(),
            Tab::Errors => self.regroup_errors(),
            Tab::History => self.history.rebuild(&self.filter, sort),
        }
    }

    /// Sets how the errors tab groups its messages.
    pub fn set_errors_grouping(&mut self, grouping: ErrorGrouping) {
        self.errors_grouping = grouping;
        self.regroup_errors();
    }

    /// Expands a listed multi-order, or collapses it if expanded. Returns true when it is now
    /// expanded; false when collapsed or not listed.
    pub fn toggle_expanded(&mut self, id: &OrderId) -> bool {
        let expanded = if self.expanded.remove(id) {
            false
        } else if self.multi_order(id).is_some() {
            self.expanded.insert(id.clone());
            true
        } else {
            false
        };
        self.rebuild_multi_view();
        expanded
    }

    /// Marks a History row, or unmarks it.
    pub fn toggle_history_mark(&mut self, id: &OrderId) {
        self.history.toggle_mark(id);
    }

    /// Marks every History row in view.
    pub fn mark_history_in_view(&mut self) {
        self.history.mark_all_in_view();
    }

    /// Clears the History marks.
    pub fn clear_history_marks(&mut self) {
        self.history.clear_marks();
    }

    /// Marks a listed order, or unmarks it if marked.
    pub fn toggle_mark(&mut self, id: &OrderId) {
        if !self.marks.remove(id) && self.order_index.contains_key(id) {
            self.marks.insert(id.clone());
        }
    }

    /// Marks every listed order of `ids`.
    pub fn mark_all(&mut self, ids: impl IntoIterator<Item = OrderId>) {
        let index = &self.order_index;
        self.marks
            .extend(ids.into_iter().filter(|id| index.contains_key(id)));
    }

    /// Clears every mark.
    pub fn clear_marks(&mut self) {
        self.marks.clear();
    }

    // ---- derived rows (private: only the methods above call them) ------------------------

    fn recount_paused(&mut self) {
        self.paused_count = self
            .orders
            .iter()
            .filter(|o| o.status == crate::domain::OrderStatus::Paused)
            .count();
    }

    fn reindex(&mut self) {
        self.recount_paused();
        self.order_index = self
            .orders
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
    }

    /// Updates the id index for every position from `from` on (rows before it did not move).
    fn reindex_from(&mut self, from: usize) {
        for (i, o) in self.orders.iter().enumerate().skip(from) {
            match self.order_index.get_mut(&o.id) {
                Some(at) => *at = i,
                None => {
                    self.order_index.insert(o.id.clone(), i);
                }
            }
        }
    }

    fn rebuild_active_view(&mut self) {
        self.active_view = view::build(&self.orders, &self.filter, self.sort);
        self.view_built_on = self.orders.len();
    }

    /// Flattens the multi-order tree: every multi-order, and under each expanded one its child
    /// orders, each followed by its placements.
    fn rebuild_multi_view(&mut self) {
        let mut rows = Vec::with_capacity(self.multi_orders.len());
        let order = view::sort_multi_orders(&self.multi_orders, self.tab_sort(Tab::Multi));
        for i in order {
            let Some(m) = self.multi_orders.get(i) else {
                continue;
            };
            rows.push(TreeRow::Multi(i));
            if !self.expanded.contains(&m.id) {
                continue;
            }
            let mut ids = m.child_order_ids.clone();
            for c in &m.child_orders {
                if !ids.contains(&c.id) {
                    ids.push(c.id.clone());
                }
            }
            for id in ids {
                let placements = self.placements_of(&id).len();
                rows.push(TreeRow::Child {
                    multi: i,
                    id: id.clone(),
                });
                rows.extend((0..placements).map(|index| TreeRow::Placement {
                    order: id.clone(),
                    index,
                }));
            }
        }
        self.multi_view = rows;
    }

    fn rebuild_placements(&mut self) {
        let mut all: Vec<_> = self
            .placements_by_order
            .values()
            .flatten()
            .cloned()
            .collect();
        view::sort_placements(&mut all, self.tab_sort(Tab::Placements));
        self.placements = all;
        if !self.expanded.is_empty() {
            self.rebuild_multi_view();
        }
    }

    /// Re-sorts the errors tab (`errors_order`) and rebuilds its groups (worst level first,
    /// then newest; ties by key, so the order is stable across refreshes).
    fn regroup_errors(&mut self) {
        let sort = self.tab_sort(Tab::Errors);
        self.errors_order = if sort.is_default() {
            Vec::new()
        } else {
            view::sort_messages(&self.messages, sort)
        };
        let by_order = match self.errors_grouping {
            ErrorGrouping::None => {
                self.error_groups.clear();
                return;
            }
            ErrorGrouping::ByOrder => true,
            ErrorGrouping::ByMessage => false,
        };
        let mut groups: BTreeMap<String, (ErrorGroup, BTreeSet<OrderId>)> = BTreeMap::new();
        // Messages are newest first: the first one seen of a group is its newest.
        for m in &self.messages {
            let key = if by_order {
                m.order_id.to_string()
            } else {
                m.message.clone()
            };
            let (g, orders) = groups.entry(key.clone()).or_insert_with(|| {
                (
                    ErrorGroup {
                        key,
                        venue: m.venue.clone(),
                        order_id: m.order_id.clone(),
                        message: m.message.clone(),
                        worst: m.level.clone(),
                        count: 0,
                        orders: 0,
                        latest: m.created_at,
                    },
                    BTreeSet::new(),
                )
            });
            g.count = g.count.saturating_add(1);
            if m.level.severity() > g.worst.severity() {
                g.worst = m.level.clone();
            }
            orders.insert(m.order_id.clone());
            g.orders = orders.len();
        }
        let mut rows: Vec<ErrorGroup> = groups.into_values().map(|(g, _)| g).collect();
        view::sort_error_groups(&mut rows, self.tab_sort(Tab::Errors));
        self.error_groups = rows;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly
mod id_sharing_tests {
    use super::*;
    use crate::domain::{OrderStatus, Side};

    fn read(book: &mut Book, venue: &VenueId, n: u64, ids: &[&str]) {
        book.begin_active_part(venue, Some(n), 0, 0);
        let rows = ids
            .iter()
            .map(|id| {
                let mut o = Order::new(id, "BTC-USDT", Side::Buy, OrderStatus::Active);
                o.venue = venue.clone();
                o
            })
            .collect();
        book.apply_active_part(rows);
        book.end_active_read(venue);
    }

    #[test]
    fn a_row_replaced_in_place_and_the_index_share_one_copy_of_its_id() {
        let venue = VenueId::new("treadfi");
        let mut book = Book::default();
        read(&mut book, &venue, 1, &["a", "b"]);
        read(&mut book, &venue, 2, &["a", "b"]);
        for o in book.orders() {
            let (key, _) = book.order_index.get_key_value(&o.id).unwrap();
            assert!(
                std::sync::Arc::ptr_eq(&key.0, &o.id.0),
                "the index holds another copy of {}",
                o.id
            );
        }
    }
}
