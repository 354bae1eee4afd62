//! What sits on top of the tabs: the banner line, and the dialogs (confirmation, amend form,
//! kill switch, detail, help, audit log viewer).

use jiff::Timestamp;

use super::amend::AmendForm;
use super::prompt::Prompt;
use crate::domain::OrderId;
use crate::venue::Action;

/// A transient message line (action replies, validation problems).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    /// Text shown (already sanitised when rendered).
    pub text: String,
    /// Colour class.
    pub level: BannerLevel,
    /// When it was raised.
    pub at: Timestamp,
}

/// Banner colour class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerLevel {
    /// Neutral information.
    Info,
    /// An action succeeded.
    Success,
    /// Something failed.
    Error,
}

/// A yes/no confirmation for one action. Defaults to **No**.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    /// The action to send on Yes.
    pub action: Action,
    /// Question, e.g. `Cancel order?`.
    pub title: String,
    /// Lines naming the order (pair, side, qty, id) and what will change.
    pub lines: Vec<String>,
    /// True when Yes is highlighted.
    pub yes: bool,
    /// Further actions sent with `action` (a bulk action over marked orders or a scope).
    pub more: Vec<Action>,
    /// A word that must be typed to confirm (`CANCEL` for cancelling everything); `y` alone
    /// is not enough.
    pub require_word: Option<String>,
    /// What has been typed so far towards `require_word` (edited like a shell line).
    pub typed: Prompt,
}

impl Confirm {
    /// Defaults for the fields beyond action/title/lines/yes: one action, no typed word.
    /// (Use with struct update syntax; its own action is a placeholder.)
    pub fn single() -> Self {
        Self {
            action: Action::Pause(OrderId::default()),
            title: String::new(),
            lines: Vec::new(),
            yes: false,
            more: Vec::new(),
            require_word: None,
            typed: Prompt::default(),
        }
    }
}

/// Scope of the kill switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KillScope {
    /// Every active order of one account.
    Account(String),
    /// Every order the current filter shows.
    Filter,
    /// Every active order.
    Everything,
}

/// The dialog on top of the tabs, if any.
#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    /// Help overlay generated from the keymap.
    Help,
    /// Confirmation of an action.
    Confirm(Confirm),
    /// Amend form.
    Amend(AmendForm),
    /// Every field of one order, its placements and messages.
    Detail(OrderId),
    /// Kill switch: choose the scope, then pause or cancel.
    Kill {
        /// Chosen scope, once chosen.
        scope: Option<KillScope>,
    },
    /// The audit log viewer (`L`).
    Audit(AuditView),
}

/// The audit log viewer: the newest entries of the log file, scrolled by `offset`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditView {
    /// `None` while loading; the entries or why they could not be read.
    pub loaded: Option<Result<crate::audit::AuditTail, String>>,
    /// First entry shown.
    pub offset: usize,
}
