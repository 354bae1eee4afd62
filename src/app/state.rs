//! The [`State`]: what is not rows — tabs and per-tab selection ([`TabView`]), freeze, actions in
//! flight, flashes, the venue connections — around the [`Book`](super::Book) that holds the rows.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::book::{Book, ErrorGrouping, TreeRow};
use super::modal::*;
use super::msg::FeedEvent;
use super::prefs::Prefs;
use super::venues::*;
use crate::domain::{MultiOrder, Order, OrderId, OrderMessage, Page, VenueId};
use crate::venue::Capabilities;

/// The five tabs, in key order `1`–`5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tab {
    /// Active orders (`/api/active_orders/`).
    Active,
    /// Multi-orders (`/api/multi_orders/`).
    Multi,
    /// Placements of active orders (`/api/placements/`).
    Placements,
    /// Order errors, warnings and info (`/api/order_errors/`).
    Errors,
    /// Orders that finished in the History window, with their transaction-cost figures
    /// ([`crate::venue::Venue::history`]).
    History,
}

impl Tab {
    /// How many tabs there are.
    pub const COUNT: usize = 5;

    /// All tabs in order.
    pub const ALL: [Tab; Tab::COUNT] = [
        Tab::Active,
        Tab::Multi,
        Tab::Placements,
        Tab::Errors,
        Tab::History,
    ];

    /// Position 0–4.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Title shown on the tab bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Active => "Active orders",
            Tab::Multi => "Multi-orders",
            Tab::Placements => "Placements",
            Tab::Errors => "Order errors",
            Tab::History => "History",
        }
    }
}

/// Per-tab view state: the selected row's key (order id, placement id, message key) and the
/// first visible row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TabView {
    /// Key of the selected row; kept across refreshes.
    pub selected: Option<String>,
    /// Index of the first visible row.
    pub offset: usize,
    /// Where the selected row was last seen (checked before any search, so finding the
    /// selection is O(1) while nothing moved).
    pub hint: usize,
}

/// An order's fills as fetched for its detail view, or the error text.
pub type FillsResult = Result<Page<crate::domain::Fill>, String>;

/// Freeze (`f`): while on, data updates are queued (the latest snapshot per data set) instead
/// of applied; action results and errors still show.
#[derive(Debug, Clone, Default)]
pub struct Freeze {
    /// Updates are being held back.
    pub on: bool,
    /// Data updates queued while frozen (latest snapshot per data set).
    pub pending: Vec<FeedEvent>,
    /// Updates received while frozen (what the header counts).
    pub pending_count: usize,
}

impl State {
    /// Applies the config's views, columns, keys, theme and alerts.
    pub fn apply_prefs(&mut self, prefs: &Prefs) {
        self.prefs = prefs.clone();
        self.current_view = None;
        self.history_window = prefs.history_window;
        self.history_window_configured = prefs.history_window;
    }
}

