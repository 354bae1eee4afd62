//! An SSH edge that strangers can reach: a flood of idle connections and bad keys on loopback
//! (bounded in count and time; attackers on their own loopback addresses) leaves the edge's
//! descriptors bounded, and a legitimate user still gets in. Outcomes are asserted, never
//! timings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

#[path = "common/ssh.rs"]
mod ssh;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use blotter::feed::FeedConfig;
use blotter::serve::guard::GuardOptions;
use blotter::serve::hub::Hub;
use blotter::serve::keys::fingerprint;
use blotter::serve::{self, Role, ServeOptions, Venues};
use blotter::sim::{self, SimConfig};
use blotter::venue::treadfi::TreadfiClient;
use russh::client;
use russh::keys::PrivateKeyWithHashAlg;
use ssh::*;

/// Idle connections the flood opens from one address.
const IDLE: usize = 300;
/// Bad-key logins the flood tries from another address.
const BAD_KEYS: usize = 20;
/// Longest any one attacker connection is given.
const ATTEMPT: Duration = Duration::from_secs(10);

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

async fn from(ip: [u8; 4], to: SocketAddr) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::from(ip), 0))?;
    tokio::time::timeout(ATTEMPT, socket.connect(to))
        .await
        .map_err(|_| std::io::Error::other("connect timed out"))?
}

/// One login with a key nobody authorized, from `ip`; true if it got in.
async fn bad_key(ip: [u8; 4], to: SocketAddr) -> bool {
    let attempt = async {
        let stream = from(ip, to).await.ok()?;
        let mut h = client::connect_stream(Arc::new(client::Config::default()), stream, Trust)
            .await
            .ok()?;
        let key = PrivateKeyWithHashAlg::new(Arc::new(new_key()), None);
        h.authenticate_publickey("mallory", key)
            .await
            .ok()
            .map(|r| r.success())
    };
    tokio::time::timeout(ATTEMPT, attempt)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_idle_connections_and_bad_keys_leaves_descriptors_bounded_and_a_user_gets_in() {
    let sim = sim::spawn(SimConfig {
        auto_advance: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client =
        TreadfiClient::new(&sim.base_url(), Some(sim.token()), Duration::from_secs(10)).unwrap();
    let hub = Hub::start(Arc::new(client), FeedConfig::default(), false);
    let dir = tempfile::tempdir().unwrap();
    let user = new_key();
    let authorized = dir.path().join("authorized_keys");
    let line = user.public_key().to_openssh().unwrap();
    std::fs::write(&authorized, format!("{line} alice@desk\n")).unwrap();
    let guard = GuardOptions {
        preauth_timeout: Duration::from_secs(3),
        max_unauthenticated: 64,
        max_unauthenticated_per_address: 4,
        connections_per_minute: 30,
        connection_burst: 10,
        auth_failures_per_minute: 6,
        auth_failure_burst: 3,
        auth_failure_delay: Duration::from_millis(200),
    };
    let opts = ServeOptions {
        host_key: new_key(),
        authorized_keys: Some(authorized),
        max_sessions: 8,
        idle_timeout: None,
        default_role: Role::Viewer,
        roles: [(fingerprint(user.public_key()), Role::Trader)].into(),
        demo_user: false,
        demo_role: Role::Viewer,
        mouse: false,
        audit_file: None,
        prefs: Default::default(),
        guard: guard.clone(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = serve::start(
        listener,
        opts,
        Venues {
            main: vec![hub.clone()],
            demo: None,
        },
    )
    .await
    .unwrap();
    let addr = server.local_addr();
    let baseline = open_fds();

    // The flood: idle connections that never say a word, from 127.0.0.2, held open…
    let mut idle = Vec::new();
    for _ in 0..IDLE {
        if let Ok(s) = from([127, 0, 0, 2], addr).await {
            idle.push(s);
        }
    }
    // …and logins with keys nobody authorized, from 127.0.0.3, all at once.
    let tries = (0..BAD_KEYS).map(|_| bad_key([127, 0, 0, 3], addr));
    let got_in = futures_util::future::join_all(tries).await;
    assert!(got_in.iter().all(|ok| !ok), "no bad key gets in");

    // A legitimate user, from its own address, gets in and sees the blotter.
    let t = ssh::connect(addr, "alice", &user, (120, 30)).await;
    t.wait_rows().await;

    let stats = server.stats();
    let during = open_fds();
    println!(
        "fds: baseline {baseline}, during the flood {during} (the test holds {} idle attacker sockets); \
         refused before the handshake {}, rejected keys {}, unauthenticated now {}",
        idle.len(),
        stats.refused_guard.load(Ordering::SeqCst),
        stats.auth_failures.load(Ordering::SeqCst),
        server.guard().unauthenticated(),
    );
    assert_eq!(idle.len(), IDLE, "the flood really connected");
    assert!(stats.refused_guard.load(Ordering::SeqCst) > 0);
    assert!(stats.auth_failures.load(Ordering::SeqCst) >= 1);
    assert!(
        server.guard().unauthenticated() <= 2 * guard.max_unauthenticated_per_address,
        "the edge holds a few unauthenticated connections per address, not the flood"
    );
    // The test's own sockets (the idle ones it still holds, the legitimate session) plus what
    // the edge keeps: a few per attacking address, never one per attacker connection.
    let slack = 40;
    assert!(
        during <= baseline + IDLE + 2 * guard.max_unauthenticated_per_address + slack,
        "descriptors: baseline {baseline}, during {during}"
    );
    // Those it held are closed when their time to authenticate runs out.
    let g = server.guard().clone();
    wait_until("unauthenticated connections to be closed", || {
        g.unauthenticated() == 0
    })
    .await;
    assert!(stats.preauth_timeouts.load(Ordering::SeqCst) >= 1);
    assert!(g.tracked_addresses() <= 16, "per-address state stays small");
    assert!(
        !t.closed.load(Ordering::SeqCst),
        "the user's session goes on"
    );
    drop(idle);
    drop(t);
    server.shutdown().await;
    hub.stop();
    sim.shutdown().await;
}
