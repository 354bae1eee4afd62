//! An edge's side: `blotter serve --nats` (SSH edge) and `blotter --nats` (a trader's own
//! terminal). No venue configuration, no venue secrets: each venue's [`Hub`] is fed from the
//! bucket's state, then the venue's stream from the next sequence number. A gap in sequence
//! numbers, a reconnect or a stream error means "re-read the bucket", never a silently wrong
//! screen.
//!
//! The link state reaches each venue's header the way a venue's own state does — as events
//! the edge injects: while NATS is down, `FetchFailed` "feed lost — reconnecting"; while the
//! feed process's heartbeat is missing, `FetchFailed` "feed stale 42s" (updated every second);
//! when the link is back, the bucket's state (fresh data sets: "● live" or "● polling" again).
//! Actions travel as requests to the feed process, which runs the one action pipeline and
//! audits; while the feed is lost or stale they are refused here with that reason.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::remote::{NatsUpstream, RemoteVenue};
use super::{
    BUCKET, HEARTBEAT, HEARTBEAT_SUBJECT, NatsError, STALE_AFTER_HEARTBEATS, StateRecord,
    VENUES_KEY, VenueMeta, events_subject, from_json, state_key, stream_name,
};
use crate::app::{FeedEvent, FeedLink, Tab};
use crate::serve::hub::{Hub, HubInfo};
use crate::venue::{Venue, VenueError};
use async_nats::jetstream::{self, consumer};

/// Events queued from NATS for a hub.
const QUEUE: usize = 1024;
/// Wait before following a stream again after an error.
const RETRY: Duration = Duration::from_millis(500);
/// How long an edge waits at start for a feed process to have published its venues.
pub const START_WAIT: Duration = Duration::from_secs(30);

/// The state of the link to the feed process, as an edge sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// Connected and the heartbeat is fresh.
    Live,
    /// NATS is unreachable; the client is reconnecting.
    Lost,
    /// NATS is up but the feed process's heartbeat stopped this many seconds ago.
    Stale(u64),
}

impl LinkState {
    /// `feed lost — reconnecting`, `feed stale 42s`, `feed ● live`.
    pub fn text(&self) -> String {
        match self {
            LinkState::Live => "feed ● live".to_owned(),
            LinkState::Lost => "feed lost — reconnecting".to_owned(),
            LinkState::Stale(secs) => {
                format!("feed stale {}", crate::format::duration(*secs as i64))
            }
        }
    }
}

/// What the edge knows of its link (shared by its hubs and its monitor).
pub(super) struct Link {
    pub(super) client: async_nats::Client,
    last_heartbeat: Mutex<Instant>,
    connected: AtomicBool,
    /// Sequence gaps seen (each one a re-read of the bucket).
    gaps: AtomicU64,
}

impl Link {
    pub(super) fn state(&self) -> LinkState {
        if !self.connected.load(Ordering::SeqCst) {
            return LinkState::Lost;
        }
        let age = self
            .last_heartbeat
            .lock()
            .map(|t| t.elapsed())
            .unwrap_or_default();
        if age > HEARTBEAT.saturating_mul(STALE_AFTER_HEARTBEATS) {
            LinkState::Stale(age.as_secs())
        } else {
            LinkState::Live
        }
    }
}

/// A running edge: its hubs (one per venue of the feed process, in its order).
pub struct Edge {
    /// The hubs, for [`crate::serve::Venues`] or a local terminal.
    pub hubs: Vec<Arc<Hub>>,
    link: Arc<Link>,
    cancel: CancellationToken,
}

impl Edge {
    /// The link's state now.
    pub fn link(&self) -> LinkState {
        self.link.state()
    }

    /// Sequence gaps seen so far, each answered by a re-read of the bucket.
    pub fn gaps(&self) -> u64 {
        self.link.gaps.load(Ordering::SeqCst)
    }