/// The whole application state. Rendered by `ui::render(&State, …)`.
#[derive(Debug, Clone)]
pub struct State {
    /// Every venue connection, in configuration order: name, capabilities, health.
    pub venues: Vec<VenueState>,
    /// Running against the embedded demo venue.
    pub demo: bool,
    /// Who is looking, shown in the header: `alice (viewer)` in an SSH session; `None` locally.
    pub who: Option<String>,
    /// A NATS edge's link to the feed process (header: `feed ● live`); `None` when this
    /// blotter talks to the venues itself.
    pub link: Option<FeedLink>,
    /// What the user set up in the config: saved views, columns, keys, theme, alerts.
    pub prefs: Prefs,
    /// Current tab.
    pub tab: Tab,
    /// Per-tab selection and scroll.
    pub views: [TabView; Tab::COUNT],
    /// Every row and the rows derived from them (private fields, kept in step).
    pub book: Book,
    /// Fills of the order whose detail is open: its id and the fills or the error text
    /// (`None` while loading).
    pub fills: Option<(OrderId, Option<FillsResult>)>,
    /// Dialog, if open.
    pub modal: Option<Modal>,
    /// Transient message line.
    pub banner: Option<Banner>,
    /// Orders with an action sent and not yet answered (an action is never sent twice).
    pub in_flight: BTreeSet<OrderId>,
    /// A bulk action or kill switch still waiting for replies; its one summary banner shows
    /// when the last arrives.
    pub bulk: Option<BulkTally>,
    /// Latest clock reading.
    pub now: Timestamp,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Set when the user asked to quit.
    pub quit: bool,
    /// Apply colours (false under `NO_COLOR`; false renders the `mono` theme whatever
    /// `theme` says).
    pub color: bool,
    /// Refresh interval in seconds (data older than 3 intervals is shown as stale).
    pub refresh_secs: u64,
    /// Freeze (`f`): data updates queued instead of applied.
    pub freeze: Freeze,
    /// Cells that changed recently: order id → what changed and until when to highlight.
    pub flashes: BTreeMap<OrderId, Flash>,
    /// The filter line (active-orders and History tabs): its text, applied as typed, and the
    /// cursor within it.
    pub filter_text: super::prompt::Prompt,
    /// True while the filter line has the keyboard.
    pub filter_editing: bool,
    /// Filters applied earlier (↑/↓ on the filter line), kept across runs by the runner.
    pub filter_history: super::prompt::FilterHistory,
    /// First line of the help overlay shown (it scrolls when the screen is too small).
    pub help_scroll: usize,
    /// The saved view applied last, while its filter and sort are unchanged.
    pub current_view: Option<usize>,
    /// Newest message time the user has seen on the errors tab (unread = newer ERRORs).
    pub errors_seen_until: Option<Timestamp>,
    /// The History window shown (`[history] window`, widened with `w`).
    pub history_window: crate::history::Window,
    /// The History window of the config, where widening comes back to.
    pub history_window_configured: crate::history::Window,
    /// How often the History tab is read, seconds (its data is stale after 3 of these).
    pub history_refresh_secs: u64,
    /// What the `[alerts]` rules remember per order between readings (highest executed
    /// quantity, last fill, which rules have fired).
    pub(crate) alert_memory: super::update::AlertMemory,
}

/// A recent change to an order, highlighted briefly so the eye finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flash {
    /// Executed quantity changed (a fill).
    pub fill: bool,
    /// Status changed.
    pub status: bool,
    /// Highlight until this time.
    pub until: Timestamp,
    /// An alert (`[alerts]` `flash`): the whole row is highlighted, not just the changed cell.
    pub alert: bool,
}

impl State {
    /// A fresh state for a single venue (its rows carry an empty [`VenueId`]).
    pub fn new(venue_name: impl Into<String>, capabilities: Capabilities, now: Timestamp) -> Self {
        Self::with_venues(
            vec![VenueState::new(
                VenueId::default(),
                venue_name,
                capabilities,
            )],
            now,
        )
    }

    /// A fresh state for several venues shown side by side (each row tagged with its venue).
    pub fn with_venues(venues: Vec<VenueState>, now: Timestamp) -> Self {
        Self {
            venues,
            demo: false,
            who: None,
            link: None,
            prefs: Prefs::default(),
            tab: Tab::Active,
            views: Default::default(),
            book: Book::default(),
            fills: None,
            modal: None,
            banner: None,
            in_flight: BTreeSet::new(),
            bulk: None,
            now,
            size: (120, 40),
            quit: false,
            color: true,
            refresh_secs: 2,
            freeze: Freeze::default(),
            flashes: BTreeMap::new(),
            filter_text: Default::default(),
            filter_editing: false,
            filter_history: Default::default(),
            help_scroll: 0,
            errors_seen_until: None,
            history_window: crate::history::Window::default(),
            history_window_configured: crate::history::Window::default(),
            history_refresh_secs: 60,
            current_view: None,
            alert_memory: Default::default(),
        }
    }

