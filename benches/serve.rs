//! `blotter serve` with 1, 10, 50 and 100 SSH sessions watching one venue: upstream requests
//! per second (should stay flat), the server's CPU and RSS (read from `/proc`; the server runs
//! as its own process, so the figures are its own), and frames and bytes sent per session.
//!
//! The simulator (auto-advancing: orders fill every second) runs in this process; the russh
//! clients too, each only counting what it receives. `cargo bench --bench serve`; under
//! `cargo test` it runs 1 and 3 sessions for a second each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use blotter::sim::{self, SimConfig};
use russh::client;
use russh::keys::{Algorithm, PrivateKey, PrivateKeyWithHashAlg};
use russh::{ChannelMsg, ChannelWriteHalf};

/// Marks the start of every frame the server sends (synchronized update).
const FRAME_MARK: &[u8] = b"\x1b[?2026h";

struct Trust;

impl client::Handler for Trust {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

#[derive(Default)]
struct Counts {
    bytes: AtomicU64,
    frames: AtomicU64,
}

/// One connected session; dropping it disconnects.
struct Client {
    _handle: client::Handle<Trust>,
    _write: ChannelWriteHalf<client::Msg>,
}

async fn connect(port: u16, key: &PrivateKey, n: usize, counts: Arc<Counts>) -> Client {
    let mut handle = match client::connect(
        Arc::new(client::Config::default()),
        ("127.0.0.1", port),
        Trust,
    )
    .await
    {
        Ok(h) => h,
        Err(e) => panic!("connect: {e}"),
    };
    let user = format!("bench{n}");
    let auth = handle
        .authenticate_publickey(
            user,
            PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None),
        )
        .await;
    assert!(auth.is_ok_and(|a| a.success()), "authentication");
    let channel = match handle.channel_open_session().await {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let pty = channel
        .request_pty(true, "xterm-256color", 160, 40, 0, 0, &[])
        .await;
    let shell = channel.request_shell(true).await;
    assert!(pty.is_ok() && shell.is_ok());
    let (mut read, write) = channel.split();
    tokio::spawn(async move {
        while let Some(msg) = read.wait().await {
            if let ChannelMsg::Data { data } = msg {
                counts.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                let frames = data
                    .windows(FRAME_MARK.len())
                    .filter(|w| *w == FRAME_MARK)
                    .count();
                counts.frames.fetch_add(frames as u64, Ordering::Relaxed);
            }
        }
    });
    Client {
        _handle: handle,
        _write: write,
    }
}

/// (RSS in kB, CPU ticks used so far) of a process.
fn proc_usage(pid: u32) -> (u64, u64) {
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0);
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // Fields after the command name (which may hold spaces), 1-based 14 and 15.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    (rss, ticks)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let steps: Vec<usize> = if full {
        vec![1, 10, 50, 100]
    } else {
        vec![1, 3]
    };
    let window = Duration::from_secs(if full { 20 } else { 1 });
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("{e}"),
    };
    rt.block_on(async move {
        let sim = match sim::spawn(SimConfig::default()).await {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let d = dir.path();
        let key = match PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        let line = key.public_key().to_openssh().unwrap_or_default();
        if let Err(e) = std::fs::write(d.join("authorized_keys"), format!("{line} bench\n")) {
            panic!("{e}");
        }
        let port = match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
            Ok(a) => a.port(),
            Err(e) => panic!("{e}"),
        };
        let mut server = match std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
            .env("HOME", d)
            .env("XDG_CONFIG_HOME", d.join("config"))
            .env("XDG_DATA_HOME", d.join("data"))
            .env(
                "TREADFI_API_KEY",
                secrecy::ExposeSecret::expose_secret(&sim.token()),
            )
            .arg("--treadfi-url")
            .arg(sim.base_url())
            .arg("--log-file")
            .arg(d.join("blotter.log"))
            .arg("--audit-file")
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
        {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let pid = server.id();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "server never listened"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The server's baseline: its feed running, nobody connected.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (rss_none, _) = proc_usage(pid);
        let hz = 100.0; // USER_HZ on Linux
        println!(
            "{:>8} {:>10} {:>8} {:>9} {:>14} {:>13} {:>12}",
            "sessions",
            "upstream/s",
            "cpu %",
            "rss MB",
            "rss/session kB",
            "frames/s/sess",
            "bytes/frame"
        );
        let mut clients = Vec::new();
        let counts = Arc::new(Counts::default());
        for &n in &steps {
            while clients.len() < n {
                clients.push(connect(port, &key, clients.len(), counts.clone()).await);
            }
            // Settle: every session has drawn its first full screen.
            tokio::time::sleep(Duration::from_secs(if full { 3 } else { 1 })).await;
            sim.clear_requests();
            let (b0, f0) = (
                counts.bytes.load(Ordering::Relaxed),
                counts.frames.load(Ordering::Relaxed),
            );
            let (_, t0) = proc_usage(pid);
            let at = Instant::now();
            tokio::time::sleep(window).await;
            let secs = at.elapsed().as_secs_f64();
            let (rss, t1) = proc_usage(pid);
            let requests = sim
                .requests()
                .iter()
                .filter(|r| r.path.starts_with("/api/"))
                .count();
            let (b1, f1) = (
                counts.bytes.load(Ordering::Relaxed),
                counts.frames.load(Ordering::Relaxed),
            );
            let frames = f1.saturating_sub(f0).max(1);
            println!(
                "{:>8} {:>10.1} {:>8.1} {:>9.1} {:>14.0} {:>13.2} {:>12.0}",
                n,
                requests as f64 / secs,
                (t1.saturating_sub(t0)) as f64 / hz / secs * 100.0,
                rss as f64 / 1024.0,
                rss.saturating_sub(rss_none) as f64 / n as f64,
                frames as f64 / secs / n as f64,
                b1.saturating_sub(b0) as f64 / frames as f64,
            );
            assert!(requests > 0, "the shared feed polls");
        }
        drop(clients);
        let _ = server.kill();
        let _ = server.wait();
        sim.shutdown().await;
    });
}
