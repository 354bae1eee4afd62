//! Record and replay: `blotter --record FILE` writes every event the feed delivers (venue
//! snapshots, pushed updates, failures, action replies) with its timing to a JSON-lines file;
//! `blotter replay FILE` plays it back through the same event loop and `app::update`, at the
//! original pace or faster, for post-mortems and for reproducing a bug.
//!
//! Nothing secret is in a recording: events carry venue data and error texts, never the API
//! key (the key only ever lives in the client's request headers).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::app::FeedEvent;

/// One recorded event: milliseconds since the recording started, and the event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recorded {
    /// Milliseconds since the start of the recording.
    pub t_ms: u64,
    /// The event as the app received it.
    pub event: FeedEvent,
}

/// Appends events to a recording file (flushed per event, so a crash loses nothing written).
#[derive(Debug)]
pub struct Recorder {
    out: Mutex<BufWriter<File>>,
    start: Instant,
}

impl Recorder {
    /// Creates (truncating) the recording file.
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        Ok(Self {
            out: Mutex::new(BufWriter::new(File::create(path)?)),
            start: Instant::now(),
        })
    }

    /// Records one event. Errors are logged, never fatal: recording must not stop the feed.
    pub fn record(&self, event: &FeedEvent) {
        let line = Recorded {
            t_ms: self.start.elapsed().as_millis() as u64,
            event: event.clone(),
        };
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let written = serde_json::to_writer(&mut *out, &line)
            .map_err(std::io::Error::other)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush());
        if let Err(e) = written {
            tracing::warn!(error = %e, "recording write failed");
        }
    }
}

/// Reads a recording. Lines that don't decode are skipped and counted (a partly written last
/// line after a crash is normal).
///
/// # Errors
/// When the file cannot be opened.
pub fn load(path: &Path) -> std::io::Result<(Vec<Recorded>, usize)> {
    let reader = BufReader::new(File::open(path)?);
    let mut events = Vec::new();
    let mut bad = 0;
    for line in reader.lines() {
        match serde_json::from_str::<Recorded>(&line?) {
            Ok(r) => events.push(r),
            Err(_) => bad += 1,
        }
    }
    Ok((events, bad))
}

/// Plays `events` into a channel: at the recorded pace divided by `speed` (`0` = as fast as
/// possible). The channel closes after the last event.
pub fn play(events: Vec<Recorded>, speed: f64) -> mpsc::Receiver<FeedEvent> {
    let (tx, rx) = mpsc::channel(1024);
    tokio::spawn(async move {
        let start = tokio::time::Instant::now();
        for r in events {
            if speed > 0.0 {
                let at = start + Duration::from_millis(r.t_ms).div_f64(speed);
                tokio::time::sleep_until(at).await;
            }
            if tx.send(r.event).await.is_err() {
                return;
            }
        }
    });
    rx
}
