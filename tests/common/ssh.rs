//! SSH test helpers shared by `tests/serve.rs` and `tests/nats.rs`: a russh client with a
//! pty whose screen is emulated (vt100), and waits with a generous deadline (no timed
//! assertions). Included with `#[path = "common/ssh.rs"] mod ssh;`.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::client;
use russh::keys::{Algorithm, PrivateKey, PrivateKeyWithHashAlg};
use russh::{ChannelMsg, ChannelWriteHalf};

/// Longest wait for anything to appear.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A fresh ed25519 key.
pub fn new_key() -> PrivateKey {
    PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).unwrap_or_else(|e| panic!("{e}"))
}

pub async fn wait_until(what: &str, mut pred: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !pred() {
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub struct Trust;

impl client::Handler for Trust {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// An SSH client with a pty, its screen emulated.
pub struct Term {
    /// Keeps the connection open.
    pub _handle: client::Handle<Trust>,
    pub write: ChannelWriteHalf<client::Msg>,
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte received (for sequences the emulator doesn't keep, e.g. OSC 52).
    pub raw: Arc<Mutex<Vec<u8>>>,
    pub exit: Arc<Mutex<Option<u32>>>,
    pub closed: Arc<AtomicBool>,
}

pub fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

pub enum Login<'a> {
    Key(&'a PrivateKey),
    None,
}

pub async fn try_connect(
    addr: std::net::SocketAddr,
    user: &str,
    login: Login<'_>,
    size: (u16, u16),
) -> Result<Term, String> {
    let mut handle = client::connect(Arc::new(client::Config::default()), addr, Trust)
        .await
        .map_err(|e| e.to_string())?;
    let auth = match login {
        Login::Key(k) => handle
            .authenticate_publickey(user, PrivateKeyWithHashAlg::new(Arc::new(k.clone()), None))
            .await
            .map_err(|e| e.to_string())?,
        Login::None => handle
            .authenticate_none(user)
            .await
            .map_err(|e| e.to_string())?,
    };
    if !auth.success() {
        return Err("authentication failed".into());
    }
    let channel = handle
        .channel_open_session()
        .await
        .map_err(|e| e.to_string())?;
    channel
        .request_pty(
            true,
            "xterm-256color",
            size.0.into(),
            size.1.into(),
            0,
            0,
            &[],
        )
        .await
        .map_err(|e| e.to_string())?;
    channel
        .request_shell(true)
        .await
        .map_err(|e| e.to_string())?;
    let (mut read, write) = channel.split();
    let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(size.1), nz(size.0), 0)));
    let exit = Arc::new(Mutex::new(None));
    let closed = Arc::new(AtomicBool::new(false));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let (p, x, c, r) = (parser.clone(), exit.clone(), closed.clone(), raw.clone());
    tokio::spawn(async move {
        while let Some(msg) = read.wait().await {
            match msg {
                ChannelMsg::Data { data } => {
                    r.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend_from_slice(&data);
                    p.lock().unwrap_or_else(|e| e.into_inner()).process(&data)
                }
                ChannelMsg::ExitStatus { exit_status } => {
                    *x.lock().unwrap_or_else(|e| e.into_inner()) = Some(exit_status);
                }
                ChannelMsg::Close => break,
                _ => {}
            }
        }
        c.store(true, Ordering::SeqCst);
    });
    Ok(Term {
        _handle: handle,
        write,
        parser,
        raw,
        exit,
        closed,
    })
}

pub async fn connect(
    addr: std::net::SocketAddr,
    user: &str,
    key: &PrivateKey,
    size: (u16, u16),
) -> Term {
    try_connect(addr, user, Login::Key(key), size)
        .await
        .unwrap_or_else(|e| panic!("connect as {user}: {e}"))
}

impl Term {
    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .screen()
            .contents()
    }

    pub async fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_text(&self, needle: &str) -> String {
        self.wait_for(needle, |s| s.contains(needle)).await
    }

    /// Waits until the active-orders tab shows rows from the venue.
    pub async fn wait_rows(&self) -> String {
        self.wait_for("active orders rows", |s| {
            s.contains("┌ Active orders") && s.contains("BTC-USDT")
        })
        .await
    }

    pub async fn send(&self, bytes: &[u8]) {
        self.write
            .data_bytes(bytes.to_vec())
            .await
            .unwrap_or_else(|e| panic!("send: {e}"));
    }

    pub async fn resize(&self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        self.write
            .window_change(cols.into(), rows.into(), 0, 0)
            .await
            .unwrap_or_else(|e| panic!("resize: {e}"));
    }

    /// The `id <full id>` line under the table: the selected order.
    pub fn selected_id(&self) -> Option<String> {
        self.screen().lines().find_map(|l| {
            let l = l.trim_start();
            l.strip_prefix("id ")
                .and_then(|r| r.split_whitespace().next())
                .map(str::to_string)
        })
    }

    pub async fn wait_closed(&self) -> Option<u32> {
        let closed = self.closed.clone();
        wait_until("the channel to close", || closed.load(Ordering::SeqCst)).await;
        *self.exit.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The short ids of the active-orders table's rows, top to bottom.
pub fn row_ids(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains("│ID"))
        .skip(1)
        .take_while(|l| l.starts_with('│'))
        .filter_map(|l| {
            l.trim_start_matches('│')
                .split_whitespace()
                // The id gutter: ● marked, • changed since seen, ◉ both.
                .map(|w| w.trim_start_matches(['●', '•', '◉']))
                .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_alphanumeric()))
                .map(str::to_string)
        })
        .collect()
}

/// The header row of the active-orders table.
pub fn table_header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("│ID"))
        .unwrap_or_default()
        .to_string()
}

/// The active-orders table's rows cut before the `Limit` column: id, pair, side, strategy,
/// status, filled, target, fill bar and average price — data only, no relative times.
pub fn fill_rows(screen: &str) -> Vec<String> {
    let Some(header) = screen.lines().find(|l| l.contains("│ID")) else {
        return Vec::new();
    };
    let cut = header
        .find("Limit")
        .map_or(usize::MAX, |b| header[..b].chars().count());
    screen
        .lines()
        .skip_while(|l| !l.contains("│ID"))
        .skip(1)
        .take_while(|l| l.starts_with('│'))
        .map(|l| {
            l.chars()
                .take(cut)
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect()
}
