//! The blotter's own order model, shared by every venue adapter, the feed, the app state and
//! the UI. No venue wire type and no ratatui type appears here.
//!
//! Conventions (see `ARCHITECTURE.md`):
//! - every quantity, price and notional is a [`Decimal`] holding the exact decimal the venue sent
//!   (`"45000.00"` keeps its two places);
//! - "not given" is `None`, never `0` or `-1` (Tread's `limit_price: -1.0` decodes to `None`);
//! - percentages are stored as **ratios 0–1** ([`Ratio`]); venues that send 0–100 are converted
//!   at the adapter edge;
//! - times are UTC [`Timestamp`](jiff::Timestamp)s.
//!
//! Here: ids and the vocabulary (side, status, limit price); `order.rs`: orders and
//! multi-orders; `execution.rs`: placements and fills; `messages.rs`: order messages;
//! `page.rs`: a decoded page with its bad rows; `shared_list.rs`: the pooled per-row lists.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A venue's order id. A string newtype because venue ids are not always valid UUIDs
/// (Tread's own example uses `7fecb061-725b-5477-c84c-8e8685ge0f26`). Shared (`Arc<str>`, 16
/// bytes): the row, the book's id index and the feed's snapshot of ids hold one copy of the
/// text between them, not three (100k ids: ~8 MB of a big book's RSS, issue 19).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct OrderId(pub Arc<str>);

impl OrderId {
    /// Builds an id from any string-like value.
    pub fn new(id: impl AsRef<str>) -> Self {
        Self(Arc::from(id.as_ref()))
    }

    /// The id as sent by the venue.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 8 characters, for narrow table columns (the full id is in dumps and detail).
    pub fn short(&self) -> &str {
        let end = self
            .0
            .char_indices()
            .nth(8)
            .map_or(self.0.len(), |(i, _)| i);
        &self.0[..end]
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which configured venue connection a row came from: the `name` of its `[[venue]]` section
/// (e.g. `treadfi`, `anboto`, `alphasec`). Empty in a single-venue blotter and in rows decoded
/// by an adapter before the feed stamps them. Cheap to clone (shared string).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VenueId(pub Arc<str>);

impl VenueId {
    /// Builds a venue id from a name.
    pub fn new(name: &str) -> Self {
        Self(Arc::from(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VenueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fraction 0–1 (e.g. fill ratio). Venues that send percent 0–100 are divided by 100 when
/// decoded; render multiplies back.
pub type Ratio = Decimal;

/// Order side, from Tread's `side` (`"buy"` / `"sell"`, any case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// Buying the base asset.
    Buy,
    /// Selling the base asset.
    Sell,
    /// A side word the documents don't list, kept as sent (boxed, so a `Side` is 16 bytes).
    Other(Box<Shared>),
}

impl Side {
    /// Parses a venue side word, case-insensitively; unknown words are kept as [`Side::Other`].
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "buy" | "b" | "bid" => Side::Buy,
            "sell" | "s" | "ask" | "offer" => Side::Sell,
            _ => Side::Other(s.into()),
        }
    }

    /// The API word: `buy`, `sell`, or the unknown text.
    pub fn as_str(&self) -> &str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
            Side::Other(s) => s,
        }
    }
}

/// A boxed shared string (the 8-byte payload of [`Side::Other`] and [`OrderStatus::Other`]).
impl From<&str> for Box<Shared> {
    fn from(s: &str) -> Self {
        Box::new(intern(s))
    }
}

/// See `From<&str> for Box<Shared>`.
impl From<String> for Box<Shared> {
    fn from(s: String) -> Self {
        Box::new(intern(&s))
    }
}

/// Order (or multi-order) status. Covers every word the Tread.fi documents and official client
/// use; spelling variants collapse (`COMPLETE`/`COMPLETED`, `CANCELED`/`CANCELLED`); anything
/// else is kept verbatim in [`OrderStatus::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    /// `SCHEDULED`: accepted, starts later.
    Scheduled,
    /// `SUBMITTED`: sent, not yet working.
    Submitted,
    /// `ACTIVE`: working.
    Active,
    /// `FINISHER`: in its final clean-up phase.
    Finisher,
    /// `PAUSED`: stopped by a user or a condition, can be resumed.
    Paused,
    /// `COMPLETE` / `COMPLETED`.
    Complete,
    /// `CANCELED` / `CANCELLED`.
    Canceled,
    /// `FAILED`.
    Failed,
    /// A word the documents don't list, kept as sent (boxed, so an `OrderStatus` is 16 bytes).
    Other(Box<Shared>),
}

impl OrderStatus {
    /// Parses a venue status word, case-insensitively.
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "SCHEDULED" => Self::Scheduled,
            "SUBMITTED" => Self::Submitted,
            "ACTIVE" => Self::Active,
            "FINISHER" => Self::Finisher,
            "PAUSED" => Self::Paused,
            "COMPLETE" | "COMPLETED" => Self::Complete,
            "CANCELED" | "CANCELLED" => Self::Canceled,
            "FAILED" => Self::Failed,
            _ => Self::Other(s.into()),
        }
    }

    /// Display word (upper case, canonical spelling; unknown words as sent).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Scheduled => "SCHEDULED",
            Self::Submitted => "SUBMITTED",
            Self::Active => "ACTIVE",
            Self::Finisher => "FINISHER",
            Self::Paused => "PAUSED",
            Self::Complete => "COMPLETE",
            Self::Canceled => "CANCELED",
            Self::Failed => "FAILED",
            Self::Other(s) => s,
        }
    }

    /// True for states that will not change again (complete, canceled, failed, `EXPIRED`).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Complete | Self::Canceled | Self::Failed)
            // Anboto's and AlphaSec's `EXPIRED` (no domain word of its own) is final too.
            || matches!(self, Self::Other(w) if w.trim().eq_ignore_ascii_case("EXPIRED"))
    }
}

/// A limit price: Tread's `limit_price` is "a price or an expression"; `-1`, `""` and `null`
/// mean no limit and decode to `None` in [`Order::limit_price`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitPrice {
    /// A plain price in quote asset per base asset.
    Price(Decimal),
    /// A price expression the venue evaluates (kept verbatim).
    Expression(String),
}

mod execution;
mod intern;
mod messages;
mod order;
mod page;
mod shared_list;
pub mod symbol;

pub use execution::{Fill, FillStats, Placement};
pub use intern::{Shared, intern};
pub use messages::{MessageLevel, OrderMessage};
pub use order::{ExecutionStats, MultiOrder, Order, OrderExtra, Unreadable};
pub use page::{BadRow, Page};
pub use shared_list::SharedList;
