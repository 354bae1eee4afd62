//! The feed process's side: the only process that talks to venues and holds their secrets.
//!
//! For each venue's [`Hub`] (the same shared feed `blotter serve` runs), one task publishes
//! every event on the venue's stream (JetStream acknowledges it with its sequence number),
//! folds it into a [`Snapshot`] and keeps the bucket's `<key>.state` at most
//! [`STATE_WRITE_GAP`] behind; a heartbeat says the process is alive; and a responder answers
//! the venue's requests — actions through [`crate::actions::execute`] (capability, role, send
//! once, audit with fsync, reply), so this process is the single audit log.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::sync::{Mutex, broadcast};
use tokio_util::sync::CancellationToken;

use super::{
    BUCKET, HEARTBEAT, HEARTBEAT_SUBJECT, Heartbeat, NatsError, Reply, Request, StateRecord,
    VENUES_KEY, VenueMeta, Who, events_subject, from_json, request_subject, state_key, stream_name,
    to_json,
};
use crate::actions::Actor;
use crate::audit::AuditLog;
use crate::serve::Role;
use crate::serve::hub::{Hub, Snapshot};
use crate::venue::Action;
use async_nats::jetstream::{self, kv, stream};

/// Longest time the bucket's state lags the stream (the stream is never behind).
pub const STATE_WRITE_GAP: Duration = Duration::from_millis(250);
/// Events kept in each venue's stream (older ones: an edge that far behind re-reads the
/// bucket).
const STREAM_MAX_MSGS: i64 = 100_000;
/// Age after which events leave the stream.
const STREAM_MAX_AGE: Duration = Duration::from_secs(3600);
/// Wait before publishing again after NATS refused an event.
const RETRY: Duration = Duration::from_millis(500);

/// Who may do what, as the feed process sees it: roles it knows by key fingerprint lower
/// (never raise) the role an edge claims.
#[derive(Debug, Clone, Default)]
pub struct FeedPolicy {
    /// The audit log of every action from every edge.
    pub audit_file: Option<PathBuf>,
    /// Role by key fingerprint (`SHA256:…`), from the feed's `[serve] roles`.
    pub roles: BTreeMap<String, Role>,
    /// Highest role of the anonymous demo user (`[serve] demo_role`).
    pub demo_role: Role,
}

impl FeedPolicy {
    /// The role the feed process grants `who`: what the edge claims, lowered by what this
    /// process knows of the key.
    pub fn role(&self, who: &Who) -> Role {
        let known = match who.source.strip_prefix("ssh ") {
            Some("demo") => Some(self.demo_role),
            Some(fp) => self.roles.get(fp).copied(),
            None => None,
        };
        known.map_or(who.role, |k| k.min(who.role))
    }
}

/// A running feed publisher.
pub struct FeedPublisher {
    cancel: CancellationToken,
}

impl FeedPublisher {
    /// Stops publishing and answering (the hubs are the caller's).
    pub fn stop(&self) {
        self.cancel.cancel();
    }
}

