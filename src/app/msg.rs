//! Messages in and out of the pure core: [`Msg`] into `update`, [`FeedEvent`] from the feed
//! task (and over the wire, so it is serde), [`Command`] out to the runtime.

use crossterm::event::KeyEvent;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::state::Tab;
use super::venues::PushStatus;
use crate::domain::{MultiOrder, Order, OrderId, OrderMessage, Page, Placement, VenueId};
use crate::venue::{Action, ActionReply, VenueError};

/// Messages into [`super::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key press.
    Key(KeyEvent),
    /// The terminal's size changed.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// A mouse event (click selects a row or a tab, the wheel scrolls).
    Mouse(crossterm::event::MouseEvent),
    /// Clock tick (drives "updated Ns ago").
    Tick(Timestamp),
    /// Something from the feed task.
    Feed(FeedEvent),
    /// The audit log as read for the viewer (after [`Command::LoadAudit`]).
    Audit(Result<crate::audit::AuditTail, String>),
    /// The last action on each order from the audit log (after [`Command::LoadLastActions`] and
    /// once at start): the Last action column.
    LastActions(Vec<crate::history::Acted>),
}

/// What the feed task reports. Each carries the time it completed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FeedEvent {
    /// A fresh `/api/active_orders/` page (replaces that venue's set).
    ActiveOrders {
        /// The venue connection it came from.
        #[serde(default)]
        venue: VenueId,
        /// Rows and bad rows.
        page: Page<Order>,
        /// Completion time.
        at: Timestamp,
    },
    /// One part of an active-orders read, sent as the reply arrives
    /// ([`crate::venue::Venue::active_orders_parts`]) so the first rows show before the last
    /// byte lands. Each part's rows replace the venue's rows with the same ids in place (or are
    /// added); the part with `last` ends the read: the venue's rows no part of this read named
    /// are removed then, and only if the app saw every part of the read (`part` 0, 1, 2, …),
    /// the tab is marked fresh, and `page_number`/`num_pages` of that part say whether the read
    /// was capped. A read whose parts stop without a `last` (it failed: `FetchFailed` follows)
    /// removes nothing. The feed sends a read smaller than one part
    /// (`FeedConfig::active_part_rows`) as [`FeedEvent::ActiveOrders`] instead (the same as one
    /// part that is also the last).
    ActiveOrdersPart {
        /// The venue connection it came from.
        #[serde(default)]
        venue: VenueId,
        /// Which read of this venue's feed the part belongs to (counts up from 1 per feed;
        /// a new number starts a new read).
        read: u64,
        /// The part's place in its read, from 0.
        part: u32,
        /// The rows decoded since the previous part, in the venue's order, and the rows of
        /// this part that could not be read (`index` counted over the whole read).
        page: Page<Order>,
        /// The read's last part: the venue's set is complete.
        last: bool,
        /// When the part arrived.
        at: Timestamp,
    },
    /// Fresh multi-orders (all pages fetched, replaces that venue's set).
    MultiOrders {
        /// The venue connection they came from.
        #[serde(default)]
        venue: VenueId,
        /// Rows and bad rows.
        page: Page<MultiOrder>,
        /// Completion time.
        at: Timestamp,
    },
    /// One multi-order with its child orders, fetched when it is expanded
    /// (`GET /api/multi_order/{id}?include_child_orders=true`).
    MultiOrderDetail {
        /// The venue connection it came from.
        #[serde(default)]
        venue: VenueId,
        /// The multi-order, `child_orders` filled.
        multi: Box<MultiOrder>,
        /// Completion time.
        at: Timestamp,
    },
    /// The fills of one order (its detail is open), or why they could not be fetched.
    Fills {
        /// The venue connection they came from.
        #[serde(default)]
        venue: VenueId,
        /// The order.
        order_id: OrderId,
        /// Fills newest first (and rows that failed to decode), or the error.
        result: Result<Page<crate::domain::Fill>, VenueError>,
        /// Completion time.
        at: Timestamp,
    },
    /// Placements of some orders (replaces those orders' placements; orders no longer active
    /// are dropped).
    Placements {
        /// The venue connection they came from.
        #[serde(default)]
        venue: VenueId,
        /// Per order, its placements.
        by_order: Vec<(OrderId, Page<Placement>)>,
        /// Completion time.
        at: Timestamp,
    },
    /// Fresh order messages for the orders in view (replaces that venue's set).
    OrderErrors {
        /// The venue connection they came from.
        #[serde(default)]
        venue: VenueId,
        /// Messages, any order.
        messages: Vec<OrderMessage>,
        /// Completion time.
        at: Timestamp,
    },
    /// A fetch failed; the last good data stays.
    FetchFailed {
        /// The venue connection that failed.
        #[serde(default)]
        venue: VenueId,
        /// Which tab's data.
        tab: Tab,
        /// The error.
        error: VenueError,
        /// When.
        at: Timestamp,
    },
    /// The push channel's state changed.
    Push {
        /// The venue connection whose channel it is.
        #[serde(default)]
        venue: VenueId,
        /// New state.
        status: PushStatus,
        /// When.
        at: Timestamp,
    },
    /// One update from the push channel (applied in place, keyed by order id).
    PushUpdate {
        /// The venue connection it came from.
        #[serde(default)]
        venue: VenueId,
        /// The update.
        event: crate::venue::PushEvent,
        /// When it arrived.
        at: Timestamp,
    },
    /// A fresh read of the venue's finished orders for the History tab (replaces that
    /// venue's History rows; [`crate::venue::Venue::history`]).
    History {
        /// The venue connection it came from.
        #[serde(default)]
        venue: VenueId,
        /// Finished orders of the window (and rows that could not be decoded; a capped read
        /// has `page_number < num_pages`).
        page: Page<Order>,
        /// Start of the window read (UTC).
        since: Timestamp,
        /// The last action this blotter's audit log records per order (empty: no audit log
        /// read; the previous join stays).
        #[serde(default)]
        acted: Vec<crate::history::Acted>,
        /// Completion time.
        at: Timestamp,
    },
    /// The link of a NATS edge to the feed process changed (or was re-stated; see
    /// [`super::FeedLink`]). Never sent by a blotter that talks to the venues itself.
    Link {
        /// The link now.
        link: super::venues::FeedLink,
        /// When.
        at: Timestamp,
    },
    /// Something the user must see (e.g. the audit log could not be written).
    Notice {
        /// Text, shown as an error banner.
        text: String,
        /// When.
        at: Timestamp,
    },
    /// An action's result.
    ActionDone {
        /// The action sent.
        action: Action,
        /// The venue's reply or error.
        result: Result<ActionReply, VenueError>,
        /// When the reply arrived.
        at: Timestamp,
    },
}