    /// Rows the table of the current tab can show (terminal height minus header, tab bar,
    /// table header, detail strip and footer).
    pub fn table_rows(&self) -> usize {
        usize::from(self.size.1.saturating_sub(super::layout::CHROME_ROWS)).max(1)
    }

    /// Number of rows in a tab.
    pub fn row_count(&self, tab: Tab) -> usize {
        self.book.row_count(tab)
    }

    /// The selection key of row `i` of a tab.
    pub fn row_key(&self, tab: Tab, i: usize) -> Option<String> {
        match tab {
            Tab::Active => self.active_row(i).map(|o| o.id.as_str().to_owned()),
            Tab::Multi => self.book.multi_view().get(i).map(|r| self.tree_key(r)),
            Tab::Placements => self.book.placements().get(i).map(|p| p.id.clone()),
            Tab::Errors if self.book.errors_grouping() != ErrorGrouping::None => self
                .book
                .error_groups()
                .get(i)
                .map(|g| format!("group:{}", g.key)),
            Tab::Errors => self.message_row(i).map(message_key),
            Tab::History => self.book.history().row(i).map(|o| o.id.as_str().to_owned()),
        }
    }

    /// Index of the selected row of a tab, if the selected key is still present.
    pub fn selected_index(&self, tab: Tab) -> Option<usize> {
        let view = &self.views[tab.index()];
        let key = view.selected.as_deref()?;
        let at_hint = match tab {
            Tab::Active => self
                .active_row(view.hint)
                .is_some_and(|o| o.id.as_str() == key),
            Tab::Multi => self
                .book
                .multi_view()
                .get(view.hint)
                .is_some_and(|r| self.tree_key(r) == key),
            Tab::Placements => self
                .book
                .placements()
                .get(view.hint)
                .is_some_and(|p| p.id == key),
            Tab::Errors => self.row_key(Tab::Errors, view.hint).as_deref() == Some(key),
            Tab::History => self
                .book
                .history()
                .row(view.hint)
                .is_some_and(|o| o.id.as_str() == key),
        };
        if at_hint {
            return Some(view.hint);
        }
        match tab {
            Tab::Active => self.book.active_view().iter().position(|&i| {
                self.book
                    .orders()
                    .get(i)
                    .is_some_and(|o| o.id.as_str() == key)
            }),
            Tab::Multi => self
                .book
                .multi_view()
                .iter()
                .position(|r| self.tree_key(r) == key),
            Tab::Placements => self.book.placements().iter().position(|p| p.id == key),
            Tab::Errors if self.book.errors_grouping() != ErrorGrouping::None => self
                .book
                .error_groups()
                .iter()
                .position(|g| key.strip_prefix("group:") == Some(g.key.as_str())),
            Tab::Errors => (0..self.book.messages().len())
                .position(|i| self.message_row(i).is_some_and(|m| message_key(m) == key)),
            Tab::History => self
                .book
                .history()
                .in_view()
                .position(|o| o.id.as_str() == key),
        }
    }

    /// Messages per level on the errors tab: (ERROR, WARN, INFO, other).
    pub fn level_counts(&self) -> (usize, usize, usize, usize) {
        use crate::domain::MessageLevel as L;
        self.book
            .messages()
            .iter()
            .fold((0, 0, 0, 0), |(e, w, i, o), m| match m.level {
                L::Error => (e + 1, w, i, o),
                L::Warn => (e, w + 1, i, o),
                L::Info => (e, w, i + 1, o),
                L::Other(_) => (e, w, i, o + 1),
            })
    }

    /// Row `i` of the active-orders tab (after filter and sort).
    pub fn active_row(&self, i: usize) -> Option<&Order> {
        self.book.active_row(i)
    }

    /// The selected active order.
    pub fn selected_order(&self) -> Option<&Order> {
        self.selected_index(Tab::Active)
            .and_then(|i| self.active_row(i))
    }

