//! End-to-end: the real `blotter` binary in a pseudo-terminal, in demo mode, read through a
//! VT100 emulator the way a user sees it: every tab, pause an order and see it paused, quit,
//! and the terminal is restored (canonical mode and echo back on, main screen, cursor shown).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const COLS: u16 = 160;
const ROWS: u16 = 40;

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

struct Session {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    _dir: tempfile::TempDir,
}

/// A test that fails mid-way must not leave its blotter running (one did, spinning a core for
/// 40 minutes after its test binary had gone): the child is killed when the session drops,
/// unless it has already exited.
impl Drop for Session {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Session {
    fn start(args: &[&str]) -> Session {
        Self::start_with_env(args, &[])
    }

    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Session {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap_or_else(|e| panic!("openpty: {e}"));
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_blotter"));
        cmd.args(args);
        cmd.arg("--log-file");
        cmd.arg(dir.path().join("blotter.log"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir.path());
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        drop(pair.slave);
        let mut reader = pair
            .master
            .try_clone_reader()
            .unwrap_or_else(|e| panic!("{e}"));
        let writer = pair.master.take_writer().unwrap_or_else(|e| panic!("{e}"));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(ROWS), nz(COLS), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        p.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .process(&buf[..n]);
                        r.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Session {
            parser,
            raw,
            writer,
            child,
            master: pair.master,
            _dir: dir,
        }
    }

    fn screen(&self) -> String {
        self.parser
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .screen()
            .contents()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The screen once `pred` holds, or `None` after `secs` seconds.
    fn try_wait_for(&self, secs: u64, pred: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() <= deadline {
            let s = self.screen();
            if pred(&s) {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    fn wait_text(&self, needle: &str) -> String {
        self.wait_for(needle, |s| s.contains(needle))
    }

    fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        self.writer.flush().unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(Duration::from_millis(150));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(45);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("blotter did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The order id of a table row: its first word, or its second when the table leads with the
/// venue column.
fn row_id(header: &str, row: &str) -> String {
    let skip = usize::from(header.trim_start_matches('│').starts_with("Venue"));
    row.trim_start_matches('│')
        .split_whitespace()
        .nth(skip)
        .unwrap_or("")
        // The changed-since-seen gutter (`•`) sits right before the id.
        .trim_start_matches('•')
        .to_string()
}

/// Body rows of the table on screen, with the header row.
fn table_rows(screen: &str) -> (String, Vec<String>) {
    let mut lines = screen
        .lines()
        .skip_while(|l| !(l.contains("Status") && l.contains("Filled")));
    let header = lines.next().unwrap_or("").to_string();
    let rows = lines
        .take_while(|l| l.starts_with('│'))
        .filter(|l| {
            !l.trim_matches(|c: char| c == '│' || c.is_whitespace())
                .is_empty()
        })
        .map(str::to_string)
        .collect();
    (header, rows)
}

/// Row index (within the table body) of the first Tread.fi order in status ACTIVE (Tread.fi
/// supports pause), and its short id.
fn first_active_row(screen: &str) -> Option<(usize, String)> {
    let (header, rows) = table_rows(screen);
    rows.iter()
        .enumerate()
        .find(|(_, l)| {
            l.contains(" ACTIVE ") && (!header.contains("│Venue") || l.contains("│treadfi"))
        })
        .map(|(i, l)| (i, row_id(&header, l)))
}

#[test]
fn demo_every_tab_pause_and_quit_restores_terminal() {
    let mut s = Session::start(&[]);
    s.wait_text("DEMO");
    let screen = s.wait_for("an ACTIVE order", |sc| first_active_row(sc).is_some());
    assert!(screen.contains("Active orders"));

    for (key, title) in [
        ("2", "Multi-orders updated"),
        ("3", "Placements updated"),
        ("4", "Order errors updated"),
    ] {
        s.send(key);
        s.wait_text(title);
    }
    s.send("?");
    s.wait_text("toggle this help");
    s.send("x");
    s.send("1");
    let screen = s.wait_for("the active orders tab", |sc| {
        sc.contains("Active orders updated") || sc.contains("Active orders live")
    });

    let (row, id) = first_active_row(&screen).unwrap_or_else(|| panic!("no active row:\n{screen}"));
    s.send("g");
    for _ in 0..row {
        s.send("j");
    }
    s.send("p");
    let dialog = s.wait_text("Pause order?");
    assert!(
        dialog.contains(&id),
        "dialog must name the order {id}:\n{dialog}"
    );
    s.send("y");
    s.wait_text("Successfully paused order.");
    s.wait_for("the order shown paused", |sc| {
        sc.lines().any(|l| l.contains(&id) && l.contains("PAUSED"))
    });

    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    let raw = s.raw.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let out = String::from_utf8_lossy(&raw);
    assert!(
        out.contains("\u{1b}[?1049h"),
        "entered the alternate screen"
    );
    let leave = out
        .rfind("\u{1b}[?1049l")
        .unwrap_or_else(|| panic!("left the alternate screen"));
    assert!(
        out.rfind("\u{1b}[?25h")
            .is_some_and(|show| show + 40 > leave),
        "cursor shown again"
    );
    if let Some(t) = s.master.get_termios() {
        let flags = format!("{:?}", t.local_flags);
        assert!(
            flags.contains("ICANON") && flags.contains("ECHO"),
            "raw mode left on: {flags}"
        );
    }
}

#[test]
fn dump_against_a_bad_token_fails_with_the_venue_reason() {
    // The simulator alone, requiring a token; dump with a wrong key exits non-zero and says why.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().map(|a| a.port()).unwrap_or(0)
    };
    let listen = format!("127.0.0.1:{port}");
    let mut sim = std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args(["sim", "--listen", &listen, "--token", "right-token"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!("http://{listen}");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = |key: &str, format: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
                .args([
                    "--treadfi-url",
                    &url,
                    "dump",
                    "active",
                    "--format",
                    format,
                    "--log-file",
                ])
                .arg(dir.path().join("log"))
                .env("TREADFI_API_KEY", key)
                .env("HOME", dir.path())
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            let err = String::from_utf8_lossy(&out.stderr).to_string();
            if !err.contains("network") || Instant::now() > deadline {
                return out;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let bad = run("wrong-token", "json");
    let good = run("right-token", "json");
    let _ = sim.kill();
    let _ = sim.wait();
    assert!(!bad.status.success());
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "401 Invalid token."
    );
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&good.stdout).unwrap_or_else(|e| panic!("dump json: {e}"));
    let rows = json.as_array().map_or(0, Vec::len);
    assert!(rows > 0, "dump printed no orders");
    // The key appears nowhere in what the user sees, nor in the log.
    for out in [&bad, &good] {
        assert!(!String::from_utf8_lossy(&out.stdout).contains("right-token"));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("right-token"));
    }
    let logged = std::fs::read_to_string(dir.path().join("log")).unwrap_or_default();
    assert!(!logged.is_empty(), "the dump logged something");
    assert!(!logged.contains("right-token"));
}

fn assert_restored(s: &Session) {
    // The reader thread may still be draining the last bytes the child wrote.
    let deadline = Instant::now() + Duration::from_secs(3);
    let out = loop {
        let raw = s.raw.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let out = String::from_utf8_lossy(&raw).into_owned();
        if out.contains("\u{1b}[?25h") || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // (A panic can come before the terminal was taken over; then there is nothing to undo.)
    if out.contains("\u{1b}[?1049h") {
        assert!(out.contains("\u{1b}[?1049l"), "left the alternate screen");
    }
    if out.contains("\u{1b}[?25l") {
        assert!(out.contains("\u{1b}[?25h"), "cursor shown again");
    }
    if let Some(t) = s.master.get_termios() {
        let flags = format!("{:?}", t.local_flags);
        assert!(
            flags.contains("ICANON") && flags.contains("ECHO"),
            "raw mode left on: {flags}"
        );
    }
}

#[test]
fn sigterm_sighup_and_sigint_restore_the_terminal_with_a_meaningful_status() {
    for (signal, code) in [("-TERM", 143), ("-HUP", 129), ("-INT", 130)] {
        let mut s = Session::start(&[]);
        s.wait_text("DEMO");
        let pid = s.child.process_id().unwrap_or_else(|| panic!("no pid"));
        let ok = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .is_ok_and(|st| st.success());
        assert!(ok, "kill {signal}");
        let status = s.wait_exit();
        assert_eq!(status.exit_code(), code, "{signal}");
        assert_restored(&s);
    }
}

#[test]
fn plain_http_to_a_remote_host_is_refused_and_keys_stay_out_of_logs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let log = dir.path().join("log");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args([
            "--treadfi-url",
            "http://venue.example.com",
            "dump",
            "active",
            "--log-file",
        ])
        .arg(&log)
        .env("TREADFI_API_KEY", "super-secret-key-123")
        .env("HOME", dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing plain http"), "{err}");
    assert!(!err.contains("super-secret-key-123"));
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!logged.contains("super-secret-key-123"));
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    l.local_addr().map(|a| a.port()).unwrap_or(0)
}

/// The key of the simulator `start_sim` starts (the same across restarts).
const RESTART_KEY: &str = "restart-test-key";

fn start_sim(listen: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args(["sim", "--listen", listen, "--token", RESTART_KEY])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn killing_and_restarting_the_venue_shows_reconnecting_then_recovers() {
    let listen = format!("127.0.0.1:{}", free_port());
    let mut sim = start_sim(&listen);
    let url = format!("http://{listen}");
    let mut s = Session::start_with_env(
        &["--treadfi-url", &url, "--interval", "0.5"],
        &[("TREADFI_API_KEY", RESTART_KEY)],
    );
    s.wait_text("● live");
    let _ = sim.kill();
    let _ = sim.wait();
    s.wait_for("the outage shown", |sc| {
        sc.contains("retrying") || sc.contains("reconnecting")
    });
    // The last good rows stay while the venue is down.
    assert!(s.screen().contains("ACTIVE"), "{}", s.screen());
    let mut sim = start_sim(&listen);
    s.wait_for("recovery", |sc| {
        sc.contains("● live") && !sc.contains("retrying")
    });
    s.send("q");
    assert!(s.wait_exit().success());
    let _ = sim.kill();
    let _ = sim.wait();
}

#[test]
fn a_panic_in_render_update_or_the_feed_restores_the_terminal_and_exits_101() {
    for place in ["render", "update", "feed"] {
        let mut s = Session::start_with_env(&[], &[("BLOTTER_DEBUG_PANIC", place)]);
        if place == "update" {
            s.wait_text("DEMO");
            s.send("j");
        }
        let status = s.wait_exit();
        assert_eq!(status.exit_code(), 101, "{place}");
        assert_restored(&s);
        let log = std::fs::read_to_string(s._dir.path().join("blotter.log")).unwrap_or_default();
        assert!(
            log.contains("deliberate panic"),
            "{place}: panic not logged:\n{log}"
        );
    }
}

#[test]
fn a_distinctive_key_appears_nowhere() {
    const KEY: &str = "ZZ-secret-key-4242-ZZ";
    let listen = format!("127.0.0.1:{}", free_port());
    let mut sim = std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args(["sim", "--listen", &listen, "--token", KEY])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!("http://{listen}");
    let mut outputs: Vec<(String, String)> = Vec::new();

    // The TUI: act on an order (audited), then a panic with the key loaded.
    let mut s = Session::start_with_env(&["--treadfi-url", &url], &[("TREADFI_API_KEY", KEY)]);
    let screen = s.wait_for("an ACTIVE order", |sc| first_active_row(sc).is_some());
    let (row, _) = first_active_row(&screen).unwrap_or_default();
    s.send("g");
    for _ in 0..row {
        s.send("j");
    }
    s.send("p");
    s.send("y");
    s.wait_text("Successfully paused order.");
    outputs.push(("screen".into(), s.screen()));
    s.send("q");
    s.wait_exit();
    let dir = s._dir.path().to_path_buf();
    outputs.push((
        "blotter.log".into(),
        std::fs::read_to_string(dir.join("blotter.log")).unwrap_or_default(),
    ));
    outputs.push((
        "tui bytes".into(),
        String::from_utf8_lossy(&s.raw.lock().unwrap_or_else(|e| e.into_inner())).into_owned(),
    ));
    let mut p = Session::start_with_env(
        &["--treadfi-url", &url],
        &[("TREADFI_API_KEY", KEY), ("BLOTTER_DEBUG_PANIC", "feed")],
    );
    assert_eq!(p.wait_exit().exit_code(), 101);
    outputs.push((
        "panic output".into(),
        String::from_utf8_lossy(&p.raw.lock().unwrap_or_else(|e| e.into_inner())).into_owned(),
    ));

    // dump (good key, every format) and the 401 path (wrong key).
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (key, format) in [
        (KEY, "json"),
        (KEY, "csv"),
        (KEY, "table"),
        ("wrong-key", "json"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
            .args([
                "--treadfi-url",
                &url,
                "dump",
                "active",
                "--format",
                format,
                "--log-file",
            ])
            .arg(tmp.path().join("log"))
            .arg("--audit-file")
            .arg(tmp.path().join("audit.jsonl"))
            .env("TREADFI_API_KEY", key)
            .env("HOME", tmp.path())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        outputs.push((
            format!("dump {format} stdout"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ));
        outputs.push((
            format!("dump {format} stderr"),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    outputs.push((
        "dump log".into(),
        std::fs::read_to_string(tmp.path().join("log")).unwrap_or_default(),
    ));
    let audit =
        std::fs::read_to_string(dir.join(".local/share/blotter/audit.jsonl")).unwrap_or_default();
    assert!(
        audit.contains("\"pause\""),
        "the pause was audited: {audit:?}"
    );
    outputs.push(("audit log".into(), audit));
    let _ = sim.kill();
    let sim_out = sim.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    outputs.push((
        "sim stdout".into(),
        String::from_utf8_lossy(&sim_out.stdout).into_owned(),
    ));
    outputs.push((
        "sim stderr".into(),
        String::from_utf8_lossy(&sim_out.stderr).into_owned(),
    ));

    for (what, text) in &outputs {
        assert!(!text.contains(KEY), "the key leaked into {what}");
    }
    assert!(
        outputs
            .iter()
            .any(|(w, t)| w == "dump json stderr" && t.is_empty())
    );
    assert!(
        outputs
            .iter()
            .any(|(w, t)| w.starts_with("dump json stdout") && t.contains("\"id\""))
    );
}

/// The ops runbook from issue 5: filter to a set, mark it all, pause it in one confirmed
/// action, and see every one of them paused (and nothing else).
#[test]
fn filter_then_mark_all_then_bulk_pause_pauses_exactly_that_set() {
    let mut s = Session::start(&[]);
    s.wait_for("Tread.fi ETH orders", |sc| {
        sc.lines()
            .filter(|l| {
                l.contains("│treadfi") && l.contains(" ETH-USDT ") && l.contains(" ACTIVE ")
            })
            .count()
            >= 2
    });
    s.send("/");
    s.send("venue:treadfi pair:ETH-USDT status:active");
    s.send("\r");
    let filtered = s.wait_text("filter: venue:treadfi pair:ETH-USDT status:active");
    let (header, rows) = table_rows(&filtered);
    let ids: Vec<String> = rows.iter().map(|r| row_id(&header, r)).collect();
    assert!(ids.len() >= 2, "a set to act on:\n{filtered}");
    assert!(
        rows.iter()
            .all(|r| r.contains(" ETH-USDT ") && r.contains(" ACTIVE ")),
        "only matching rows:\n{filtered}"
    );

    s.send("V");
    s.send("p");
    let dialog = s.wait_text(&format!("Pause {} marked orders?", ids.len()));
    s.send("y");
    // They leave the status:active view as they pause; look at the pair without that term.
    s.wait_for("the paused orders to leave the filtered view", |sc| {
        ids.iter().all(|id| !sc.contains(id.as_str()))
    });
    s.send("\x1b");
    s.send("/");
    s.send("venue:treadfi pair:ETH-USDT");
    s.send("\r");
    let after = s.wait_for("every marked order paused", |sc| {
        sc.contains("filter: venue:treadfi pair:ETH-USDT ")
            && ids.iter().all(|id| {
                sc.lines()
                    .any(|l| l.contains(id.as_str()) && l.contains("PAUSED"))
            })
    });
    assert!(
        dialog.contains("Notional affected:") && dialog.contains("No (n)"),
        "the dialog states the scope and offers No:\n{dialog}"
    );
    // Every one of them is in the audit log, which `L` shows. The rows can turn PAUSED (a
    // poll) before the last reply has been audited, and `L` reads the file when it opens: on a
    // busy machine, close and open it again until every pause is there.
    let audited = |sc: &str| {
        sc.contains("Audit log")
            && ids.iter().all(|id| {
                sc.lines()
                    .any(|l| l.contains(id.as_str()) && l.contains(" pause ") && l.contains('✔'))
            })
    };
    let mut seen = None;
    let mut last = String::new();
    for _ in 0..12 {
        s.send("L");
        seen = s.try_wait_for(5, audited);
        if seen.is_some() {
            break;
        }
        last = s.screen();
        s.send("\x1b");
    }
    assert!(
        seen.is_some(),
        "every pause in the audit log {ids:?}; screen:\n{last}"
    );
    s.send("\x1b");
    s.send("\x1b");
    let all = s.wait_for("the unfiltered list", |sc| !sc.contains("filter: "));
    let (_, rows) = table_rows(&all);
    assert!(
        rows.iter().any(|r| r.contains(" ACTIVE ")),
        "orders outside the set keep running:\n{all}\n(after the pause:\n{after})"
    );
    s.send("q");
    assert!(s.wait_exit().success());
}

/// Issue 18: the filter line edits like a shell line in the real terminal — a word taken back
/// with Ctrl-W, a typo fixed with Left, Delete, End and Backspace, text put in at the start with
/// Home — and the corrected filter is the one applied. Enter keeps it in the state directory's
/// history, and the next run recalls it with ↑.
#[test]
fn a_filter_typed_with_corrections_is_applied_as_corrected_and_recalled_next_run() {
    let data = tempfile::tempdir().unwrap();
    let data_home = data.path().to_str().unwrap().to_string();
    let env = [("XDG_DATA_HOME", data_home.as_str())];
    let mut s = Session::start_with_env(&[], &env);
    s.wait_for("Tread.fi ETH orders", |sc| {
        sc.lines()
            .any(|l| l.contains("│treadfi") && l.contains(" ETH-USDT "))
    });
    s.send("/");
    s.send("pair:BTC-USDT");
    s.send("\x17"); // Ctrl-W: the whole word back
    s.wait_text(" / ▏   Enter keep");
    s.send("pair:ETH-USTDz");
    s.send("\x7f"); // Backspace
    s.send("\x1b[D\x1b[D"); // Left, Left
    s.wait_text(" / pair:ETH-US▏TD   Enter keep");
    s.send("\x1b[3~"); // Delete: the stray T
    s.send("\x1b[F"); // End
    s.send("T");
    s.send("\x1b[H"); // Home
    s.send("venue:treadfi ");
    s.wait_text(" / venue:treadfi ▏pair:ETH-USDT   Enter keep");
    s.send("\r");
    let filtered = s.wait_text("filter: venue:treadfi pair:ETH-USDT (");
    let (_, rows) = table_rows(&filtered);
    assert!(!rows.is_empty(), "Tread.fi ETH orders shown:\n{filtered}");
    assert!(
        rows.iter()
            .all(|r| r.contains("│treadfi") && r.contains(" ETH-USDT ")),
        "only the corrected filter's rows:\n{filtered}"
    );
    s.send("q");
    assert!(s.wait_exit().success());
    let kept = std::fs::read_to_string(data.path().join("blotter/filter_history")).unwrap();
    assert_eq!(kept, "venue:treadfi pair:ETH-USDT\n");

    // The next run: ↑ on the filter line brings it back.
    let mut next = Session::start_with_env(&[], &env);
    next.wait_text("Active orders");
    next.send("/");
    next.send("\x1b[A"); // Up
    next.wait_text(" / venue:treadfi pair:ETH-USDT▏   Enter keep");
    next.send("\r");
    next.wait_text("filter: venue:treadfi pair:ETH-USDT (");
    next.send("q");
    assert!(next.wait_exit().success());
}
