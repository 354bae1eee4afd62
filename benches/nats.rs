//! Past one machine: one `blotter feed` process on the simulator publishing on a real
//! `nats-server`, and 1, 2 and 4 `blotter serve --nats` edges (each its own process) with SSH
//! sessions spread over them, next to one `blotter serve` process doing it all. Prints venue
//! requests per minute, NATS messages and bytes per second (the server's `/varz`), CPU and RSS
//! per edge (`/proc`), and the time from a venue change (a simulator step: fills pushed over
//! its WebSocket) to a session's screen, p50/p99.
//!
//! `cargo bench --bench nats` (`-- --quick` for shorter runs); under `cargo test` it runs one
//! edge briefly. Skips, saying so, without `nats-server`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

#[path = "../tests/common/nats_server.rs"]
mod nats_server;
#[path = "../tests/common/ssh.rs"]
mod ssh;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use blotter::sim::{self, SimConfig, SimHandle};
use nats_server::NatsServer;
use russh::keys::PrivateKey;
use secrecy::ExposeSecret;
use ssh::{Term, fill_rows, new_key};

/// Sessions, spread over the edges.
const SESSIONS: usize = 8;
/// Linux USER_HZ.
const HZ: f64 = 100.0;

/// A `blotter` process of this build, killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// `blotter --config <dir>/config.toml …args`, its home in `dir`.
fn blotter(dir: &Path, sim: &SimHandle, args: &[String]) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_blotter"))
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("TREADFI_API_KEY", sim.token().expose_secret())
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--log-file")
        .arg(dir.join(format!("blotter-{}.log", port())))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Proc(child)
}

/// An SSH server process listening on a fresh port (an edge with `nats`, else a whole
/// single-process server on the simulator).
async fn serve(dir: &Path, sim: &SimHandle, nats: Option<&str>) -> (Proc, u16) {
    let p = port();
    let mut args: Vec<String> = Vec::new();
    match nats {
        Some(url) => args.extend(["--nats".into(), url.into()]),
        None => args.extend(["--treadfi-url".into(), sim.base_url()]),
    }
    args.extend([
        "serve".into(),
        "--listen".into(),
        format!("127.0.0.1:{p}"),
        "--host-key".into(),
        dir.join(format!("host_key_{p}")).display().to_string(),
        "--authorized-keys".into(),
        dir.join("authorized_keys").display().to_string(),
    ]);
    let proc = blotter(dir, sim, &args);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never listened"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (proc, p)
}

/// (RSS kB, CPU ticks so far).
fn usage(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    (rss, ticks)
}

