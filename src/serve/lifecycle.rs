//! A session's life around its event loop: its place among `max_sessions`, input that ends
//! when idle, the frames' writer, and what happens when it panics (and the debug hook that
//! makes it panic in tests).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::Event;
use futures_util::Stream;
use russh::ChannelId;
use russh::server::Handle;
use tokio::sync::mpsc;

use std::net::SocketAddr;

use jiff::Timestamp;

use super::hub::Hub;
use super::session::{Identity, Shared};
use super::term::{self, ColorDepth, SharedSize, SshBackend};
use super::{ServeStats, spawn_counted};
use crate::app::{State, VenueState};

/// Longest wait for the goodbye bytes to leave before the channel is closed anyway.
const GOODBYE_WAIT: Duration = Duration::from_secs(5);
/// What a client whose session panicked is told (the panic itself goes to the server's log).
const PANIC_GOODBYE: &str =
    "blotter: internal error; this session was closed and the error logged. Please reconnect.";

/// Test hook, debug builds only: the next key press of a session whose SSH user is `user`
/// panics inside that session's event loop, so tests can check that a panic ends that session
/// only. Release builds compile it to nothing.
#[doc(hidden)]
pub fn debug_panic_next_key(user: &str) {
    #[cfg(debug_assertions)]
    if let Ok(mut armed) = PANIC_ARMED.lock() {
        armed.push(user.to_owned());
    }
    #[cfg(not(debug_assertions))]
    let _ = user;
}