    /// The selected multi-order (or the multi-order of the selected child or placement).
    pub fn selected_multi(&self) -> Option<&MultiOrder> {
        let row = self.selected_tree_row()?;
        let i = match row {
            TreeRow::Multi(i) | TreeRow::Child { multi: i, .. } => *i,
            TreeRow::Placement { order, .. } => {
                let parent = self.child(order)?.parent_order_id.clone()?;
                self.book
                    .multi_orders()
                    .iter()
                    .position(|m| m.id == parent)?
            }
        };
        self.book.multi_orders().get(i)
    }

    /// The selected row of the multi-order tab.
    pub fn selected_tree_row(&self) -> Option<&TreeRow> {
        self.selected_index(Tab::Multi)
            .and_then(|i| self.book.multi_view().get(i))
    }

    /// Selection key of a tree row: the multi-order id, `child:<id>` or `placement:<id>`.
    pub fn tree_key(&self, row: &TreeRow) -> String {
        match row {
            TreeRow::Multi(i) => self
                .book
                .multi_orders()
                .get(*i)
                .map(|m| m.id.as_str().to_owned())
                .unwrap_or_default(),
            TreeRow::Child { id, .. } => format!("child:{id}"),
            TreeRow::Placement { order, index } => self
                .book
                .placements_of(order)
                .get(*index)
                .map(|p| format!("placement:{}", p.id))
                .unwrap_or_default(),
        }
    }

    /// The order id of the selected row of the current tab: the order (active orders), the
    /// multi-order or child order (multi-orders tab; a placement row gives its order), the
    /// placement's order, or the message's order. With the detail open, its order.
    pub fn selected_order_id(&self) -> Option<OrderId> {
        if let Some(Modal::Detail(id)) = &self.modal {
            return Some(id.clone());
        }
        match self.tab {
            Tab::Active => self.selected_order().map(|o| o.id.clone()),
            Tab::Multi => match self.selected_tree_row()? {
                TreeRow::Multi(i) => self.book.multi_orders().get(*i).map(|m| m.id.clone()),
                TreeRow::Child { id, .. } => Some(id.clone()),
                TreeRow::Placement { order, .. } => Some(order.clone()),
            },
            Tab::Placements => self
                .selected_index(Tab::Placements)
                .and_then(|i| self.book.placements().get(i))
                .map(|p| p.order_id.clone()),
            Tab::Errors if self.book.errors_grouping() != ErrorGrouping::None => self
                .selected_index(Tab::Errors)
                .and_then(|i| self.book.error_groups().get(i))
                .map(|g| g.order_id.clone()),
            Tab::Errors => self
                .selected_index(Tab::Errors)
                .and_then(|i| self.message_row(i))
                .map(|m| m.order_id.clone()),
            Tab::History => self.selected_finished().map(|o| o.id.clone()),
        }
    }

    /// The selected row of the History tab.
    pub fn selected_finished(&self) -> Option<&Order> {
        self.selected_index(Tab::History)
            .and_then(|i| self.book.history().row(i))
    }

    /// A child order by id: the live active order when listed, else the copy fetched with its
    /// multi-order (`include_child_orders=true`).
    pub fn child(&self, id: &OrderId) -> Option<&Order> {
        self.find_order(id)
    }

    /// Row `i` of the (ungrouped) errors tab, in the tab's sort.
    pub fn message_row(&self, i: usize) -> Option<&OrderMessage> {
        self.book.message_row(i)
    }

    /// ERROR messages newer than what the user has seen on the errors tab.
    pub fn unread_errors(&self) -> usize {
        self.book
            .messages()
            .iter()
            .take_while(|m| m.created_at > self.errors_seen_until)
            .filter(|m| m.level == crate::domain::MessageLevel::Error)
            .count()
    }

    /// True when more than one venue is configured (tables then show a venue column).
    pub fn multi_venue(&self) -> bool {
        self.venues.len() > 1
    }

