//! One SSH connection: authentication, the pty and environment it asks for, and the blotter
//! session that runs for its shell channel (the same event loop as the local terminal).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::Event;
use russh::server::VerifiedPublicKey;
use russh::server::{Auth, ChannelOpenHandle, Handle, Msg, PublicKeyOffer, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet, Pty};
use tokio::sync::mpsc;

use super::config::Role;
use super::guard::{Guard, Pending};
use super::input::InputParser;
use super::keys::{AuthorizedKey, AuthorizedKeys};
use super::term::{ColorDepth, SharedSize};
use super::{ServeOptions, ServeStats, Venues, spawn_counted};

/// Key presses queued per session before the connection's reader waits.
const INPUT_QUEUE: usize = 256;
/// Longest SSH user name shown and audited (client-chosen text).
const MAX_USER_LEN: usize = 32;
pub use super::lifecycle::debug_panic_next_key;
use super::lifecycle::{Setup, Slot, run_session};

/// State shared by every connection of a server.
pub(crate) struct Shared {
    pub(crate) opts: ServeOptions,
    pub(crate) venues: Venues,
    pub(crate) stats: Arc<ServeStats>,
    pub(crate) guard: Arc<Guard>,
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

impl Server {
    /// The handler of a new connection from `peer`, holding its unauthenticated place.
    pub(crate) fn client(&mut self, peer: SocketAddr, pending: Pending) -> Connection {
        Connection {
            shared: self.shared.clone(),
            peer: Some(peer),
            pending,
            authed: Arc::new(AtomicBool::new(false)),
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
}

/// Who is logged in on a connection.
#[derive(Debug, Clone)]
pub(super) struct Identity {
    /// SSH user name (sanitised, shortened).
    pub(super) user: String,
    pub(super) role: Role,
    /// Fingerprint of the key used; `None` for the anonymous demo user.
    pub(super) key: Option<String>,
    /// Anonymous demo login: demo venue only.
    pub(super) demo: bool,
}

/// One SSH connection (russh handler).
pub(crate) struct Connection {
    shared: Arc<Shared>,
    peer: Option<SocketAddr>,
    /// Its unauthenticated place (given back at login).
    pending: Pending,
    /// Set at login (the accept loop's pre-authentication timer reads it).
    authed: Arc<AtomicBool>,
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
    /// The login flag the accept loop watches.
    pub(crate) fn authed(&self) -> Arc<AtomicBool> {
        self.authed.clone()
    }

    /// Logged in: the unauthenticated place is given back.
    fn logged_in(&mut self) {
        self.authed.store(true, Ordering::SeqCst);
        self.pending.authenticated();
    }

    /// A key was rejected: counted against the address; when it has failed too often the
    /// connection is closed (an error ends it).
    fn rejected(&mut self) -> Result<Auth, russh::Error> {
        self.shared
            .stats
            .auth_failures
            .fetch_add(1, Ordering::Relaxed);
        let allowed = self.peer.is_none_or(|p| self.shared.guard.failed(p.ip()));
        if allowed {
            Ok(publickey_only())
        } else {
            tracing::warn!(peer = ?self.peer, "too many failed authentications from this address; closing");
            Err(russh::Error::Disconnect)
        }
    }

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
            self.logged_in();
            return Ok(Auth::Accept);
        }
        Ok(publickey_only())
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        match self.authorized(offer.public_key).await {
            Some(_) => Ok(Auth::Accept),
            None => self.rejected(),
        }
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let Some(entry) = self.authorized(key.public_key).await else {
            return self.rejected();
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
        self.logged_in();
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
}