/// Users armed by [`debug_panic_next_key`].
#[cfg(debug_assertions)]
static PANIC_ARMED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Panics when `user` was armed by [`debug_panic_next_key`] (debug builds only).
pub(super) fn debug_panic_for(user: &str) {
    #[cfg(debug_assertions)]
    {
        let armed = PANIC_ARMED.lock().map(|mut armed| {
            let at = armed.iter().position(|u| u == user);
            at.map(|i| armed.remove(i)).is_some()
        });
        #[allow(clippy::panic, reason = "a test hook: the panic is the point")]
        if armed.unwrap_or(false) {
            panic!("deliberate panic in {user}'s session (debug_panic_next_key)");
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = user;
}

/// The text of a panic's payload (`panic!` with a string or a formatted message).
pub(super) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// A place among `max_sessions`, given back when dropped.
pub(super) struct Slot(Arc<ServeStats>);

impl Slot {
    pub(super) fn acquire(stats: &Arc<ServeStats>, max: usize) -> Option<Self> {
        stats
            .sessions
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        stats.sessions_total.fetch_add(1, Ordering::Relaxed);
        Some(Self(stats.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.sessions.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Input events, ending after `idle` without any (then `idled` is set).
pub(super) fn idle_input(
    rx: mpsc::Receiver<io::Result<Event>>,
    idle: Option<Duration>,
    idled: Arc<AtomicBool>,
) -> impl Stream<Item = io::Result<Event>> + Unpin {
    Box::pin(futures_util::stream::unfold(
        (rx, idle, idled),
        |(mut rx, idle, idled)| async move {
            let item = match idle {
                Some(d) => match tokio::time::timeout(d, rx.recv()).await {
                    Ok(item) => item,
                    Err(_) => {
                        idled.store(true, Ordering::SeqCst);
                        None
                    }
                },
                None => rx.recv().await,
            };
            item.map(|ev| (ev, (rx, idle, idled)))
        },
    ))
}

/// Sends frames to the client in order, waiting for its window; closes the channel when the
/// session is done with it.
pub(super) async fn write_frames(
    handle: Handle,
    channel: ChannelId,
    mut frames: mpsc::Receiver<Vec<u8>>,
) {
    while let Some(frame) = frames.recv().await {
        if handle.data(channel, frame).await.is_err() {
            return;
        }
    }
    let _ = handle.exit_status_request(channel, 0).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
}

/// What a session starts with.
pub(super) struct Setup {
    pub(super) identity: Identity,
    /// One shared feed per venue this user sees.
    pub(super) hubs: Vec<Arc<Hub>>,
    pub(super) depth: ColorDepth,
    pub(super) size: SharedSize,
    pub(super) peer: Option<SocketAddr>,
}

/// `alice (viewer)` for the header: the user, and always the role.
fn who(identity: &Identity) -> String {
    format!("{} ({})", identity.user, identity.role.as_str())
}

/// The session's starting state: every venue of its hubs, this user's name and role in the
/// header, the client's size and colours.
fn session_state(
    hubs: &[Arc<Hub>],
    identity: &Identity,
    depth: ColorDepth,
    size: (u16, u16),
) -> State {
    let venues = hubs
        .iter()
        .map(|h| {
            VenueState::new(h.id().clone(), h.venue().name(), h.venue().capabilities())
                .described_by(h.venue().as_ref())
        })
        .collect();
    let mut state = State::with_venues(venues, Timestamp::now());
    state.who = Some(who(identity));
    state.demo = hubs.iter().any(|h| h.is_demo());
    state.refresh_secs = hubs.iter().map(|h| h.refresh_secs()).max().unwrap_or(2);
    state.color = depth != ColorDepth::Mono;
    state.size = size;
    state
}

pub(super) async fn run_session(
    shared: Arc<Shared>,
    setup: Setup,
    handle: Handle,
    channel: ChannelId,
    input: mpsc::Receiver<io::Result<Event>>,
    slot: Slot,
) {
    let Setup {
        identity,
        hubs,
        depth,
        size,
        peer,
    } = setup;
    let stats = &shared.stats;
    let mouse = shared.opts.mouse;
    tracing::info!(user = %identity.user, role = identity.role.as_str(), peer = ?peer, "session started");
    let (frames_tx, frames_rx) = mpsc::channel(term::FRAME_QUEUE);
    spawn_counted(stats, write_frames(handle, channel, frames_rx));
    let _ = frames_tx.send(term::enter_sequence(mouse)).await;

    let backend = SshBackend::new(size.clone(), depth, frames_tx.clone(), stats.output.clone());
    let mut terminal = match ratatui::Terminal::new(backend) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot set up the session's terminal");
            return;
        }
    };
    let mut state = session_state(&hubs, &identity, depth, size.get());
    state.apply_prefs(&shared.opts.prefs);

    let who = crate::actions::Actor {
        user: identity.user.clone(),
        source: match &identity.key {
            Some(fp) => format!("ssh {fp}"),
            None => "ssh demo".into(),
        },
        role: identity.role,
    };
    let (feed, events_rx) =
        super::commands::attach(&hubs, who, shared.opts.audit_file.clone(), stats).await;

    let idled = Arc::new(AtomicBool::new(false));
    let input = idle_input(input, shared.opts.idle_timeout, idled.clone());
    let input = {
        use futures_util::StreamExt;
        let user = identity.user.clone();
        input.inspect(move |ev| {
            if matches!(ev, Ok(Event::Key(_))) {
                debug_panic_for(&user);
            }
        })
    };
    // The anonymous demo user does not get to read the server's audit log.
    let opts = crate::tui::LoopOptions {
        export_dir: None,
        audit_file: if identity.demo {
            None
        } else {
            shared.opts.audit_file.clone()
        },
        filter_history: None,
    };
    // A panic in this session's update or render (or anything else its loop runs) ends this
    // session only: it is caught here, logged, and the client is told; other sessions, the
    // shared feeds and the server go on.
    let run = crate::tui::run_with(&mut terminal, state, &feed, events_rx, input, &opts);
    let result = {
        use futures_util::FutureExt;
        std::panic::AssertUnwindSafe(run).catch_unwind().await
    };
    drop(feed);
    drop(terminal);
    let result = match result {
        Ok(result) => result,
        Err(payload) => {
            tracing::error!(
                user = %identity.user,
                panic = %panic_text(payload.as_ref()),
                "session panicked; this session was closed, the others go on"
            );
            let goodbye = term::leave_sequence(mouse, Some(PANIC_GOODBYE));
            let _ = tokio::time::timeout(GOODBYE_WAIT, frames_tx.send(goodbye)).await;
            drop(frames_tx);
            drop(slot);
            return;
        }
    };

    let message = if idled.load(Ordering::SeqCst) {
        let mins = shared.opts.idle_timeout.map_or(0, |d| d.as_secs() / 60);
        Some(format!(
            "blotter: closed after {mins} minutes without input."
        ))
    } else {
        result
            .as_ref()
            .err()
            .map(|e| format!("blotter: session ended: {e}"))
    };
    match &result {
        Ok(_) => tracing::info!(user = %identity.user, idle = message.is_some(), "session ended"),
        Err(e) => tracing::info!(user = %identity.user, error = %e, "session ended"),
    }
    let goodbye = term::leave_sequence(mouse, message.as_deref());
    let _ = tokio::time::timeout(GOODBYE_WAIT, frames_tx.send(goodbye)).await;
    drop(frames_tx);
    drop(slot);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_limited_and_slots_come_back() {
        let stats = Arc::new(ServeStats::default());
        let a = Slot::acquire(&stats, 2);
        let b = Slot::acquire(&stats, 2);
        assert!(a.is_some() && b.is_some());
        assert!(Slot::acquire(&stats, 2).is_none(), "full");
        drop(a);
        assert!(Slot::acquire(&stats, 2).is_some());
    }
}