    /// The venue with this id, if configured.
    pub fn venue(&self, id: &VenueId) -> Option<&VenueState> {
        self.venues.iter().find(|v| &v.id == id)
    }

    /// The venue with this id, added (with no capabilities: nothing can be sent to it) if an
    /// event names one that was never configured.
    pub fn venue_mut(&mut self, id: &VenueId) -> &mut VenueState {
        let i = match self.venues.iter().position(|v| &v.id == id) {
            Some(i) => i,
            None => {
                self.venues
                    .push(VenueState::new(id.clone(), id.as_str(), Capabilities::NONE));
                self.venues.len() - 1
            }
        };
        &mut self.venues[i]
    }

    /// Display name of a venue (its id when unknown).
    pub fn venue_name(&self, id: &VenueId) -> String {
        self.venue(id)
            .map_or_else(|| id.as_str().to_string(), |v| v.name.clone())
    }

    /// Capabilities of a venue (nothing supported when unknown).
    pub fn capabilities(&self, id: &VenueId) -> Option<Capabilities> {
        self.venue(id).map(|v| v.capabilities)
    }

    /// Freshness of one tab across venues: the oldest loaded venue's update time (the screen
    /// is as fresh as its stalest part; `None` until some venue has loaded), every venue's error (prefixed with the venue's name when
    /// there are several) and the sum of undecodable rows. Venues with no multi-orders are
    /// left out of the multi-order tab.
    pub fn freshness(&self, tab: Tab) -> Freshness {
        let relevant = self
            .venues
            .iter()
            .filter(|v| tab != Tab::Multi || v.capabilities.multi_orders);
        let mut out = Freshness::default();
        for v in relevant {
            let f = &v.freshness[tab.index()];
            if let Some(at) = f.updated_at {
                out.updated_at = Some(out.updated_at.map_or(at, |o| o.min(at)));
            }
            if let Some((e, at)) = &f.error {
                let text = if self.multi_venue() {
                    format!("{}: {e}", v.name)
                } else {
                    e.clone()
                };
                out.error = Some(match out.error.take() {
                    Some((prev, p)) => (format!("{prev}; {text}"), p.max(*at)),
                    None => (text, *at),
                });
            }
            out.bad_rows += f.bad_rows;
            out.capped |= f.capped;
        }
        out
    }

    /// The venue an order or multi-order belongs to, from the rows on screen; with a single
    /// venue, that venue.
    pub fn venue_of(&self, id: &OrderId) -> Option<VenueId> {
        if let Some(o) = self.find_order(id) {
            return Some(o.venue.clone());
        }
        if let Some(m) = self.book.multi_orders().iter().find(|m| &m.id == id) {
            return Some(m.venue.clone());
        }
        match self.venues.as_slice() {
            [only] => Some(only.id.clone()),
            _ => None,
        }
    }

    /// Finds an order among active orders and multi-order children.
    pub fn find_order(&self, id: &OrderId) -> Option<&Order> {
        self.book.find_order(id)
    }
}

/// Selection key of an order message: order id, time and text (messages have no id).
pub fn message_key(m: &OrderMessage) -> String {
    let at = m.created_at.map(|t| t.to_string()).unwrap_or_default();
    format!("{}|{}|{}|{}", m.order_id, at, m.level.as_str(), m.message)
}

/// The replies of one bulk action (marks) or kill switch, counted for its summary banner:
/// `6 cancelled, 0 failed, 7 left out (AlphaSec is read-only)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BulkTally {
    /// What was asked: `cancel`, `pause`, `resume`.
    pub verb: String,
    /// Actions sent and not yet answered.
    pub pending: Vec<crate::venue::Action>,
    /// Orders the venues accepted.
    pub ok: usize,
    /// Orders the venues refused or that failed.
    pub failed: usize,
    /// Orders left out before sending, and why (`AlphaSec is read-only`).
    pub left_out: Option<(usize, String)>,
}
