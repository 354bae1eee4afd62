//! Past one machine, with the real server: one feed process against the simulator publishing
//! on a `nats-server` (JetStream on, started here on a free loopback port with a temporary
//! store), SSH edges fed only from NATS, sessions driven through real SSH and read through a
//! VT100 emulator. Skips with a loud message only when `nats-server` cannot be found.
//! No timed assertions: every wait is for something to appear, with a generous deadline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

#[path = "common/nats_server.rs"]
mod nats_server;
#[path = "common/ssh.rs"]
mod ssh;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use blotter::feed::FeedConfig;
use blotter::nats::edge::{self, Edge};
use blotter::nats::feed::{FeedPolicy, FeedPublisher};
use blotter::nats::{NatsOptions, Reply, Request, Who};
use blotter::serve::hub::Hub;
use blotter::serve::keys::fingerprint;
use blotter::serve::{self, Role, ServeHandle, ServeOptions, Venues};
use blotter::sim::{self, SimConfig, SimHandle};
use blotter::venue::treadfi::TreadfiClient;
use blotter::venue::{Action, Venue};
use nats_server::NatsServer;
use russh::keys::PrivateKey;
use ssh::*;

/// The feed process: the simulator's venue, its one shared feed, published on NATS.
struct Feed {
    hub: Arc<Hub>,
    publisher: FeedPublisher,
}

/// An SSH edge fed from NATS.
struct EdgeRig {
    edge: Edge,
    server: ServeHandle,
}

struct Rig {
    nats: NatsServer,
    sim: SimHandle,
    client: TreadfiClient,
    feed: Option<Feed>,
    edges: Vec<EdgeRig>,
    trader: PrivateKey,
    viewer: PrivateKey,
    authorized: PathBuf,
    audit: PathBuf,
    _dir: tempfile::TempDir,
}

