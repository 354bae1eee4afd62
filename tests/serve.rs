//! `blotter serve` end to end: real SSH (a russh client in-process, and the OpenSSH client in
//! tmux against the real binary) into sessions fed by one shared feed from the simulator.
//! Screens are read through a VT100 emulator. No timed assertions: every wait is for something
//! to appear, with a generous deadline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blotter::feed::FeedConfig;
use blotter::serve::hub::Hub;
use blotter::serve::keys::fingerprint;
use blotter::serve::{self, Role, ServeHandle, ServeOptions, Venues};
use blotter::sim::{self, SimConfig, SimHandle};
use blotter::venue::treadfi::TreadfiClient;
use russh::keys::PrivateKey;

#[path = "common/ssh.rs"]
mod ssh;
use ssh::*;

struct RigOpts {
    max_sessions: usize,
    idle: Option<Duration>,
    demo_user: bool,
    interval: Duration,
    /// Serve the simulator's three venues (Tread.fi, Anboto, AlphaSec) side by side.
    desk: bool,
    /// The config's views, columns, keys, theme and alerts for every session.
    prefs: blotter::app::Prefs,
}

impl Default for RigOpts {
    fn default() -> Self {
        Self {
            max_sessions: 32,
            idle: None,
            demo_user: false,
            interval: Duration::from_millis(500),
            desk: false,
            prefs: Default::default(),
        }
    }
}

/// A simulator, its shared feed and an SSH server in front of it; one trader and one viewer
/// key in `authorized_keys`.
struct Rig {
    sim: SimHandle,
    hub: Arc<Hub>,
    /// The other venues' hubs (with `desk`).
    others: Vec<Arc<Hub>>,
    demo: Option<(SimHandle, Arc<Hub>)>,
    server: ServeHandle,
    trader: PrivateKey,
    viewer: PrivateKey,
    audit: PathBuf,
    _dir: tempfile::TempDir,
}

