//! `blotter serve`: the blotter over SSH.
//!
//! Each SSH connection gets its own blotter session — its own [`crate::app::State`] (tab,
//! selection, filter, size, colour depth) driven by the same event loop as the local terminal
//! ([`crate::tui::run_with`]) — and every session of a venue is fed by **one** shared feed
//! ([`hub::Hub`]), so a hundred viewers cost the venue what one costs.
//!
//! ```text
//!  venue ──► feed (once) ──► Hub ──broadcast──► forwarder ──► session loop ──► SshBackend ──► writer ──► SSH channel
//!                             │ snapshot          (per session, bounded)   (State, update,   (drops/      (awaits the
//!                             └► new or lagging sessions start from it      ui::render)        coalesces)   client window)
//!  keys ◄── InputParser ◄── SSH data                 │
//!                                                    └► command path: role check, act, audit (SSH user)
//! ```
//!
//! - [`keys`]: host key (created on first run, 0600) and `authorized_keys`.
//! - [`config`]: the `[serve]` config section and [`Role`]s.
//! - [`guard`]: limits before login (time to authenticate, unauthenticated caps, per-address
//!   token buckets for connections and rejected keys); `accept` applies them (private).
//! - [`hub`]: the shared feed with its snapshot; its events come from the venue's feed in this
//!   process or, on an edge, from a feed process over NATS ([`crate::nats`]).
//! - [`commands`]: a blotter attached to hubs (events in, refreshes and actions out).
//! - [`term`]: the per-session ratatui backend, colour depth, enter/leave sequences.
//! - [`input`]: bytes → crossterm events.
//! - `session`: the russh handler (private); `lifecycle`: the session task around its event
//!   loop (private).

mod accept;
pub mod commands;
pub mod config;
pub mod guard;
pub mod hub;
pub mod input;
pub mod keys;
mod lifecycle;
mod session;
pub mod term;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

pub use config::{Role, ServeSection};
use russh::keys::PrivateKey;
#[doc(hidden)]
pub use session::debug_panic_next_key;
use tokio::net::TcpListener;

/// Everything a running server needs besides its venues.
pub struct ServeOptions {
    /// The host key (never logged or shown; its fingerprint is).
    pub host_key: PrivateKey,
    /// The `authorized_keys` file, re-read at every login. `None`: no key can log in (only
    /// the demo user, if enabled).
    pub authorized_keys: Option<PathBuf>,
    /// Most sessions at once.
    pub max_sessions: usize,
    /// A session without input for this long is closed (`None`: never).
    pub idle_timeout: Option<Duration>,
    /// Role of an authorized key not in `roles`.
    pub default_role: Role,
    /// Role by key fingerprint (`SHA256:…`).
    pub roles: BTreeMap<String, Role>,
    /// Accept the anonymous `demo` user (demo venue only).
    pub demo_user: bool,
    /// Role of the demo user.
    pub demo_role: Role,
    /// Enable mouse reporting in sessions (`[ui] mouse`).
    pub mouse: bool,
    /// Audit log of actions from sessions (`None`: not audited).
    pub audit_file: Option<PathBuf>,
    /// Saved views and columns from the config, for every session.
    pub prefs: crate::app::Prefs,
    /// Limits before authentication (time, counts, per-address rates, failure delay).
    pub guard: guard::GuardOptions,
}

impl ServeOptions {
    /// Options from the `[serve]` section, with the host key and the resolved paths.
    pub fn from_section(
        section: &ServeSection,
        host_key: PrivateKey,
        authorized_keys: Option<PathBuf>,
    ) -> Self {
        Self {
            host_key,
            authorized_keys,
            max_sessions: section.max_sessions.max(1),
            idle_timeout: (section.idle_timeout_secs > 0)
                .then(|| Duration::from_secs(section.idle_timeout_secs)),
            default_role: section.default_role,
            roles: section.roles.clone(),
            demo_user: section.demo_user,
            demo_role: section.demo_role,
            mouse: false,
            audit_file: None,
            prefs: crate::app::Prefs::default(),
            guard: section.guard(),
        }
    }
}