/// Effects `update` asks the runtime to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Send this action to the venue the order belongs to (exactly once).
    Act {
        /// The venue connection to send it to (the order's own venue).
        venue: VenueId,
        /// The action.
        action: Action,
    },
    /// Refetch every tab now.
    Refresh,
    /// Fetch the fills of one order (its detail was just opened).
    FetchFills {
        /// The order's venue connection.
        venue: VenueId,
        /// The order.
        id: OrderId,
    },
    /// Fetch one multi-order with its child orders (it was just expanded).
    FetchMulti {
        /// The multi-order's venue connection.
        venue: VenueId,
        /// The multi-order.
        id: OrderId,
    },
    /// Write this tab's rows to a file (CSV and JSON, the same as `blotter dump`).
    Export(Tab),
    /// Read the newest audit log entries and answer with [`Msg::Audit`].
    LoadAudit,
    /// Re-read the audit log for the Last action column and answer with
    /// [`Msg::LastActions`] (after our own actions complete).
    LoadLastActions,
    /// Put this text on the user's clipboard: OSC 52 written to their terminal (so it works
    /// over SSH too).
    Copy(String),
    /// Write the audit entries on screen to CSV and JSON files (as `blotter dump audit`).
    ExportAudit,
    /// Ring the terminal bell (an `[alerts]` `bell`): the runtime writes BEL (`\x07`).
    Bell,
    /// Read the History tab in this window from now on (the `w` key), every venue.
    HistoryWindow(crate::history::Window),
    /// Keep these filters (oldest first) for the next run: the runner writes them to the
    /// state directory's `filter_history` (see `crate::filter_history`), off the event loop.
    SaveFilterHistory(Vec<String>),
    /// Leave the app.
    Quit,
}
