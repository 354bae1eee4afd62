//! File IO asked for by a key (export `e`, the audit viewer `L`) runs off the event loop: a
//! slow or stuck disk never freezes the screen or the keys, and its result still arrives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::time::Duration;

use blotter::app::{Modal, State, Tab};
use blotter::feed::FeedHandle;
use blotter::tui::{LoopOptions, run_with};
use blotter::venue::Capabilities;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

type Input = mpsc::UnboundedSender<std::io::Result<Event>>;

fn press(input: &Input, c: char) {
    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    input.send(Ok(Event::Key(key))).unwrap();
}

/// Runs the real loop on a test terminal; returns the key sender and the loop's task.
fn start(opts: LoopOptions) -> (Input, tokio::task::JoinHandle<State>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let input = Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (e, rx))
    }));
    let task = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
        let state = State::new("test", Capabilities::ALL, jiff::Timestamp::now());
        let (_events_tx, events) = mpsc::channel(8);
        let feed = FeedHandle::detached();
        run_with(&mut terminal, state, &feed, events, input, &opts)
            .await
            .unwrap()
    });
    (tx, task)
}

// Two workers: if the loop blocked its thread, the timeout below still fires on the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_audit_file_never_freezes_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    // A FIFO with no writer: opening it for reading blocks until someone opens it to write.
    let fifo = dir.path().join("audit.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (input, task) = start(LoopOptions {
        export_dir: None,
        audit_file: Some(fifo.clone()),
        filter_history: None,
    });
    // Whatever happens below, unstick the reader so the runtime can shut down.
    let _unstick = Unstick(fifo.clone());
    press(&input, 'L');
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    input.send(Ok(Event::Key(esc))).unwrap();
    press(&input, '2');
    drop(input);
    let state = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the loop handled the keys while the audit file was stuck")
        .unwrap();
    assert_eq!(state.tab, Tab::Multi);
}

/// Opens the FIFO for writing (without blocking) when dropped, so a reader stuck in `open`
/// gets end-of-file and its blocking thread ends.
struct Unstick(std::path::PathBuf);

impl Drop for Unstick {
    fn drop(&mut self) {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000; // Linux
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&self.0);
    }
}

#[tokio::test]
async fn export_writes_both_files_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let (input, task) = start(LoopOptions {
        export_dir: Some(dir.path().to_path_buf()),
        audit_file: None,
        filter_history: None,
    });
    press(&input, 'e');
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let files = loop {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        if names.len() == 2 {
            break names;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no export: {names:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(files[0].starts_with("blotter-active-orders-") && files[0].ends_with(".csv"));
    assert!(files[1].starts_with("blotter-active-orders-") && files[1].ends_with(".json"));
    // The result comes back to the screen as a banner naming the files.
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(input);
    let state = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    let banner = state.banner.map(|b| b.text).unwrap_or_default();
    assert!(banner.starts_with("Exported to "), "{banner}");
    assert!(
        banner.contains(&files[0]) && banner.contains(&files[1]),
        "{banner}"
    );
    assert!(!matches!(state.modal, Some(Modal::Help)));
}