    /// Stops following NATS.
    pub fn stop(&self) {
        self.cancel.cancel();
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Reads the venue list the feed process published (waiting up to `wait` for one), and
/// starts a hub per venue fed from NATS.
///
/// # Errors
/// [`NatsError::NoFeed`] when no feed process published within `wait`; JetStream errors.
pub async fn start(client: async_nats::Client, wait: Duration) -> Result<Edge, NatsError> {
    let js = jetstream::new(client.clone());
    let deadline = Instant::now() + wait;
    let metas: Vec<VenueMeta> = loop {
        let got = match js.get_key_value(BUCKET).await {
            Ok(kv) => kv.get(VENUES_KEY).await.ok().flatten(),
            Err(_) => None,
        };
        match got {
            Some(bytes) => break from_json(&bytes)?,
            None if Instant::now() >= deadline => return Err(NatsError::NoFeed),
            None => tokio::time::sleep(RETRY).await,
        }
    };
    let cancel = CancellationToken::new();
    let link = Arc::new(Link {
        client: client.clone(),
        last_heartbeat: Mutex::new(Instant::now()),
        connected: AtomicBool::new(true),
        gaps: AtomicU64::new(0),
    });
    let (resync_tx, resync_rx) = watch::channel(0u64);
    let mut hubs = Vec::new();
    let mut injectors = Vec::new();
    for meta in metas {
        let (tx, rx) = mpsc::channel(QUEUE);
        let venue: Arc<dyn Venue> = Arc::new(RemoteVenue::new(meta.clone(), client.clone()));
        let upstream = Arc::new(NatsUpstream::new(link.clone(), &meta.key, cancel.clone()));
        let hub = Hub::from_events(
            HubInfo {
                id: meta.id.clone(),
                venue,
                demo: meta.demo,
                refresh_secs: meta.refresh_secs.max(1),
            },
            rx,
            upstream,
        );
        tokio::spawn(cancel.clone().run_until_cancelled_owned(follow(
            link.clone(),
            js.clone(),
            meta.clone(),
            tx.clone(),
            resync_rx.clone(),
        )));
        injectors.push((meta, tx));
        hubs.push(hub);
    }
    tokio::spawn(
        cancel
            .clone()
            .run_until_cancelled_owned(heartbeats(link.clone())),
    );
    tokio::spawn(cancel.clone().run_until_cancelled_owned(monitor(
        link.clone(),
        injectors,
        resync_tx,
    )));
    Ok(Edge { hubs, link, cancel })
}

/// Notes every heartbeat of the feed process.
async fn heartbeats(link: Arc<Link>) {
    loop {
        match link.client.subscribe(HEARTBEAT_SUBJECT).await {
            Ok(mut sub) => {
                while sub.next().await.is_some() {
                    if let Ok(mut t) = link.last_heartbeat.lock() {
                        *t = Instant::now();
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot subscribe to the heartbeat"),
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Every second: the link's state into every venue's header, and a re-read of the bucket
/// when NATS comes back.
async fn monitor(
    link: Arc<Link>,
    venues: Vec<(VenueMeta, mpsc::Sender<FeedEvent>)>,
    resync: watch::Sender<u64>,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut was = LinkState::Live;
    let mut last_said = Instant::now();
    say_link(&venues, &was).await;
    loop {
        tick.tick().await;
        let connected = matches!(
            link.client.connection_state(),
            async_nats::connection::State::Connected
        );
        let was_connected = link.connected.swap(connected, Ordering::SeqCst);
        if connected && !was_connected {
            tracing::info!("NATS link back; re-reading the bucket");
            resync.send_modify(|n| *n = n.wrapping_add(1));
        }
        let now = link.state();
        let changed = std::mem::discriminant(&now) != std::mem::discriminant(&was);
        let due = last_said.elapsed() >= Duration::from_secs(1);
        if now != LinkState::Live && (changed || due) {
            for (meta, tx) in &venues {
                let _ = tx
                    .send(FeedEvent::FetchFailed {
                        venue: meta.id.clone(),
                        tab: Tab::Active,
                        error: VenueError::Network(now.text()),
                        at: Timestamp::now(),
                    })
                    .await;
            }
            say_link(&venues, &now).await;
            last_said = Instant::now();
        }
        if changed && now == LinkState::Live {
            say_link(&venues, &now).await;
        }
        if changed {
            tracing::info!(link = %now.text(), "feed link");
            if matches!(was, LinkState::Stale(_)) && now == LinkState::Live {
                resync.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
        was = now;
    }
}

/// Tells every venue's sessions the link's state for their header (`feed ● live`, `feed lost
/// — reconnecting`, `feed stale 42s`); the hubs keep the latest for sessions that join later.
async fn say_link(venues: &[(VenueMeta, mpsc::Sender<FeedEvent>)], state: &LinkState) {
    let now = Timestamp::now();
    let link = match state {
        LinkState::Live => FeedLink::Live,
        LinkState::Lost => FeedLink::Lost,
        LinkState::Stale(secs) => FeedLink::Stale {
            since: now
                .checked_sub(jiff::SignedDuration::from_secs(
                    i64::try_from(*secs).unwrap_or(i64::MAX),
                ))
                .unwrap_or(now),
        },
    };
    for (_, tx) in venues {
        let _ = tx.send(FeedEvent::Link { link, at: now }).await;
    }
}

/// Follows one venue: the bucket's state, then the stream from the next sequence number;
/// again from the bucket on a gap, an error or a resync.
async fn follow(
    link: Arc<Link>,
    js: jetstream::Context,
    meta: VenueMeta,
    tx: mpsc::Sender<FeedEvent>,
    mut resync: watch::Receiver<u64>,
) {
    loop {
        resync.mark_unchanged();
        let why = follow_once(&js, &meta, &tx, &mut resync).await;
        if tx.is_closed() {
            return;
        }
        if let End::Gap { .. } = why {
            link.gaps.fetch_add(1, Ordering::SeqCst);
        }
        tracing::info!(venue = %meta.key, why = %why, "re-reading the bucket");
        tokio::time::sleep(RETRY).await;
    }
}

/// Why one pass of [`follow`] ended.
#[derive(Debug)]
enum End {
    /// A sequence number was skipped: what came is not what the screen needs next.
    Gap {
        /// The next sequence number expected.
        expected: u64,
        /// The one that came.
        got: u64,
    },
    /// NATS came back, or an error.
    Other(String),
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Gap { expected, got } => write!(f, "sequence gap: expected {expected}, got {got}"),
            End::Other(why) => f.write_str(why),
        }
    }
}

impl From<String> for End {
    fn from(s: String) -> Self {
        End::Other(s)
    }
}

impl From<&str> for End {
    fn from(s: &str) -> Self {
        End::Other(s.to_owned())
    }
}

/// What to do with the stream message numbered `seq` after `last` (pure).
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// Already applied (from the bucket's state): skip it.
    Skip,
    /// The next one: apply it.
    Apply,
    /// One or more are missing: re-read the bucket.
    Gap,
}

fn step(last: u64, seq: u64) -> Next {
    if seq <= last {
        Next::Skip
    } else if seq == last.saturating_add(1) {
        Next::Apply
    } else {
        Next::Gap
    }
}

/// One pass of [`follow`]; returns why it ended.
async fn follow_once(
    js: &jetstream::Context,
    meta: &VenueMeta,
    tx: &mpsc::Sender<FeedEvent>,
    resync: &mut watch::Receiver<u64>,
) -> End {
    let record = match read_state(js, &meta.key).await {
        Ok(r) => r,
        Err(e) => return e.to_string().into(),
    };
    let mut last = record.seq;
    for ev in record.events {
        if tx.send(ev).await.is_err() {
            return "hub gone".into();
        }
    }
    let stream = match js.get_stream(stream_name(&meta.key)).await {
        Ok(s) => s,
        Err(e) => return e.to_string().into(),
    };
    let deliver_policy = if last == 0 {
        consumer::DeliverPolicy::All
    } else {
        consumer::DeliverPolicy::ByStartSequence {
            start_sequence: last.saturating_add(1),
        }
    };
    let consumer = match stream
        .create_consumer(consumer::push::OrderedConfig {
            deliver_subject: js_inbox(js),
            filter_subject: events_subject(&meta.key),
            deliver_policy,
            ..Default::default()
        })
        .await
    {
        Ok(c) => c,
        Err(e) => return e.to_string().into(),
    };
    let mut messages = match consumer.messages().await {
        Ok(m) => m,
        Err(e) => return e.to_string().into(),
    };
    loop {
        let next = tokio::select! {
            m = messages.next() => m,
            _ = resync.changed() => return "link back".into(),
        };
        let msg = match next {
            Some(Ok(m)) => m,
            Some(Err(e)) => return e.to_string().into(),
            None => return "stream ended".into(),
        };
        let seq = match msg.info() {
            Ok(info) => info.stream_sequence,
            Err(e) => return e.to_string().into(),
        };
        match step(last, seq) {
            Next::Skip => continue,
            Next::Gap => {
                return End::Gap {
                    expected: last.saturating_add(1),
                    got: seq,
                };
            }
            Next::Apply => last = seq,
        }
        match from_json::<FeedEvent>(&msg.payload) {
            Ok(ev) => {
                if tx.send(ev).await.is_err() {
                    return "hub gone".into();
                }
            }
            Err(e) => tracing::warn!(venue = %meta.key, seq, error = %e, "event skipped"),
        }
    }
}

fn js_inbox(js: &jetstream::Context) -> String {
    js.client().new_inbox()
}

/// The bucket's state of one venue (empty before the feed wrote any).
async fn read_state(js: &jetstream::Context, key: &str) -> Result<StateRecord, NatsError> {
    let kv = js
        .get_key_value(BUCKET)
        .await
        .map_err(|e| NatsError::JetStream(e.to_string()))?;
    match kv
        .get(state_key(key))
        .await
        .map_err(|e| NatsError::JetStream(e.to_string()))?
    {
        Some(bytes) => from_json(&bytes),
        None => Ok(StateRecord {
            seq: 0,
            events: Vec::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_next_sequence_number_is_applied_and_a_gap_means_re_read() {
        assert_eq!(step(0, 1), Next::Apply);
        assert_eq!(step(41, 42), Next::Apply);
        assert_eq!(step(42, 42), Next::Skip, "already in the bucket's state");
        assert_eq!(step(42, 7), Next::Skip);
        assert_eq!(step(42, 44), Next::Gap);
        assert_eq!(step(0, 2), Next::Gap);
    }

    #[test]
    fn the_link_reads_as_the_header_shows_it() {
        assert_eq!(LinkState::Live.text(), "feed ● live");
        assert_eq!(LinkState::Lost.text(), "feed lost — reconnecting");
        assert_eq!(LinkState::Stale(42).text(), "feed stale 42s");
    }
}
