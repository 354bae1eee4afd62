//! The row types of the derived tabs: the multi-order tree's rows, the grouped errors, and
//! what applying a pushed order did.

use jiff::Timestamp;

use crate::domain::{MessageLevel, OrderId, VenueId};

/// How the order-errors tab shows its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorGrouping {
    /// One row per message, newest first.
    #[default]
    None,
    /// One row per order: its message count, worst level, newest message.
    ByOrder,
    /// One row per distinct message text: how often, on how many orders.
    ByMessage,
}

impl ErrorGrouping {
    /// The next grouping in the cycle none → by order → by message → none.
    pub fn next(self) -> Self {
        match self {
            ErrorGrouping::None => ErrorGrouping::ByOrder,
            ErrorGrouping::ByOrder => ErrorGrouping::ByMessage,
            ErrorGrouping::ByMessage => ErrorGrouping::None,
        }
    }

    /// Words for the table title (`None` → empty).
    pub fn label(self) -> &'static str {
        match self {
            ErrorGrouping::None => "",
            ErrorGrouping::ByOrder => "grouped by order",
            ErrorGrouping::ByMessage => "grouped by message",
        }
    }
}

/// One row of the grouped errors tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorGroup {
    /// The order id (by order) or the message text (by message); the row's selection key.
    pub key: String,
    /// Venue of the newest message in the group.
    pub venue: VenueId,
    /// The order (by order), or the order of the newest message (by message): where `Enter`
    /// jumps.
    pub order_id: OrderId,
    /// Newest message text.
    pub message: String,
    /// Most severe level in the group.
    pub worst: MessageLevel,
    /// Messages in the group.
    pub count: usize,
    /// Distinct orders in the group.
    pub orders: usize,
    /// Newest message time (UTC).
    pub latest: Option<Timestamp>,
}

/// One row of the multi-order tab's tree: a multi-order, one of its child orders (when the
/// multi-order is expanded) or one of a child's placements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeRow {
    /// `Book::multi_orders()[i]`.
    Multi(usize),
    /// A child order of `Book::multi_orders()[multi]`.
    Child {
        /// Index of the parent in `Book::multi_orders()`.
        multi: usize,
        /// The child's id (its data: the active order if listed, else the fetched child).
        id: OrderId,
    },
    /// Placement `index` of child order `order` (in [`Book::placements_of`](super::Book::placements_of)).
    Placement {
        /// The child order.
        order: OrderId,
        /// Position in that order's placements.
        index: usize,
    },
}

/// What [`Book::apply_order`](super::Book::apply_order) did with a pushed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Replaced where it was listed.
    Replaced,
    /// Listed for the first time.
    Inserted,
    /// Terminal: taken off the active set (with its marks and placements).
    Removed,
    /// Terminal and not listed: nothing to do.
    Ignored,
}
