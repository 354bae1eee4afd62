//! `update`: the only place state changes. [`update`] is a short dispatcher; each concern has
//! its own file:
//! - [`input`]: keys and the mouse in normal mode (navigation, filter, what a key asks for);
//! - [`dialogs`]: confirmation, amend form, kill switch, detail view, audit log viewer;
//! - [`actions`]: what is asked, refused (capabilities, in flight) and sent, once;
//! - [`feed`]: venue pages, pushed updates, failures and action replies;
//! - [`alerts`]: flashes, status lines and the bell on changes;
//! - [`derived`]: rows that must stay in step with the data, and a selection kept visible.

use std::cmp::Reverse;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

use super::amend::AmendForm;
use super::book::*;
use super::keymap::KeyAction;
use super::modal::*;
use super::msg::*;
use super::prefs::AlertAction;
use super::state::*;
use super::venues::*;
use crate::domain::{Order, OrderId, OrderStatus, VenueId};
use crate::format;
use crate::venue::{Action, PushEvent, VenueError};

mod actions;
mod alerts;
mod derived;
mod dialogs;
mod feed;
mod input;

use actions::*;
use alerts::*;
use derived::*;
use dialogs::*;
use feed::*;
use input::*;

pub use dialogs::kill_targets;

pub(crate) use alerts::AlertMemory;

/// Applies one message to the state and returns the effects to carry out.
pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Key(key) => {
            let cmds = on_key(state, key);
            look_at_selection(state);
            cmds
        }
        Msg::Resize { width, height } => {
            state.size = (width, height);
            for tab in Tab::ALL {
                keep_visible(state, tab);
            }
            Vec::new()
        }
        Msg::Mouse(m) => {
            on_mouse(state, m);
            look_at_selection(state);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            state.flashes.retain(|_, f| f.until > now);
            Vec::new()
        }
        Msg::LastActions(acted) => {
            state.book.set_last_actions(acted);
            Vec::new()
        }
        Msg::Audit(loaded) => {
            if let Some(Modal::Audit(view)) = &mut state.modal {
                view.loaded = Some(loaded);
                view.offset = 0;
            }
            Vec::new()
        }
        Msg::Feed(mut ev) => {
            stamp(&mut ev);
            if state.freeze.on && is_data(&ev) {
                queue(state, ev);
                Vec::new()
            } else {
                on_feed(state, ev)
            }
        }
    }
}

fn info(state: &State, text: String) -> Banner {
    Banner {
        text,
        level: BannerLevel::Info,
        at: state.now,
    }
}

fn error(state: &State, text: String) -> Banner {
    Banner {
        text,
        level: BannerLevel::Error,
        at: state.now,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn describe(e: &VenueError) -> String {
    e.to_string()
}