impl Drop for FeedPublisher {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The description of a hub's venue published for edges.
fn meta(key: String, hub: &Hub) -> VenueMeta {
    let venue = hub.venue();
    let id = hub.id().clone();
    VenueMeta {
        key,
        name: venue.name().to_owned(),
        capabilities: venue.capabilities(),
        demo: hub.is_demo(),
        refresh_secs: hub.refresh_secs(),
        pause_all: venue.describe_request(&Action::PauseAll { venue: id.clone() }),
        cancel_all: venue.describe_request(&Action::CancelAll {
            venue: id.clone(),
            account_names: Vec::new(),
        }),
        id,
    }
}

/// The bucket (created if missing). Its stream is made the way the client library makes a
/// bucket's (`KV_<bucket>`, subjects `$KV.<bucket>.>`, one value per key, roll-ups, direct
/// gets): the library's own `create_key_value` first reads account fields that Debian's
/// nats-server 2.9 does not send.
pub(crate) async fn bucket(js: &jetstream::Context) -> Result<kv::Store, NatsError> {
    let err = |e: String| NatsError::JetStream(format!("bucket `{BUCKET}`: {e}"));
    js.get_or_create_stream(stream::Config {
        name: format!("KV_{BUCKET}"),
        subjects: vec![format!("$KV.{BUCKET}.>")],
        max_messages_per_subject: 1,
        storage: stream::StorageType::File,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        discard: stream::DiscardPolicy::New,
        num_replicas: 1,
        ..Default::default()
    })
    .await
    .map_err(|e| err(e.to_string()))?;
    js.get_key_value(BUCKET)
        .await
        .map_err(|e| err(e.to_string()))
}

/// Publishes `hubs` (keys `v0`, `v1`, … in this order) and answers their requests until
/// stopped.
///
/// # Errors
/// When a stream or the bucket cannot be created, or the venue list cannot be written.
pub async fn publish(
    client: async_nats::Client,
    hubs: Vec<Arc<Hub>>,
    policy: FeedPolicy,
) -> Result<FeedPublisher, NatsError> {
    let js = jetstream::new(client.clone());
    let kv = bucket(&js).await?;
    let keyed: Vec<(String, Arc<Hub>)> = hubs
        .into_iter()
        .enumerate()
        .map(|(i, h)| (format!("v{i}"), h))
        .collect();
    for (key, _) in &keyed {
        js.get_or_create_stream(stream::Config {
            name: stream_name(key),
            subjects: vec![events_subject(key)],
            max_messages: STREAM_MAX_MSGS,
            max_age: STREAM_MAX_AGE,
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| NatsError::JetStream(format!("stream {}: {e}", stream_name(key))))?;
    }
    let metas: Vec<VenueMeta> = keyed.iter().map(|(k, h)| meta(k.clone(), h)).collect();
    kv.put(VENUES_KEY, to_json(&metas)?.into())
        .await
        .map_err(|e| NatsError::JetStream(e.to_string()))?;

    let cancel = CancellationToken::new();
    let policy = Arc::new(policy);
    let audits = Arc::new(Mutex::new(HashMap::new()));
    for (key, hub) in keyed {
        tokio::spawn(cancel.clone().run_until_cancelled_owned(publish_venue(
            js.clone(),
            kv.clone(),
            key.clone(),
            hub.clone(),
        )));
        let responder = Responder {
            client: client.clone(),
            hub,
            policy: policy.clone(),
            audits: audits.clone(),
        };
        tokio::spawn(
            cancel
                .clone()
                .run_until_cancelled_owned(responder.run(request_subject(&key))),
        );
    }
    tokio::spawn(
        cancel
            .clone()
            .run_until_cancelled_owned(heartbeat(client.clone())),
    );
    Ok(FeedPublisher { cancel })
}

async fn heartbeat(client: async_nats::Client) {
    let mut tick = tokio::time::interval(HEARTBEAT);
    loop {
        tick.tick().await;
        if let Ok(body) = to_json(&Heartbeat {
            at: Timestamp::now(),
        }) {
            let _ = client.publish(HEARTBEAT_SUBJECT, body.into()).await;
        }
    }
}

/// Publishes one venue's events and keeps its bucket state, for ever. After NATS refused an
/// event (server restarting), it starts again from the hub's snapshot, so the stream and the
/// bucket carry the full state again.
async fn publish_venue(js: jetstream::Context, kv: kv::Store, key: String, hub: Arc<Hub>) {
    let subject = events_subject(&key);
    let state = state_key(&key);
    loop {
        let mut sub = hub.subscribe();
        let mut snapshot = Snapshot::default();
        let mut seq = 0;
        let mut pending = std::mem::take(&mut sub.initial);
        let mut dirty = true;
        let mut state_failing = false;
        let mut flush = tokio::time::interval(STATE_WRITE_GAP);
        let failed = 'run: loop {
            for ev in std::mem::take(&mut pending) {
                let body = match to_json(&ev) {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::warn!(error = %e, "event not published");
                        continue;
                    }
                };
                let ack = match js.publish(subject.clone(), body.into()).await {
                    Ok(ack) => ack.await,
                    Err(e) => break 'run e.to_string(),
                };
                match ack {
                    Ok(ack) => seq = ack.sequence,
                    Err(e) => break 'run e.to_string(),
                }
                snapshot.apply(&ev);
                dirty = true;
            }
            tokio::select! {
                r = sub.live.recv() => match r {
                    Ok(ev) => pending.push(ev),
                    Err(broadcast::error::RecvError::Lagged(_)) => break 'run "fell behind the hub".to_owned(),
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = flush.tick(), if dirty => {
                    let record = StateRecord { seq, events: snapshot.events() };
                    match to_json(&record) {
                        Ok(body) => {
                            // A state the bucket refuses (larger than the server's
                            // max_payload) must not stop the stream: edges then start from an
                            // older state and catch up from the stream. Said once per run.
                            match kv.put(state.as_str(), body.into()).await {
                                Ok(_) => state_failing = false,
                                Err(e) if !state_failing => {
                                    state_failing = true;
                                    tracing::warn!(venue = %key, error = %e, "the bucket refused the latest state; the stream goes on");
                                }
                                Err(_) => {}
                            }
                            dirty = false;
                        }
                        Err(e) => tracing::warn!(error = %e, "state not written"),
                    }
                }
            }
        };
        tracing::warn!(venue = %key, error = %failed, "publishing to NATS failed; starting again from the snapshot");
        tokio::time::sleep(RETRY).await;
    }
}

/// Answers one venue's requests.
struct Responder {
    client: async_nats::Client,
    hub: Arc<Hub>,
    policy: Arc<FeedPolicy>,
    /// One audit log handle per user (the file is the same).
    audits: Arc<Mutex<HashMap<String, Arc<AuditLog>>>>,
}

impl Responder {
    async fn run(self, subject: String) {
        let this = Arc::new(self);
        loop {
            let mut sub = match this
                .client
                .queue_subscribe(subject.clone(), "blotter-feed".to_owned())
                .await
            {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot subscribe to requests; retrying");
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
            };
            while let Some(msg) = sub.next().await {
                let Some(reply_to) = msg.reply.clone() else {
                    continue;
                };
                let this = this.clone();
                tokio::spawn(async move {
                    let reply = match from_json::<Request>(&msg.payload) {
                        Ok(req) => this.answer(req).await,
                        Err(e) => Reply::Bad(e.to_string()),
                    };
                    if let Ok(body) = to_json(&reply) {
                        let _ = this.client.publish(reply_to, body.into()).await;
                    }
                });
            }
        }
    }

