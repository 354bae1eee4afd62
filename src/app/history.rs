//! The History tab's rows inside the [`super::Book`]: orders that finished in the window, every
//! venue, newest first, with their filtered and sorted view and the audit log joined in.
//!
//! Two sources: each venue's history read (`FeedEvent::History`, replacing that venue's rows)
//! and orders seen finishing live (a completion push, or a terminal order in an active-orders
//! page), added at once. A live-finished order the next history read does not list yet is kept
//! for [`KEEP_UNCONFIRMED_SECS`] (the venue may list it a little later), then left to the
//! venue's answer.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;

use super::view::{Filter, TabSort};
use crate::domain::{Order, OrderId, VenueId};
use crate::history::{Acted, finished_at};

/// How long an order seen finishing live stays listed while the venue's history does not list
/// it yet, seconds.
pub const KEEP_UNCONFIRMED_SECS: i64 = 300;

/// The History rows and their view. Fields are private: every change rebuilds the view.
#[derive(Debug, Clone, Default)]
pub struct HistoryRows {
    /// Finished orders, newest finish first (then by id), every venue.
    rows: Vec<Order>,
    /// Position of each row by id.
    index: HashMap<OrderId, usize>,
    /// The rows in view: indices into `rows`, filtered and sorted.
    view: Vec<usize>,
    /// Orders seen finishing live and not yet listed by their venue's history: when seen.
    unconfirmed: HashMap<OrderId, Timestamp>,
    /// The window's start of the rows (the last history read's); older rows are dropped.
    since: Option<Timestamp>,
    /// The last action this blotter took on each order (audit log), by order id.
    acted: HashMap<String, Acted>,
    /// Rows marked (`Space`), ids of listed rows only.
    marks: BTreeSet<OrderId>,
    /// The summary of the rows in view (the line under the table), rebuilt with the view so a
    /// frame does not recompute it.
    summary: crate::tca::Summary,
}

/// Newest finish first, then by id.
fn newest_finished(a: &Order, b: &Order) -> std::cmp::Ordering {
    finished_at(b)
        .cmp(&finished_at(a))
        .then_with(|| a.id.cmp(&b.id))
}

impl HistoryRows {
    /// Every row, newest finish first.
    pub fn rows(&self) -> &[Order] {
        &self.rows
    }

    /// The listed row with this id.
    pub fn get(&self, id: &OrderId) -> Option<&Order> {
        self.index.get(id).and_then(|&i| self.rows.get(i))
    }

    /// Row `i` of the tab (after filter and sort).
    pub fn row(&self, i: usize) -> Option<&Order> {
        self.view.get(i).and_then(|&j| self.rows.get(j))
    }

    /// The rows in view, in order.
    pub fn in_view(&self) -> impl Iterator<Item = &Order> {
        self.view.iter().filter_map(|&i| self.rows.get(i))
    }

    /// Number of rows in view.
    pub fn len(&self) -> usize {
        self.view.len()
    }

    /// True when no row is in view.
    pub fn is_empty(&self) -> bool {
        self.view.is_empty()
    }

    /// The window start of the last history read, if any.
    pub fn since(&self) -> Option<Timestamp> {
        self.since
    }

    /// The last action this blotter took on an order.
    pub fn acted(&self, id: &OrderId) -> Option<&Acted> {
        self.acted.get(id.as_str())
    }

    /// Marked rows.
    pub fn marks(&self) -> &BTreeSet<OrderId> {
        &self.marks
    }

    /// The summary of the rows in view ([`crate::tca::Summary`]).
    pub fn summary(&self) -> &crate::tca::Summary {
        &self.summary
    }

    /// Replaces one venue's rows with a history read from `since` (finished rows, any order),
    /// keeping this venue's live-finished orders the read does not list yet (for
    /// [`KEEP_UNCONFIRMED_SECS`] after they were seen, at `at`), and the audit join.
    pub fn replace_venue(
        &mut self,
        venue: &VenueId,
        fresh: Vec<Order>,
        since: Timestamp,
        acted: Vec<Acted>,
        at: Timestamp,
        (filter, sort): (&Filter, TabSort),
    ) {
        let listed: std::collections::HashSet<OrderId> =
            fresh.iter().map(|o| o.id.clone()).collect();
        for id in &listed {
            self.unconfirmed.remove(id);
        }
        let keep_until =
            |seen: &Timestamp| at.duration_since(*seen).as_secs() < KEEP_UNCONFIRMED_SECS;
        self.unconfirmed.retain(|_, seen| keep_until(seen));
        let unconfirmed = &self.unconfirmed;
        let mut rows: Vec<Order> = std::mem::take(&mut self.rows)
            .into_iter()
            .filter(|o| &o.venue != venue || unconfirmed.contains_key(&o.id))
            .filter(|o| !listed.contains(&o.id))
            .collect();
        rows.extend(fresh);
        rows.retain(|o| finished_at(o).is_none_or(|t| t >= since));
        rows.sort_by(newest_finished);
        self.rows = rows;
        self.since = Some(since);
        if !acted.is_empty() {
            self.acted = acted.into_iter().map(|a| (a.order_id.clone(), a)).collect();
        }
        self.rebuild(filter, sort);
    }

    /// Adds (or replaces) an order seen finishing live, at `at`.
    pub fn add_finished(&mut self, order: Order, at: Timestamp, view: (&Filter, TabSort)) {
        self.unconfirmed.insert(order.id.clone(), at);
        self.rows.retain(|o| o.id != order.id);
        let pos = self
            .rows
            .partition_point(|o| newest_finished(o, &order) == std::cmp::Ordering::Less);
        self.rows.insert(pos, order);
        self.rebuild(view.0, view.1);
    }

    /// Marks a listed row, or unmarks it.
    pub fn toggle_mark(&mut self, id: &OrderId) {
        if !self.marks.remove(id) && self.index.contains_key(id) {
            self.marks.insert(id.clone());
        }
    }

    /// Marks every row in view.
    pub fn mark_all_in_view(&mut self) {
        let ids: Vec<OrderId> = self.in_view().map(|o| o.id.clone()).collect();
        self.marks.extend(ids);
    }

    /// Clears the marks.
    pub fn clear_marks(&mut self) {
        self.marks.clear();
    }

    /// Rebuilds the index and the view (filter, then the tab's sort).
    pub fn rebuild(&mut self, filter: &Filter, sort: TabSort) {
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        let index = &self.index;
        self.marks.retain(|id| index.contains_key(id));
        self.view = super::view::sort_history(&self.rows, filter, sort);
        self.summary = crate::tca::Summary::of(self.view.iter().filter_map(|&i| self.rows.get(i)));
    }
}
