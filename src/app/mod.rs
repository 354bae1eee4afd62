//! Application state and the pure `update(state, msg) -> commands` function.
//!
//! No IO and no clock reads here: time arrives in messages ([`Msg::Tick`], and the `at` of every
//! feed event), so every behaviour is a unit test.

pub mod amend;
mod book;
pub mod help;
pub mod history;
pub mod keymap;
pub mod layout;
mod modal;
mod msg;
pub mod prefs;
pub mod prompt;
mod state;
mod update;
mod venues;
pub mod view;

pub use book::{Applied, Book, ErrorGroup, ErrorGrouping, TreeRow};
pub use modal::*;
pub use msg::*;
pub use prefs::{AlertAction, Alerts, Prefs, SavedView};
pub use prompt::{Edit, FilterHistory, Prompt};
pub use state::*;
pub use update::{kill_targets, update};
pub use venues::*;
