//! Soak: the blotter's feed and state against the simulator with 1,000 orders (~200 updates/s),
//! a fault flipped every 10 s and an action every 2 s, for `SOAK_SECS` (default 600; `cargo
//! bench --bench soak`; under `cargo test` 5 s). Then faults clear, the simulator freezes, the
//! feed repairs, and the report compares the blotter's orders with the simulator's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::Arc;
use std::time::{Duration, Instant};

use blotter::app::{Msg, State, update};
use blotter::audit::AuditLog;
use blotter::feed::{self, FeedCommand, FeedConfig};
use blotter::sim::Faults;
use blotter::venue::treadfi::TreadfiClient;
use blotter::venue::{Action, Venue};

/// The simulator's admin endpoints (`/_sim/…`, authenticated with the same key), over HTTP.
struct Admin {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Admin {
    async fn post(&self, path: &str, body: String) -> bool {
        self.http
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Token {}", self.key))
            .body(body)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }

    async fn set_faults(&self, f: &Faults) {
        let body = serde_json::to_string(f).unwrap_or_default();
        if !self.post("/_sim/faults", body).await {
            eprintln!("could not set faults");
        }
    }
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let secs: u64 = std::env::var("SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if full { 600 } else { 5 });
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("{e}"),
    };
    let metrics = rt.metrics();
    rt.block_on(async move {
        // The simulator runs as its own process, so this process's memory is the blotter's.
        let port = match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
            Ok(a) => a.port(),
            Err(e) => panic!("{e}"),
        };
        let base = format!("http://127.0.0.1:{port}");
        // A throwaway key for this run's simulator process.
        let key = format!("soak-{}-{}", std::process::id(), fastrand::u64(..));
        let mut sim_proc = match std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
            .args(["sim", "--listen", &format!("127.0.0.1:{port}"), "--orders", "1000", "--token", &key])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let admin = {
        blotter::venue::install_crypto_provider();
        reqwest::Client::new()
    };
        let sim = Admin { http: admin, base: base.clone(), key: key.clone() };
        for _ in 0..100 {
            if sim.post("/_sim/paused?on=false", String::new()).await {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let client = || match TreadfiClient::new(&base, Some(secrecy::SecretString::from(key.clone())), Duration::from_secs(2)) {
            Ok(c) => c.with_keep_alive(Duration::from_secs(2)),
            Err(e) => panic!("{e}"),
        };
        let dir = std::env::temp_dir().join(format!("blotter-soak-{}", std::process::id()));
        let audit = match AuditLog::open(&dir.join("audit.jsonl"), "soak") {
            Ok(a) => Arc::new(a),
            Err(e) => panic!("{e}"),
        };
        let venue: Arc<dyn Venue> = Arc::new(client());
        let (tx, mut rx) = tokio::sync::mpsc::channel(4096);
        let cfg = FeedConfig { interval: Duration::from_secs(1), max_backoff: Duration::from_secs(5), audit: Some(audit), ..FeedConfig::default() };
        let handle = feed::spawn(venue.clone(), cfg, tx);
        let mut state = State::new(venue.name(), venue.capabilities(), jiff::Timestamp::now());
        let faults = [
            Faults { server_error: true, ..Faults::default() },
            Faults::default(),
            Faults { ws_drop: true, ..Faults::default() },
            Faults::default(),
            Faults { latency_ms: 2_500, ..Faults::default() },
            Faults::default(),
            Faults { malformed: true, ..Faults::default() },
            Faults::default(),
            Faults { rate_limit_secs: Some(1), ..Faults::default() },
            Faults::default(),
        ];
        let start = Instant::now();
        let (mut rss_warm, mut tasks_warm) = (0u64, 0usize);
        let (mut actions, mut events, mut next_fault, mut next_action) = (0u64, 0u64, 10u64, 2u64);
        while start.elapsed() < Duration::from_secs(secs) {
            let t = start.elapsed().as_secs();
            if t >= next_fault {
                sim.set_faults(&faults[(next_fault / 10) as usize % faults.len()]).await;
                next_fault += 10;
            }
            if t >= next_action {
                next_action += 2;
                if let Some(o) = state.book.orders().get((t as usize * 7) % state.book.orders().len().max(1)) {
                    let a = if o.status == blotter::domain::OrderStatus::Paused { Action::Resume(o.id.clone()) } else { Action::Pause(o.id.clone()) };
                    if handle.send(FeedCommand::Act(a)).is_ok() {
                        actions += 1;
                    }
                }
            }
            if let Ok(Some(ev)) = tokio::time::timeout(Duration::from_millis(100), rx.recv()).await {
                update(&mut state, Msg::Feed(ev));
                events += 1;
            }
            if rss_warm == 0 && start.elapsed() > Duration::from_secs(secs / 3) {
                rss_warm = rss_kb();
                tasks_warm = metrics.num_alive_tasks();
            }
        }
        // Repair: faults off, simulator frozen, wait for two full refreshes.
        sim.set_faults(&Faults::default()).await;
        sim.post("/_sim/paused?on=true", String::new()).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let _ = handle.send(FeedCommand::Refresh);
        let repair_start = Instant::now();
        let mut refreshes = 0;
        while refreshes < 2 && repair_start.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(ev)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
                // A read of 1000+ rows arrives in parts: its last part completes it.
                if matches!(
                    ev,
                    blotter::app::FeedEvent::ActiveOrders { .. }
                        | blotter::app::FeedEvent::ActiveOrdersPart { last: true, .. }
                ) {
                    refreshes += 1;
                }
                update(&mut state, Msg::Feed(ev));
            }
        }
        while let Ok(ev) = rx.try_recv() {
            update(&mut state, Msg::Feed(ev));
        }
        let truth = client().active_orders().await.map(|p| p.rows).unwrap_or_default();
        let mine: std::collections::HashMap<_, _> = state.book.orders().iter().map(|o| (o.id.clone(), o)).collect();
        let lost = truth.iter().filter(|o| !mine.contains_key(&o.id)).count();
        let duplicated = state.book.orders().len() - mine.len();
        let stale = truth
            .iter()
            .filter(|o| mine.get(&o.id).is_some_and(|m| m.executed_qty != o.executed_qty || m.status != o.status))
            .count();
        let extra = state.book.orders().iter().filter(|o| !truth.iter().any(|t| t.id == o.id)).count();
        tokio::time::sleep(Duration::from_secs(3)).await;
        let tasks_end = metrics.num_alive_tasks();
        let audited = std::fs::read_to_string(dir.join("audit.jsonl")).map(|s| s.lines().count() as u64).unwrap_or(0);
        println!("soak {secs}s: {events} events applied, {actions} actions sent, {audited} audited");
        println!("orders: simulator {} / blotter {}; lost {lost}, duplicated {duplicated}, stale {stale}, extra {extra}", truth.len(), state.book.orders().len());
        println!("rss: {} MB after warm-up, {} MB at end; tasks alive: {tasks_warm} after warm-up, {tasks_end} at end", rss_warm / 1024, rss_kb() / 1024);
        println!("panics: 0 (a panic aborts this run)");
        handle.stop();
        let _ = sim_proc.kill();
        let _ = sim_proc.wait();
        let _ = std::fs::remove_dir_all(&dir);
        if full {
            assert_eq!((lost, duplicated, stale, extra), (0, 0, 0, 0), "state diverged from the simulator");
            assert_eq!(audited, actions, "every action audited");
        }
    });
}
