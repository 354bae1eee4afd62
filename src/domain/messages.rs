//! Order messages (errors, warnings, info) and their [`MessageLevel`].

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{OrderId, VenueId};

/// Severity of an order message, from Tread's `message_type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MessageLevel {
    /// `ERROR`.
    Error,
    /// `WARN` / `WARNING`.
    Warn,
    /// `INFO`.
    Info,
    /// Any other word, kept as sent.
    Other(String),
}

impl MessageLevel {
    /// How bad it is: ERROR 3, WARN 2, INFO 1, anything else 0 (for "worst level" in groups).
    pub fn severity(&self) -> u8 {
        match self {
            MessageLevel::Error => 3,
            MessageLevel::Warn => 2,
            MessageLevel::Info => 1,
            MessageLevel::Other(_) => 0,
        }
    }

    /// Parses `message_type` case-insensitively.
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "ERROR" => Self::Error,
            "WARN" | "WARNING" => Self::Warn,
            "INFO" => Self::Info,
            _ => Self::Other(s.to_string()),
        }
    }

    /// Display word.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Error => "ERROR",
            Self::Warn => "WARN",
            Self::Info => "INFO",
            Self::Other(s) => s,
        }
    }
}

/// One order message (error, warning or info), from Tread's `/api/order_errors/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderMessage {
    /// The venue connection this row came from (stamped by the feed; not a venue field).
    #[serde(default)]
    pub venue: VenueId,
    /// The order the message is about (the response object's key).
    pub order_id: OrderId,
    /// `message_type`.
    pub level: MessageLevel,
    /// `message`.
    pub message: String,
    /// `created_at`, UTC.
    pub created_at: Option<Timestamp>,
}