async fn hub_on_sim(interval: Duration, demo: bool) -> (SimHandle, Arc<Hub>) {
    let sim = sim::spawn(SimConfig {
        auto_advance: false,
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let client = TreadfiClient::new(&sim.base_url(), Some(sim.token()), Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("{e}"));
    let hub = Hub::start(
        Arc::new(client),
        FeedConfig {
            interval,
            ..FeedConfig::default()
        },
        demo,
    );
    (sim, hub)
}

async fn rig(o: RigOpts) -> Rig {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (sim, hub) = hub_on_sim(o.interval, false).await;
    let others: Vec<Arc<Hub>> = if o.desk {
        hub.stop();
        blotter::desk::demo_venues(&sim, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|(venue_id, venue)| {
                let cfg = FeedConfig {
                    interval: o.interval,
                    venue_id,
                    ..FeedConfig::default()
                };
                Hub::start(venue, cfg, false)
            })
            .collect()
    } else {
        Vec::new()
    };
    let (hub, others) = match others.split_first() {
        Some((first, rest)) => (first.clone(), rest.to_vec()),
        None => (hub, others),
    };
    let demo = if o.demo_user {
        Some(hub_on_sim(o.interval, true).await)
    } else {
        None
    };
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
    .unwrap_or_else(|e| panic!("{e}"));
    let audit = dir.path().join("audit.jsonl");
    let opts = ServeOptions {
        host_key: new_key(),
        authorized_keys: Some(authorized),
        max_sessions: o.max_sessions,
        idle_timeout: o.idle,
        default_role: Role::Viewer,
        roles: [(fingerprint(trader.public_key()), Role::Trader)].into(),
        demo_user: o.demo_user,
        demo_role: Role::Viewer,
        mouse: false,
        audit_file: Some(audit.clone()),
        prefs: o.prefs.clone(),
        guard: blotter::serve::guard::GuardOptions::lenient(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let venues = Venues {
        main: std::iter::once(hub.clone())
            .chain(others.iter().cloned())
            .collect(),
        demo: demo.as_ref().map(|(_, h)| vec![h.clone()]),
    };
    let server = serve::start(listener, opts, venues)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Rig {
        sim,
        hub,
        others,
        demo,
        server,
        trader,
        viewer,
        audit,
        _dir: dir,
    }
}

impl Rig {
    /// Requests the simulator saw under `/api/`, by method.
    fn api_requests(&self, method: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/api/") && r.method == method)
            .count()
    }

    /// Requests the simulator saw whose path starts with `prefix`.
    fn requests_under(&self, prefix: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.path.starts_with(prefix))
            .count()
    }

    async fn wait_sessions_gone(&self) {
        let stats = self.server.stats().clone();
        let hub = self.hub.clone();
        wait_until("every session and its tasks to end", || {
            stats.sessions.load(Ordering::SeqCst) == 0
                && stats.tasks.load(Ordering::SeqCst) == 0
                && hub.subscribers() == 0
        })
        .await;
    }

    async fn stop(self) {
        self.server.shutdown().await;
        self.hub.stop();
        for hub in &self.others {
            hub.stop();
        }
        self.sim.shutdown().await;
        if let Some((sim, hub)) = self.demo {
            hub.stop();
            sim.shutdown().await;
        }
    }
}

async fn try_connect(
    rig: &Rig,
    user: &str,
    login: Login<'_>,
    size: (u16, u16),
) -> Result<Term, String> {
    ssh::try_connect(rig.server.local_addr(), user, login, size).await
}

async fn connect(rig: &Rig, user: &str, key: &PrivateKey, size: (u16, u16)) -> Term {
    ssh::connect(rig.server.local_addr(), user, key, size).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_shows_orders_switches_tabs_and_follows_resizes() {
    let rig = rig(RigOpts::default()).await;
    let t = connect(&rig, "alice", &rig.trader, (140, 36)).await;
    let s = t.wait_rows().await;
    assert!(s.contains("1 Active orders"), "{s}");
    assert!(s.contains("(trader)"), "the role in the header:\n{s}");
    assert!(table_header(&s).contains("Strategy"), "{s}");

    t.send(b"2").await;
    t.wait_text("┌ Multi-orders").await;
    // Shift-Tab from the second tab goes back to the first.
    t.send(b"\x1b[Z").await;
    t.wait_text("┌ Active orders").await;
    // Arrows move the selection; Enter opens the detail, Esc closes it.
    let first = t.selected_id();
    t.send(b"\x1b[B").await;
    t.wait_for("the selection to move", |_| t.selected_id() != first)
        .await;

    t.resize(90, 24).await;
    let s = t
        .wait_for("the narrow layout", |s| {
            let h = table_header(s);
            h.contains("Pair") && !h.contains("Strategy")
        })
        .await;
    assert!(
        s.lines().all(|l| l.chars().count() <= 90),
        "drawn for 90 columns:\n{s}"
    );

    // q quits: the terminal is handed back and the channel closes with status 0.
    t.send(b"q").await;
    assert_eq!(t.wait_closed().await, Some(0));
    let restored = t.parser.lock().map(|p| p.screen().alternate_screen()).ok();
    assert_eq!(restored, Some(false), "main screen restored");
    rig.wait_sessions_gone().await;
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_cannot_cancel_and_a_trader_can_both_audited_with_the_ssh_user() {
    let rig = rig(RigOpts::default()).await;
    let viewer = connect(&rig, "bob", &rig.viewer, (140, 36)).await;
    viewer.wait_rows().await;
    viewer.send(b"c").await;
    viewer.wait_text("Cancel order?").await;
    viewer.send(b"y").await;
    viewer.wait_text("read-only (viewer)").await;
    assert_eq!(rig.api_requests("DELETE"), 0, "nothing reached the venue");
    assert_eq!(rig.api_requests("POST"), 0, "nothing reached the venue");

    let trader = connect(&rig, "alice", &rig.trader, (140, 36)).await;
    trader.wait_rows().await;
    trader.send(b"c").await;
    trader.wait_text("Cancel order?").await;
    trader.send(b"y").await;
    trader.wait_text("canceled").await;
    assert_eq!(
        rig.api_requests("DELETE"),
        1,
        "the trader's cancel was sent once"
    );

    let audit = std::fs::read_to_string(&rig.audit).unwrap_or_default();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), 2, "{audit}");
    assert_eq!(lines[0]["user"], "bob");
    assert_eq!(lines[0]["outcome"]["ok"], false);
    assert_eq!(lines[1]["user"], "alice");
    assert_eq!(lines[1]["outcome"]["ok"], true);
    let fp = fingerprint(rig.trader.public_key());
    assert_eq!(lines[1]["source"], format!("ssh {fp}"));
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_sessions_cost_the_venue_what_one_costs_and_keep_their_own_selection() {
    let rig = rig(RigOpts {
        interval: Duration::from_millis(250),
        ..RigOpts::default()
    })
    .await;
    let window = Duration::from_secs(3);
    let first = connect(&rig, "s0", &rig.viewer, (140, 36)).await;
    first.wait_rows().await;
    // Past the start-up burst (every poller fetches once when the push channel comes up).
    tokio::time::sleep(Duration::from_secs(1)).await;
    rig.sim.clear_requests();
    tokio::time::sleep(window).await;
    let one = rig.api_requests("GET");

    let mut terms = vec![first];
    for i in 1..20 {
        terms.push(connect(&rig, &format!("s{i}"), &rig.viewer, (140, 36)).await);
    }
    for t in &terms {
        t.wait_rows().await;
    }
    assert_eq!(rig.hub.subscribers(), 20);
    rig.sim.clear_requests();
    tokio::time::sleep(window).await;
    let twenty = rig.api_requests("GET");
    println!("venue GET requests in {window:?}: 1 session {one}, 20 sessions {twenty}");
    assert!(one > 0);
    // One feed either way; the slack is for polls landing either side of the window edges.
    assert!(
        twenty <= 2 * one + 10,
        "20 sessions made {twenty} requests vs {one} for one"
    );

    // Session i moves down i % 4 rows and must then show the (i % 4)-th order selected, whatever
    // the other sessions do.
    for (i, t) in terms.iter().enumerate() {
        for _ in 0..i % 4 {
            t.send(b"j").await;
        }
    }
    let mut selected = Vec::new();
    for (i, t) in terms.iter().enumerate() {
        let k = i % 4;
        t.wait_for("its own selection", |s| {
            let rows = row_ids(s);
            match (rows.get(k), t.selected_id()) {
                (Some(row), Some(id)) => id.starts_with(row.as_str()),
                _ => false,
            }
        })
        .await;
        selected.push((k, t.selected_id()));
    }
    for (k, id) in &selected {
        for (other, other_id) in &selected {
            assert_eq!(k == other, id == other_id, "{selected:?}");
        }
    }
    drop(terms);
    rig.wait_sessions_gone().await;
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_cleaned_up_with_all_its_tasks() {
    let rig = rig(RigOpts::default()).await;
    let t = connect(&rig, "alice", &rig.viewer, (100, 30)).await;
    t.wait_rows().await;
    assert_eq!(rig.server.stats().sessions.load(Ordering::SeqCst), 1);
    assert!(rig.server.stats().tasks.load(Ordering::SeqCst) > 0);
    // The client vanishes without closing anything.
    drop(t);
    rig.wait_sessions_gone().await;
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_server_says_so_and_an_idle_session_is_closed() {
    let rig = rig(RigOpts {
        max_sessions: 1,
        idle: Some(Duration::from_secs(2)),
        ..RigOpts::default()
    })
    .await;
    let first = connect(&rig, "alice", &rig.viewer, (100, 30)).await;
    first.wait_rows().await;
    let second = connect(&rig, "bob", &rig.viewer, (100, 30)).await;
    second.wait_text("all 1 sessions are in use").await;
    assert_eq!(second.wait_closed().await, Some(1));
    assert_eq!(rig.server.stats().refused_full.load(Ordering::SeqCst), 1);

    // Nobody types in the first: it is closed with a message on the restored screen.
    first.wait_text("without input").await;
    first.wait_closed().await;
    rig.wait_sessions_gone().await;
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_user_sees_only_the_demo_venue_and_strangers_are_refused() {
    let rig = rig(RigOpts {
        demo_user: true,
        ..RigOpts::default()
    })
    .await;
    let demo = try_connect(&rig, "demo", Login::None, (140, 36))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let s = demo.wait_rows().await;
    assert!(s.contains("DEMO"), "{s}");
    assert_eq!(
        rig.demo.as_ref().map(|(_, h)| h.subscribers()),
        Some(1),
        "on the demo hub"
    );
    assert_eq!(rig.hub.subscribers(), 0, "not on the configured venue");

    let key_user = connect(&rig, "alice", &rig.viewer, (140, 36)).await;
    let s = key_user.wait_rows().await;
    assert!(!s.contains("DEMO"), "{s}");

    let stranger = new_key();
    assert!(
        try_connect(&rig, "alice", Login::Key(&stranger), (80, 24))
            .await
            .is_err()
    );
    assert!(
        try_connect(&rig, "alice", Login::None, (80, 24))
            .await
            .is_err(),
        "no key, not demo: refused"
    );
    rig.stop().await;
}

/// The real binary and the real OpenSSH client, in tmux.
#[test]
fn openssh_client_in_tmux_drives_blotter_serve() {
    let have = |cmd: &str| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {cmd}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !(have("ssh") && have("ssh-keygen") && have("tmux")) {
        println!("SKIPPED: needs ssh, ssh-keygen and tmux (apt-get install openssh-client tmux)");
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let key = d.join("id_ed25519");
    let ok = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "ssh-keygen");
    std::fs::copy(key.with_extension("pub"), d.join("authorized_keys"))
        .unwrap_or_else(|e| panic!("{e}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .env("HOME", d)
        .env("XDG_CONFIG_HOME", d.join("config"))
        .env("XDG_DATA_HOME", d.join("data"))
        .args(["--log-file"])
        .arg(d.join("blotter.log"))
        .args(["--audit-file"])
        .arg(d.join("audit.jsonl"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--host-key",
        ])
        .arg(d.join("host_key"))
        .arg("--authorized-keys")
        .arg(d.join("authorized_keys"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let session = format!("blotter-ssh-{}", std::process::id());
    struct Cleanup<'a>(&'a str, &'a mut std::process::Child);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("tmux")
                .args(["kill-session", "-t", self.0])
                .status();
            let _ = self.1.kill();
            let _ = self.1.wait();
        }
    }
    let _cleanup = Cleanup(&session, &mut server);
    // Wait for the port.
    let deadline = std::time::Instant::now() + DEADLINE;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "server never listened"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let ssh = format!(
        "ssh -tt -p {port} -i {} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
         -o LogLevel=ERROR -o BatchMode=yes carol@127.0.0.1; echo SSH-EXIT-$?; sleep 60",
        key.display()
    );
    let started = std::process::Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "150",
            "-y",
            "40",
            &ssh,
        ])
        .status()
        .is_ok_and(|s| s.success());
    assert!(started, "tmux");
    let capture = || {
        std::process::Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &session])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let wait = |what: &str| {
        let deadline = std::time::Instant::now() + DEADLINE;
        loop {
            let s = capture();
            if s.contains(what) {
                return s;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let keys = |k: &str| {
        let _ = std::process::Command::new("tmux")
            .args(["send-keys", "-t", &session, k])
            .status();
    };
    let s = wait("┌ Active orders");
    assert!(s.contains("(viewer)"), "{s}");
    wait("BTC-USDT");
    keys("2");
    wait("┌ Multi-orders");
    keys("BTab");
    wait("┌ Active orders");
    keys("q");
    let s = wait("SSH-EXIT-0");
    assert!(!s.contains("┌ Active orders"), "screen restored:\n{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_venue_desk_is_served_with_one_feed_per_venue_and_per_row_capabilities() {
    let rig = rig(RigOpts {
        desk: true,
        interval: Duration::from_millis(250),
        ..RigOpts::default()
    })
    .await;
    let window = Duration::from_secs(3);
    let first = connect(&rig, "alice", &rig.trader, (160, 40)).await;
    let s = first
        .wait_for("rows of all three venues", |s| {
            s.contains("│anboto") && s.contains("│alphasec") && s.contains("│treadfi")
        })
        .await;
    assert!(
        s.lines()
            .any(|l| l.starts_with("│Venue") && l.contains("ID")),
        "a venue column:\n{s}"
    );
    for name in ["Tread.fi", "Anboto", "AlphaSec"] {
        assert!(
            s.lines().next().is_some_and(|h| h.contains(name)),
            "{name} in the header:\n{s}"
        );
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    rig.sim.clear_requests();
    tokio::time::sleep(window).await;
    let one = [
        rig.requests_under("/anboto/"),
        rig.requests_under("/alphasec/"),
    ];

    let mut terms = vec![first];
    for i in 1..6 {
        terms.push(connect(&rig, &format!("s{i}"), &rig.viewer, (160, 40)).await);
    }
    for t in &terms {
        t.wait_rows().await;
    }
    rig.sim.clear_requests();
    tokio::time::sleep(window).await;
    let six = [
        rig.requests_under("/anboto/"),
        rig.requests_under("/alphasec/"),
    ];
    println!("Anboto/AlphaSec requests in {window:?}: 1 session {one:?}, 6 sessions {six:?}");
    for (one, six) in one.iter().zip(six) {
        assert!(*one > 0);
        assert!(
            six <= 2 * one + 10,
            "6 sessions made {six} requests vs {one}"
        );
    }

    // Pause on an AlphaSec row is refused for that venue, before any request.
    let t = &terms[0];
    t.send(b"/venue:alphasec\r").await;
    t.wait_for("only AlphaSec rows", |s| {
        s.contains("│alphasec") && !s.contains("│anboto") && !s.contains("│treadfi")
    })
    .await;
    rig.sim.clear_requests();
    t.send(b"p").await;
    t.wait_text("read-only venue").await;
    let writes = rig
        .sim
        .requests()
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "nothing was sent");
    drop(terms);
    rig.wait_sessions_gone().await;
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn y_puts_the_selected_order_id_on_the_ssh_clients_clipboard() {
    let rig = rig(RigOpts::default()).await;
    let t = connect(&rig, "alice", &rig.viewer, (140, 36)).await;
    t.wait_rows().await;
    let id = t.selected_id().unwrap_or_default();
    t.send(b"y").await;
    t.wait_text("to the clipboard").await;
    let want = blotter::tui::osc52(&id);
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let raw = t.raw.lock().map(|r| r.clone()).unwrap_or_default();
        if raw.windows(want.len()).any(|w| w == want.as_slice()) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no OSC 52 for {id} in the session's output"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(t);
    rig.wait_sessions_gone().await;
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_get_the_configs_keys_and_saved_views() {
    let cfg = blotter::config::Config::parse(
        "[keys]\nnext_view = \"F6\"\n[[views]]\nname = \"paused\"\nfilter = \"status:paused\"\n",
        std::path::Path::new("serve.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let rig = rig(RigOpts {
        prefs: cfg.prefs().unwrap_or_else(|e| panic!("{e}")),
        ..RigOpts::default()
    })
    .await;
    let t = connect(&rig, "alice", &rig.viewer, (140, 36)).await;
    t.wait_rows().await;
    // F6 as xterm sends it.
    t.send(b"\x1b[17~").await;
    t.wait_text("view: paused").await;
    drop(t);
    rig.wait_sessions_gone().await;
    rig.stop().await;
}

/// A writer collecting the process's log output (installed as the global subscriber by the
/// one test that reads it: session tasks run on the runtime's worker threads).
#[derive(Clone, Default)]
struct LogSink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Issue 14: a panic inside one session's event loop ends that session only: its client is
/// told and gets its terminal back, the panic is in the server's log, and another session
/// (and the server) go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_one_session_ends_that_session_only_with_a_message_and_a_log_line() {
    let logs = LogSink::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .with_ansi(false)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);

    let rig = rig(RigOpts::default()).await;
    let calm = connect(&rig, "calm", &rig.trader, (120, 32)).await;
    let crashy = connect(&rig, "crashy", &rig.viewer, (120, 32)).await;
    calm.wait_rows().await;
    crashy.wait_rows().await;
    assert_eq!(rig.server.stats().sessions.load(Ordering::SeqCst), 2);

    serve::debug_panic_next_key("crashy");
    crashy.send(b"2").await;
    crashy.wait_text("internal error").await;
    crashy.wait_closed().await;
    let restored = crashy
        .parser
        .lock()
        .map(|p| p.screen().alternate_screen())
        .ok();
    assert_eq!(restored, Some(false), "main screen restored");
    let log =
        String::from_utf8_lossy(&logs.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    assert!(
        log.contains("ERROR") && log.contains("session panicked") && log.contains("crashy"),
        "{log}"
    );

    // The other session still answers keys and the feed, and the server takes new ones.
    calm.send(b"2").await;
    calm.wait_text("┌ Multi-orders").await;
    assert!(!calm.closed.load(Ordering::SeqCst));
    let again = connect(&rig, "crashy", &rig.viewer, (120, 32)).await;
    again.wait_rows().await;
    assert_eq!(rig.server.stats().sessions.load(Ordering::SeqCst), 2);
    rig.stop().await;
}