async fn nats_client(url: &str, name: &str) -> async_nats::Client {
    blotter::nats::connect(&NatsOptions {
        url: url.to_owned(),
        name: name.to_owned(),
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A nats-server, the simulator, a feed process and `edges` SSH edges; `None` (skip) without
/// a nats-server.
async fn rig(edges: usize) -> Option<Rig> {
    let nats = NatsServer::start()?;
    let dir = tempfile::tempdir().unwrap();
    let sim = sim::spawn(SimConfig {
        auto_advance: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client =
        TreadfiClient::new(&sim.base_url(), Some(sim.token()), Duration::from_secs(10)).unwrap();
    let (trader, viewer) = (new_key(), new_key());
    let line = |k: &PrivateKey| k.public_key().to_openssh().unwrap_or_default();
    let authorized = dir.path().join("authorized_keys");
    std::fs::write(
        &authorized,
        format!(
            "{} trader@desk\n{} viewer@desk\n",
            line(&trader),
            line(&viewer)
        ),
    )
    .unwrap();
    let mut rig = Rig {
        nats,
        sim,
        client,
        feed: None,
        edges: Vec::new(),
        trader,
        viewer,
        authorized,
        audit: dir.path().join("audit.jsonl"),
        _dir: dir,
    };
    rig.start_feed().await;
    for _ in 0..edges {
        rig.add_edge().await;
    }
    Some(rig)
}

impl Rig {
    async fn start_feed(&mut self) {
        let venue = TreadfiClient::new(
            &self.sim.base_url(),
            Some(self.sim.token()),
            Duration::from_secs(10),
        )
        .unwrap();
        let hub = Hub::start(
            Arc::new(venue),
            FeedConfig {
                interval: Duration::from_millis(500),
                ..FeedConfig::default()
            },
            false,
        );
        let policy = FeedPolicy {
            audit_file: Some(self.audit.clone()),
            roles: [
                (fingerprint(self.trader.public_key()), Role::Trader),
                (fingerprint(self.viewer.public_key()), Role::Viewer),
            ]
            .into(),
            demo_role: Role::Viewer,
        };
        let client = nats_client(&self.nats.url(), "feed").await;
        let publisher = blotter::nats::feed::publish(client, vec![hub.clone()], policy)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        self.feed = Some(Feed { hub, publisher });
    }

    /// The feed process goes away (its heartbeat, stream and responder with it).
    fn kill_feed(&mut self) {
        if let Some(feed) = self.feed.take() {
            feed.publisher.stop();
            feed.hub.stop();
        }
    }

    async fn add_edge(&mut self) {
        let client = nats_client(&self.nats.url(), "edge").await;
        let edge = edge::start(client, Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let opts = ServeOptions {
            host_key: new_key(),
            authorized_keys: Some(self.authorized.clone()),
            max_sessions: 32,
            idle_timeout: None,
            default_role: Role::Viewer,
            roles: [(fingerprint(self.trader.public_key()), Role::Trader)].into(),
            demo_user: false,
            demo_role: Role::Viewer,
            mouse: false,
            audit_file: None,
            prefs: Default::default(),
            guard: blotter::serve::guard::GuardOptions::lenient(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let venues = Venues {
            main: edge.hubs.clone(),
            demo: None,
        };
        let server = serve::start(listener, opts, venues).await.unwrap();
        self.edges.push(EdgeRig { edge, server });
    }

    async fn connect(&self, edge: usize, user: &str, key: &PrivateKey) -> Term {
        ssh::connect(self.edges[edge].server.local_addr(), user, key, (120, 30)).await
    }

    fn api_requests(&self, method: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/api/") && r.method == method)
            .count()
    }

    /// The short ids of the venue's open orders, read from the simulator directly.
    async fn venue_ids(&self) -> BTreeSet<String> {
        let page = self.client.active_orders().await.unwrap();
        page.rows.iter().map(|o| o.id.short().to_owned()).collect()
    }

    fn audit_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.audit)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    async fn stop(mut self) {
        for e in self.edges.drain(..) {
            e.server.shutdown().await;
            e.edge.stop();
        }
        self.kill_feed();
        self.sim.shutdown().await;
        self.nats.stop();
    }
}

/// `feed stale 12s` on screen: its age in seconds.
fn stale_age(screen: &str) -> Option<u64> {
    let at = screen.find("feed stale ")?;
    let rest = &screen[at + "feed stale ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_edges_show_the_same_orders_and_a_pushed_fill_reaches_both() {
    let Some(rig) = rig(2).await else { return };
    let a = rig.connect(0, "alice", &rig.viewer).await;
    let b = rig.connect(1, "bob", &rig.viewer).await;
    a.wait_rows().await;
    b.wait_rows().await;
    let venue = rig.venue_ids().await;
    for t in [&a, &b] {
        t.wait_for("the venue's orders, each once", |s| {
            let ids = row_ids(s);
            let set: BTreeSet<String> = ids.iter().cloned().collect();
            set.len() == ids.len() && set == venue
        })
        .await;
    }
    let before = fill_rows(&a.screen());
    assert!(!before.is_empty());
    // Fills happen at the venue and are pushed (the simulator's WebSocket) to the feed.
    rig.sim.advance(3);
    wait_until("the same new fills on both edges", || {
        let (ra, rb) = (fill_rows(&a.screen()), fill_rows(&b.screen()));
        !ra.is_empty() && ra != before && ra == rb
    })
    .await;
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn venue_requests_are_the_same_with_one_edge_as_with_three() {
    let Some(mut rig) = rig(1).await else { return };
    let window = Duration::from_secs(3);
    let first = rig.connect(0, "s0", &rig.viewer).await;
    first.wait_rows().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    rig.sim.clear_requests();
    tokio::time::sleep(window).await;
    let one = rig.api_requests("GET");

    rig.add_edge().await;
    rig.add_edge().await;
    let mut terms = vec![first];
    for e in 1..3 {
        for s in 0..2 {
            terms.push(rig.connect(e, &format!("s{e}{s}"), &rig.viewer).await);
        }
    }
    for t in &terms {
        t.wait_rows().await;
    }
    rig.sim.clear_requests();
    tokio::time::sleep(window).await;
    let three = rig.api_requests("GET");
    println!("venue GET requests in {window:?}: 1 edge {one}, 3 edges (5 sessions) {three}");
    assert!(one > 0);
    // One feed process either way; the slack is for polls landing either side of the window.
    assert!(
        three <= one + one / 2 + 4,
        "3 edges made {three} requests vs {one} for one"
    );
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_one_edge_leaves_the_other_edges_sessions() {
    let Some(mut rig) = rig(2).await else { return };
    let a = rig.connect(0, "alice", &rig.viewer).await;
    let b = rig.connect(1, "bob", &rig.viewer).await;
    a.wait_rows().await;
    b.wait_rows().await;
    let gone = rig.edges.remove(0);
    gone.server.shutdown().await;
    gone.edge.stop();
    a.wait_closed().await;
    let before = fill_rows(&b.screen());
    rig.sim.advance(3);
    b.wait_for("fills still reaching the other edge", |s| {
        let rows = fill_rows(s);
        !rows.is_empty() && rows != before
    })
    .await;
    assert!(
        !b.closed.load(Ordering::SeqCst),
        "the other edge's session goes on"
    );
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarting_nats_edges_say_so_then_recover_from_the_bucket_with_every_order_once() {
    let Some(mut rig) = rig(2).await else { return };
    let a = rig.connect(0, "alice", &rig.viewer).await;
    let b = rig.connect(1, "bob", &rig.viewer).await;
    a.wait_rows().await;
    b.wait_rows().await;
    a.wait_text("feed ● live").await;
    b.wait_text("feed ● live").await;
    rig.nats.stop();
    a.wait_text("feed lost — reconnecting").await;
    b.wait_text("feed lost — reconnecting").await;
    // Orders change at the venue while NATS is down.
    rig.sim.advance(20);
    rig.nats.restart();
    let venue = rig.venue_ids().await;
    for t in [&a, &b] {
        t.wait_for(
            "recovery: the venue's orders, each once, link no longer lost",
            |s| {
                let ids = row_ids(s);
                let set: BTreeSet<String> = ids.iter().cloned().collect();
                !s.contains("feed lost")
                    && s.contains("feed ● live")
                    && set.len() == ids.len()
                    && set == venue
            },
        )
        .await;
    }
    assert_eq!(fill_rows(&a.screen()).len(), fill_rows(&b.screen()).len());
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_feed_shows_stale_with_its_age_and_actions_are_refused_with_the_reason() {
    let Some(mut rig) = rig(1).await else { return };
    let t = rig.connect(0, "alice", &rig.trader).await;
    t.wait_rows().await;
    rig.kill_feed();
    rig.sim.clear_requests();
    let s = t
        .wait_for("the feed shown stale, aged past 3 heartbeats", |s| {
            stale_age(s).is_some_and(|age| age >= 4)
        })
        .await;
    assert!(
        s.contains("BTC-USDT"),
        "the last data stays on screen:\n{s}"
    );
    t.send(b"c").await;
    t.wait_text("Cancel order?").await;
    t.send(b"y").await;
    let s = t.wait_text("cancel not sent").await;
    assert!(s.contains("feed stale"), "{s}");
    assert_eq!(rig.api_requests("DELETE"), 0, "nothing reached the venue");
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_from_an_edge_is_sent_once_audited_once_and_answered_on_the_asking_session() {
    let Some(rig) = rig(2).await else { return };
    let asker = rig.connect(0, "alice", &rig.trader).await;
    let other = rig.connect(1, "carol", &rig.trader).await;
    asker.wait_rows().await;
    other.wait_rows().await;
    asker.send(b"c").await;
    asker.wait_text("Cancel order?").await;
    asker.send(b"y").await;
    let s = asker.wait_text("canceled").await;
    let banner = s
        .lines()
        .find(|l| l.contains("canceled"))
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(rig.api_requests("DELETE"), 1, "sent once");
    let lines = rig.audit_lines();
    assert_eq!(lines.len(), 1, "audited once: {lines:?}");
    assert_eq!(lines[0]["user"], "alice");
    assert_eq!(lines[0]["outcome"]["ok"], true);
    let fp = fingerprint(rig.trader.public_key());
    assert_eq!(lines[0]["source"], format!("ssh {fp}"));
    // Give the other edge time to draw anything it (wrongly) received.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        !other.screen().contains(&banner),
        "the reply is shown only where it was asked"
    );
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewers_request_forged_onto_nats_is_refused_and_audited() {
    let Some(rig) = rig(0).await else { return };
    let id = rig
        .client
        .active_orders()
        .await
        .unwrap()
        .rows
        .first()
        .unwrap()
        .id
        .clone();
    let client = nats_client(&rig.nats.url(), "forger").await;
    let viewer_fp = fingerprint(rig.viewer.public_key());
    let forged = [
        // An edge asking for a viewer anyway.
        Who {
            user: "bob".into(),
            source: format!("ssh {viewer_fp}"),
            role: Role::Viewer,
        },
        // A viewer's key claimed to be a trader's.
        Who {
            user: "mallory".into(),
            source: format!("ssh {viewer_fp}"),
            role: Role::Trader,
        },
    ];
    for who in forged {
        let req = Request::Act {
            who,
            action: Action::Cancel(id.clone()),
        };
        let msg = client
            .request("blotter.v0.req", serde_json::to_vec(&req).unwrap().into())
            .await
            .unwrap();
        let reply: Reply = serde_json::from_slice(&msg.payload).unwrap();
        match reply {
            Reply::Acted { result, sent, .. } => {
                assert!(!sent);
                let e = result.unwrap_err().to_string();
                assert!(e.contains("read-only (viewer)"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(rig.api_requests("DELETE"), 0, "nothing reached the venue");
    let lines = rig.audit_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["user"], "bob");
    assert_eq!(lines[1]["user"], "mallory");
    assert!(lines.iter().all(|l| l["outcome"]["ok"] == false));
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_in_sequence_numbers_means_re_reading_the_bucket_never_a_wrong_screen() {
    use async_nats::jetstream;
    use blotter::app::FeedEvent;
    use blotter::domain::{Order, OrderStatus, Page, Side};
    let Some(mut rig) = rig(0).await else { return };
    let client = nats_client(&rig.nats.url(), "forger").await;
    let js = jetstream::new(client);
    let stream = js.get_stream("BLOTTER_V0").await.unwrap();
    wait_until_async("the feed to publish", || async {
        js.get_stream("BLOTTER_V0")
            .await
            .map(|s| s.cached_info().state.last_sequence > 2)
            .unwrap_or(false)
    })
    .await;
    rig.kill_feed();
    // The bucket says "nothing yet" and the stream's next message is far ahead of that: an
    // edge must not apply it.
    stream.purge().await.unwrap();
    let kv = js.get_key_value("blotter").await.unwrap();
    let empty = blotter::nats::StateRecord {
        seq: 1,
        events: Vec::new(),
    };
    kv.put("v0.state", serde_json::to_vec(&empty).unwrap().into())
        .await
        .unwrap();
    let bogus = FeedEvent::ActiveOrders {
        venue: Default::default(),
        page: Page::of(vec![Order::new(
            "gapgapgap1",
            "GAP-TEST",
            Side::Buy,
            OrderStatus::Active,
        )]),
        at: jiff::Timestamp::now(),
    };
    js.publish(
        "blotter.v0.events",
        serde_json::to_vec(&bogus).unwrap().into(),
    )
    .await
    .unwrap()
    .await
    .unwrap();
    rig.add_edge().await;
    let t = rig.connect(0, "alice", &rig.viewer).await;
    let gaps = || rig.edges[0].edge.gaps();
    wait_until("the gap to be seen", || gaps() >= 1).await;
    assert!(!t.screen().contains("GAP-TEST"), "{}", t.screen());
    // The feed comes back: its full state lands in the bucket and the edge shows it.
    rig.start_feed().await;
    let venue = rig.venue_ids().await;
    t.wait_for("the venue's orders", |s| {
        let ids: BTreeSet<String> = row_ids(s).into_iter().collect();
        ids == venue
    })
    .await;
    assert!(!t.screen().contains("GAP-TEST"));
    rig.stop().await;
}

async fn wait_until_async<F, Fut>(what: &str, mut pred: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !pred().await {
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edge_may_publish_only_to_the_request_subject() {
    use async_nats::jetstream;
    // The sample as written, but for its store directory (the test's own, given with -sd).
    let sample = include_str!("../assets/nats-server.conf");
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("nats-server.conf");
    let text: String = sample
        .lines()
        .filter(|l| !l.trim_start().starts_with("store_dir"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&conf, text).unwrap();
    let env = vec![
        ("BLOTTER_FEED_PASSWORD".to_owned(), "feed-pw".to_owned()),
        ("BLOTTER_EDGE_PASSWORD".to_owned(), "edge-pw".to_owned()),
    ];
    let Some(nats) = NatsServer::start_with(Some((conf, env))) else {
        return;
    };
    let login = |user: &str, pw: &str| {
        async_nats::ConnectOptions::with_user_and_password(user.into(), pw.into())
            .connect(nats.url())
    };
    let sim = sim::spawn(SimConfig {
        auto_advance: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let venue =
        TreadfiClient::new(&sim.base_url(), Some(sim.token()), Duration::from_secs(10)).unwrap();
    let hub = Hub::start(Arc::new(venue), FeedConfig::default(), false);
    let feed = login("feed", "feed-pw").await.unwrap();
    let publisher = blotter::nats::feed::publish(feed, vec![hub.clone()], FeedPolicy::default())
        .await
        .unwrap();

    // With only the edge's permissions, an edge follows the feed…
    let edge_client = login("edge", "edge-pw").await.unwrap();
    let edge = edge::start(edge_client.clone(), Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let remote = edge.hubs[0].clone();
    wait_until("the edge to hold the venue's orders", || {
        remote
            .subscribe()
            .initial
            .iter()
            .any(|e| matches!(e, blotter::app::FeedEvent::ActiveOrders { page, .. } if !page.rows.is_empty()))
    })
    .await;
    // …and asks it things on the request subject…
    let ask = serde_json::to_vec(&Request::Refresh).unwrap();
    let reply = edge_client
        .request("blotter.v0.req", ask.into())
        .await
        .unwrap();
    let reply: Reply = serde_json::from_slice(&reply.payload).unwrap();
    assert!(matches!(reply, Reply::Refreshed), "{reply:?}");
    // …but cannot publish events, write the bucket or change streams.
    let js = jetstream::new(edge_client.clone());
    let forged = js.publish("blotter.v0.events", "{}".into()).await;
    let acked = match forged {
        Ok(ack) => ack.await.is_ok(),
        Err(_) => false,
    };
    assert!(!acked, "an edge's event was stored");
    let kv = js.get_key_value("blotter").await.unwrap();
    assert!(
        kv.put("v0.state", "{}".into()).await.is_err(),
        "an edge wrote the bucket"
    );
    assert!(
        js.delete_stream("BLOTTER_V0").await.is_err(),
        "an edge deleted a stream"
    );
    edge.stop();
    publisher.stop();
    hub.stop();
    sim.shutdown().await;
}

/// Makes a throwaway CA and a server certificate for 127.0.0.1 signed by it (openssl), and
/// returns (CA file, server cert, server key); `None` (the caller skips, saying so) without
/// `openssl`.
fn test_pki(dir: &std::path::Path) -> Option<(PathBuf, PathBuf, PathBuf)> {
    let run = |args: &[&str]| {
        std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    let ok = run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "1",
        "-subj",
        "/CN=blotter-test-ca",
    ]) && run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]) && run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "1",
        "-extfile",
        "san.ext",
    ]);
    if !ok {
        eprintln!("\n!!!!!!!! SKIPPED: openssl could not make a test certificate !!!!!!!!\n");
        return None;
    }
    Some((
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_url_connects_to_a_tls_server_trusting_the_ca_named_by_nats_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let Some((ca, cert, key)) = test_pki(dir.path()) else {
        return;
    };
    let conf = dir.path().join("tls.conf");
    std::fs::write(
        &conf,
        format!(
            "tls {{\n  cert_file: \"{}\"\n  key_file: \"{}\"\n}}\n",
            cert.display(),
            key.display()
        ),
    )
    .unwrap();
    let Some(server) = NatsServer::start_with(Some((conf, Vec::new()))) else {
        return;
    };
    let url = server.url().replacen("nats://", "tls://", 1);
    // Only this test sets it; other tests use nats:// URLs, where an extra root changes nothing.
    // SAFETY: set before this test's client starts; no other test reads or writes it.
    unsafe { std::env::set_var(blotter::nats::ENV_CA_FILE, &ca) };
    let client = blotter::nats::connect(&NatsOptions {
        url: url.clone(),
        name: "tls-test".into(),
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // A round trip over the TLS link proves the handshake (the server requires TLS). The
    // client retries in the background while it cannot connect, so the whole trip is timed.
    let trip = async {
        let mut sub = client.subscribe("tls.check").await.unwrap();
        client
            .publish("tls.check", "over tls".into())
            .await
            .unwrap();
        client.flush().await.unwrap();
        futures_util::StreamExt::next(&mut sub).await
    };
    let msg = tokio::time::timeout(Duration::from_secs(10), trip)
        .await
        .unwrap_or_else(|_| panic!("no message over {url}: TLS link not up"))
        .unwrap();
    assert_eq!(&msg.payload[..], b"over tls");
    assert!(
        client.server_info().tls_required,
        "the server did not require TLS"
    );
}
