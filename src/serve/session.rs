//! One SSH connection: authentication, the pty and environment it asks for, and the blotter
//! session that runs for its shell channel (the same event loop as the local terminal).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::Event;
use futures_util::Stream;
use jiff::Timestamp;
use russh::server::VerifiedPublicKey;
use russh::server::{Auth, ChannelOpenHandle, Handle, Msg, PublicKeyOffer, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet, Pty};
use tokio::sync::mpsc;

use super::config::Role;
use super::hub::Hub;
use super::input::InputParser;
use super::keys::{AuthorizedKey, AuthorizedKeys};
use super::term::{self, ColorDepth, SharedSize, SshBackend};
use super::{ServeOptions, ServeStats, Venues, spawn_counted};
use crate::app::{State, VenueState};

/// Key presses queued per session before the connection's reader waits.
const INPUT_QUEUE: usize = 256;
/// Longest wait for the goodbye bytes to leave before the channel is closed anyway.
const GOODBYE_WAIT: Duration = Duration::from_secs(5);
/// Longest SSH user name shown and audited (client-chosen text).
const MAX_USER_LEN: usize = 32;
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
fn debug_panic_for(user: &str) {
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
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// State shared by every connection of a server.
pub(crate) struct Shared {
    pub(crate) opts: ServeOptions,
    pub(crate) venues: Venues,
    pub(crate) stats: Arc<ServeStats>,
}

/// Creates a [`Connection`] per client.
pub(crate) struct Server {
    shared: Arc<Shared>,
}

impl Server {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

impl russh::server::Server for Server {
    type Handler = Connection;

    fn new_client(&mut self, peer: Option<SocketAddr>) -> Connection {
        Connection {
            shared: self.shared.clone(),
            peer,
            identity: None,
            channel: None,
            term: None,
            colorterm: None,
            no_color: false,
            size: SharedSize::new(80, 24),
            input: None,
            parser: InputParser::default(),
        }
    }

    fn handle_session_error(&mut self, error: russh::Error) {
        tracing::debug!(error = %error, "ssh connection ended with an error");
    }
}

/// Who is logged in on a connection.
#[derive(Debug, Clone)]
struct Identity {
    /// SSH user name (sanitised, shortened).
    user: String,
    role: Role,
    /// Fingerprint of the key used; `None` for the anonymous demo user.
    key: Option<String>,
    /// Anonymous demo login: demo venue only.
    demo: bool,
}

/// One SSH connection (russh handler).
pub(crate) struct Connection {
    shared: Arc<Shared>,
    peer: Option<SocketAddr>,
    identity: Option<Identity>,
    /// The session channel (one per connection).
    channel: Option<ChannelId>,
    term: Option<String>,
    colorterm: Option<String>,
    no_color: bool,
    size: SharedSize,
    /// Input of the running session, if one runs.
    input: Option<mpsc::Sender<io::Result<Event>>>,
    parser: InputParser,
}

/// A client-chosen user name made safe to show and log.
fn clean_user(user: &str) -> String {
    let mut out = crate::sanitize::clean_truncated(user, MAX_USER_LEN).into_owned();
    if out.is_empty() {
        out.push('?');
    }
    out
}

fn publickey_only() -> Auth {
    let mut methods = MethodSet::empty();
    methods.push(MethodKind::PublicKey);
    Auth::Reject {
        proceed_with_methods: Some(methods),
        partial_success: false,
    }
}

impl Connection {
    /// The authorized entry for `key`, reading the file afresh.
    async fn authorized(&self, key: &russh::keys::PublicKey) -> Option<AuthorizedKey> {
        let path = self.shared.opts.authorized_keys.clone()?;
        let text = match tokio::fs::read_to_string(&path).await {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot read authorized_keys");
                return None;
            }
        };
        AuthorizedKeys::parse(&text).0.find(key).cloned()
    }

    /// Starts the blotter for the shell channel (or tells the client the server is full).
    fn start(&mut self, channel: ChannelId, handle: Handle) {
        let Some(identity) = self.identity.clone() else {
            return;
        };
        let shared = self.shared.clone();
        let Some(slot) = Slot::acquire(&shared.stats, shared.opts.max_sessions) else {
            shared.stats.refused_full.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(user = %identity.user, max = shared.opts.max_sessions, "session refused: server full");
            let text = format!(
                "blotter: all {} sessions are in use; please try again later.\r\n",
                shared.opts.max_sessions
            );
            spawn_counted(&shared.stats, async move {
                let _ = handle.data(channel, text.into_bytes()).await;
                let _ = handle.exit_status_request(channel, 1).await;
                let _ = handle.eof(channel).await;
                let _ = handle.close(channel).await;
            });
            return;
        };
        let hubs = if identity.demo {
            shared.venues.demo.clone()
        } else {
            Some(shared.venues.main.clone())
        };
        let Some(hubs) = hubs.filter(|h| !h.is_empty()) else {
            return;
        };
        let (tx, rx) = mpsc::channel(INPUT_QUEUE);
        self.input = Some(tx);
        let setup = Setup {
            identity,
            hubs,
            depth: ColorDepth::detect(
                self.term.as_deref(),
                self.colorterm.as_deref(),
                self.no_color,
            ),
            size: self.size.clone(),
            peer: self.peer,
        };
        let stats = shared.stats.clone();
        spawn_counted(
            &stats,
            run_session(shared, setup, handle, channel, rx, slot),
        );
    }
}

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        if self.shared.opts.demo_user && user == "demo" && self.shared.venues.demo.is_some() {
            tracing::info!(peer = ?self.peer, "ssh login: anonymous demo user");
            self.identity = Some(Identity {
                user: "demo".into(),
                role: self.shared.opts.demo_role,
                key: None,
                demo: true,
            });
            return Ok(Auth::Accept);
        }
        Ok(publickey_only())
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(match self.authorized(offer.public_key).await {
            Some(_) => Auth::Accept,
            None => publickey_only(),
        })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let Some(entry) = self.authorized(key.public_key).await else {
            return Ok(publickey_only());
        };
        let opts = &self.shared.opts;
        let role = opts
            .roles
            .get(&entry.fingerprint)
            .copied()
            .unwrap_or(opts.default_role);
        let user = clean_user(user);
        tracing::info!(user = %user, key = %entry.fingerprint, role = role.as_str(), peer = ?self.peer, "ssh login");
        self.identity = Some(Identity {
            user,
            role,
            key: Some(entry.fingerprint),
            demo: false,
        });
        Ok(Auth::Accept)
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.identity.is_none() || self.channel.is_some() {
            // One blotter per connection; dropping the handle refuses the channel.
            return Ok(());
        }
        self.channel = Some(channel.id());
        reply.accept().await;
        // Requests and data arrive through this handler's callbacks, not the channel object.
        drop(channel);
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.term = Some(term.to_string());
        self.size.set(clamp16(col_width), clamp16(row_height));
        session.channel_success(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match name {
            "TERM" => self.term = Some(value.to_string()),
            "COLORTERM" => self.colorterm = Some(value.to_string()),
            "NO_COLOR" => self.no_color = !value.is_empty(),
            _ => return session.channel_failure(channel),
        }
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel != Some(channel) || self.input.is_some() {
            return session.channel_failure(channel);
        }
        session.channel_success(channel)?;
        self.start(channel, session.handle());
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)?;
        session.data(
            channel,
            b"blotter serve runs the blotter only: connect without a command (ssh -t).\r\n"
                .to_vec(),
        )?;
        session.exit_status_request(channel, 2)?;
        session.eof(channel)?;
        session.close(channel)
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(tx) = &self.input {
            for ev in self.parser.feed(data) {
                if tx.send(Ok(ev)).await.is_err() {
                    self.input = None;
                    break;
                }
            }
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (w, h) = (clamp16(col_width), clamp16(row_height));
        self.size.set(w, h);
        if let Some(tx) = &self.input {
            let _ = tx.send(Ok(Event::Resize(w, h))).await;
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // No more input: the session ends (its loop sees the input stream close).
        self.input = None;
        Ok(())
    }

    async fn channel_close(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.input = None;
        Ok(())
    }
}

fn clamp16(v: u32) -> u16 {
    u16::try_from(v).unwrap_or(u16::MAX).max(1)
}

/// A place among `max_sessions`, given back when dropped.
struct Slot(Arc<ServeStats>);

impl Slot {
    fn acquire(stats: &Arc<ServeStats>, max: usize) -> Option<Self> {
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

/// What a session starts with.
struct Setup {
    identity: Identity,
    /// One shared feed per venue this user sees.
    hubs: Vec<Arc<Hub>>,
    depth: ColorDepth,
    size: SharedSize,
    peer: Option<SocketAddr>,
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

/// Input events, ending after `idle` without any (then `idled` is set).
fn idle_input(
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
async fn write_frames(handle: Handle, channel: ChannelId, mut frames: mpsc::Receiver<Vec<u8>>) {
    while let Some(frame) = frames.recv().await {
        if handle.data(channel, frame).await.is_err() {
            return;
        }
    }
    let _ = handle.exit_status_request(channel, 0).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
}

async fn run_session(
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
    use crate::actions::authorize;
    use crate::domain::OrderId;
    use crate::venue::Action;

    #[test]
    fn a_viewer_is_refused_before_any_request_and_a_trader_is_not() {
        let a = Action::Cancel(OrderId::new("o1"));
        let refused = authorize(Role::Viewer, &a, "Tread.fi");
        assert!(
            matches!(&refused, Err(e) if e.to_string().contains("read-only (viewer)")),
            "{refused:?}"
        );
        assert!(authorize(Role::Trader, &a, "Tread.fi").is_ok());
    }

    #[test]
    fn user_names_are_cleaned_and_shortened() {
        assert_eq!(clean_user("al\x1b[31mice"), "al␛[31mice");
        assert_eq!(clean_user(&"x".repeat(100)).chars().count(), MAX_USER_LEN);
        assert_eq!(clean_user(""), "?");
    }

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