    async fn audit_for(&self, user: &str) -> Result<Option<Arc<AuditLog>>, String> {
        let Some(path) = self.policy.audit_file.clone() else {
            return Ok(None);
        };
        let mut audits = self.audits.lock().await;
        if let Some(log) = audits.get(user) {
            return Ok(Some(log.clone()));
        }
        let owned = user.to_owned();
        let log = tokio::task::spawn_blocking(move || AuditLog::open(&path, owned))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("AUDIT LOG UNAVAILABLE: {e}"))?;
        let log = Arc::new(log);
        audits.insert(user.to_owned(), log.clone());
        Ok(Some(log))
    }

    async fn answer(&self, req: Request) -> Reply {
        let venue = self.hub.venue();
        match req {
            Request::Act { who, action } => {
                let role = self.policy.role(&who);
                let user = crate::sanitize::clean_truncated(&who.user, 32).into_owned();
                let actor = Actor {
                    user: user.clone(),
                    source: crate::sanitize::clean_truncated(&who.source, 80).into_owned(),
                    role,
                };
                let (audit, audit_error) = match self.audit_for(&user).await {
                    Ok(a) => (a, None),
                    Err(e) => (None, Some(e)),
                };
                let outcome =
                    crate::actions::execute(venue.as_ref(), &action, &actor, audit.as_ref()).await;
                if outcome.sent {
                    self.hub.refresh_after_action();
                }
                Reply::Acted {
                    result: outcome.result,
                    sent: outcome.sent,
                    audit_error: outcome.audit_error.or(audit_error),
                }
            }
            Request::Refresh => {
                self.hub.refresh();
                Reply::Refreshed
            }
            Request::FetchMulti(id) => Reply::Multi(Box::new(venue.multi_order(&id).await)),
            Request::FetchFills(id) => Reply::Fills(venue.fills(&id).await),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(source: &str, role: Role) -> Who {
        Who {
            user: "u".into(),
            source: source.into(),
            role,
        }
    }

    #[test]
    fn the_feed_lowers_a_claimed_role_and_never_raises_it() {
        let policy = FeedPolicy {
            roles: [
                ("SHA256:view".to_owned(), Role::Viewer),
                ("SHA256:trade".to_owned(), Role::Trader),
            ]
            .into(),
            demo_role: Role::Viewer,
            ..FeedPolicy::default()
        };
        assert_eq!(
            policy.role(&who("ssh SHA256:view", Role::Trader)),
            Role::Viewer
        );
        assert_eq!(
            policy.role(&who("ssh SHA256:trade", Role::Viewer)),
            Role::Viewer
        );
        assert_eq!(
            policy.role(&who("ssh SHA256:trade", Role::Trader)),
            Role::Trader
        );
        assert_eq!(policy.role(&who("ssh demo", Role::Trader)), Role::Viewer);
        assert_eq!(
            policy.role(&who("ssh SHA256:other", Role::Viewer)),
            Role::Viewer
        );
    }
}
