//! The server's accept loop, in place of russh's `run_on_socket`: each connection passes the
//! [`Guard`](super::guard::Guard) (per-address rates, unauthenticated caps) before any
//! handshake, and is closed if it has not authenticated within the pre-authentication time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use russh::Disconnect;
use tokio::net::TcpListener;
use tokio::sync::broadcast;

use super::session::{Connection, Server, Shared};

/// Longest wait for a disconnected session to finish.
const CLOSE_WAIT: Duration = Duration::from_secs(5);
/// Pause after the listener fails (e.g. out of descriptors) before accepting again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Accepts connections until `shutdown` says so; every running session is then disconnected
/// with its message.
pub(super) async fn run(
    listener: TcpListener,
    config: Arc<russh::server::Config>,
    shared: Arc<Shared>,
    shutdown: broadcast::Sender<String>,
) -> std::io::Result<()> {
    let mut stop = shutdown.subscribe();
    let mut server = Server::new(shared.clone());
    loop {
        let (socket, peer) = tokio::select! {
            _ = stop.recv() => return Ok(()),
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let pending = match shared.guard.admit(peer.ip(), Instant::now()) {
            Ok(p) => p,
            Err(why) => {
                shared.stats.refused_guard.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(peer = %peer, why = ?why, "connection refused before the handshake");
                drop(socket);
                continue;
            }
        };
        if let Err(e) = socket.set_nodelay(true) {
            tracing::debug!(error = %e, "set_nodelay failed");
        }
        let handler = server.client(peer, pending);
        let authed = handler.authed();
        tokio::spawn(connection(
            config.clone(),
            socket,
            handler,
            authed,
            shutdown.subscribe(),
            shared.clone(),
        ));
    }
}

/// One connection: the handshake and authentication within the pre-authentication time, then
/// the session until it ends or the server shuts down.
async fn connection(
    config: Arc<russh::server::Config>,
    socket: tokio::net::TcpStream,
    handler: Connection,
    authed: Arc<AtomicBool>,
    mut stop: broadcast::Receiver<String>,
    shared: Arc<Shared>,
) {
    let deadline = tokio::time::Instant::now() + shared.guard.opts.preauth_timeout;
    let session =
        match tokio::time::timeout_at(deadline, russh::server::run_stream(config, socket, handler))
            .await
        {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "ssh connection setup failed");
                return;
            }
            Err(_) => {
                shared
                    .stats
                    .preauth_timeouts
                    .fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
    let handle = session.handle();
    let watchdog = async {
        tokio::time::sleep_until(deadline).await;
        if authed.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(session);
    tokio::select! {
        reason = stop.recv() => {
            let reason = reason.unwrap_or_default();
            let _ = handle.disconnect(Disconnect::ByApplication, reason, String::new()).await;
        }
        r = &mut session => {
            if let Err(e) = r {
                tracing::debug!(error = %e, "ssh connection ended with an error");
            }
            return;
        }
        () = watchdog => {
            shared.stats.preauth_timeouts.fetch_add(1, Ordering::Relaxed);
            tracing::debug!("closing a connection that did not authenticate in time");
            let _ = handle
                .disconnect(
                    Disconnect::ByApplication,
                    "authentication took too long".into(),
                    String::new(),
                )
                .await;
        }
    }
    let _ = tokio::time::timeout(CLOSE_WAIT, session).await;
}