/// (messages, bytes) the NATS server has sent and received so far.
async fn varz(url: &str) -> (u64, u64) {
    blotter::venue::install_crypto_provider();
    let v: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    let n = |k: &str| v[k].as_u64().unwrap_or(0);
    (n("in_msgs") + n("out_msgs"), n("in_bytes") + n("out_bytes"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Venue change to screen: one simulator step, then the time until `t`'s table differs.
async fn latencies(sim: &SimHandle, t: &Term, samples: usize) -> Vec<f64> {
    let mut out = Vec::new();
    for _ in 0..samples {
        let before = fill_rows(&t.screen());
        let t0 = Instant::now();
        sim.advance(2);
        while t0.elapsed() < Duration::from_secs(5) {
            if fill_rows(&t.screen()) != before {
                out.push(t0.elapsed().as_secs_f64() * 1000.0);
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    out.sort_by(f64::total_cmp);
    out
}

struct Row {
    label: String,
    requests_per_min: f64,
    msgs_per_s: f64,
    bytes_per_s: f64,
    cpu_pct_per_edge: f64,
    rss_kb_per_edge: f64,
    p50: f64,
    p99: f64,
}

#[allow(clippy::too_many_arguments)]
async fn measure(
    label: String,
    sim: &SimHandle,
    nats: Option<&NatsServer>,
    servers: &[(Proc, u16)],
    key: &PrivateKey,
    window: Duration,
    samples: usize,
) -> Row {
    let mut terms = Vec::new();
    for i in 0..SESSIONS {
        let (_, p) = &servers[i % servers.len()];
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], *p));
        terms.push(ssh::connect(addr, &format!("s{i}"), key, (120, 30)).await);
    }
    for t in &terms {
        t.wait_rows().await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    sim.clear_requests();
    let pids: Vec<u32> = servers.iter().map(|(p, _)| p.0.id()).collect();
    let before: Vec<_> = pids.iter().map(|p| usage(*p)).collect();
    let v0 = match nats {
        Some(n) => varz(&n.varz_url()).await,
        None => (0, 0),
    };
    let t0 = Instant::now();
    tokio::time::sleep(window).await;
    let secs = t0.elapsed().as_secs_f64();
    let requests = sim
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .count();
    let v1 = match nats {
        Some(n) => varz(&n.varz_url()).await,
        None => (0, 0),
    };
    let after: Vec<_> = pids.iter().map(|p| usage(*p)).collect();
    let n = pids.len() as f64;
    let cpu: f64 = before
        .iter()
        .zip(&after)
        .map(|((_, a), (_, b))| (b.saturating_sub(*a)) as f64 / HZ / secs * 100.0)
        .sum::<f64>()
        / n;
    let rss = after.iter().map(|(r, _)| *r as f64).sum::<f64>() / n;
    let lat = latencies(sim, &terms[terms.len() - 1], samples).await;
    Row {
        label,
        requests_per_min: requests as f64 / secs * 60.0,
        msgs_per_s: v1.0.saturating_sub(v0.0) as f64 / secs,
        bytes_per_s: v1.1.saturating_sub(v0.1) as f64 / secs,
        cpu_pct_per_edge: cpu,
        rss_kb_per_edge: rss,
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let quick = std::env::args().any(|a| a == "--quick");
    let (edges, window, samples): (Vec<usize>, u64, usize) = match (full, quick) {
        (true, false) => (vec![1, 2, 4], 20, 40),
        (true, true) => (vec![1, 2, 4], 5, 15),
        _ => (vec![1], 1, 2),
    };
    let window = Duration::from_secs(window);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        if nats_server::binary().is_none() {
            let _ = NatsServer::start(); // says why, loudly
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let key = new_key();
        let line = key.public_key().to_openssh().unwrap();
        std::fs::write(d.join("authorized_keys"), format!("{line} bench\n")).unwrap();
        // Many sessions from one address: the per-address limits lifted.
        std::fs::write(
            d.join("config.toml"),
            "[serve]\nmax_sessions = 200\nconnections_per_minute = 60000\nconnection_burst = 10000\n",
        )
        .unwrap();
        // Each setup starts from the same venue (a fresh simulator, same seed) and a fresh
        // NATS, so their rows compare.
        let mut rows = Vec::new();
        for setup in std::iter::once(None).chain(edges.into_iter().map(Some)) {
            let sim = sim::spawn(SimConfig {
                auto_advance: false,
                ..SimConfig::default()
            })
            .await
            .unwrap();
            match setup {
                None => {
                    let single = vec![serve(d, &sim, None).await];
                    let label = format!("1 process, {SESSIONS} sessions");
                    rows.push(measure(label, &sim, None, &single, &key, window, samples).await);
                }
                Some(n) => {
                    let nats = NatsServer::start().unwrap();
                    let feed = blotter(
                        d,
                        &sim,
                        &[
                            "--treadfi-url".into(),
                            sim.base_url(),
                            "--nats".into(),
                            nats.url(),
                            "feed".into(),
                        ],
                    );
                    let mut servers = Vec::new();
                    for _ in 0..n {
                        servers.push(serve(d, &sim, Some(&nats.url())).await);
                    }
                    let label = format!("feed + {n} edge(s), {SESSIONS} sessions");
                    rows.push(
                        measure(label, &sim, Some(&nats), &servers, &key, window, samples).await,
                    );
                    drop(servers);
                    drop(feed);
                }
            }
            sim.shutdown().await;
        }
        println!(
            "{:<32} {:>12} {:>10} {:>11} {:>12} {:>12} {:>9} {:>9}",
            "setup", "venue req/min", "NATS msg/s", "NATS B/s", "CPU %/edge", "RSS MB/edge", "p50 ms", "p99 ms"
        );
        for r in rows {
            println!(
                "{:<32} {:>12.0} {:>10.1} {:>11.0} {:>12.1} {:>12.1} {:>9.1} {:>9.1}",
                r.label,
                r.requests_per_min,
                r.msgs_per_s,
                r.bytes_per_s,
                r.cpu_pct_per_edge,
                r.rss_kb_per_edge / 1024.0,
                r.p50,
                r.p99
            );
        }
    });
}
