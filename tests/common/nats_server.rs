//! A real `nats-server` (JetStream on) on a free loopback port with a temporary store, for
//! `tests/nats.rs` and `benches/nats.rs`. Included with
//! `#[path = "common/nats_server.rs"] mod nats_server;`.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server binary: `$NATS_SERVER_BIN`, else `nats-server` on PATH, else Debian's path.
pub fn binary() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("NATS_SERVER_BIN") {
        return Some(PathBuf::from(p));
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("nats-server"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let deb = PathBuf::from("/usr/sbin/nats-server");
        deb.is_file().then_some(deb)
    })
}

/// A running server; killed when dropped.
pub struct NatsServer {
    bin: PathBuf,
    port: u16,
    /// HTTP monitoring (`/varz`: messages and bytes in and out).
    monitor: u16,
    store: tempfile::TempDir,
    child: Option<Child>,
    /// A configuration file (`-c`) and the environment it reads.
    config: Option<(PathBuf, Vec<(String, String)>)>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

impl NatsServer {
    /// Starts one, or says loudly why not and returns `None` (the caller skips).
    pub fn start() -> Option<Self> {
        Self::start_with(None)
    }

    /// Starts one with a configuration file and the environment variables it reads (the port,
    /// address and store given here win over the file's).
    pub fn start_with(config: Option<(PathBuf, Vec<(String, String)>)>) -> Option<Self> {
        let Some(bin) = binary() else {
            eprintln!(
                "\n!!!!!!!! SKIPPED: nats-server not found (install it: apt-get install nats-server, or set NATS_SERVER_BIN) !!!!!!!!\n"
            );
            return None;
        };
        let mut server = Self {
            bin,
            port: free_port(),
            monitor: free_port(),
            store: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            child: None,
            config,
        };
        server.run();
        Some(server)
    }

    fn run(&mut self) {
        let mut cmd = Command::new(&self.bin);
        if let Some((file, envs)) = &self.config {
            cmd.arg("-c").arg(file);
            cmd.envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        let child = cmd
            .args(["-js", "-sd"])
            .arg(self.store.path())
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-m", &self.monitor.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.bin.display()));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nats-server did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT/varz`: the server's counters (JSON).
    pub fn varz_url(&self) -> String {
        format!("http://127.0.0.1:{}/varz", self.monitor)
    }

    /// The server's process id (for its CPU and memory figures).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills the server (its JetStream store stays).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port with the same store.
    pub fn restart(&mut self) {
        self.stop();
        self.run();
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}
