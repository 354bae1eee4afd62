//! How the app sees each venue connection: its name, capabilities, connection and push
//! state, and how fresh each tab's data from it is.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::VenueId;
use crate::venue::Capabilities;

/// Freshness of one data set: when it last loaded, the last error and how many rows the venue
/// sent that could not be decoded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Freshness {
    /// When the last successful fetch completed (UTC).
    pub updated_at: Option<Timestamp>,
    /// The last failure's text and time, cleared by the next success.
    pub error: Option<(String, Timestamp)>,
    /// Rows in the last page that failed to decode (also logged).
    pub bad_rows: usize,
    /// The last read stopped at a page or row cap: the venue has more rows than are shown.
    pub capped: bool,
}

/// Connection state of the venue feed, shown in the header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Connection {
    /// No answer yet.
    #[default]
    Connecting,
    /// Polling, last request succeeded.
    Polling,
    /// Last request failed; retrying after backoff.
    Retrying {
        /// Why.
        error: String,
    },
    /// The venue rejected the key (401/403): retrying slowly.
    AuthFailed {
        /// The venue's message.
        error: String,
    },
}

/// State of the venue's push channel (WebSocket), shown in the header.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PushStatus {
    /// Not connected yet.
    #[default]
    Connecting,
    /// The venue has no push channel: polling only.
    Unavailable,
    /// Connected and subscribed: updates arrive live.
    Live,
    /// The server answered the upgrade with an HTTP status (no push channel there): polling
    /// at the normal rate; the next attempt is at `retry_at`, minutes away.
    NoChannel {
        /// What the server answered, e.g. `HTTP 404`.
        error: String,
        /// When it will try again (UTC).
        retry_at: Timestamp,
    },
    /// Down; the next attempt is at `retry_at`.
    Reconnecting {
        /// Why it went down.
        error: String,
        /// When it will try again (UTC).
        retry_at: Timestamp,
    },
    /// The venue rejected the key on the push channel.
    AuthFailed {
        /// The venue's message.
        error: String,
        /// When it will try again (UTC).
        retry_at: Timestamp,
    },
}

/// One venue connection as the app sees it: its name, what it supports and how it is doing.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueState {
    /// Key stamped on its rows (`[[venue]] name`; empty in a single-venue blotter).
    pub id: VenueId,
    /// Display name, e.g. `Tread.fi`, `Anboto`, `AlphaSec (read-only)`.
    pub name: String,
    /// What it supports (actions are refused per row from this).
    pub capabilities: Capabilities,
    /// Polling health (from the active-orders poller).
    pub connection: Connection,
    /// Push channel state.
    pub push: PushStatus,
    /// Per-tab freshness of this venue's data.
    pub freshness: [Freshness; super::Tab::COUNT],
    /// How its venue-wide requests read on screen, in the venue's own words.
    pub wide_requests: WideRequests,
}

/// How a venue's venue-wide requests read in a confirmation, from
/// [`crate::venue::Venue::describe_request`] (e.g. `POST /api/pause_all_orders/`), so no venue
/// path is spelled outside its adapter. `None`: the venue did not say (shown generically).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WideRequests {
    /// The pause-everything request.
    pub pause_all: Option<String>,
    /// The cancel-everything request (paused orders included).
    pub cancel_all: Option<String>,
}

impl VenueState {
    /// A venue that has not answered yet.
    pub fn new(id: VenueId, name: impl Into<String>, capabilities: Capabilities) -> Self {
        Self {
            id,
            name: name.into(),
            capabilities,
            connection: Connection::Connecting,
            push: PushStatus::Connecting,
            freshness: Default::default(),
            wide_requests: WideRequests::default(),
        }
    }

    /// This venue with its venue-wide requests described by the venue itself.
    pub fn described_by(mut self, venue: &dyn crate::venue::Venue) -> Self {
        use crate::venue::Action;
        let id = self.id.clone();
        self.wide_requests = WideRequests {
            pause_all: venue.describe_request(&Action::PauseAll { venue: id.clone() }),
            cancel_all: venue.describe_request(&Action::CancelAll {
                venue: id,
                account_names: Vec::new(),
            }),
        };
        self
    }
}

/// The link of a NATS edge (`blotter serve --nats`, `blotter --nats`) to the feed process, as
/// the header shows it: `feed ● live`, `feed lost — reconnecting`, `feed stale 42s`. Absent
/// (`State::link` is `None`) in a blotter that talks to the venues itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedLink {
    /// Connected to NATS and the feed process's heartbeat is fresh.
    Live,
    /// NATS is unreachable; the client is reconnecting.
    Lost,
    /// NATS is up but the feed process's last heartbeat was at this time (UTC); the age is
    /// shown counting up.
    Stale {
        /// Time of the last heartbeat seen.
        since: Timestamp,
    },
}

impl FeedLink {
    /// The header's words at `now`: `feed ● live`, `feed lost — reconnecting`,
    /// `feed stale 42s`.
    pub fn text(&self, now: Timestamp) -> String {
        match self {
            FeedLink::Live => "feed ● live".to_owned(),
            FeedLink::Lost => "feed lost — reconnecting".to_owned(),
            FeedLink::Stale { since } => format!(
                "feed stale {}",
                crate::format::duration(now.duration_since(*since).as_secs().max(0))
            ),
        }
    }
}