/// The shared feeds sessions attach to: one [`hub::Hub`] per venue, in configuration order.
#[derive(Clone)]
pub struct Venues {
    /// The configured venues (keys in `authorized_keys` see these, side by side).
    pub main: Vec<Arc<hub::Hub>>,
    /// The demo venues for the anonymous `demo` user (may be the same hubs as `main` when the
    /// server itself runs on the demo venue). Required when `demo_user` is on.
    pub demo: Option<Vec<Arc<hub::Hub>>>,
}

/// Live counters of a server (all readable while it runs).
#[derive(Debug, Default)]
pub struct ServeStats {
    /// Sessions running now.
    pub sessions: AtomicUsize,
    /// Sessions started since the server started.
    pub sessions_total: AtomicU64,
    /// Sessions refused because the server was full.
    pub refused_full: AtomicU64,
    /// Connections closed before the handshake: the address opened them too fast, failed to
    /// authenticate too often, or too many were waiting to authenticate.
    pub refused_guard: AtomicU64,
    /// Connections closed for not authenticating in time.
    pub preauth_timeouts: AtomicU64,
    /// Rejected keys.
    pub auth_failures: AtomicU64,
    /// Tasks of sessions still alive (session loop, writer, forwarder, command path and
    /// in-flight actions); back to 0 when every session has ended.
    pub tasks: AtomicUsize,
    /// Frames and bytes sent, frames dropped.
    pub output: Arc<term::OutputStats>,
}

/// Counts one live task in [`ServeStats::tasks`] until dropped.
struct TaskGuard(Arc<ServeStats>);

impl TaskGuard {
    fn new(stats: Arc<ServeStats>) -> Self {
        stats.tasks.fetch_add(1, Ordering::SeqCst);
        Self(stats)
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0.tasks.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Spawns `fut`, counted in [`ServeStats::tasks`] while it runs.
fn spawn_counted<F>(stats: &Arc<ServeStats>, fut: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let guard = TaskGuard::new(stats.clone());
    tokio::spawn(async move {
        let _guard = guard;
        fut.await;
    });
}

/// A running server.
pub struct ServeHandle {
    addr: SocketAddr,
    stats: Arc<ServeStats>,
    shutdown: tokio::sync::broadcast::Sender<String>,
    guard: Arc<guard::Guard>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl ServeHandle {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its counters.
    pub fn stats(&self) -> &Arc<ServeStats> {
        &self.stats
    }

    /// Its pre-authentication limits, live (unauthenticated connections now, addresses
    /// tracked).
    pub fn guard(&self) -> &Arc<guard::Guard> {
        &self.guard
    }

    /// Disconnects every session and stops listening.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send("blotter serve is shutting down".into());
        let _ = self.task.await;
    }
}

fn russh_config(opts: &ServeOptions) -> russh::server::Config {
    use russh::{MethodKind, MethodSet};
    let mut methods = MethodSet::empty();
    methods.push(MethodKind::PublicKey);
    if opts.demo_user {
        methods.push(MethodKind::None);
    }
    russh::server::Config {
        methods,
        keys: vec![opts.host_key.clone()],
        auth_rejection_time: opts.guard.auth_failure_delay,
        auth_rejection_time_initial: Some(Duration::ZERO),
        // Idle sessions are closed by the session itself (with a message); dead connections
        // by keep-alives.
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        nodelay: true,
        ..Default::default()
    }
}

/// Starts serving on `listener` (already bound) and returns at once.
///
/// # Errors
/// When the listener's address cannot be read.
pub async fn start(
    listener: TcpListener,
    opts: ServeOptions,
    venues: Venues,
) -> std::io::Result<ServeHandle> {
    let addr = listener.local_addr()?;
    let config = Arc::new(russh_config(&opts));
    let stats = Arc::new(ServeStats::default());
    let guard = Arc::new(guard::Guard::new(opts.guard.clone()));
    let shared = Arc::new(session::Shared {
        opts,
        venues,
        stats: stats.clone(),
        guard: guard.clone(),
    });
    let (shutdown, _) = tokio::sync::broadcast::channel(1);
    let task = tokio::spawn(accept::run(listener, config, shared, shutdown.clone()));
    Ok(ServeHandle {
        addr,
        stats,
        shutdown,
        guard,
        task,
    })
}
